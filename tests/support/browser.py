"""Checks the browser tests share."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response


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
