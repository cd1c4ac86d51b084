"""In a real browser: an agent signs in in Arabic, sees the RTL shell, switches language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_agent_signs_in_in_arabic_and_sees_the_right_to_left_shell(page, live_server, sign_in):
    email = live_server.create_user("agent", "agent@example.org", "نورة القحطاني")
    page.goto(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    sign_in(email)
    expect(page.get_by_test_id("current-user")).to_have_text("نورة القحطاني")
    cards = page.locator("[data-testid=channel-cards] [data-channel]")
    expect(cards).to_have_count(8)
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == "rtl"
    # In RTL the brand sits at the right edge of the bar.
    brand = page.locator(".navbar-brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand["x"] > width / 2
    page.screenshot(path=str(live_server.app.instance_path) + "/home-ar.png", full_page=True)


def test_switching_to_english_and_back_changes_language_and_direction(page, live_server,
                                                                    sign_in):
    email = live_server.create_user("agent", "agent2@example.org", "Sara")
    sign_in(email)
    page.get_by_test_id("switch-locale").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Our channels")).to_be_visible()
    page.get_by_test_id("switch-locale").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("switch-locale")).to_have_text("English")


def test_the_channel_settings_toggle_works_with_htmx_in_place(page, live_server, sign_in):
    email = live_server.create_user("admin", "admin@example.org", "مدير النظام")
    sign_in(email)
    page.goto(f"{live_server.url}/admin/channels")
    row = page.locator("#channel-settings tr[data-channel=letters]")
    row.locator("button").click()
    expect(row.locator(".badge")).to_have_class("badge text-bg-secondary")
    assert page.url.endswith("/admin/channels")
    row.locator("button").click()
    expect(row.locator(".badge")).to_have_class("badge text-bg-success")
