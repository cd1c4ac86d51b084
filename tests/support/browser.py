"""Checks the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page


def mark(page: Page) -> None:
    """Set a marker that only a full page load would erase."""
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
