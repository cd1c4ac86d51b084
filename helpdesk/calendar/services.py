"""The working calendar in force: the association's hours and its holidays."""

from __future__ import annotations

from functools import lru_cache

from helpdesk.calendar.saudi import saudi_public_holidays
from helpdesk.calendar.working import WorkingCalendar
from helpdesk.db_types import utcnow

# Years whose holidays a calendar carries: enough for any clock running today.
YEARS_AHEAD, YEARS_BEHIND = 2, 1


def calendar_for(branch_id: int | None = None, *, year: int | None = None) -> WorkingCalendar:
    """The working calendar of ``branch_id`` (the association's when None)."""
    from_year = (year or _this_year()) - YEARS_BEHIND
    return _default_calendar(from_year)


@lru_cache(maxsize=8)
def _default_calendar(from_year: int) -> WorkingCalendar:
    days = frozenset(holiday.day
                     for year in range(from_year, from_year + YEARS_BEHIND + YEARS_AHEAD + 1)
                     for holiday in saudi_public_holidays(year))
    return WorkingCalendar(holidays=days)


def _this_year() -> int:
    return utcnow().year
