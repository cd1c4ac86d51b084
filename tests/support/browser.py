"""Checks the browser tests share."""

from __future__ import annotations

import os

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

from tests.conftest import PASSWORD

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
# Screenshots land here when set (look at them after a layout change).
SHOTS = os.environ.get("SILA_SCREENSHOTS")


def mark(page: Page) -> None:
    """Set a marker that only a full page load would erase."""
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def wait_until_settled(page: Page) -> None:
    """Wait until htmx has settled what it swapped in. htmx attaches a new element's
    triggers only when it settles (and then removes ``htmx-added``): a change a test makes
    in the few milliseconds before would never reach the server. A person is never that
    fast."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-request')")


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=full_page)


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing scrolls sideways, and nothing is cut off either: in a right-to-left page what
    sticks out on the right cannot be scrolled to, so scrollWidth alone would miss it."""
    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"
    sticking_out = page.evaluate("""() => {
        const found = [];
        for (const element of document.body.querySelectorAll("*")) {
            const box = element.getBoundingClientRect();
            if (!box.width || !box.height || element.closest(".visually-hidden-focusable"))
                continue;
            if (box.left < -1 || box.right > window.innerWidth + 1)
                found.push(`${element.tagName}.${element.className} ${box.left}…${box.right}`);
        }
        return found;
    }""")
    assert not sticking_out, f"off the screen's edge: {sticking_out[:5]}"


# Reports a Content-Security-Policy violation to the test: the browser's console message
# names the directive, the event also says what was blocked and where.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.silaCspViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` in ${event.sourceFile || event.documentURI}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""));
});
"""
# Resource types whose 4xx answers are the app's deliberate answers (a refused form, an
# expired link): the browser logs "Failed to load resource" for them, which is no error.
ANSWER_TYPES = {"document", "xhr", "fetch"}


class BrowserProblems:
    """What went wrong in the browser during a test: console errors, uncaught exceptions
    and Content-Security-Policy violations, on every page of every watched context."""

    def __init__(self) -> None:
        self.console_errors: list[tuple[str, str]] = []   # (text, resource url)
        self.exceptions: list[str] = []
        self.violations: list[str] = []
        self.answers: set[str] = set()

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding("silaCspViolation",
                               lambda _source, detail: self.violations.append(detail))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        for page in context.pages:
            self.watch_page(page)
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.exceptions.append(f"{error} ({page.url})"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in ANSWER_TYPES:
            self.answers.add(response.url)

    def report(self) -> list[str]:
        found = [f"CSP violation: {violation}" for violation in self.violations]
        found += [f"uncaught exception: {error}" for error in self.exceptions]
        found += [f"console error: {text} ({url})" for text, url in self.console_errors
                  if not (text.startswith("Failed to load resource") and url in self.answers)]
        return found


def signed_in_page(new_context, live_server, email: str, viewport) -> Page:
    """A new browser (its own cookies) signed in as ``email``, on the home page, in Arabic."""
    page = new_context(viewport=viewport, locale="ar-SA").new_page()
    page.goto(f"{live_server.url}/login")
    page.locator("#field-email").fill(email)
    page.locator("#field-password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page
