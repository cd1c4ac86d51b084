"""Checks the browser tests share."""

from __future__ import annotations

import os

from playwright.sync_api import Page

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
