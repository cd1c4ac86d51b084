"""The calendar the admin edits: hours, Eid lengths, each year's holidays and closures."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.calendar.saudi import DEFAULT_EID_AL_ADHA_DAYS, DEFAULT_EID_AL_FITR_DAYS
from helpdesk.calendar.working import DEFAULT_CLOSES, DEFAULT_OPENS
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db


class CalendarSettings(db.Model):
    """The association's hours and Eid lengths (one row), and the version of the whole
    calendar: every change bumps it, so a process knows its cached calendars are stale."""

    __tablename__ = "calendar_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    opens: Mapped[time] = mapped_column(Time, default=DEFAULT_OPENS)
    closes: Mapped[time] = mapped_column(Time, default=DEFAULT_CLOSES)
    eid_al_fitr_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_EID_AL_FITR_DAYS)
    eid_al_adha_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_EID_AL_ADHA_DAYS)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BranchHours(db.Model):
    """A branch that keeps other hours than the association's."""

    __tablename__ = "calendar_branch_hours"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class HolidayYear(db.Model):
    """A Gregorian year whose holiday list was generated and is now the admin's to correct.
    A year without a row counts the computed Umm al-Qura holidays."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Holiday(db.Model):
    """One day off in a generated year: a public holiday (``key``) or one the admin added."""

    __tablename__ = "calendar_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"),
                                      index=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    key: Mapped[str | None] = mapped_column(String(32))  # saudi.HOLIDAY_KEYS, None if added
    name: Mapped[str | None] = mapped_column(String(120))


class Closure(db.Model):
    """A one-off closure: the association is shut from ``starts_on`` to ``ends_on``."""

    __tablename__ = "calendar_closures"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="closure_ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
