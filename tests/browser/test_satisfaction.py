"""In a real browser, in Arabic: the person rates from the survey's link on a 360-pixel phone;
the front desk hands a tablet over in kiosk mode; a manager marks a suggestion acted on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, shoot

pytestmark = pytest.mark.browser

TABLET = {"width": 800, "height": 1280}
ARABIC = {"locale": "ar-SA", "extra_http_headers": {"Accept-Language": "ar"}}


def _resolved_ticket(live_server) -> tuple[str, str]:
    """A resolved inquiry of an agent; returns its number and the survey link it sent."""
    from sqlalchemy import select

    from helpdesk.accounts.models import User
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets import services
    from helpdesk.tickets.outbox_models import OutboxMessage

    email = live_server.create_user("agent", "agent@example.org", "ريم العتيبي")
    with live_server.app.app_context():
        agent = db.session.scalar(select(User).where(User.email == email))
        contact = Contact(name="أم عبدالله", phone="+966551234567")
        db.session.add(contact)
        db.session.commit()
        ticket = services.open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                                      subject="استفسار عن السلال الغذائية")
        services.take(ticket, actor=agent, expected_version=None)
        services.start(ticket, actor=agent, expected_version=None)
        services.resolve(ticket, actor=agent, expected_version=None)
        body = db.session.scalar(select(OutboxMessage.body).where(
            OutboxMessage.ticket_id == ticket.id,
            OutboxMessage.purpose == "rating_invitation"))
        path = re.search(r"/survey/\S+", body).group(0)
        return ticket.number, path


def test_a_person_rates_from_the_survey_link_on_a_phone(new_context, live_server):
    _number, path = _resolved_ticket(live_server)
    page = new_context(viewport=PHONE, **ARABIC).new_page()
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("survey")).to_be_visible()
    assert_no_horizontal_scroll(page)
    shoot(page, "satisfaction-survey-phone")
    page.get_by_test_id("survey-form").locator("button[type=submit]").click()  # nothing chosen
    expect(page.get_by_test_id("error-stars")).to_be_visible()
    page.locator("label[for=stars-4]").click()
    page.locator("label[for=courtesy-5]").click()
    page.locator("#field-comment").fill("تعامل راقٍ وسريع")
    page.get_by_test_id("survey-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("rating-editable")).to_be_visible()
    expect(page.locator("#stars-4")).to_be_checked()
    expect(page.locator("#field-comment")).to_have_value("تعامل راقٍ وسريع")
    assert_no_horizontal_scroll(page)
    shoot(page, "satisfaction-survey-rated-phone")


def test_the_front_desk_hands_over_a_signed_out_kiosk(new_context, live_server):
    number, _path = _resolved_ticket(live_server)
    page = new_context(viewport=TABLET, **ARABIC).new_page()
    page.goto(f"{live_server.url}/login")
    page.locator("#field-email").fill("agent@example.org")
    page.locator("#field-password").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/tickets/{number}")
    expect(page.get_by_test_id("panel-satisfaction")).to_be_visible()
    shoot(page, "satisfaction-ticket-panel-tablet")
    page.get_by_test_id("kiosk-open").locator("button").click()
    expect(page.get_by_test_id("kiosk-form")).to_be_visible()
    assert "/kiosk/rate/" in page.url
    kiosk_url = page.url
    assert_no_horizontal_scroll(page)
    shoot(page, "satisfaction-kiosk-tablet")
    page.locator("label[for=stars-5]").click()
    page.locator("label[for=speed-4]").click()
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("kiosk-thanks")).to_be_visible()
    assert number not in page.content()
    shoot(page, "satisfaction-kiosk-thanks")
    # The staff member's session did not stay on the tablet, and the page works once.
    page.goto(f"{live_server.url}/tickets")
    assert "/login" in page.url
    page.goto(kiosk_url)
    expect(page.get_by_test_id("kiosk-thanks")).to_be_visible()


def test_a_manager_marks_a_suggestion_acted_on(new_context, live_server):
    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.satisfaction.services import rate
    from helpdesk.tickets.models import Ticket
    from helpdesk.tickets.services import open_ticket

    number, _path = _resolved_ticket(live_server)
    live_server.create_user("manager", "manager@example.org", "فهد الغامدي")
    with live_server.app.app_context():
        team = Team(key="relations", name_ar="العلاقات", name_en="Relations")
        db.session.add(team)
        db.session.commit()
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number))
        ticket.team_id = team.id
        db.session.commit()
        rate(ticket, {"stars": "2", "speed": "1", "comment": "انتظرت أسبوعًا دون رد"})
        open_ticket(channel_key="phone", kind="suggestion",
                    subject="اقتراح: فتح مكتب الاستقبال مساء الخميس")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_context(viewport=viewport, **ARABIC).new_page()
        page.goto(f"{live_server.url}/login")
        page.locator("#field-email").fill("manager@example.org")
        page.locator("#field-password").fill("correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/satisfaction/review")
        item = page.locator("[data-review-item^=suggestion-]").first
        expect(item).to_contain_text("مكتب الاستقبال")
        expect(page.locator("[data-review-item^=comment-]")).to_contain_text("انتظرت أسبوعًا")
        assert_no_horizontal_scroll(page)
        shoot(page, f"satisfaction-review-{name}")
        if name == "phone":
            expect(item).to_have_attribute("data-review-status", "acted_on")
            continue
        item.get_by_label("عُمل به", exact=True).check()
        item.locator("form button[type=submit]").click()
        expect(page.get_by_test_id("error-action_taken")).to_be_visible()
        item = page.locator("[data-review-item^=suggestion-]").first
        item.locator("textarea[name=action_taken]").fill("اعتمدنا دوامًا مسائيًا يوم الخميس")
        item.locator("form button[type=submit]").click()
        item = page.locator("[data-review-item^=suggestion-]").first
        expect(item).to_have_attribute("data-review-status", "acted_on")
        expect(item).to_contain_text("اعتمدنا دوامًا مسائيًا")
        page.goto(f"{live_server.url}/satisfaction/teams")
        expect(page.get_by_test_id("satisfaction-tabs")).to_be_visible()
        shoot(page, "satisfaction-teams-desktop")
        page.goto(f"{live_server.url}/satisfaction/follow-ups")
        expect(page.get_by_test_id("follow-ups-intro")).to_be_visible()
        shoot(page, "satisfaction-follow-ups-desktop")
