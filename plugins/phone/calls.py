"""The phone channel's use cases: telephony events, the agent's ringing card, logged calls."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from helpdesk.plugin_api import InboundMessage
from helpdesk.plugin_api.core import (
    PersonDetails,
    Recorded,
    RecordingRefused,
    core_services,
    session,
    utcnow,
)
from plugins.phone.models import PhoneCall
from plugins.phone.parsing import CallEvent, agent_map
from plugins.phone.vocabulary import DIRECTIONS, OUTCOMES, STATES  # noqa: F401  (re-exported)

KEY = "phone"
RIYADH = ZoneInfo("Asia/Riyadh")
LIVE_WINDOW = timedelta(minutes=30)   # a ringing or answered call shows this long at most
CALLBACK_TAG = "معاودة الاتصال"
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class EventOutcome:
    call: PhoneCall
    duplicate: bool
    ticket_number: str | None = None


def _user_for(agent: str | None) -> int | None:
    if not agent:
        return None
    extensions = agent_map(core_services().channel_settings(KEY).get("agent_extensions"))
    email = agent.lower() if "@" in agent else extensions.get(agent)
    if not email:
        return None
    for member in core_services().staff_members():
        if member.email.lower() == email:
            return member.id
    return None


def _missed_call_ticket(call: PhoneCall) -> Recorded:
    """A call-back in the queue: an inquiry tagged for calling back, idempotent on the call."""
    message = InboundMessage(
        external_id=f"missed:{call.call_id}", kind="inquiry",
        subject=_("Missed call: call back %(number)s", number=call.caller),
        body=_("A call from %(number)s was missed. Call the person back.", number=call.caller))
    data = {"call_id": call.call_id, "direction": "incoming", "outcome": "call_back",
            "started_at": call.started_at.isoformat()}
    try:
        return core_services().record(KEY, message, PersonDetails(phone=call.caller),
                                      channel_data=data, tags=[CALLBACK_TAG])
    except RecordingRefused:
        # A number the registry refuses (a landline abroad, a hidden number): the call-back
        # is still queued, the number kept in its words.
        return core_services().record(KEY, message, PersonDetails(name=call.caller),
                                      channel_data=data, tags=[CALLBACK_TAG])


def apply_event(event: CallEvent) -> EventOutcome:
    """Record one telephony event; the same event for the same call is recorded once."""
    now = event.at or utcnow()
    call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == event.call_id))
    if call is None:
        call = PhoneCall(call_id=event.call_id, caller=event.caller, agent=event.agent,
                         user_id=_user_for(event.agent), state=event.event, events=[],
                         started_at=now, updated_at=utcnow())
        session.add(call)
    elif event.event in (call.events or []):
        return EventOutcome(call, duplicate=True, ticket_number=call.ticket_number)
    if event.agent and call.agent != event.agent:
        call.agent, call.user_id = event.agent, _user_for(event.agent)
    call.events = [*(call.events or []), event.event]
    # A late "ringing" never takes an answered or finished call back to ringing.
    if not (event.event == "ringing" and call.state != "ringing"):
        call.state = event.event
    if event.event == "answered":
        call.answered_at = now
    elif event.event in ("ended", "missed"):
        call.ended_at = now
        if event.duration_seconds is not None:
            call.duration_seconds = event.duration_seconds
    call.updated_at = utcnow()
    try:
        session.commit()
    except IntegrityError:  # the same first event, delivered twice at once
        session.rollback()
        call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == event.call_id))
        return EventOutcome(call, duplicate=True, ticket_number=call.ticket_number)
    if event.event == "missed" and call.ticket_number is None:
        recorded = _missed_call_ticket(call)
        call.ticket_number = recorded.ticket_number
        session.commit()
    return EventOutcome(call, duplicate=False, ticket_number=call.ticket_number)


def live_calls(user_id: int) -> list[PhoneCall]:
    """Calls ringing or in progress for this agent (or for no agent in particular)."""
    since = utcnow() - LIVE_WINDOW
    return list(session.scalars(
        select(PhoneCall).where(PhoneCall.state.in_(["ringing", "answered"]),
                                PhoneCall.updated_at >= since,
                                or_(PhoneCall.user_id == user_id, PhoneCall.user_id.is_(None)))
        .order_by(PhoneCall.started_at.desc()).limit(5)))


def recent_calls(limit: int = 20) -> list[PhoneCall]:
    return list(session.scalars(select(PhoneCall).order_by(PhoneCall.started_at.desc(),
                                                           PhoneCall.id.desc()).limit(limit)))


def call_by_id(call_id: str) -> PhoneCall | None:
    return session.scalar(select(PhoneCall).where(PhoneCall.call_id == call_id))


# ---------------------------------------------------------------------------------------
# The call log form

FORM_FIELDS = ("phone", "name", "national_id", "direction", "started_at", "duration_minutes",
               "outcome", "kind", "notes", "ticket", "callback_on", "call_id", "form_token")
MAX_NOTES = 4000


def new_form(phone: str = "", call_id: str = "") -> dict[str, str]:
    now = datetime.now(RIYADH).replace(second=0, microsecond=0, tzinfo=None)
    call = call_by_id(call_id) if call_id else None
    values = {name: "" for name in FORM_FIELDS}
    values.update(direction="incoming", outcome="answered", kind="inquiry",
                  started_at=now.isoformat(timespec="minutes"), phone=phone,
                  form_token=secrets.token_urlsafe(16))
    if call is not None:
        values.update(call_id=call.call_id, phone=call.caller, started_at=call.started_at
                      .astimezone(RIYADH).replace(tzinfo=None).isoformat(timespec="minutes"))
        if call.duration_seconds:
            values["duration_minutes"] = str(max(1, round(call.duration_seconds / 60)))
    return values


def _token(value: str) -> str:
    ok = 8 <= len(value) <= 128 and all(ch.isalnum() or ch in "-_.:" for ch in value)
    return value if ok else secrets.token_urlsafe(16)


def log_call(form: Mapping[str, Any], kinds: tuple[str, ...]) -> Recorded:
    """The agent's call log: a new ticket or a note on an open one; RecordingRefused."""
    values = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    clean, errors = core_services().check_person(phone=values["phone"],
                                                 national_id=values["national_id"])
    if not values["phone"]:
        errors["phone"] = _("Enter the caller's number.")
    if values["direction"] not in DIRECTIONS:
        errors["direction"] = _("Choose one of the options.")
    if values["outcome"] not in OUTCOMES:
        errors["outcome"] = _("Choose one of the options.")
    if values["kind"] not in kinds:
        errors["kind"] = _("Choose the ticket kind.")
    if not values["notes"]:
        errors["notes"] = _("Write what the call was about.")
    elif len(values["notes"]) > MAX_NOTES:
        errors["notes"] = _("Use at most %(n)d characters.", n=MAX_NOTES)
    try:
        started = datetime.fromisoformat(values["started_at"].translate(ARABIC_DIGITS))
        started = (started if started.tzinfo else started.replace(tzinfo=RIYADH)).astimezone(UTC)
    except ValueError:
        started = None
        errors["started_at"] = _("Enter the date and time of the call.")
    minutes = None
    if values["duration_minutes"]:
        try:
            minutes = int(values["duration_minutes"].translate(ARABIC_DIGITS))
            if not 0 <= minutes <= 600:
                raise ValueError
        except ValueError:
            errors["duration_minutes"] = _("Enter the minutes as a whole number.")
    callback_on = None
    if values["callback_on"]:
        try:
            callback_on = datetime.fromisoformat(
                values["callback_on"].translate(ARABIC_DIGITS)).date().isoformat()
        except ValueError:
            errors["callback_on"] = _("Enter a valid date.")
    if errors:
        raise RecordingRefused(errors)
    call_back = values["outcome"] == "call_back" or callback_on is not None
    data: dict[str, Any] = {"direction": values["direction"], "outcome": values["outcome"],
                            "started_at": started.isoformat() if started else None}
    if minutes is not None:
        data["duration_minutes"] = minutes
    if callback_on:
        data["callback_on"] = callback_on
    if values["call_id"]:
        data["call_id"] = values["call_id"]
    external_id = f"call:{values['call_id']}" if values["call_id"] \
        else f"log:{_token(values['form_token'])}"
    message = InboundMessage(external_id=external_id[:255], body=values["notes"],
                             kind=values["kind"])
    recorded = core_services().record(
        KEY, message, PersonDetails(name=values["name"] or None, phone=clean["phone"],
                                    national_id=clean["national_id"]),
        channel_data=data, join_ticket=values["ticket"] or None,
        tags=[CALLBACK_TAG] if call_back else [])
    if values["call_id"]:
        call = call_by_id(values["call_id"])
        if call is not None and call.ticket_number is None:
            call.ticket_number = recorded.ticket_number
            if call.state in ("ringing", "answered"):
                call.state = "ended"
            session.commit()
    return recorded
