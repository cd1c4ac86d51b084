"""The service-level clocks of every ticket, kept by handlers of the unit of work's events.

- At intake, and whenever the kind or the service changes, the ticket's first-response and
  resolution due times are computed on its branch's working calendar from the moment it
  was opened (a kind changed on day three keeps the three days used).
- The first public answer (not the automatic receipt) stops the first-response clock.
- While the ticket waits on the person or on the committee (SLA_PAUSED_STATUSES) the
  resolution clock stops; the working seconds spent waiting are added up and the due time
  is recomputed on the calendar when the ticket moves on, so a pause over a weekend costs
  nothing and a pause of two working hours moves the due time by two working hours.
- ``at_risk_at`` is when the resolution becomes at risk (``at_risk_threshold_seconds``
  before it is due), stored so the "at risk" view is one indexed comparison.

The handlers write these columns with a plain UPDATE and mark the loaded ticket as up to
date: they are bookkeeping of a change already made, so they neither bump the ticket's
version (the person's form stays valid) nor announce another change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.calendar.services import calendar_for
from helpdesk.calendar.working import WorkingCalendar
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.sla.targets import Targets, targets_for
from helpdesk.tickets.events import MessageAdded, TicketChanged, TicketTransitioned
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.states import SLA_PAUSED_STATUSES, TERMINAL_STATUSES

# Statuses in which the resolution was given: the clock no longer runs (nor risks).
CLOCK_MET = frozenset({"service_delivered", "resolved"})
# When a resolution is "at risk": less than a quarter of its target left, and never less
# than two working hours of warning (a short target is at risk from its start).
AT_RISK_SHARE = 0.25
AT_RISK_MIN_SECONDS = 2 * 3600
# The committee's decision is at risk this many working days before its due date.
COMMITTEE_AT_RISK_DAYS = 2
# An automatic acknowledgement is not an answer: it does not stop the first-response clock.
NOT_A_RESPONSE = frozenset({"receipt"})
CLOCK_FIELDS = frozenset({"kind", "service_id"})


def at_risk_threshold_seconds(target_seconds: float) -> float:
    """The working seconds before the due time from which a clock is at risk."""
    return min(target_seconds, max(target_seconds * AT_RISK_SHARE, AT_RISK_MIN_SECONDS))


def target_seconds(days: float, calendar: WorkingCalendar) -> float:
    return days * calendar.day_seconds


def clock_columns(created_at: datetime, status: str, targets: Targets,
                  calendar: WorkingCalendar, *, paused_seconds: int = 0,
                  paused: bool = False) -> dict[str, datetime | None]:
    """The due-time columns of a ticket opened at ``created_at`` (pure: the handlers and
    the bulk seed share it). The resolution counts the target plus every working second
    spent waiting so far; while waiting it has no due time."""
    first = target_seconds(targets.first_response_days, calendar)
    values: dict[str, datetime | None] = {
        "first_response_due_at": calendar.add_working_seconds(created_at, first)}
    if paused or status in SLA_PAUSED_STATUSES:
        values.update(resolution_due_at=None, at_risk_at=None)
        return values
    target = target_seconds(targets.resolution_days, calendar)
    due = calendar.add_working_seconds(created_at, target + paused_seconds)
    at_risk = calendar.add_working_seconds(
        created_at, target + paused_seconds - at_risk_threshold_seconds(target))
    stopped = status in CLOCK_MET | TERMINAL_STATUSES
    values.update(resolution_due_at=due, at_risk_at=None if stopped else at_risk)
    return values


def due_times(ticket: Ticket, calendar: WorkingCalendar | None = None
              ) -> dict[str, datetime | None]:
    """The clock columns a ticket should carry now (its targets, status and pauses)."""
    return clock_columns(ticket.created_at, ticket.status,
                         targets_for(ticket.kind, ticket.service_id),
                         calendar or calendar_for(ticket.branch_id),
                         paused_seconds=ticket.sla_paused_seconds or 0,
                         paused=ticket.sla_paused_at is not None)


def write_clock(ticket: Ticket, **values: object) -> None:
    """Store clock columns without a new version or a new change event (see above)."""
    values = {name: value for name, value in values.items()
              if getattr(ticket, name) != value}
    if not values:
        return
    db.session.connection().execute(
        update(Ticket.__table__).where(Ticket.__table__.c.id == ticket.id).values(**values))
    for name, value in values.items():
        set_committed_value(ticket, name, value)


# -- the handlers (registered in configure_events, FLUSH phase) ---------------------------

def set_due_times(event: TicketChanged) -> None:
    """A ticket opened, or its kind or service changed: its due times from its targets."""
    if not (event.created or event.fields & CLOCK_FIELDS):
        return
    ticket = db.session.get(Ticket, event.ticket_id)
    if ticket is None or ticket.created_at is None:
        return
    write_clock(ticket, **due_times(ticket))


def follow_status(event: TicketTransitioned) -> None:
    """Pause the resolution clock while the ticket waits, resume it in working time."""
    if event.from_status == event.to_status:
        return
    ticket = db.session.get(Ticket, event.ticket_id)
    if ticket is None:
        return
    row = db.session.get(Event, event.event_id)
    now = row.created_at if row is not None and row.created_at else utcnow()
    if event.to_status in SLA_PAUSED_STATUSES:
        if ticket.sla_paused_at is None:
            write_clock(ticket, sla_paused_at=now, resolution_due_at=None, at_risk_at=None)
        return
    calendar = calendar_for(ticket.branch_id)
    if ticket.sla_paused_at is not None:  # the wait is over: resume in working time
        waited = calendar.working_seconds_between(ticket.sla_paused_at, now)
        write_clock(ticket, sla_paused_at=None,
                    sla_paused_seconds=(ticket.sla_paused_seconds or 0) + waited)
        write_clock(ticket, **due_times(ticket, calendar))
    elif event.to_status in CLOCK_MET | TERMINAL_STATUSES:  # resolved, delivered, closed
        write_clock(ticket, at_risk_at=None)
    elif event.from_status in CLOCK_MET | TERMINAL_STATUSES:  # reopened: it runs again
        write_clock(ticket, **due_times(ticket, calendar))


def record_first_response(event: MessageAdded) -> None:
    """The first public answer to the person stops the first-response clock."""
    if event.direction != "out" or event.visibility != "public" \
            or event.purpose in NOT_A_RESPONSE:
        return
    ticket = db.session.get(Ticket, event.ticket_id)
    if ticket is None or ticket.first_responded_at is not None:
        return
    row = db.session.get(Event, event.event_id)
    write_clock(ticket, first_responded_at=row.created_at if row is not None else utcnow())

