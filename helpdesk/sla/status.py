"""A ticket's service-level state as people read it: on track, at risk or breached, and
the working time left (or by how much it is late), in words with the right plural."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from helpdesk.calendar.services import calendar_for
from helpdesk.calendar.working import WorkingCalendar
from helpdesk.db_types import utcnow
from helpdesk.i18n.dates import to_riyadh
from helpdesk.sla.clocks import CLOCK_MET, COMMITTEE_AT_RISK_DAYS
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.states import OPEN_STATUSES

STATES = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "breached": _l("Breached"),
}
CLOCKS = {
    "first_response": _l("First response time"),
    "resolution": _l("Resolution deadline"),
    "decision": _l("Committee decision time"),
}


@dataclass(frozen=True)
class ClockStatus:
    """One running clock of a ticket."""

    clock: str                 # first_response, resolution or decision
    state: str                 # on_track, at_risk or breached
    due_at: datetime | None    # first response and resolution
    due_on: date | None        # the committee's decision date
    seconds_left: int          # working seconds; negative: late by that much
    calendar: WorkingCalendar

    @property
    def label(self) -> str:
        return str(STATES[self.state])

    @property
    def clock_label(self) -> str:
        return str(CLOCKS[self.clock])

    @property
    def time_left(self) -> str:
        """'3 working days and 2 hours left' or 'Late by 5 hours'."""
        if self.state == "breached" and self.seconds_left > -60:
            # Due outside working hours, or just now: no working time has passed since.
            return _("Past its due time")
        words = working_time_words(abs(self.seconds_left), self.calendar.day_seconds)
        if self.seconds_left < 0:
            return _("Late by %(time)s", time=words)
        return _("%(time)s left", time=words)


def working_time_words(seconds: int, day_seconds: int) -> str:
    """Working time in words: days and hours, or hours and minutes under a day."""
    days, rest = divmod(int(seconds), day_seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(num)d working day", "%(num)d working days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    if not parts:
        return _("less than a minute")
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(second)s", first=parts[0], second=parts[1])


def _instant_status(clock: str, due: datetime, at_risk: datetime | None, now: datetime,
                    calendar: WorkingCalendar) -> ClockStatus:
    if due <= now:
        left = -calendar.working_seconds_between(due, now)
        state = "breached"
    else:
        left = calendar.working_seconds_between(now, due)
        state = "at_risk" if at_risk is not None and at_risk <= now else "on_track"
    return ClockStatus(clock, state, due, None, left, calendar)


def _decision_status(due_on: date, now: datetime, calendar: WorkingCalendar) -> ClockStatus:
    """The committee's clock runs to the end of the working day it is due."""
    today = to_riyadh(now).date()
    end_of_due_day = datetime.combine(due_on, calendar.closes, calendar.zone)
    if end_of_due_day <= now:
        return ClockStatus("decision", "breached", None, due_on,
                           -calendar.working_seconds_between(end_of_due_day, now), calendar)
    left = calendar.working_seconds_between(now, end_of_due_day)
    soon = calendar.working_days_after(today, COMMITTEE_AT_RISK_DAYS) >= due_on
    return ClockStatus("decision", "at_risk" if soon else "on_track", None, due_on, left,
                       calendar)


def ticket_clocks(ticket: Ticket, now: datetime | None = None,
                  calendar: WorkingCalendar | None = None) -> list[ClockStatus]:
    """Every clock running on the ticket, the nearest commitment first."""
    if ticket.status not in OPEN_STATUSES or ticket.status in CLOCK_MET:
        return []
    now = now or utcnow()
    calendar = calendar or calendar_for(ticket.branch_id)
    clocks = []
    if ticket.status == "committee" and ticket.decision_due_on is not None:
        clocks.append(_decision_status(ticket.decision_due_on, now, calendar))
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        clocks.append(_instant_status("first_response", ticket.first_response_due_at, None,
                                      now, calendar))
    if ticket.resolution_due_at is not None:
        clocks.append(_instant_status("resolution", ticket.resolution_due_at,
                                      ticket.at_risk_at, now, calendar))
    return sorted(clocks, key=lambda c: c.seconds_left)


def sla_status(ticket: Ticket, now: datetime | None = None) -> ClockStatus | None:
    """The clock a queue row shows, the one the "overdue" and "at risk" views follow: the
    committee's decision while the ticket is with it, else the resolution."""
    for clock in ticket_clocks(ticket, now):
        if clock.clock in ("decision", "resolution"):
            return clock
    return None
