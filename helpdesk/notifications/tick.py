"""The periodic pass (``flask helpdesk tick``; the worker runs it every minute).

One pass records the resolution times that passed (helpdesk/sla/breaches.py), then:
- warns the assignee of a ticket about to pass its resolution time (at risk),
- escalates to the team's lead a ticket whose resolution time passed,
- reminds the committee of requests nearing their decision date,
- reminds the person of the missing items after some working days of waiting,
- closes, when its service says so, a request whose person stayed silent too long,
- sends the one reminder of an unanswered satisfaction survey (helpdesk/satisfaction).

Each action happens once per commitment however often the pass runs and from however many
workers: it starts by inserting its TicketAction row (ticket, action, due instant) with
ON CONFLICT DO NOTHING, and goes on only when that insert wrote the row; the action and its
row commit together. Candidates are read in bounded batches over indexed columns: open
tickets through their partial index, waiting ones through the status index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.calendar.services import calendar_for
from helpdesk.calendar.working import RIYADH, WorkingCalendar
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.notifications.handlers import committee_member_ids
from helpdesk.notifications.models import TicketAction
from helpdesk.notifications.services import claim, notify
from helpdesk.satisfaction.services import remind_unanswered_surveys
from helpdesk.services_catalog.models import Service
from helpdesk.sla.breaches import CLOCK_STOPPED, record_sla_breaches
from helpdesk.sla.clocks import COMMITTEE_AT_RISK_DAYS
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.queries import TicketAccess, open_ticket_clause
from helpdesk.tickets.services import TicketChange

log = logging.getLogger(__name__)

# The committee is reminded of a request when its decision becomes at risk (helpdesk/sla).
DECISION_REMINDER_WORKING_DAYS = COMMITTEE_AT_RISK_DAYS
# The person is reminded of missing items after this many working days of waiting
# (the config's MISSING_ITEMS_REMINDER_WORKING_DAYS overrides it).
MISSING_ITEMS_REMINDER_WORKING_DAYS = 3
# The most actions of each kind one pass takes; the rest wait for the next pass.
BATCH = 500
# Actions that leave the ticket's version alone commit this many at a time.
GROUP = 50

WARN, ESCALATE, DECISION_REMINDER = "warn", "escalate", "decision_reminder"
MISSING_REMINDER, SILENCE_CLOSE = "missing_reminder", "silence_close"
ESCALATED_EVENT = "escalated"
WAITING = "awaiting_information"
RUNNING = sorted({"new", "awaiting_information", "in_progress", "referred", "committee",
                  "approved", "rejected", "registration", "service_delivered", "resolved",
                  "reopened"} - CLOCK_STOPPED)


@dataclass
class TickReport:
    breached: int = 0
    warned: int = 0
    escalated: int = 0
    decision_reminders: int = 0
    missing_reminders: int = 0
    closed: int = 0
    survey_reminders: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"breached": self.breached, "warned": self.warned,
                "escalated": self.escalated, "decision_reminders": self.decision_reminders,
                "missing_reminders": self.missing_reminders, "closed": self.closed,
                "survey_reminders": self.survey_reminders}


def tick(now: datetime | None = None, *, batch: int = BATCH) -> TickReport:
    """One pass of every periodic action (each commits its own work)."""
    now = now or utcnow()
    report = TickReport()
    report.breached = len(record_sla_breaches(now, limit=batch))
    report.warned = warn_at_risk(now, batch=batch)
    report.escalated = escalate_breaches(now, batch=batch)
    report.decision_reminders = remind_committee(now, batch=batch)
    report.missing_reminders, report.closed = follow_up_waiting(now, batch=batch)
    report.survey_reminders = remind_unanswered_surveys(now)
    return report


# -- once per commitment ------------------------------------------------------------------

def _once(ticket_id: int, action: str, due_at: datetime, now: datetime,
          act: Callable[[], Any]) -> bool:
    """Claim and act in one transaction; a ticket changed meanwhile is left for next pass."""
    try:
        if not claim(ticket_id, action, due_at, now):
            db.session.rollback()
            return False
        act()
        db.session.commit()
        return True
    except StaleDataError:
        db.session.rollback()
        log.info("tick: ticket %s changed during %s; next pass", ticket_id, action)
        return False


def _in_groups(rows: list[tuple[Any, ...]], action: str, now: datetime,
               act: Callable[..., Any]) -> int:
    """Claim and act for each row (ticket id, due instant, …), GROUP rows a transaction:
    for actions that leave the ticket's version alone (notifications, internal entries),
    so nothing can conflict; a claim another pass holds waits for it, then is skipped."""
    done = 0
    for start in range(0, len(rows), GROUP):
        taken = 0
        try:
            for ticket_id, due_at, *rest in rows[start:start + GROUP]:
                if claim(ticket_id, action, due_at, now):
                    act(ticket_id, due_at, *rest)
                    taken += 1
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        done += taken
    return done


def _not_done(action: str, due_column: Any) -> Any:
    return ~exists().where(TicketAction.ticket_id == Ticket.id, TicketAction.action == action,
                           TicketAction.due_at == due_column)


# -- calendars ------------------------------------------------------------------------------

def _calendars() -> dict[int | None, WorkingCalendar]:
    """The calendar of each branch, and the association's (key None)."""
    calendars: dict[int | None, WorkingCalendar] = {None: calendar_for(None)}
    for branch_id in db.session.scalars(select(Branch.id)):
        calendars[branch_id] = calendar_for(branch_id)
    return calendars


