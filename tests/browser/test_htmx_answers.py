"""In a real browser: answers other than 2xx that carry something to show are swapped in place.

htmx 2 swaps no 4xx answer by default; base.html configures it to swap 422 (the form again with
its errors), 409 (the fresh ticket with why nothing happened) and 403 (the refusal) on every
staff page, without a script of our own (the CSP allows none inline).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_not_reloaded, mark

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket_number(live_server) -> str:
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    with live_server.app.app_context():
        contact = Contact(name="أم خالد", phone="+966551234568")
        db.session.add(contact)
        db.session.commit()
        number = open_ticket(channel_key="help_requests", kind="inquiry", contact=contact,
                             subject="سؤال عن موعد التوزيع").number
        db.session.remove()
    return number


def test_an_empty_note_comes_back_with_its_message_at_the_field(page, live_server, sign_in,
                                                                ticket_number):
    sign_in(live_server.create_user("agent", "reem@example.org", "ريم العتيبي"))
    page.goto(f"{live_server.url}/tickets/{ticket_number}")
    mark(page)
    page.get_by_test_id("tab-internal").click()
    page.get_by_test_id("submit-reply").click()
    expect(page.get_by_test_id("error-reply-body")).to_be_visible()
    expect(page.locator("#reply-internal")).to_be_checked()
    assert_not_reloaded(page)


def test_an_action_on_a_ticket_changed_meanwhile_shows_the_fresh_ticket_and_why(
        page, live_server, sign_in, ticket_number):
    from helpdesk.accounts.models import User
    from helpdesk.extensions import db
    from helpdesk.tickets import services
    from helpdesk.tickets.models import Ticket

    sign_in(live_server.create_user("agent", "reem@example.org", "ريم العتيبي"))
    other = live_server.create_user("agent", "sara@example.org", "سارة الحربي")
    page.goto(f"{live_server.url}/tickets/{ticket_number}")
    mark(page)
    with live_server.app.app_context():
        ticket = db.session.scalar(db.select(Ticket).filter_by(number=ticket_number))
        actor = db.session.scalar(db.select(User).filter_by(email=other))
        services.add_tag(ticket, actor=actor, expected_version=None, name="عاجل")
        db.session.remove()
    page.get_by_test_id("action-take").click()
    expect(page.locator("[data-testid=ticket-alert][data-kind=warning]")).to_be_visible()
    expect(page.locator("#ticket [data-tag='عاجل']").first).to_be_visible()
    assert_not_reloaded(page)


def test_every_staff_page_swaps_form_errors_not_only_the_ticket_pages(page, live_server,
                                                                      sign_in):
    sign_in(live_server.create_user("agent", "reem@example.org", "ريم العتيبي"))
    page.goto(f"{live_server.url}/contacts")
    swapped = page.evaluate("""[403, 409, 422, 404, 500].map(code => htmx.config
        .responseHandling.find(rule => new RegExp(rule.code).test(String(code))).swap)""")
    assert swapped == [True, True, True, False, False]
