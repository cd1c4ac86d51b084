"""Ticket use cases: each one function, one unit of work.

Every change of a ticket goes through here, and every status change through the table in
states.py. A use case takes the ticket (or its id or number), the acting user and the
version the user saw, and:
1. loads the ticket through the access rule (TicketNotFound when out of reach),
2. checks the version (StaleTicket when someone else changed it first),
3. asks the table and the role table (InvalidTransition, PermissionDenied),
4. validates its fields (ValidationError, per field),
5. mutates the ticket once, records the event with before/after, moves the SLA clocks,
   writes the outbox rows for whatever the person must be told,
6. commits: the unit of work (tickets/unit_of_work.py) turns the rows written into domain
   events, and the handlers registered in create_app do the rest (search index, webhook
   deliveries, the worker's queue, the plugins' hooks).
Nothing is written, and nothing announced, when any step fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from helpdesk.accounts.models import Team, User
from helpdesk.accounts.permissions import can
from helpdesk.admin.services import get_association
from helpdesk.config import SUPPORTED_LOCALES
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date, to_riyadh
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.tickets.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleTicket,
    TicketNotFound,
)
from helpdesk.tickets.guards import check_guards
from helpdesk.tickets.models import Attachment, Event, Referral, Tag, Ticket, ticket_tags
from helpdesk.tickets.numbering import allocate_sequence, format_ticket_number
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.queries import (
    TicketAccess,
    TicketRef,
    is_referee,
    open_referral,
    ticket_access,
)
from helpdesk.tickets.states import (
    SLA_PAUSED_STATUSES,
    TERMINAL_STATUSES,
    Transition,
    find_transition,
)
from helpdesk.tickets.vocabulary import CANCEL_REASONS, KINDS, PRIORITIES, RESOLUTION_CODES
from helpdesk.uploads import CheckedUpload, check_field, store_checked
from helpdesk.validation import ValidationError

TRACKING_SECRET_BYTES = 24  # 192 random bits
MAX_TEXT = 10_000           # notes, replies, reasons
MAX_ITEM = 300              # one missing-information item
MAX_TAG = 64
# What staff attach to a note or a reply: photos (a field visit) and scanned documents.
STAFF_FILE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
DEFAULT_STAFF_FILE_MAX_BYTES = 10 * 1024 * 1024


def new_tracking_secret() -> str:
    return secrets.token_urlsafe(TRACKING_SECRET_BYTES)


def open_ticket(*, channel_key: str, kind: str, subject: str, body: str | None = None,
                contact: Contact | None = None, priority: str = "normal",
                service_id: int | None = None, team_id: int | None = None,
                branch_id: int | None = None, channel_data: dict[str, Any] | None = None,
                actor: Any = None) -> Ticket:
    """Open a ticket with its number and first timeline event, and commit."""
    ticket = open_ticket_in_transaction(
        channel_key=channel_key, kind=kind, subject=subject, body=body, contact=contact,
        priority=priority, service_id=service_id, team_id=team_id, branch_id=branch_id,
        channel_data=channel_data, actor=actor)
    db.session.commit()
    return ticket


def open_ticket_in_transaction(
        *, channel_key: str, kind: str, subject: str, body: str | None = None,
        contact: Contact | None = None, priority: str = "normal",
        service_id: int | None = None, team_id: int | None = None,
        branch_id: int | None = None, channel_data: dict[str, Any] | None = None,
        actor: Any = None) -> Ticket:
    """open_ticket's writes inside the caller's transaction, without the commit (intake
    adds its ExternalRef to the same transaction, then commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ticket kind {kind!r}")
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    now = utcnow()
    sequence = allocate_sequence(now.year)
    ticket = Ticket(
        number=format_ticket_number(now.year, sequence), year=now.year, sequence=sequence,
        channel_key=channel_key, kind=kind, status="new", priority=priority,
        subject=subject.strip()[:300], contact=contact, service_id=service_id,
        team_id=team_id, branch_id=branch_id or (contact.branch_id if contact else None),
        channel_data=channel_data or {}, tracking_secret=new_tracking_secret(),
        created_at=now, updated_at=now,
    )
    db.session.add(ticket)
    db.session.flush()
    db.session.add(Event(ticket_id=ticket.id, type="created", visibility="public",
                         actor_id=getattr(actor, "id", None), body=body,
                         data={"channel": channel_key}, created_at=now))
    db.session.flush()
    return ticket


# ---------------------------------------------------------------------------------------
# The machinery every use case shares (committee/services.py uses it too)

# The ticket fields whose before/after an event records when they change.
TRACKED_FIELDS = ("status", "assignee_id", "team_id", "priority", "resolution_due_at",
                  "decision_due_on", "closed_at")


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _tracked_state(ticket: Ticket) -> dict[str, Any]:
    return {name: _jsonable(getattr(ticket, name)) for name in TRACKED_FIELDS}


def _difference(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changed = [name for name in before if before[name] != after[name]]
    return {n: before[n] for n in changed}, {n: after[n] for n in changed}


def person_locale(ticket: Ticket) -> str:
    """The locale messages to the person are written in: theirs if known, else the default."""
    contact = ticket.contact
    chosen = (contact.data or {}).get("locale") if contact is not None else None
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "ar")


def riyadh_today(now: datetime | None = None) -> date:
    return to_riyadh(now or utcnow()).date()


def committee_window_days(ticket: Ticket) -> int:
    """The service's decision window, else the association's, else 14 days."""
    if ticket.service is not None and ticket.service.decision_window_days:
        return ticket.service.decision_window_days
    association = get_association()
    if association is not None and association.committee_window_days:
        return association.committee_window_days
    return DEFAULT_DECISION_WINDOW_DAYS


def both_dates(value: date, locale: str) -> str:
    """'13 جمادى الآخرة 1448 هـ (23 نوفمبر 2026)' — the Hijri date with the Gregorian."""
    hijri, gregorian = hijri_date(value, locale), gregorian_date(value, locale)
    return f"{hijri} ({gregorian})" if hijri else gregorian


class TicketChange:
    """One ticket being changed inside a transaction: checks, timeline events, messages."""

    def __init__(self, access: TicketAccess, actor: Any, now: datetime):
        self.access = access
        self.ticket = access.ticket
        self.actor = actor
        self.now = now
        self.events: list[Event] = []

    # -- checks ---------------------------------------------------------------------

    def require(self, permission: str, *, work: bool = True) -> None:
        """The role must hold ``permission``; with ``work``, the access rule must grant change."""
        if not can(self.actor, permission):
            raise PermissionDenied(permission)
        if work and not self.access.can_work:
            raise PermissionDenied(permission)

    def check(self, action: str, *, work: bool = True) -> Transition:
        """The table's row for ``action`` from the current status, the right to use it, and
        the consent of the guards other domains registered for it."""
        row = find_transition(self.ticket.kind, self.ticket.status, action)
        self.require(row.permission, work=work)
        check_guards(action, self.ticket)
        return row

    # -- recording ------------------------------------------------------------------

    def event(self, type: str, *, body: str | None = None, visibility: str = "internal",
              data: dict[str, Any] | None = None) -> Event:
        # Touching updated_at makes the ticket's row part of the flush, so every change,
        # a note included, bumps the version exactly once and is checked against it.
        self.ticket.updated_at = self.now
        event = Event(ticket_id=self.ticket.id, type=type, visibility=visibility,
                      actor_id=getattr(self.actor, "id", None), body=body,
                      data=data or {}, created_at=self.now)
        db.session.add(event)
        self.events.append(event)
        return event

    def update(self, type: str, body: str | None = None, **values: Any) -> Event:
        """Set ticket fields and record one event with what they were and became."""
        before = _tracked_state(self.ticket)
        for name, value in values.items():
            setattr(self.ticket, name, value)
        before, after = _difference(before, _tracked_state(self.ticket))
        return self.event(type, body=body, data={"before": before, "after": after})

    def transition(self, action: str, *, body: str | None = None,
                   data: dict[str, Any] | None = None, **values: Any) -> Event:
        """Move the ticket through the table (and set ``values``), with its status event."""
        row = find_transition(self.ticket.kind, self.ticket.status, action)
        ticket = self.ticket
        before = _tracked_state(ticket)
        from_status = ticket.status
        ticket.status = row.to_status
        for name, value in values.items():
            setattr(ticket, name, value)
        clocks = self._move_clocks(from_status, row.to_status)
        before, after = _difference(before, _tracked_state(ticket))
        payload = {"action": action, "from": from_status, "to": row.to_status,
                   "before": before, "after": after, **(data or {})}
        if clocks:
            payload["sla"] = clocks
        return self.event("status_changed", body=body, data=payload)

    def _move_clocks(self, from_status: str, to_status: str) -> dict[str, Any] | None:
        ticket, clocks = self.ticket, {}
        if to_status in TERMINAL_STATUSES:
            ticket.closed_at = self.now
        elif from_status in TERMINAL_STATUSES:
            ticket.closed_at = None
        paused_before = from_status in SLA_PAUSED_STATUSES
        paused_after = to_status in SLA_PAUSED_STATUSES
        if not paused_before and paused_after and ticket.resolution_due_at is not None:
            remaining = ticket.resolution_due_at - self.now
            ticket.resolution_due_at = None
            clocks = {"paused": True,
                      "resolution_remaining_seconds": int(remaining.total_seconds())}
        elif paused_before and not paused_after:
            remaining_seconds = self._paused_remaining()
            if remaining_seconds is not None:
                ticket.resolution_due_at = self.now + timedelta(seconds=remaining_seconds)
                clocks = {"resumed": True}
        return clocks or None

    def _paused_remaining(self) -> int | None:
        """What was left on the resolution clock when it last paused (None: not running)."""
        with db.session.no_autoflush:
            recent = db.session.scalars(
                select(Event.data).where(Event.ticket_id == self.ticket.id,
                                         Event.type == "status_changed")
                .order_by(Event.id.desc()).limit(50))
            for data in recent:
                sla = (data or {}).get("sla") or {}
                if sla.get("resumed"):
                    return None
                if sla.get("paused"):
                    return int(sla["resolution_remaining_seconds"])
        return None

    def tell(self, purpose: str, render: Callable[[], str], *,
             subject: str | None = None,
             private_preface: Callable[[], str] | None = None) -> OutboxMessage:
        """Write a message to the person, in their locale, to the timeline and the outbox.

        ``private_preface`` (rendered in the same locale) goes before the body in the
        message sent only: it stays off the timeline, the webhooks and the plugins' hooks,
        e.g. a receipt carrying the person's private tracking link."""
        locale = person_locale(self.ticket)
        with force_locale(locale):
            body = str(render())
            preface = str(private_preface()) if private_preface is not None else None
        event = self.event("message_out", body=body, visibility="public",
                           data={"purpose": purpose, **({"prefaced": True} if preface
                                                        else {})})
        db.session.flush()
        message = queue_message(ticket=self.ticket, purpose=purpose,
                                body=f"{preface}\n{body}" if preface else body,
                                subject=subject, event_id=event.id, locale=locale)
        return message


class TicketTransaction:
    """One database transaction changing one or several tickets (a committee sitting)."""

    def __init__(self) -> None:
        self.changes: list[TicketChange] = []

    @contextmanager
    def change(self, ref: TicketRef, *, actor: Any,
               expected_version: int | None) -> Iterator[TicketChange]:
        access = ticket_access(actor, ref, refresh=True)
        if access is None:
            raise TicketNotFound()
        ticket = access.ticket
        if expected_version is not None and str(ticket.version) != str(expected_version):
            raise StaleTicket(ticket)  # also for a garbled version from a tampered form
        change = TicketChange(access, actor, utcnow())
        try:
            yield change
            db.session.flush()
        except StaleDataError:
            # Someone committed between our read and our write: the version check in the
            # UPDATE matched no row. After the rollback ``ticket`` reloads fresh when read.
            db.session.rollback()
            raise StaleTicket(ticket) from None
        self.changes.append(change)


@contextmanager
def ticket_transaction() -> Iterator[TicketTransaction]:
    """One unit of work: commit every change made inside, or none (a rollback forgets the
    events too); the handlers run before and after the commit."""
    transaction = TicketTransaction()
    try:
        yield transaction
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def changing(ref: TicketRef, *, actor: Any,
             expected_version: int | None) -> Iterator[TicketChange]:
    """One ticket, one transaction: the shape of every single-ticket use case."""
    with ticket_transaction() as transaction, \
            transaction.change(ref, actor=actor, expected_version=expected_version) as change:
        yield change


# ---------------------------------------------------------------------------------------
# Field cleaning

def clean_text(value: Any, *, max_length: int = MAX_TEXT) -> str | None:
    text = (str(value) if value is not None else "").strip()
    return text[:max_length] or None


def _required(errors: dict[str, str], field: str, value: Any, message: str,
              *, max_length: int = MAX_TEXT) -> str:
    text = clean_text(value, max_length=max_length)
    if text is None:
        errors[field] = message
    return text or ""


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _user_label(user: User | None) -> str | None:
    return user.name if user is not None else None


# ---------------------------------------------------------------------------------------
# Status changes (rows of states.TRANSITIONS)

def _plain(ref: TicketRef, action: str, *, actor: Any, expected_version: int | None,
           note: str | None = None) -> Ticket:
    with changing(ref, actor=actor, expected_version=expected_version) as change:
        change.check(action)
        change.transition(action, body=clean_text(note))
    return change.ticket


def start(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          note: str | None = None) -> Ticket:
    """new/reopened → in progress."""
    return _plain(ticket, "start", actor=actor, expected_version=expected_version, note=note)


def information_received(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                         note: str | None = None) -> Ticket:
    """awaiting information → in progress (the resolution clock resumes); a case waits
    while a required checklist item is missing or rejected."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("information_received")
        change.transition("information_received", body=clean_text(note))
    return change.ticket


def register(ticket: TicketRef, *, actor: Any, expected_version: int | None,
             note: str | None = None) -> Ticket:
    """approved → registration (support requests)."""
    return _plain(ticket, "register", actor=actor, expected_version=expected_version, note=note)


def deliver(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            note: str | None = None) -> Ticket:
    """registration → service delivered (support requests)."""
    return _plain(ticket, "deliver", actor=actor, expected_version=expected_version, note=note)


def resolve(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            note: str | None = None) -> Ticket:
    """in progress → resolved (the short path)."""
    return _plain(ticket, "resolve", actor=actor, expected_version=expected_version, note=note)


def request_information(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                        missing: Sequence[str], note: str | None = None) -> Ticket:
    """→ awaiting information; the person is sent the list of what is missing."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("request_information")
        items: list[str] = []
        for item in missing or ():
            text = clean_text(item, max_length=MAX_ITEM)
            if text and text not in items:
                items.append(text)
        _raise_if({"missing": _("List at least one missing item.")} if not items else {})
        change.transition("request_information", body=clean_text(note),
                          data={"missing": items})
        number = change.ticket.number

        def render() -> str:
            heading = ngettext(
                "To continue with your request %(number)s, we need one more item:",
                "To continue with your request %(number)s, we need %(num)d more items:",
                len(items), number=number)
            return "\n".join([heading, *(f"• {item}" for item in items)])

        change.tell("missing_information", render)
    return change.ticket


def refer(ticket: TicketRef, *, actor: Any, expected_version: int | None, question: str,
          to_user_id: int | None = None, to_team_id: int | None = None) -> Ticket:
    """→ referred: a question to a team or a person, who answers and returns the ticket."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("refer")
        errors: dict[str, str] = {}
        question = _required(errors, "question", question,
                             _("Write the question for the referral."))
        to_user = db.session.get(User, int(to_user_id)) if to_user_id else None
        to_team = db.session.get(Team, int(to_team_id)) if to_team_id else None
        if to_user_id and to_team_id:
            errors["to_user_id"] = _("Refer to a team or to a person, not both.")
        elif not to_user_id and not to_team_id:
            errors["to_user_id"] = _("Choose the team or the person to refer to.")
        elif to_user_id and (to_user is None or not to_user.active
                             or not can(to_user, "tickets.answer_referral")):
            errors["to_user_id"] = _("This person cannot receive referrals.")
        elif to_user is not None and to_user.id == getattr(actor, "id", None):
            errors["to_user_id"] = _("You cannot refer a ticket to yourself.")
        elif to_team_id and to_team is None:
            errors["to_team_id"] = _("Choose an existing team.")
        _raise_if(errors)
        referee = {"to_user_id": to_user.id if to_user else None,
                   "to_user_name": _user_label(to_user),
                   "to_team_id": to_team.id if to_team else None,
                   "to_team_key": to_team.key if to_team else None}
        change.transition("refer", body=question, data={"referral": referee})
        db.session.add(Referral(ticket_id=change.ticket.id,
                                referred_by_id=getattr(actor, "id", None),
                                to_user_id=referee["to_user_id"],
                                to_team_id=referee["to_team_id"], question=question,
                                status="open", created_at=change.now))
    return change.ticket


def return_referral(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                    answer: str) -> Ticket:
    """referred → in progress: the referee answers the question and hands the ticket back."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("return_referral", work=False)
        referral = open_referral(change.ticket)
        if referral is None:  # the table and the data disagree: refuse rather than guess
            raise InvalidTransition(change.ticket.kind, change.ticket.status,
                                    "return_referral")
        if not (is_referee(actor, referral) or can(actor, "tickets.view_all")):
            raise PermissionDenied("tickets.answer_referral")
        errors: dict[str, str] = {}
        answer = _required(errors, "answer", answer,
                           _("Write your answer before returning the ticket."))
        _raise_if(errors)
        referral.status = "answered"
        referral.answer = answer
        referral.answered_by_id = getattr(actor, "id", None)
        referral.answered_at = change.now
        change.transition("return_referral", body=answer,
                          data={"referral_id": referral.id, "question": referral.question})
    return change.ticket


def send_to_committee(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                      note: str | None = None) -> Ticket:
    """in progress → at the committee, due within the service's decision window; a case
    goes only with the research officer's study recorded."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("send_to_committee")
        due = riyadh_today(change.now) + timedelta(days=committee_window_days(change.ticket))
        change.transition("send_to_committee", body=clean_text(note), decision_due_on=due)
        number = change.ticket.number
        locale = person_locale(change.ticket)
        change.tell("status_update", lambda: _(
            "Your request %(number)s is now with the research committee. "
            "We expect a decision by %(date)s.", number=number, date=both_dates(due, locale)))
    return change.ticket


def decide_application(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                       decision: str, reason: str, message: str | None = None) -> Ticket:
    """A volunteering application accepted (approve) or declined (reject), with the reason.

    Support requests are decided by the committee (helpdesk.committee.services.decide).
    """
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        if decision not in ("approve", "reject") or change.ticket.status == "committee":
            raise InvalidTransition(change.ticket.kind, change.ticket.status, decision)
        change.check(decision)
        errors: dict[str, str] = {}
        reason = _required(errors, "reason", reason, _("Write the reason for the decision."))
        _raise_if(errors)
        change.transition(decision, body=reason)
        number, custom = change.ticket.number, clean_text(message)
        if decision == "approve":
            change.tell("decision", lambda: custom or _(
                "Thank you for volunteering with us: your application %(number)s has been "
                "accepted. We will contact you to arrange the next steps.", number=number))
        else:
            change.tell("decision", lambda: custom or _(
                "Thank you for your interest in volunteering with us. We are unable to accept "
                "your application %(number)s at this time.", number=number))
    return change.ticket


def close(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          resolution_code: str, resolution_note: str, message: str | None = None) -> Ticket:
    """→ closed, with a resolution code and note; the person gets the closing message
    (``message`` or the standard one) and an invitation to rate the service."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("close")
        errors: dict[str, str] = {}
        if resolution_code not in RESOLUTION_CODES:
            errors["resolution_code"] = _("Choose a resolution code.")
        resolution_note = _required(errors, "resolution_note", resolution_note,
                                    _("Write a resolution note."))
        _raise_if(errors)
        change.transition("close", body=resolution_note,
                          data={"resolution_code": resolution_code})
        number, custom = change.ticket.number, clean_text(message)
        change.tell("closing", lambda: custom or _(
            "Your request %(number)s has been closed. Thank you for contacting us.",
            number=number))
        change.tell("rating_invitation", lambda: _(
            "How did we do? Please rate our service for request %(number)s on our portal; "
            "your opinion helps us serve you better.", number=number))
    return change.ticket


def cancel(ticket: TicketRef, *, actor: Any, expected_version: int | None, reason_code: str,
           note: str | None = None, duplicate_of: str | None = None) -> Ticket:
    """→ cancelled (duplicate, spam, opened by mistake, other), with the reason."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("cancel")
        errors: dict[str, str] = {}
        if reason_code not in CANCEL_REASONS:
            errors["reason_code"] = _("Choose why the ticket is cancelled.")
        note = clean_text(note)
        if reason_code == "other" and not note:
            errors["note"] = _("Write why the ticket is cancelled.")
        original = clean_text(duplicate_of, max_length=32)
        if original:
            target = ticket_access(actor, original)
            if target is None:
                errors["duplicate_of"] = _("No ticket has this number.")
            elif target.ticket.id == change.ticket.id:
                errors["duplicate_of"] = _("A ticket cannot duplicate itself.")
        _raise_if(errors)
        change.transition("cancel", body=note,
                          data={"reason_code": reason_code, "duplicate_of": original})
    return change.ticket


def reopen(ticket: TicketRef, *, actor: Any, expected_version: int | None,
           reason: str) -> Ticket:
    """closed/resolved → reopened, with the reason."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.check("reopen")
        errors: dict[str, str] = {}
        reason = _required(errors, "reason", reason, _("Write why the ticket is reopened."))
        _raise_if(errors)
        change.transition("reopen", body=reason)
    return change.ticket


# ---------------------------------------------------------------------------------------
# Changes that keep the status

def _repoint(change: TicketChange, relation: str, new: Any, event_type: str, labels: str,
             label: Callable[[Any], str | None]) -> None:
    """Point the ticket's ``relation`` (assignee, team) at ``new`` (None: at nothing) if it
    points elsewhere, with one event that also keeps, under ``labels``, what each one was."""
    new_id = new.id if new is not None else None
    if getattr(change.ticket, f"{relation}_id") == new_id:
        return
    previous = getattr(change.ticket, relation)
    event = change.update(event_type, **{f"{relation}_id": new_id})
    event.data = {**event.data, labels: {"before": label(previous), "after": label(new)}}


def assign(ticket: TicketRef, *, actor: Any, expected_version: int | None,
           assignee_id: int | None) -> Ticket:
    """Give the ticket to a staff member (None: unassign)."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.assign")
        assignee = db.session.get(User, int(assignee_id)) if assignee_id else None
        if assignee_id and (assignee is None or not assignee.active
                            or not can(assignee, "tickets.work")):
            raise ValidationError({"assignee_id": _(
                "Choose an active staff member who works on tickets.")})
        _repoint(change, "assignee", assignee, "assigned", "names", _user_label)
    return change.ticket


def take(ticket: TicketRef, *, actor: Any, expected_version: int | None) -> Ticket:
    """Assign an unassigned ticket to oneself."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.take")
        current = change.ticket.assignee
        if current is not None and current.id != actor.id:
            raise ValidationError({"assignee_id": _(
                "This ticket is already assigned to %(name)s.", name=current.name)})
        if current is None:
            event = change.update("assigned", assignee_id=actor.id)
            event.data = {**event.data, "took": True,
                          "names": {"before": None, "after": actor.name}}
    return change.ticket