# -- warn and escalate ----------------------------------------------------------------------

def warn_at_risk(now: datetime, *, batch: int = BATCH) -> int:
    """Warn the assignee once the resolution is at risk: the instant the SLA clocks stored
    (helpdesk/sla/clocks.py, the same the ticket page and the "at risk" view read)."""
    rows = db.session.execute(
        select(Ticket.id, Ticket.resolution_due_at, Ticket.assignee_id)
        .where(open_ticket_clause(), Ticket.at_risk_at <= now, Ticket.resolution_due_at > now,
               Ticket.status.in_(RUNNING), Ticket.assignee_id.is_not(None),
               _not_done(WARN, Ticket.resolution_due_at))
        .order_by(Ticket.resolution_due_at, Ticket.id).limit(batch)).all()
    db.session.rollback()
    return _in_groups([tuple(row) for row in rows], WARN, now,
                      lambda ticket_id, _due, assignee_id:
                      notify("at_risk", ticket_id, [assignee_id], now=now))


def escalate_breaches(now: datetime, *, batch: int = BATCH) -> int:
    rows = db.session.execute(
        select(Ticket.id, Ticket.resolution_due_at, Team.lead_id)
        .join(Team, Team.id == Ticket.team_id)
        .where(open_ticket_clause(), Ticket.resolution_due_at < now,
               Ticket.status.in_(RUNNING), Team.lead_id.is_not(None),
               _not_done(ESCALATE, Ticket.resolution_due_at))
        .order_by(Ticket.resolution_due_at, Ticket.id).limit(batch)).all()
    db.session.rollback()
    return _in_groups([tuple(row) for row in rows], ESCALATE, now,
                      lambda ticket_id, due_at, lead_id:
                      _escalate(ticket_id, lead_id, due_at, now))


def _escalate(ticket_id: int, lead_id: int, due_at: datetime, now: datetime) -> None:
    lead = db.session.get(User, lead_id)
    db.session.add(Event(ticket_id=ticket_id, type=ESCALATED_EVENT, visibility="internal",
                         created_at=now,
                         data={"lead_id": lead_id, "lead_name": lead.name if lead else None,
                               "due_at": due_at.isoformat()}))
    notify("escalated", ticket_id, [lead_id], now=now)


# -- the committee --------------------------------------------------------------------------

def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), RIYADH).astimezone(UTC)


def remind_committee(now: datetime, *, batch: int = BATCH) -> int:
    today = now.astimezone(RIYADH).date()
    limits = {key: calendar.working_days_after(today, DECISION_REMINDER_WORKING_DAYS)
              for key, calendar in _calendars().items()}
    rows = db.session.execute(
        select(Ticket.id, Ticket.branch_id, Ticket.decision_due_on)
        .where(Ticket.status == "committee", Ticket.decision_due_on.is_not(None),
               Ticket.decision_due_on <= max(limits.values()))
        .order_by(Ticket.decision_due_on, Ticket.id)).all()
    # The due instant is a date here: what was done is compared in Python (the candidates
    # are the few requests at the committee whose date is near).
    done_before = _done(DECISION_REMINDER, [row[0] for row in rows])
    db.session.rollback()
    due = []
    for ticket_id, branch_id, due_on in rows:
        due_at = _day_start(due_on)
        if due_on <= limits.get(branch_id, limits[None]) and \
                (ticket_id, due_at) not in done_before:
            due.append((ticket_id, due_at))
    members = committee_member_ids() if due else []
    return _in_groups(due[:batch], DECISION_REMINDER, now,
                      lambda ticket_id, _due: notify("decision_due", ticket_id, members,
                                                     now=now))


def _done(action: str, ticket_ids: list[int]) -> set[tuple[int, datetime]]:
    found: set[tuple[int, datetime]] = set()
    for start in range(0, len(ticket_ids), 900):  # SQLite's bound-parameter limit
        chunk = ticket_ids[start:start + 900]
        found.update(db.session.execute(
            select(TicketAction.ticket_id, TicketAction.due_at)
            .where(TicketAction.action == action, TicketAction.ticket_id.in_(chunk))).all())
    return found


# -- waiting for the person -----------------------------------------------------------------

def missing_reminder_days() -> int:
    return int(current_app.config.get("MISSING_ITEMS_REMINDER_WORKING_DAYS",
                                      MISSING_ITEMS_REMINDER_WORKING_DAYS))


