"""As a new person would, on a 360×740 phone, in Arabic: send a request through the contact
form and receive its number, track it, watch it move when staff act, add a missing document,
rate it after closure, find the enabled channels on the policy page; and, with JavaScript
off, submit and track."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PDF = b"%PDF-1.7\n% a scanned salary certificate\n"
MOBILE = "0551234567"


@pytest.fixture
def portal(live_server):
    """The live app as the public meets it: a person fills the form quicker than the spam
    check's default pause allows in a test, and one channel is switched off."""
    from sqlalchemy import select

    from helpdesk.accounts.models import User
    from helpdesk.channels.services import set_channel_active
    from helpdesk.extensions import db

    live_server.app.config["PORTAL_CONTACT_MIN_SECONDS"] = 0
    email = live_server.create_user("manager", "manager@example.org", "نورة المديرة")
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == email))
        set_channel_active("social", False, staff)
        live_server.staff_id = staff.id
    return live_server


def _phone_page(browser, *, javascript: bool):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript,
                                  locale="ar-SA")
    return context, context.new_page()


@pytest.fixture
def phone(browser):
    context, page = _phone_page(browser, javascript=True)
    yield page
    context.close()


@pytest.fixture
def phone_without_scripts(browser):
    context, page = _phone_page(browser, javascript=False)
    yield page
    context.close()


def _act(server, action: str, number: str, **kwargs) -> None:
    from helpdesk.accounts.models import User
    from helpdesk.extensions import db
    from helpdesk.tickets import services

    with server.app.app_context():
        staff = db.session.get(User, server.staff_id)
        getattr(services, action)(number, actor=staff, expected_version=None, **kwargs)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _send_contact_form(page, base_url: str) -> str:
    page.goto(f"{base_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("portal-actions").locator("a[href='/contact']").click()
    _fits(page)
    form = page.get_by_test_id("contact-form")
    form.locator("#field-kind").select_option("inquiry")
    form.locator("#field-name").fill("أم عبدالله")
    form.locator("#field-phone").fill(MOBILE)
    form.locator("#field-message").fill("متى موعد توزيع السلال الغذائية في حي النسيم؟")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("receipt-number")).to_be_visible()
    _fits(page)
    return page.get_by_test_id("receipt-number").inner_text().strip()


def _receipts(server, number: str) -> list:
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket
    from helpdesk.tickets.outbox_models import OutboxMessage

    with server.app.app_context():
        return list(db.session.execute(
            select(OutboxMessage.transport, OutboxMessage.to_phone, OutboxMessage.body)
            .join(Ticket, Ticket.id == OutboxMessage.ticket_id)
            .where(Ticket.number == number, OutboxMessage.purpose == "receipt")))


def _track(page, base_url: str, number: str, mobile: str) -> None:
    page.goto(f"{base_url}/track")
    page.locator("#field-number").fill(number)
    page.locator("#field-phone").fill(mobile)
    page.locator("main form button[type=submit]").click()


def test_a_new_person_sends_a_request_follows_it_adds_a_document_and_rates_it(phone,
                                                                             portal):
    page = phone
    number = _send_contact_form(page, portal.url)
    # The same number and the tracking link go out by SMS, once.
    [(transport, to_phone, body)] = _receipts(portal, number)
    assert (transport, to_phone) == ("sms", "+966551234567")
    assert number in body and "/t/" in body
    tracking_link = page.get_by_test_id("tracking-link").get_attribute("href")

    # Later, from the home page: the number and the phone find the request.
    _track(page, portal.url, number, "٠٥٥١٢٣٤٥٦٧")
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status", "new")
    expect(page.get_by_test_id("portal-timeline")).to_contain_text("حي النسيم")
    _fits(page)

    # Staff start and ask for a missing document: the person sees the request move.
    _act(portal, "start", number)
    page.reload()
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status",
                                                                   "in_progress")
    _act(portal, "request_information", number, missing=["تعريف بالراتب"])
    page.goto(tracking_link)
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
    _act(portal, "information_received", number)
    _act(portal, "resolve", number)
    _act(portal, "close", number, resolution_code="answered",
         resolution_note="أُجيب الاستفسار")
    page.reload()
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status", "closed")
    rating = page.get_by_test_id("portal-rating")
    rating.locator("label[for=stars-4]").click()
    rating.locator("#field-comment").fill("شكرًا على المتابعة")
    rating.locator("button[type=submit]").click()
    expect(page.get_by_test_id("your-rating")).to_contain_text("4")
    _fits(page)

    # The policy page lists the channels that are on, the website among them.
    page.locator("[data-testid=portal-nav] a[href='/policy']").click()
    channels = page.get_by_test_id("enabled-channels")
    expect(channels.locator("[data-channel=website]")).to_be_visible()
    expect(channels.locator("[data-channel=phone]")).to_be_visible()
    expect(channels.locator("[data-channel=social]")).to_have_count(0)
    _fits(page)


def test_with_javascript_off_a_person_submits_a_request_and_tracks_it(
        phone_without_scripts, portal):
    page = phone_without_scripts
    number = _send_contact_form(page, portal.url)

    # A wrong phone first: the generic answer, then the right one.
    _track(page, portal.url, number, "0500000000")
    expect(page.get_by_test_id("lookup-failed")).to_be_visible()
    expect(page.locator("#field-number")).to_have_value(number)
    page.locator("#field-phone").fill(MOBILE)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)
    expect(page.get_by_test_id("portal-status")).to_have_attribute("data-status", "new")
    _fits(page)


def test_with_javascript_off_a_mistake_is_shown_at_the_field_and_the_text_is_kept(
        phone_without_scripts, portal):
    page = phone_without_scripts
    page.goto(f"{portal.url}/contact")
    page.locator("#field-name").fill("سعد")
    page.locator("#field-phone").fill("12")
    page.locator("#field-message").fill("أرغب في الاستفسار عن مواعيد العمل")
    page.get_by_test_id("contact-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-phone")).to_be_visible()
    expect(page.locator("#field-phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-name")).to_have_value("سعد")
    expect(page.locator("#field-message")).to_have_value("أرغب في الاستفسار عن مواعيد العمل")
    page.locator("#field-phone").fill(MOBILE)
    page.get_by_test_id("contact-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("receipt-number")).to_be_visible()
    _fits(page)
