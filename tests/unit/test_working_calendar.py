"""The working calendar: hours, the Saudi weekend and holidays, in working time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.calendar.saudi import saudi_public_holidays
from helpdesk.calendar.working import RIYADH, NoWorkingTime, WorkingCalendar

CALENDAR = WorkingCalendar(holidays=frozenset(
    holiday.day for year in (2026, 2027) for holiday in saudi_public_holidays(year)))


def riyadh(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=RIYADH)


def test_a_thursday_evening_request_is_due_on_sunday_not_over_the_weekend():
    thursday_evening = riyadh(2026, 12, 3, 19, 30)
    assert not CALENDAR.is_working_time(thursday_evening)
    due = CALENDAR.add_working_hours(thursday_evening, 4)
    assert due == riyadh(2026, 12, 6, 12, 0)  # Sunday, four hours after opening


def test_an_hour_before_closing_plus_two_hours_runs_into_the_next_morning():
    assert CALENDAR.add_working_hours(riyadh(2026, 12, 1, 15, 0), 2) == riyadh(2026, 12, 2, 9, 0)


def test_eid_al_fitr_is_skipped_after_the_last_days_of_ramadan():
    last_of_ramadan = riyadh(2026, 3, 19, 10, 0)  # Thursday 30 Ramadan 1447
    due = CALENDAR.add_working_days(last_of_ramadan, 1)
    # Eid al-Fitr 1447 runs 20-23 March (Fri-Mon); Tuesday 24 March is the next working day.
    assert due == riyadh(2026, 3, 24, 10, 0)


def test_working_time_between_counts_only_open_hours_on_working_days():
    start, end = riyadh(2026, 12, 3, 15, 0), riyadh(2026, 12, 6, 9, 0)  # Thu 15:00 → Sun 09:00
    assert CALENDAR.working_seconds_between(start, end) == 2 * 3600
    assert CALENDAR.working_seconds_between(end, start) == 0


def test_a_promised_date_counts_working_days_after_the_day():
    assert CALENDAR.working_days_after(date(2026, 12, 3), 1) == date(2026, 12, 6)
    assert CALENDAR.working_days_after(date(2026, 12, 3), 0) == date(2026, 12, 3)
    assert CALENDAR.working_days_after(date(2026, 9, 22), 1) == date(2026, 9, 24)


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=frozenset(range(7)))
    every_day = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(1200))
    with pytest.raises(NoWorkingTime):
        WorkingCalendar(holidays=every_day).add_working_hours(riyadh(2026, 1, 1, 9), 1)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.is_working_time(datetime(2026, 12, 1, 9, 0))


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 6, 30),
                        timezones=st.just(UTC))
working_seconds = st.integers(min_value=1, max_value=40 * 8 * 3600)


@given(instants, working_seconds)
def test_adding_then_measuring_gives_back_the_working_time(start, seconds):
    due = CALENDAR.add_working_seconds(start, seconds)
    assert CALENDAR.working_seconds_between(start, due) == seconds


@given(instants, st.integers(min_value=1, max_value=30))
def test_a_due_time_never_falls_on_a_weekend_or_holiday(start, days):
    due = CALENDAR.add_working_days(start, days).astimezone(RIYADH)
    assert CALENDAR.is_working_day(due.date())
    assert CALENDAR.opens < due.time() <= CALENDAR.closes
