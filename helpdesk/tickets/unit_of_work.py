"""The unit of work: the events a transaction records, and the handlers that react to them.

Every change commits through the session (helpdesk/session.py), which calls this object:
after each flush the new and changed rows become domain events (helpdesk/tickets/events.py);
services may record more (``record``). Handlers run in three moments, in the order they were
registered in ``create_app`` (``configure_events`` in helpdesk/app.py):

- ``Phase.FLUSH``: inside the transaction, as soon as the rows are flushed (what reads in the
  same transaction must already see: the search documents, the volunteer profiles);
- ``Phase.BEFORE_COMMIT``: inside the transaction, once, on its final state (the webhook
  deliveries carry the ticket as committed);
- ``Phase.AFTER_COMMIT``: after the outermost COMMIT, each handler isolated: an exception is
  logged and never undoes the change nor breaks the request (plugin hooks, worker queues).

An exception in the first two rolls the whole change back; a rollback forgets every event,
so a change that did not happen is never announced.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.session import UNIT_OF_WORK
from helpdesk.tickets.events import (
    ContactChanged,
    DomainEvent,
    TicketChanged,
    TimelineEntryEdited,
    timeline_event,
)
from helpdesk.tickets.models import Event, Ticket

log = logging.getLogger(__name__)

PENDING = "helpdesk_domain_events"  # key in Session.info

Handler = Callable[[Any], None]


class Phase(enum.Enum):
    FLUSH = "flush"
    BEFORE_COMMIT = "before_commit"
    AFTER_COMMIT = "after_commit"


@dataclass
class Pending:
    """Events waiting for the before-commit handlers and for the after-commit handlers."""

    before_commit: list[DomainEvent] = field(default_factory=list)
    after_commit: list[DomainEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Subscription:
    event_type: type
    handler: Handler
    phase: Phase


@dataclass(frozen=True)
class FlushedRows:
    """What a flush is about to write, captured before the flush resets the history."""

    new: list[Any]
    changed: list[tuple[Any, frozenset[str]]]
    removed: list[int]


def _changed_fields(obj: Any) -> frozenset[str]:
    return frozenset(attr.key for attr in inspect(obj).attrs if attr.history.has_changes())


class EventHandlers:
    """One app's handlers, and the unit of work its session calls (app.extensions)."""

    def __init__(self) -> None:
        self.subscriptions: list[Subscription] = []

    # -- registering ------------------------------------------------------------------

    def subscribe(self, event_type: type, handler: Handler, phase: Phase) -> None:
        self.subscriptions.append(Subscription(event_type, handler, phase))

    def handlers(self, event: DomainEvent, phase: Phase) -> list[Handler]:
        return [s.handler for s in self.subscriptions
                if s.phase is phase and isinstance(event, s.event_type)]

    # -- recording --------------------------------------------------------------------

    @staticmethod
    def pending(session: Session) -> Pending:
        return session.info.setdefault(PENDING, Pending())

    def record(self, session: Session, events: Iterable[DomainEvent]) -> None:
        """Add events to the transaction: the flush handlers run now, the others later."""
        events = list(events)
        if not events:
            return
        pending = self.pending(session)
        pending.before_commit.extend(events)
        pending.after_commit.extend(events)
        for event in events:
            for handler in self.handlers(event, Phase.FLUSH):
                handler(event)

    # -- what the session calls -------------------------------------------------------

    def flushing(self, session: Session) -> FlushedRows:
        new = [obj for obj in session.new if isinstance(obj, Event | Ticket | Contact)]
        changed = []
        for obj in session.dirty:
            if isinstance(obj, Event | Ticket | Contact):
                fields = _changed_fields(obj)
                if fields:
                    changed.append((obj, fields))
        removed = [obj.ticket_id for obj in session.deleted if isinstance(obj, Event)]
        return FlushedRows(new, changed, removed)

    def flushed(self, session: Session, rows: FlushedRows) -> None:
        self.record(session, rows_events(rows))

    def committing(self, session: Session) -> None:
        pending = self.pending(session)
        session.flush()
        while pending.before_commit:
            event = pending.before_commit.pop(0)
            for handler in self.handlers(event, Phase.BEFORE_COMMIT):
                handler(event)
            if not pending.before_commit:
                session.flush()  # rows the handlers wrote may record events of their own

    def committed(self, session: Session) -> None:
        pending = session.info.pop(PENDING, None)
        if pending is None:
            return
        for event in dict.fromkeys(pending.after_commit):  # equal events are announced once
            for handler in self.handlers(event, Phase.AFTER_COMMIT):
                try:
                    handler(event)
                except Exception:
                    log.exception("after-commit handler %s failed on %r",
                                  getattr(handler, "__qualname__", handler), event)

    def discard(self, session: Session) -> None:
        session.info.pop(PENDING, None)


def rows_events(rows: FlushedRows) -> list[DomainEvent]:
    """The events a flush records: timeline rows in their order, then changed rows."""
    events: list[DomainEvent] = []
    timeline = sorted((obj for obj in rows.new if isinstance(obj, Event) and obj.id),
                      key=lambda obj: obj.id)
    events.extend(timeline_event(row) for row in timeline)
    for obj in rows.new:
        if isinstance(obj, Ticket) and obj.id is not None:
            events.append(TicketChanged(ticket_id=obj.id, fields=frozenset(), created=True))
        elif isinstance(obj, Contact) and obj.id is not None:
            events.append(ContactChanged(contact_id=obj.id, fields=frozenset(), created=True))
    for obj, fields in rows.changed:
        if isinstance(obj, Ticket):
            events.append(TicketChanged(ticket_id=obj.id, fields=fields, created=False))
        elif isinstance(obj, Contact):
            events.append(ContactChanged(contact_id=obj.id, fields=fields, created=False))
        else:
            events.append(TimelineEntryEdited(ticket_id=obj.ticket_id, fields=fields))
    events.extend(TimelineEntryEdited(ticket_id=ticket_id, fields=frozenset({"removed"}))
                  for ticket_id in rows.removed)
    return events


def event_handlers(app: Any = None) -> EventHandlers:
    return (app or current_app).extensions[UNIT_OF_WORK]


def record(*events: DomainEvent) -> None:
    """Record events in the current transaction (a service's own, beside the rows' events)."""
    if has_app_context():
        event_handlers().record(db.session(), events)
