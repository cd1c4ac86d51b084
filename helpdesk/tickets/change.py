"""The machinery every ticket use case shares: one change, one transaction, one version.

A use case loads the ticket through the access rule, checks the version, asks the table,
validates its fields, mutates the ticket once and records what happened; the unit of work
turns the rows into domain events (tickets/unit_of_work.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm.exc import StaleDataError

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import can
from helpdesk.admin.services import get_association
from helpdesk.calendar.services import calendar_for
from helpdesk.config import SUPPORTED_LOCALES
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date, to_riyadh
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.tickets.errors import (
    PermissionDenied,
    StaleTicket,
    TicketNotFound,
)
from helpdesk.tickets.guards import check_guards
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.queries import (
    TicketAccess,
    TicketRef,
    ticket_access,
)
from helpdesk.tickets.states import (
    TERMINAL_STATUSES,
    Transition,
    find_transition,
)
from helpdesk.validation import ValidationError

TRACKING_SECRET_BYTES = 24  # 192 random bits
MAX_TEXT = 10_000           # notes, replies, reasons
MAX_ITEM = 300              # one missing-information item
MAX_TAG = 64
# What staff attach to a note or a reply: photos (a field visit) and scanned documents.
STAFF_FILE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
DEFAULT_STAFF_FILE_MAX_BYTES = 10 * 1024 * 1024


# ---------------------------------------------------------------------------------------
# The machinery every use case shares (committee/services.py uses it too)

# The ticket fields whose before/after an event records when they change.
TRACKED_FIELDS = ("status", "assignee_id", "team_id", "priority", "resolution_due_at",
                  "decision_due_on", "closed_at", "kind", "service_id")


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
    """The service's decision window, else the association's, else ten: working days."""
    if ticket.service is not None and ticket.service.decision_window_days:
        return ticket.service.decision_window_days
    association = get_association()
    if association is not None and association.committee_window_days:
        return association.committee_window_days
    return DEFAULT_DECISION_WINDOW_DAYS


def decision_due_on(ticket: Ticket, start: date) -> date:
    """The date the person is promised the committee's decision: the decision window in
    working days (weekends and holidays of the ticket's branch skipped) after ``start``,
    the day the complete request reached the committee."""
    return calendar_for(ticket.branch_id).working_days_after(start,
                                                             committee_window_days(ticket))


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
        self._move_clocks(from_status, row.to_status)
        before, after = _difference(before, _tracked_state(ticket))
        payload = {"action": action, "from": from_status, "to": row.to_status,
                   "before": before, "after": after, **(data or {})}
        return self.event("status_changed", body=body, data=payload)

    def _move_clocks(self, from_status: str, to_status: str) -> None:
        """The closing time; the service-level clocks follow the transition in helpdesk/sla
        (a handler of TicketTransitioned), in working time."""
        if to_status in TERMINAL_STATUSES:
            self.ticket.closed_at = self.now
        elif from_status in TERMINAL_STATUSES:
            self.ticket.closed_at = None

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


def required(errors: dict[str, str], field: str, value: Any, message: str,
              *, max_length: int = MAX_TEXT) -> str:
    text = clean_text(value, max_length=max_length)
    if text is None:
        errors[field] = message
    return text or ""


def raise_if_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def user_label(user: User | None) -> str | None:
    return user.name if user is not None else None