def change_team(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                team_id: int | None) -> Ticket:
    """Move the ticket to another team's queue (None: back to the unrouted pool)."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.assign")
        team = db.session.get(Team, int(team_id)) if team_id else None
        if team_id and team is None:
            raise ValidationError({"team_id": _("Choose an existing team.")})
        _repoint(change, "team", team, "team_changed", "keys",
                 lambda chosen: chosen.key if chosen else None)
    return change.ticket


def set_priority(ticket: TicketRef, *, actor: Any, expected_version: int | None,
                 priority: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        if priority not in PRIORITIES:
            raise ValidationError({"priority": _("Choose a priority.")})
        if change.ticket.priority != priority:
            change.update("priority_changed", priority=priority)
    return change.ticket


def normalise_tag(name: Any) -> str:
    return " ".join(str(name or "").split()).lower()


def add_tag(ticket: TicketRef, *, actor: Any, expected_version: int | None,
            name: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        name = normalise_tag(name)
        if not name or len(name) > MAX_TAG:
            raise ValidationError({"name": ngettext(
                "Write a tag of at most %(num)d character.",
                "Write a tag of at most %(num)d characters.", MAX_TAG)})
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        if tag_id is None:
            # ON CONFLICT: two people creating the same new tag at once both succeed.
            insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" \
                else sqlite_insert
            db.session.execute(insert(Tag).values(name=name, created_at=change.now)
                               .on_conflict_do_nothing(index_elements=["name"]))
            tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        present = db.session.scalar(select(ticket_tags.c.tag_id).where(
            ticket_tags.c.ticket_id == change.ticket.id, ticket_tags.c.tag_id == tag_id))
        if present is None:
            change.event("tag_added", data={"tag": name})
            db.session.execute(ticket_tags.insert().values(ticket_id=change.ticket.id,
                                                           tag_id=tag_id))
    return change.ticket


def remove_tag(ticket: TicketRef, *, actor: Any, expected_version: int | None,
               name: str) -> Ticket:
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.work")
        name = normalise_tag(name)
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        if tag_id is not None and db.session.execute(
                delete(ticket_tags).where(ticket_tags.c.ticket_id == change.ticket.id,
                                          ticket_tags.c.tag_id == tag_id)).rowcount:
            change.event("tag_removed", data={"tag": name})
    return change.ticket


def staff_file_max_bytes() -> int:
    return int(current_app.config.get("STAFF_FILE_MAX_BYTES", DEFAULT_STAFF_FILE_MAX_BYTES))


def _checked_file(file: FileStorage | None, errors: dict[str, str]) -> CheckedUpload | None:
    return check_field(file, errors, "file", allowed_types=STAFF_FILE_TYPES,
                       max_bytes=staff_file_max_bytes(),
                       type_message=_("Attach a photo (JPEG, PNG or WebP) or a PDF file."))


def _attach(change: TicketChange, event: Event, checked: CheckedUpload | None) -> None:
    """The file sent with a note or a reply, kept with its timeline entry."""
    if checked is None:
        return
    stored = store_checked(checked)
    db.session.flush()
    attachment = Attachment(
        ticket_id=change.ticket.id, event_id=event.id, display_name=stored.display_name,
        stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, uploaded_by_id=getattr(change.actor, "id", None),
        created_at=change.now)
    db.session.add(attachment)
    db.session.flush()
    event.data = {**(event.data or {}), "attachments": [attachment.id]}


def add_note(ticket: TicketRef, *, actor: Any, expected_version: int | None,
             body: str, file: FileStorage | None = None) -> Ticket:
    """An internal note (with a photo or a PDF, e.g. of a field visit): staff only.
    Referees and committee members may add one too."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.note", work=False)
        errors: dict[str, str] = {}
        body = _required(errors, "body", body, _("Write the note."))
        checked = _checked_file(file, errors)
        _raise_if(errors)
        event = change.event("note", body=body, visibility="internal")
        _attach(change, event, checked)
    return change.ticket


def reply(ticket: TicketRef, *, actor: Any, expected_version: int | None,
          body: str, file: FileStorage | None = None) -> Ticket:
    """A public reply, delivered to the person through the ticket's channel; a file sent
    with it is theirs to download from the tracking page."""
    with changing(ticket, actor=actor, expected_version=expected_version) as change:
        change.require("tickets.reply")
        errors: dict[str, str] = {}
        body = _required(errors, "body", body, _("Write the reply."))
        checked = _checked_file(file, errors)
        _raise_if(errors)
        change.tell("reply", lambda: body)
        _attach(change, change.events[-1], checked)
    return change.ticket
