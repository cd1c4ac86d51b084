"""Working time on a calendar of opening hours, weekend days and holidays (pure: no database).

Every commitment the association makes (a first answer, a resolution, the committee's
decision) is counted in working time, so a Thursday-evening request is not late on Saturday.
Instants are aware datetimes; they are read in the calendar's zone, and results come back in
UTC. Working time is a set of daily intervals [opens, closes) on working days.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RIYADH = ZoneInfo("Asia/Riyadh")
FRIDAY, SATURDAY = 4, 5  # date.weekday(): Monday is 0
SAUDI_WEEKEND = frozenset({FRIDAY, SATURDAY})
DEFAULT_OPENS, DEFAULT_CLOSES = time(8, 0), time(16, 0)
# No calendar has a year without a working day; a search that finds none within this many
# days means the calendar itself is unusable (every day a holiday), not a long wait.
MAX_SEARCH_DAYS = 3 * 366


class NoWorkingTime(ValueError):
    """The calendar has no working day within reach (every day is a weekend or holiday)."""


@dataclass(frozen=True)
class WorkingCalendar:
    opens: time = DEFAULT_OPENS
    closes: time = DEFAULT_CLOSES
    weekend: frozenset[int] = SAUDI_WEEKEND
    holidays: frozenset[date] = field(default_factory=frozenset)
    zone: ZoneInfo = RIYADH

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("a working day must open before it closes")
        if len(self.weekend) >= 7:
            raise ValueError("a week needs at least one working day")

    # -- the shape of a day ----------------------------------------------------------

    @property
    def day_seconds(self) -> int:
        """The length of one working day, in seconds."""
        return _seconds(self.closes) - _seconds(self.opens)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def is_working_time(self, instant: datetime) -> bool:
        local = self._local(instant)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, self.opens, self.zone),
                datetime.combine(day, self.closes, self.zone))

    def _working_days(self, start: date) -> Iterator[date]:
        """Working days from ``start`` (included) onwards."""
        day, searched = start, 0
        while True:
            if self.is_working_day(day):
                searched = 0
                yield day
            else:
                searched += 1
                if searched > MAX_SEARCH_DAYS:
                    raise NoWorkingTime("no working day within three years")
            day += timedelta(days=1)

    # -- moving along working time ----------------------------------------------------

    def next_working_instant(self, instant: datetime) -> datetime:
        """``instant`` if it is working time, else the next opening (in UTC)."""
        local = self._local(instant)
        for day in self._working_days(local.date()):
            opens, closes = self._bounds(day)
            if local < closes:
                return max(local, opens).astimezone(UTC)
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_seconds(self, instant: datetime, seconds: float) -> datetime:
        """The instant ``seconds`` of working time after ``instant``.

        Zero gives ``instant`` itself. A result that falls exactly at closing time is
        reported at closing time, not at the next opening: the commitment is due by the
        end of that working day."""
        if seconds < 0:
            raise ValueError("working time cannot be negative")
        if seconds == 0:
            return instant.astimezone(UTC)
        local = self._local(instant)
        left = timedelta(seconds=seconds)
        for day in self._working_days(local.date()):
            opens, closes = self._bounds(day)
            if local >= closes:
                continue
            start = max(local, opens)
            available = closes - start
            if left <= available:
                return (start + left).astimezone(UTC)
            left -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_hours(self, instant: datetime, hours: float) -> datetime:
        return self.add_working_seconds(instant, hours * 3600)

    def add_working_days(self, instant: datetime, days: int) -> datetime:
        """``days`` whole working days after ``instant``: the same working time of day on
        the ``days``-th following working day (an instant outside working hours counts from
        the next opening)."""
        if days < 0:
            raise ValueError("working days cannot be negative")
        return self.add_working_seconds(instant, days * self.day_seconds)

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working seconds in [start, end); zero when ``end`` is not after ``start``."""
        begin, finish = self._local(start), self._local(end)
        if finish <= begin:
            return 0
        total = timedelta()
        day = begin.date()
        while day <= finish.date():
            if self.is_working_day(day):
                opens, closes = self._bounds(day)
                low, high = max(opens, begin), min(closes, finish)
                if high > low:
                    total += high - low
            day += timedelta(days=1)
        return int(total.total_seconds())

    def working_days_after(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (a date promised to a person)."""
        if days < 0:
            raise ValueError("working days cannot be negative")
        if days == 0:
            return day
        found = 0
        for candidate in self._working_days(day + timedelta(days=1)):
            found += 1
            if found >= days:
                return candidate
        raise AssertionError("unreachable")  # pragma: no cover

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return instant.astimezone(self.zone)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
