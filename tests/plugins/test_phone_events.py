"""The telephony endpoint: signed events from a call system, each recorded once; a missed
call queues one call-back; a ringing call reaches the agent it names."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from helpdesk.channels.models import ChannelConfig
from helpdesk.extensions import db
from helpdesk.tickets.models import ExternalRef, Ticket
from helpdesk.tickets.queries import ticket_tag_names
from plugins.phone.models import PhoneCall
from plugins.phone.parsing import BadSignature, agent_map, parse_event, sign, verify

SECRET = "pbx-secret-for-tests"
URL = "/channels/phone/events"


def body_of(**fields) -> bytes:
    payload = {"call_id": "pbx-1", "event": "ringing", "from": "0512345678", **fields}
    return json.dumps(payload).encode()


def post(client, body: bytes, secret: str = SECRET):
    return client.post(URL, data=body, content_type="application/json",
                       headers={"X-Sila-Signature": sign(secret, body)})


@pytest.fixture
def configured(app):
    db.session.add(ChannelConfig(channel_key="phone", active=True, settings={
        "telephony_secret": SECRET, "agent_extensions": "201 = Huda@Example.org\nbad line"}))
    db.session.commit()


def calls() -> int:
    return db.session.scalar(select(func.count()).select_from(PhoneCall))


def tickets() -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket)))


# -- pure parsing and signatures ------------------------------------------------------

def test_a_signed_body_passes_and_any_change_to_it_fails():
    body = body_of()
    verify({"x-sila-signature": sign(SECRET, body)}, body, SECRET)
    with pytest.raises(BadSignature):
        verify({"X-Sila-Signature": sign(SECRET, body)}, body + b" ", SECRET)
    with pytest.raises(BadSignature):
        verify({"X-Sila-Signature": sign("other", body)}, body, SECRET)
    with pytest.raises(BadSignature):
        verify({}, body, SECRET)
    with pytest.raises(BadSignature, match="not set"):
        verify({"X-Sila-Signature": sign("", body)}, body, "")


def test_an_event_is_read_with_its_time_duration_and_agent():
    event = parse_event(body_of(event="ended", agent="201", at="2026-12-02T09:15:00+03:00",
                                duration_seconds=95))
    assert (event.call_id, event.event, event.caller, event.agent) == \
        ("pbx-1", "ended", "0512345678", "201")
    assert event.at.isoformat() == "2026-12-02T06:15:00+00:00"
    assert event.duration_seconds == 95


@pytest.mark.parametrize("body", [
    b"not json", b"[]", body_of(event="transferred"), body_of(call_id=""),
    body_of(**{"from": ""}), body_of(duration_seconds=-1), body_of(duration_seconds=True),
    body_of(at="2026-12-02T09:15:00"), body_of(agent=7),
])
def test_a_body_that_is_not_an_event_is_refused_with_the_reason(body):
    with pytest.raises(ValueError):
        parse_event(body)


def test_the_extensions_setting_maps_each_extension_to_an_address():
    assert agent_map("201 = Huda@Example.org\nno equals\n=x@y.org\n202=a@b.org") == \
        {"201": "huda@example.org", "202": "a@b.org"}


# -- the endpoint ---------------------------------------------------------------------

def test_without_a_secret_or_with_a_wrong_signature_nothing_is_recorded(client, app):
    assert post(client, body_of()).status_code == 403   # no secret configured yet
    db.session.add(ChannelConfig(channel_key="phone", active=True,
                                 settings={"telephony_secret": SECRET}))
    db.session.commit()
    assert post(client, body_of(), secret="guess").status_code == 403
    assert calls() == 0


def test_a_garbled_event_answers_400(client, configured):
    response = post(client, b'{"call_id": "x"}')
    assert response.status_code == 400
    assert "event" in response.get_json()["error"]
    assert calls() == 0


def test_an_inactive_channel_takes_no_event(client, configured):
    db.session.get(ChannelConfig, "phone").active = False
    db.session.commit()
    assert post(client, body_of()).status_code == 404


def test_a_repeated_event_for_the_same_call_is_recorded_once(client, configured, make_user):
    agent = make_user("agent", email="huda@example.org")
    first = post(client, body_of(agent="201"))
    again = post(client, body_of(agent="201"))
    assert first.get_json()["duplicate"] is False
    assert again.get_json()["duplicate"] is True
    [call] = db.session.scalars(select(PhoneCall)).all()
    assert call.events == ["ringing"] and call.state == "ringing"
    assert call.user_id == agent.id   # the extension named the agent who takes it


def test_a_call_goes_through_its_states_and_a_late_ringing_does_not_undo_them(client,
                                                                             configured):
    post(client, body_of())
    post(client, body_of(event="answered"))
    post(client, body_of(event="ended", duration_seconds=120))
    post(client, body_of())  # the ringing event delivered again, late
    db.session.expire_all()
    call = db.session.scalar(select(PhoneCall))
    assert call.state == "ended"
    assert call.duration_seconds == 120
    assert call.answered_at is not None and call.ended_at is not None
    assert tickets() == []   # an answered call is logged by the agent, not by the system


def test_a_missed_call_queues_one_call_back_however_often_it_is_told(client, configured):
    for _ in range(3):
        response = post(client, body_of(call_id="pbx-9", event="missed"))
        assert response.status_code == 200
    [ticket] = tickets()
    assert response.get_json()["ticket"] == ticket.number
    assert ticket.kind == "inquiry" and ticket.status == "new"
    assert ticket.contact.phone == "+966512345678"
    assert ticket_tag_names(ticket) == ["معاودة الاتصال"]
    assert ticket.channel_data["call_id"] == "pbx-9"
    assert "مكالمة فائتة" in ticket.subject
    refs = db.session.scalars(select(ExternalRef.external_id)).all()
    assert refs == ["missed:pbx-9"]


def test_a_missed_call_from_a_number_the_registry_refuses_still_queues_a_call_back(
        client, configured):
    response = post(client, body_of(call_id="pbx-10", event="missed", **{"from": "12"}))
    assert response.status_code == 200
    [ticket] = tickets()
    assert ticket.contact.name == "12"
