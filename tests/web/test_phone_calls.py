"""An agent logs a call in seconds: the number finds the person, the call opens a ticket or
joins an open one as a note, a promised call-back is tagged; a call system's ringing event
shows the caller's card to the agent it names."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from helpdesk.channels.models import ChannelConfig
from helpdesk.extensions import db
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.queries import ticket_tag_names
from plugins.phone.models import PhoneCall
from plugins.phone.parsing import sign

CALL = {"phone": "0551234567", "name": "أم فهد", "direction": "incoming",
        "outcome": "answered", "kind": "inquiry", "started_at": "2026-12-02T10:30",
        "duration_minutes": "٤", "notes": "تسأل عن موعد توزيع السلال.",
        "form_token": "call-form-token-0001"}


@pytest.fixture
def agent(make_user, login):
    user = make_user("agent", email="huda@example.org", name="هدى")
    login(user)
    return user


def count_tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def only_ticket() -> Ticket:
    db.session.expire_all()
    [ticket] = db.session.scalars(select(Ticket)).all()
    return ticket


def test_the_form_opens_in_arabic_with_now_as_the_start_time(client, agent):
    page = client.get("/channels/phone/calls/new").get_data(as_text=True)
    assert "تسجيل مكالمة" in page and "رقم المتصل" in page
    assert 'name="form_token"' in page and 'type="datetime-local"' in page


def test_a_logged_call_opens_a_ticket_with_the_call_s_details(client, agent):
    response = client.post("/channels/phone/calls/new", data=CALL)
    assert response.status_code == 302
    ticket = only_ticket()
    assert ticket.channel_key == "phone" and ticket.kind == "inquiry"
    assert ticket.contact.phone == "+966551234567" and ticket.contact.name == "أم فهد"
    assert ticket.channel_data["direction"] == "incoming"
    assert ticket.channel_data["outcome"] == "answered"
    assert ticket.channel_data["duration_minutes"] == 4
    assert ticket.channel_data["started_at"] == "2026-12-02T07:30:00+00:00"  # Riyadh → UTC
    assert ticket_tag_names(ticket) == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"فُتحت التذكرة {ticket.number}" in page


def test_the_same_form_sent_twice_logs_one_call(client, agent):
    client.post("/channels/phone/calls/new", data=CALL)
    response = client.post("/channels/phone/calls/new", data=CALL, follow_redirects=True)
    assert count_tickets() == 1
    assert "سُجّلت هذه المكالمة من قبل" in response.get_data(as_text=True)


def test_a_promised_call_back_is_tagged_with_its_day(client, agent):
    client.post("/channels/phone/calls/new",
                data={**CALL, "outcome": "call_back", "callback_on": "2026-12-03"})
    ticket = only_ticket()
    assert ticket_tag_names(ticket) == ["معاودة الاتصال"]
    assert ticket.channel_data["callback_on"] == "2026-12-03"


def test_the_number_finds_the_person_and_their_open_ticket(client, agent, make_ticket,
                                                         make_contact):
    person = make_contact(name="سالم العتيبي", phone="+966551234567")
    ticket = make_ticket(contact=person)
    fragment = client.get("/channels/phone/lookup?phone=٠٥٥١٢٣٤٥٦٧").get_data(as_text=True)
    assert "سالم العتيبي" in fragment
    assert f'value="{ticket.number}"' in fragment
    unknown = client.get("/channels/phone/lookup?phone=0559999999").get_data(as_text=True)
    assert "لا يوجد شخص مسجل بهذا الرقم" in unknown


def test_a_call_about_an_open_ticket_becomes_a_note_on_it(client, agent, make_ticket,
                                                        make_contact):
    person = make_contact(name="سالم العتيبي", phone="+966551234567")
    ticket = make_ticket(contact=person)
    response = client.post("/channels/phone/calls/new", data={**CALL, "ticket": ticket.number},
                           follow_redirects=True)
    assert "ملاحظةً على التذكرة" in response.get_data(as_text=True)
    assert count_tickets() == 1
    note = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                 Event.type == "note"))
    assert note.body == CALL["notes"] and note.visibility == "internal"
    assert note.data["details"]["outcome"] == "answered"
    client.post("/channels/phone/calls/new", data={**CALL, "ticket": ticket.number})
    assert db.session.scalar(select(func.count()).select_from(Event).where(
        Event.ticket_id == ticket.id, Event.type == "note")) == 1


def test_a_closed_or_unknown_ticket_is_refused_beside_the_choice(client, agent):
    response = client.post("/channels/phone/calls/new", data={**CALL, "ticket": "2026-999999"})
    assert response.status_code == 422
    assert "اختر تذكرة مفتوحة" in response.get_data(as_text=True)
    assert count_tickets() == 0


def test_a_wrong_phone_or_national_id_is_named_at_its_field_and_the_form_keeps_the_rest(
        client, agent):
    response = client.post("/channels/phone/calls/new",
                           data={**CALL, "phone": "05512", "national_id": "1234567890",
                                 "duration_minutes": "كثير", "notes": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("phone", "national_id", "duration_minutes", "notes"):
        assert f'data-testid="error-{name}"' in page
    assert "رقم الهوية" in page and "أم فهد" in page
    assert count_tickets() == 0


def test_a_ringing_call_shows_the_caller_s_card_only_to_the_agent_it_names(
        client, app, agent, make_user, make_contact):
    make_contact(name="سالم العتيبي", phone="+966551234567")
    db.session.add(ChannelConfig(channel_key="phone", active=True, settings={
        "telephony_secret": "s3cret", "agent_extensions": "201=huda@example.org"}))
    db.session.commit()
    assert "لا توجد مكالمة ترن لك" in client.get("/channels/phone/ringing").get_data(
        as_text=True)
    body = json.dumps({"call_id": "c-1", "event": "ringing", "from": "0551234567",
                       "agent": "201"}).encode()
    app.test_client().post("/channels/phone/events", data=body,
                           headers={"X-Sila-Signature": sign("s3cret", body)})
    card = client.get("/channels/phone/ringing").get_data(as_text=True)
    assert "سالم العتيبي" in card and 'data-call="c-1"' in card
    other = app.test_client()
    other.post("/login", data={"email": make_user("agent").email,
                               "password": "correct horse battery"})
    assert "سالم العتيبي" not in other.get("/channels/phone/ringing").get_data(as_text=True)


def test_logging_the_ringing_call_links_it_to_its_ticket_once(client, agent):
    db.session.add(PhoneCall(call_id="c-2", caller="0551234567", state="answered",
                             events=["ringing", "answered"], user_id=agent.id))
    db.session.commit()
    form = client.get("/channels/phone/calls/new?call_id=c-2").get_data(as_text=True)
    assert 'value="c-2"' in form and 'value="0551234567"' in form
    for token in ("first-form-token-1", "second-form-token-2"):  # two tabs, one call
        client.post("/channels/phone/calls/new",
                    data={**CALL, "call_id": "c-2", "form_token": token})
    ticket = only_ticket()
    call = db.session.scalar(select(PhoneCall).where(PhoneCall.call_id == "c-2"))
    assert call.ticket_number == ticket.number and call.state == "ended"
    assert "لا توجد مكالمة ترن لك" in client.get("/channels/phone/ringing").get_data(
        as_text=True)


def test_the_console_polls_for_ringing_calls(client, agent):
    page = client.get("/channels/phone/").get_data(as_text=True)
    assert 'hx-trigger="every 5s"' in page and "/channels/phone/ringing" in page


def test_the_ticket_page_shows_the_call_s_details(client, agent):
    client.post("/channels/phone/calls/new",
                data={**CALL, "outcome": "call_back", "callback_on": "2026-12-03"})
    page = client.get(f"/tickets/{only_ticket().number}").get_data(as_text=True)
    panel = page.split('data-testid="call-panel"', 1)[1].split("</dl>", 1)[0]
    assert "وارد" in panel and "معاودة الاتصال" in panel and ">4<" in panel
    assert "هـ" in panel   # the start and the call-back day in Hijri beside Gregorian
