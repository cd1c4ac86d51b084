"""In Arabic, at 360 px: a relations agent reads a phone inquiry, sees it is a complaint and
says so from the side panel. The ticket's kind, its timeline and its time left change in
place, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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


@pytest.fixture
def inquiry(live_server) -> str:
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service
    from helpdesk.tickets.services import open_ticket

    with live_server.app.app_context():
        contact = Contact(name="أم خالد", phone="+966551112233")
        food = Service(key="food", name_ar="السلال الغذائية", name_en="Food baskets")
        db.session.add_all([contact, food])
        db.session.commit()
        ticket = open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                             subject="تأخر صرف السلة الغذائية",
                             body="سجلت منذ شهر ولم يصلني شيء، وهذا تقصير من الفرع.")
        number = ticket.number
        db.session.remove()
    return number


def test_an_agent_marks_a_phone_inquiry_as_a_complaint(page, live_server, sign_in, inquiry):
    agent = live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    page.set_viewport_size(PHONE)
    sign_in(agent)
    page.goto(f"{live_server.url}/tickets/{inquiry}")
    header = page.locator("#ticket-header")
    expect(header).to_contain_text("استفسار")
    resolution = page.get_by_test_id("sla-resolution")
    expect(resolution).to_contain_text("متبقٍ")
    time_left_before = resolution.inner_text()
    panel = page.get_by_test_id("panel-classification")
    panel.scroll_into_view_if_needed()
    assert_no_horizontal_scroll(page)
    mark(page)

    # Nothing chosen differently: said at the field, nothing changes.
    panel.get_by_test_id("submit-reclassify").click()
    panel = page.get_by_test_id("panel-classification")
    expect(panel.get_by_test_id("error-reclassify-kind")).to_contain_text("لا شيء يتغيّر")
    wait_until_settled(page)

    panel.locator("#field-reclassify-kind").select_option(label="شكوى")
    panel.locator("#field-reclassify-service_id").select_option(label="السلال الغذائية")
    panel.get_by_test_id("submit-reclassify").click()
    expect(page.get_by_test_id("ticket-alert")).to_contain_text("حُفظ النوع والخدمة")
    wait_until_settled(page)
    assert_not_reloaded(page)

    expect(header).to_contain_text("شكوى")
    expect(header).to_contain_text("السلال الغذائية")
    entry = page.locator('[data-event-type="reclassified"]')
    expect(entry).to_contain_text("تغيّر النوع أو الخدمة")
    expect(entry.get_by_test_id("reclassified-kind")).to_contain_text("استفسار")
    expect(entry.get_by_test_id("reclassified-kind")).to_contain_text("شكوى")
    expect(entry.get_by_test_id("reclassified-service")).to_contain_text("السلال الغذائية")
    resolution = page.get_by_test_id("sla-resolution")
    expect(resolution).to_contain_text("متبقٍ")
    expect(resolution).not_to_have_text(time_left_before)  # five working days, not three
    expect(page.locator("#field-reclassify-kind")).to_have_value("complaint")
    assert_no_horizontal_scroll(page)
    shoot(page, "reclassify-phone-after")
    entry.scroll_into_view_if_needed()
    shoot(page, "reclassify-phone-timeline", full_page=False)
    page.get_by_test_id("panel-classification").scroll_into_view_if_needed()
    shoot(page, "reclassify-phone-panel", full_page=False)

    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(page.get_by_test_id("panel-classification")).to_be_visible()
    assert_no_horizontal_scroll(page)
    shoot(page, "reclassify-desktop")
