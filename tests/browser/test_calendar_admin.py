"""In Arabic on a 360 px phone: an administrator generates the year's holidays, adds a
holiday and a closure (one date typed in Hijri), is told at the field when a closure ends
before it starts, and reads every day in Hijri and Gregorian; the page also fits a desktop."""

from __future__ import annotations

from datetime import date

import pytest
from hijridate import Gregorian
from playwright.sync_api import expect

from helpdesk.db_types import utcnow
from helpdesk.i18n.dates import to_riyadh
from tests.support.browser import (
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    assert_not_reloaded,
    mark,
    shoot,
    wait_until_settled,
)

pytestmark = pytest.mark.browser

HOLIDAY = "إجازة اليوم الوطني الإضافية"
CLOSURE = "الانتقال إلى المقر الجديد"


def test_an_admin_sets_a_holiday_and_a_closure_on_a_phone(page, live_server, sign_in):
    year = to_riyadh(utcnow()).year
    admin = live_server.create_user("admin", "admin@example.org", "مدير النظام")
    page.set_viewport_size(PHONE)
    sign_in(admin)
    page.locator("[data-testid=menu-toggler]").click()
    page.get_by_role("link", name="تقويم العمل").click()
    expect(page.get_by_role("heading", name="تقويم العمل", level=1)).to_be_visible()
    mark(page)

    generate = page.locator("[data-testid=generate-form]")
    generate.locator("#field-year").select_option(str(year))
    generate.get_by_role("button").click()
    expect(page.locator("[data-testid=calendar-saved]")).to_contain_text("وُلّدت العطل")
    wait_until_settled(page)
    national_day = page.locator(f"[data-testid=holidays-{year}] [data-testid=holiday]",
                                has_text="اليوم الوطني")
    expect(national_day).to_contain_text(f"23 سبتمبر {year}")

    holiday = page.locator("[data-testid=holiday-form]")
    holiday.locator("#field-holiday_name").fill(HOLIDAY)
    holiday.locator("#field-holiday_starts").fill(f"{year}-09-24")
    holiday.get_by_role("button").click()
    expect(page.locator("[data-testid=calendar-saved]")).to_contain_text("أُضيفت العطلة")
    wait_until_settled(page)
    added = page.locator(f"[data-testid=holidays-{year}] [data-testid=holiday]",
                         has_text=HOLIDAY)
    hijri = Gregorian(year, 9, 24).to_hijri()
    expect(added).to_contain_text(f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ")
    expect(added).to_contain_text(f"24 سبتمبر {year}")

    first = date(year + 1, 1, 11)
    first_hijri = Gregorian(first.year, first.month, first.day).to_hijri()
    typed_start = f"{first_hijri.year}-{first_hijri.month:02d}-{first_hijri.day:02d}"
    closure = page.locator("[data-testid=closure-form]")
    closure.locator("#field-closure_reason").fill(CLOSURE)
    closure.locator("#field-closure_starts").fill(typed_start)
    closure.locator("#field-closure_ends").fill(f"{year + 1}-01-05")
    closure.get_by_role("button").click()
    error = page.locator("[data-testid=error-closure_ends]")
    expect(error).to_have_text("لا يمكن أن يسبق اليوم الأخير اليوم الأول.")
    wait_until_settled(page)
    closure = page.locator("[data-testid=closure-form]")
    expect(closure.locator("#field-closure_reason")).to_have_value(CLOSURE)
    expect(closure.locator("#field-closure_starts")).to_have_value(typed_start)

    closure.locator("#field-closure_ends").fill(f"{year + 1}-01-12")
    closure.get_by_role("button").click()
    expect(page.locator("[data-testid=calendar-saved]")).to_contain_text("أُضيف الإغلاق")
    listed = page.locator("[data-testid=closure]", has_text=CLOSURE)
    expect(listed).to_contain_text(f"{first_hijri.day} {first_hijri.month_name('ar')}")
    expect(listed).to_contain_text(f"11 يناير {year + 1}")
    expect(listed).to_contain_text(f"12 يناير {year + 1}")
    assert_not_reloaded(page)
    assert_no_horizontal_scroll(page)
    shoot(page, "calendar-phone")

    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(page.locator("[data-testid=closure]", has_text=CLOSURE)).to_be_visible()
    assert_no_horizontal_scroll(page)
    shoot(page, "calendar-desktop")
