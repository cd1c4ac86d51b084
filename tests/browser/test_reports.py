"""A manager reads the reports in Arabic on a 360 px phone and a desktop: every chart is
drawn (no console error, no CSP violation) with its table of numbers, the filters choose a
channel and a Hijri month, and the board's report prints as an A4 document."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(live_server) -> str:
    """A manager, and this month's tickets from two channels, one closed and rated."""
    from helpdesk.admin.models import Association
    from helpdesk.db_types import utcnow
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Rating
    from helpdesk.tickets.services import open_ticket

    email = live_server.create_user("manager", "manager@example.org", "مديرة الجمعية")
    with live_server.app.app_context():
        db.session.add(Association(name_ar="جمعية البر الخيرية بالرياض"))
        tickets = [open_ticket(channel_key=channel, kind=kind, subject="استفسار عن الخدمات")
                   for channel, kind in (("phone", "inquiry"), ("phone", "complaint"),
                                         ("branch_visits", "suggestion"),
                                         ("help_requests", "support_request"))]
        closed = tickets[0]
        closed.status, closed.closed_at = "closed", utcnow()
        db.session.add(Rating(ticket_id=closed.id, stage="closed", stars=4))
        db.session.commit()
        db.session.remove()
    return email


def charts_drawn(page: Page) -> int:
    """How many canvases Chart.js has drawn on."""
    return page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')]"
                         ".filter(c => c.chart && c.width > 0).length")


def test_a_manager_reads_every_chart_with_its_numbers_on_a_desktop(page, live_server, sign_in,
                                                                  manager):
    page.set_viewport_size(DESKTOP)
    sign_in(manager)
    page.get_by_role("link", name="التقارير").first.click()
    page.wait_for_url(re.compile(r".*/reports/$"))
    expect(page.get_by_role("heading", name="التقارير", level=1)).to_be_visible()
    canvases = page.locator("canvas[data-chart]").count()
    assert canvases >= 10
    page.wait_for_function("(n) => [...document.querySelectorAll('canvas[data-chart]')]"
                           ".filter(c => c.chart).length === n", arg=canvases)
    assert charts_drawn(page) == canvases
    expect(page.get_by_test_id("table-volume_channel")).to_contain_text("٤")
    expect(page.get_by_test_id("report-period")).to_contain_text("هـ")
    shoot(page, "desktop-reports")
    for section in ("volume", "times", "satisfaction"):
        page.locator(f"#section-{section}").scroll_into_view_if_needed()
        shoot(page, f"desktop-reports-{section}", full_page=False)
    assert_no_horizontal_scroll(page)


def test_filtering_by_channel_and_a_hijri_month(page, live_server, sign_in, manager):
    page.set_viewport_size(DESKTOP)
    sign_in(manager)
    page.goto(f"{live_server.url}/reports/")
    year = page.locator("#field-hijri_year").input_value()
    page.locator("#field-channel").select_option("phone")
    page.locator("#field-hijri_month").select_option("5")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r".*channel=phone.*"))
    arabic_year = year.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    expect(page.get_by_test_id("period-hijri")).to_contain_text(f"جمادى الأولى {arabic_year} هـ")
    expect(page.locator("#field-channel")).to_have_value("phone")
    # Back to this month, phone only: two tickets.
    page.goto(f"{live_server.url}/reports/?channel=phone")
    total = page.get_by_test_id("table-volume_channel").locator("tbody tr td:last-child")
    values = [text.strip() for text in total.all_inner_texts()]
    assert "٢" in values and "٤" not in values
    expect(page.get_by_test_id("chart-volume_channel")).to_be_visible()


def test_on_a_phone_the_reports_fit_the_screen(page, live_server, sign_in, manager):
    page.set_viewport_size(PHONE)
    sign_in(manager)
    page.goto(f"{live_server.url}/reports/")
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')]"
                           ".every(c => c.chart)")
    assert_no_horizontal_scroll(page)
    box = page.get_by_test_id("chart-satisfaction").bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 100
    shoot(page, "phone-reports")
    for section in ("volume", "committee"):
        page.locator(f"#section-{section}").scroll_into_view_if_needed()
        shoot(page, f"phone-reports-{section}", full_page=False)


def test_the_board_report_prints_on_a4_with_the_association_and_both_calendars(
        page, live_server, sign_in, manager):
    page.set_viewport_size(DESKTOP)
    sign_in(manager)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_test_id("board-link").click()
    page.wait_for_url(re.compile(r".*/reports/board.*"))
    expect(page.get_by_test_id("association-name")).to_have_text("جمعية البر الخيرية بالرياض")
    expect(page.get_by_test_id("board-period")).to_contain_text("هـ")
    expect(page.get_by_test_id("board-issued")).to_contain_text("هـ")
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')]"
                           ".every(c => c.chart)")
    shoot(page, "desktop-board")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print")).to_be_hidden()
    shoot(page, "print-board")
    shoot(page, "print-board-top", full_page=False)
    pdf = page.pdf(prefer_css_page_size=True)
    # A4 is 595 × 842 points; the report runs over several pages.
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", pdf)
    sizes = {(round(float(box[2])), round(float(box[3]))) for box in boxes}
    assert sizes == {(595, 842)}, sizes
    assert len(boxes) >= 2
