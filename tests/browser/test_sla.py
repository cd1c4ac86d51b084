"""In a real browser, in Arabic at 360 px: an administrator sets a service-level target (a
zero is refused at the field, keeping what was typed), and a new ticket then shows the
working time it has left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import PHONE, assert_no_horizontal_scroll, shoot, wait_until_settled

pytestmark = pytest.mark.browser


def test_an_admin_sets_a_target_and_a_new_ticket_shows_its_time_left(page, live_server,
                                                                      sign_in):
    admin = live_server.create_user("admin", "admin@example.org", "مدير النظام")
    page.set_viewport_size(PHONE)
    sign_in(admin)

    page.goto(f"{live_server.url}/admin/sla")
    expect(page.locator("h1")).to_have_text("أهداف مستوى الخدمة")
    card = page.get_by_test_id("sla-kind-support_request")
    card.locator("[name=first_response_days]").fill("0")
    card.locator("[name=resolution_days]").fill("8")
    card.get_by_role("button", name="حفظ").click()
    card = page.get_by_test_id("sla-kind-support_request")
    expect(card.get_by_test_id("error-first_response_days")).to_have_text(
        "يجب أن يكون الهدف أكثر من صفر يوم عمل.")
    expect(card.locator("[name=first_response_days]")).to_have_value("0")
    expect(card.locator("[name=resolution_days]")).to_have_value("8")
    wait_until_settled(page)
    assert_no_horizontal_scroll(page)

    card.locator("[name=first_response_days]").fill("0.5")
    card.get_by_role("button", name="حفظ").click()
    card = page.get_by_test_id("sla-kind-support_request")
    expect(card.get_by_test_id("saved")).to_be_visible()
    expect(card.locator("[name=resolution_days]")).to_have_value("8")

    page.goto(f"{live_server.url}/tickets/new?channel=branch_visits")
    form = page.get_by_test_id("intake-form")
    form.locator("#field-kind").select_option("support_request")
    form.locator("#field-name").fill("أبو سلمان")
    form.locator("#field-phone").fill("0551234567")
    form.locator("#field-visit_date").fill("2026-11-20")
    form.locator("#field-summary").fill("أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    form.locator("button[type=submit]").click()
    wait_until_settled(page)
    resolution = page.get_by_test_id("sla-resolution")
    expect(resolution).to_contain_text("متبقٍ")
    expect(resolution).to_contain_text(re.compile(r"أيام عمل|يوم عمل"))
    expect(resolution).to_contain_text(re.compile(r"14\d\d هـ"))  # the due date, Hijri
    expect(resolution).to_contain_text(re.compile(r"20\d\d"))     # and Gregorian
    expect(page.get_by_test_id("sla-first_response")).to_contain_text("متبقٍ")
    assert_no_horizontal_scroll(page)
    shoot(page, "sla-ticket-time-left-phone")
