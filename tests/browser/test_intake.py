"""In a real browser at phone width: a branch representative records a field visit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_a_branch_representative_records_a_visit_on_a_360_pixel_phone(page, live_server,
                                                                       sign_in):
    email = live_server.create_user("branch_rep", "rep@example.org", "سلمان القرني")
    page.set_viewport_size(PHONE)
    sign_in(email)
    page.goto(f"{live_server.url}/tickets/new")
    page.locator("[data-testid=intake-channels] [data-channel=branch_visits]").click()
    form = page.get_by_test_id("intake-form")
    expect(form).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for field in form.locator("input:visible, select, textarea").all():
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    form.locator("#field-kind").select_option("support_request")
    form.locator("#field-name").fill("أبو سلمان")
    form.locator("#field-phone").fill("0551234567")
    form.locator("#field-summary").fill("أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    form.locator("button[type=submit]").click()
    # The visit date was left empty: the form comes back with everything typed.
    expect(page.get_by_test_id("error-visit_date")).to_be_visible()
    expect(form.locator("#field-name")).to_have_value("أبو سلمان")
    expect(form.locator("#field-summary")).to_have_value(
        "أسرة من سبعة أفراد تحتاج ترميم سقف المنزل.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    form.locator("#field-visit_date").fill("2026-11-20")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"\d{4}-\d{6}"))
