"""What the calendar page shows: hours, branch hours, each year's holidays and the closures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from helpdesk.accounts.models import Branch
from helpdesk.calendar.models import BranchHours, Closure, Holiday
from helpdesk.calendar.services import (
    computed_holidays,
    current_settings,
    generate_range,
    generated_years,
)
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh

YEARS_SHOWN = 2  # this year and the next, plus any other year the admin generated


@dataclass(frozen=True)
class DayOff:
    day: date
    key: str | None  # a public holiday's key (saudi.HOLIDAY_KEYS) or None for one added
    name: str | None
    id: int | None = None  # a stored day's id; None for a computed one


@dataclass(frozen=True)
class YearOfHolidays:
    year: int
    generated: bool
    days: list[DayOff]


@dataclass(frozen=True)
class CalendarPage:
    settings: object
    branches: list[Branch]
    branch_hours: list[tuple[Branch, BranchHours]]
    years: list[YearOfHolidays]
    closures: list[Closure]
    year_choices: list[int]


def active_branches() -> dict[int, Branch]:
    return {branch.id: branch for branch in db.session.scalars(
        select(Branch).where(Branch.active.is_(True)).order_by(Branch.name_ar))}


def calendar_page() -> CalendarPage:
    this_year = to_riyadh(utcnow()).year
    stored = generated_years()
    years = sorted(stored | set(range(this_year, this_year + YEARS_SHOWN)))
    holidays: dict[int, list[DayOff]] = {year: [] for year in years}
    for holiday in db.session.scalars(select(Holiday).where(Holiday.year.in_(years))
                                      .order_by(Holiday.day)):
        holidays[holiday.year].append(DayOff(holiday.day, holiday.key, holiday.name,
                                             holiday.id))
    shown = [YearOfHolidays(year, True, holidays[year]) if year in stored else
             YearOfHolidays(year, False, [DayOff(day, key, None)
                                          for day, key in computed_holidays(year)])
             for year in years]
    branch_hours = db.session.execute(
        select(Branch, BranchHours).join(BranchHours, BranchHours.branch_id == Branch.id)
        .order_by(Branch.name_ar)).all()
    closures = list(db.session.scalars(select(Closure).order_by(Closure.starts_on)))
    return CalendarPage(settings=current_settings(), branches=list(active_branches().values()),
                        branch_hours=[(branch, hours) for branch, hours in branch_hours],
                        years=shown, closures=closures, year_choices=list(generate_range()))
