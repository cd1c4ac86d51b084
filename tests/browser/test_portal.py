"""In a real browser, as a beneficiary on a 360-pixel phone with scripts off: track a request,
watch it move, send a missing document, rate after closure, read the policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PDF = b"%PDF-1.7\n% a scanned salary certificate\n"


def _staff_and_ticket(live_server):
    from sqlalchemy import select

    from helpdesk.accounts.models import User
    from helpdesk.channels.services import set_channel_active
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    email = live_server.create_user("manager", "manager@example.org", "نورة المديرة")
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == email))
        set_channel_active("social", False, staff)
        contact = Contact(name="أم عبدالله", phone="+966551234567")
        db.session.add(contact)
        db.session.commit()
        ticket = open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                             subject="استفسار عن السلال الغذائية",
                             body="متى موعد توزيع السلال الغذائية؟")
        return staff.id, ticket.number


def _act(live_server, staff_id, action, **kwargs):
    from helpdesk.accounts.models import User
    from helpdesk.extensions import db
    from helpdesk.tickets import services

    with live_server.app.app_context():
        staff = db.session.get(User, staff_id)
        getattr(services, action)(kwargs.pop("number"), actor=staff, expected_version=None,
                                  **kwargs)


@pytest.fixture
def phone_page(new_context):
    return new_context(viewport=PHONE, java_script_enabled=False).new_page()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_beneficiary_follows_their_request_from_a_phone_without_scripts(phone_page,
                                                                         live_server):
    page = phone_page
    staff_id, number = _staff_and_ticket(live_server)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("portal-actions")).to_be_visible()
    _fits(page)
    page.get_by_test_id("portal-actions").locator("a[href='/track']").click()

    # A wrong phone first: one generic message, the number kept.
    page.locator("#field-number").fill(number)
    page.locator("#field-phone").fill("0500000000")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("lookup-failed")).to_be_visible()
    expect(page.locator("#field-number")).to_have_value(number)
    page.locator("#field-phone").fill("0551234567")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status", "new")
    _fits(page)

    # Staff ask for a missing document: the page shows it after a reload.
    _act(live_server, staff_id, "request_information", number=number,
         missing=["تعريف بالراتب"])
    page.reload()
    expect(page.get_by_test_id("portal-status")).to_have_attribute(
        "data-status", "awaiting_information")
    expect(page.get_by_test_id("portal-timeline")).to_contain_text("تعريف بالراتب")

    page.locator("#field-body").fill("أرفقت تعريف الراتب")
    page.locator("#field-document").set_input_files(
        {"name": "تعريف بالراتب.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator("#reply button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("attachment")).to_contain_text("تعريف بالراتب.pdf")

    # Staff finish and close: the person rates the closed request.
    _act(live_server, staff_id, "information_received", number=number)
    _act(live_server, staff_id, "resolve", number=number)
    _act(live_server, staff_id, "close", number=number, resolution_code="answered",
         resolution_note="أُجيب الاستفسار")
    page.reload()
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#reply")).to_have_count(0)
    rating = page.get_by_test_id("portal-rating")
    rating.locator("label[for=stars-5]").click()
    rating.locator("#field-comment").fill("شكرًا على سرعة الرد")
    rating.locator("button[type=submit]").click()
    expect(page.get_by_test_id("your-rating")).to_contain_text("5")
    _fits(page)

    # The policy lists the channels that are enabled, and only those.
    page.locator("[data-testid=portal-nav] a[href='/policy']").click()
    channels = page.get_by_test_id("enabled-channels")
    expect(channels.locator("[data-channel=phone]")).to_be_visible()
    expect(channels.locator("[data-channel=social]")).to_have_count(0)
    expect(page.get_by_test_id("policy-steps").locator("li")).to_have_count(7)
    _fits(page)
