"""In a real browser, in Arabic: a call system's ringing event pops the caller's card on the
agent's console without a reload, the agent logs the call from it; a call logged from the
form finds the caller by number and joins their open ticket."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

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
SECRET = "pbx-secret"
# The console asks every five seconds; a card shows within one round.
POLL = 12_000


def signed_event(live_server, **fields) -> dict:
    from plugins.phone.parsing import sign

    body = json.dumps(fields).encode()
    request = urllib.request.Request(
        f"{live_server.url}/channels/phone/events", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Sila-Signature": sign(SECRET, body)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def phone_desk(live_server):
    """The phone channel connected to a call system; a known caller with an open ticket."""
    from helpdesk.channels.models import ChannelConfig
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    email = live_server.create_user("agent", "huda@example.org", "هدى الحربي")
    with live_server.app.app_context():
        db.session.add(ChannelConfig(channel_key="phone", active=True, settings={
            "telephony_secret": SECRET, "agent_extensions": "201=huda@example.org"}))
        person = Contact(kind="beneficiary", name="سالم العتيبي", phone="+966551234567",
                         data={})
        db.session.add(person)
        db.session.commit()
        number = open_ticket(channel_key="phone", kind="inquiry", contact=person,
                             subject="استفسار عن دعم الإيجار").number
        db.session.remove()
    return email, number


def ticket_counts(live_server) -> tuple[int, int]:
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Event, Ticket

    with live_server.app.app_context():
        tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        notes = db.session.scalar(select(func.count()).select_from(Event)
                                  .where(Event.type == "note"))
        db.session.remove()
    return tickets, notes


def test_a_ringing_call_pops_the_caller_s_card_and_the_agent_logs_it(
        page, live_server, sign_in, phone_desk):
    email, _number = phone_desk
    page.set_viewport_size(DESKTOP)
    sign_in(email)
    page.goto(f"{live_server.url}/channels/")
    page.goto(f"{live_server.url}/channels/phone/")
    expect(page.get_by_test_id("no-ringing")).to_be_visible()
    mark(page)

    answer = signed_event(live_server, call_id="pbx-77", event="ringing", **{"from": "0551234567"},
                          agent="201")
    assert answer["state"] == "ringing"
    card = page.get_by_test_id("caller-card")
    expect(card).to_contain_text("سالم العتيبي", timeout=POLL)
    expect(card).to_contain_text("استفسار عن دعم الإيجار")
    assert_not_reloaded(page)
    shoot(page, "phone-ringing-desktop")
    # The same event again changes nothing.
    assert signed_event(live_server, call_id="pbx-77", event="ringing",
                        **{"from": "0551234567"}, agent="201")["duplicate"] is True

    card.get_by_test_id("log-this-call").click()
    form = page.get_by_test_id("call-form")
    expect(form.locator("#field-phone")).to_have_value("0551234567")
    expect(page.get_by_test_id("caller-found")).to_contain_text("سالم العتيبي")
    form.locator("#field-outcome").select_option("call_back")
    form.locator("#field-notes").fill("يطلب معرفة موعد صرف دعم الإيجار؛ وعدناه بالاتصال غدًا.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("سُجّلت المكالمة")
    expect(page.get_by_test_id("no-ringing")).to_be_visible()
    assert ticket_counts(live_server) == (2, 0)


def test_a_missed_call_from_the_call_system_waits_in_the_queue(page, live_server, sign_in,
                                                               phone_desk):
    email, _number = phone_desk
    signed_event(live_server, call_id="pbx-78", event="missed", **{"from": "0557654321"})
    signed_event(live_server, call_id="pbx-78", event="missed", **{"from": "0557654321"})
    sign_in(email)
    page.goto(f"{live_server.url}/tickets")
    expect(page.get_by_text("مكالمة فائتة")).to_have_count(1)
    assert ticket_counts(live_server) == (2, 0)


def test_a_call_logged_from_the_form_on_a_phone_joins_the_caller_s_open_ticket(
        page, live_server, sign_in, phone_desk):
    email, number = phone_desk
    page.set_viewport_size(PHONE)
    sign_in(email)
    page.goto(f"{live_server.url}/channels/phone/")
    page.get_by_test_id("log-call").click()
    form = page.get_by_test_id("call-form")
    form.locator("#field-phone").fill("٠٥٥١٢٣٤٥٦٧")
    expect(page.get_by_test_id("caller-found")).to_contain_text("سالم العتيبي")
    wait_until_settled(page)
    page.locator(f"#ticket-{number}").check()
    form.locator("#field-national_id").fill("1234567890")
    form.locator("#field-notes").fill("اتصل يسأل عن موعد الزيارة الميدانية.")
    form.locator("button[type=submit]").click()
    # A wrong national ID: said in Arabic at the field, everything typed is kept.
    expect(page.get_by_test_id("error-national_id")).to_be_visible()
    expect(page.locator("#field-notes")).to_have_value("اتصل يسأل عن موعد الزيارة الميدانية.")
    expect(page.locator(f"#ticket-{number}")).to_be_checked()
    assert_no_horizontal_scroll(page)
    shoot(page, "phone-log-error-360")
    page.locator("#field-national_id").fill("")
    page.get_by_test_id("call-form").locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"ملاحظةً على التذكرة {number}")
    assert ticket_counts(live_server) == (1, 1)
