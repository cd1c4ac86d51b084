"""Checks the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page


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