@dataclass(frozen=True)
class Waiting:
    ticket_id: int
    branch_id: int | None
    since: datetime          # when the ticket started waiting for the person
    missing: list[str]
    last_heard: datetime | None  # the person's last message since then
    close_after: int | None  # the service's working days of silence before closing


def waiting_tickets(now: datetime, min_days: int) -> list[Waiting]:
    """Tickets waiting for the person for at least ``min_days`` calendar days (working days
    are never fewer), with when the wait began and when the person last wrote."""
    started = (select(func.max(Event.id)).where(Event.ticket_id == Ticket.id,
                                                Event.type == "status_changed")
               .correlate(Ticket).scalar_subquery())
    rows = db.session.execute(
        select(Ticket.id, Ticket.branch_id, Event.created_at, Event.data,
               Service.close_after_silent_days)
        .join(Event, Event.id == started)
        .outerjoin(Service, Service.id == Ticket.service_id)
        .where(Ticket.status == WAITING, Event.created_at <= now - timedelta(days=min_days),
               # Reminded of this wait already, and no closing for silence: nothing to do.
               or_(Service.close_after_silent_days.is_not(None),
                   ~exists().where(TicketAction.ticket_id == Ticket.id,
                                   TicketAction.action == MISSING_REMINDER,
                                   TicketAction.due_at == Event.created_at)))
        .order_by(Ticket.id)).all()
    heard: dict[int, datetime] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        heard.update(db.session.execute(
            select(Event.ticket_id, func.max(Event.created_at))
            .where(Event.ticket_id.in_(chunk), Event.type == "message_in")
            .group_by(Event.ticket_id)).all())
    waiting = []
    for ticket_id, branch_id, since, data, close_after in rows:
        last = heard.get(ticket_id)
        waiting.append(Waiting(ticket_id, branch_id, since, list((data or {}).get("missing") or []),
                               last if last is not None and last > since else None,
                               close_after))
    return waiting


def follow_up_waiting(now: datetime, *, batch: int = BATCH) -> tuple[int, int]:
    """Remind the person of missing items, and close after the service's silence."""
    remind_after = missing_reminder_days()
    closings = [days for days in db.session.scalars(
        select(Service.close_after_silent_days).where(
            Service.close_after_silent_days.is_not(None))) if days]
    candidates = waiting_tickets(now, min([remind_after, *closings]))
    ids = [w.ticket_id for w in candidates]
    reminded_before = _done(MISSING_REMINDER, ids)
    closed_before = _done(SILENCE_CLOSE, ids)
    db.session.rollback()
    calendars = _calendars()
    reminded = closed = 0
    for wait in candidates:
        calendar = calendars.get(wait.branch_id, calendars[None])
        silent_since = wait.last_heard or wait.since
        if wait.close_after and (wait.ticket_id, silent_since) not in closed_before \
                and calendar.add_working_days(silent_since, wait.close_after) <= now:
            if closed < batch:
                closed += _once(wait.ticket_id, SILENCE_CLOSE, silent_since, now,
                                lambda w=wait: _close_for_silence(w, now))
            continue
        if wait.last_heard is None and (wait.ticket_id, wait.since) not in reminded_before \
                and calendar.add_working_days(wait.since, remind_after) <= now \
                and reminded < batch:
            reminded += _once(wait.ticket_id, MISSING_REMINDER, wait.since, now,
                              lambda w=wait: _remind_missing(w, now))
    return reminded, closed


def _system_change(ticket_id: int, now: datetime) -> TicketChange:
    """A change the system makes (no actor): the periodic job's own reach is every ticket."""
    ticket = db.session.get(Ticket, ticket_id, populate_existing=True)
    return TicketChange(TicketAccess(ticket, can_work=True, is_referee=False,
                                     is_committee=False), None, now)


def _remind_missing(wait: Waiting, now: datetime) -> None:
    change = _system_change(wait.ticket_id, now)
    number, items = change.ticket.number, wait.missing

    def render() -> str:
        heading = ngettext(
            "A reminder: to continue with your request %(number)s, we still need one item:",
            "A reminder: to continue with your request %(number)s, we still need "
            "%(num)d items:", len(items), number=number) if items else _(
            "A reminder: to continue with your request %(number)s, we still need the "
            "information we asked you for.", number=number)
        return "\n".join([heading, *(f"• {item}" for item in items)])

    change.tell("missing_information", render)
    db.session.flush()


def _close_for_silence(wait: Waiting, now: datetime) -> None:
    change = _system_change(wait.ticket_id, now)
    number, days = change.ticket.number, wait.close_after
    change.transition("close", data={"resolution_code": "no_response"})
    change.tell("closing", lambda: ngettext(
        "We closed your request %(number)s because we have not heard from you for "
        "%(num)d working day. You are welcome to contact us again at any time.",
        "We closed your request %(number)s because we have not heard from you for "
        "%(num)d working days. You are welcome to contact us again at any time.",
        days, number=number))
    db.session.flush()

