"""The working calendar in force (the admin's hours, holidays and closures) and its editing.

``calendar_for`` is asked for every new ticket, so it reads one number (the calendar's
version) and answers from a per-process cache until an edit bumps that number; a database
that has never been edited gets the computed Saudi calendar without reading any table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from hijridate import Hijri
from sqlalchemy import delete, select, update

from helpdesk.audit.services import record_audit
from helpdesk.calendar.models import BranchHours, CalendarSettings, Closure, Holiday, HolidayYear
from helpdesk.calendar.saudi import (
    DEFAULT_EID_AL_ADHA_DAYS,
    DEFAULT_EID_AL_FITR_DAYS,
    saudi_public_holidays,
)
from helpdesk.calendar.working import DEFAULT_CLOSES, DEFAULT_OPENS, WorkingCalendar
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date
from helpdesk.i18n.language import current_language
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.validation import ValidationError

# Years whose holidays a calendar carries: enough for any clock running today.
YEARS_AHEAD, YEARS_BEHIND = 2, 1
SETTINGS_ID = 1  # the one settings row: a second writer's insert fails instead of forking
MIN_EID_DAYS, MAX_EID_DAYS = 1, 10
MAX_HOLIDAY_RUN_DAYS = 31
MAX_CLOSURE_DAYS = 366
GENERATE_YEARS_BEHIND, GENERATE_YEARS_AHEAD = 1, 5
MAX_NAME_LENGTH = 120
MAX_REASON_LENGTH = 200
HIJRI_YEARS = range(1343, 1501)  # the Umm al-Qura table's range (hijridate)
CACHE_KEY = "helpdesk_calendar"
# Examples in messages, isolated left-to-right so an Arabic sentence keeps their order.
EXAMPLE_DATES = {"gregorian": "\u20662026-03-20\u2069", "hijri": "\u20661447-10-01\u2069"}


# -- reading -------------------------------------------------------------------------------


def calendar_for(branch_id: int | None = None, *, year: int | None = None) -> WorkingCalendar:
    """The working calendar of ``branch_id`` (the association's when None), carrying the
    holidays and closures of the year before ``year`` (this year when None) to two after."""
    from_year = (year or _this_year()) - YEARS_BEHIND
    if not has_app_context():
        return _default_calendar(from_year)
    version = db.session.scalar(select(CalendarSettings.version)
                                .where(CalendarSettings.id == SETTINGS_ID))
    if version is None:
        return _default_calendar(from_year)
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    stored: _Stored | None = cache.get("stored")
    if stored is None or stored.version != version:
        stored = _load(version)
        cache["stored"] = stored
    key = (branch_id, from_year)
    if key not in stored.calendars:
        stored.calendars[key] = stored.build(branch_id, from_year)
    return stored.calendars[key]


@dataclass
class _Stored:
    """Everything the database says about the calendar at one version."""

    version: int
    opens: time
    closes: time
    eid_al_fitr_days: int
    eid_al_adha_days: int
    branch_hours: dict[int, tuple[time, time]]
    generated: dict[int, frozenset[date]]  # year -> its stored days off
    closed: frozenset[date]
    calendars: dict[tuple[int | None, int], WorkingCalendar] = field(default_factory=dict)

    def build(self, branch_id: int | None, from_year: int) -> WorkingCalendar:
        opens, closes = self.branch_hours.get(branch_id, (self.opens, self.closes)) \
            if branch_id is not None else (self.opens, self.closes)
        years = range(from_year, from_year + YEARS_BEHIND + YEARS_AHEAD + 1)
        days: set[date] = set()
        for one_year in years:
            if one_year in self.generated:
                days |= self.generated[one_year]
            else:
                days |= _computed_days(one_year, self.eid_al_fitr_days, self.eid_al_adha_days)
        days |= {day for day in self.closed if day.year in years}
        return WorkingCalendar(opens=opens, closes=closes, holidays=frozenset(days))


def _load(version: int) -> _Stored:
    settings = db.session.get(CalendarSettings, SETTINGS_ID)
    generated: dict[int, set[date]] = {
        year: set() for year in db.session.scalars(select(HolidayYear.year))}
    for year, day in db.session.execute(select(Holiday.year, Holiday.day)):
        generated.setdefault(year, set()).add(day)
    closed = {day for closure in db.session.scalars(select(Closure)) for day in _days(
        closure.starts_on, closure.ends_on)}
    return _Stored(
        version=version, opens=settings.opens, closes=settings.closes,
        eid_al_fitr_days=settings.eid_al_fitr_days, eid_al_adha_days=settings.eid_al_adha_days,
        branch_hours={row.branch_id: (row.opens, row.closes)
                      for row in db.session.scalars(select(BranchHours))},
        generated={year: frozenset(days) for year, days in generated.items()},
        closed=frozenset(closed))


@lru_cache(maxsize=8)
def _default_calendar(from_year: int) -> WorkingCalendar:
    days = frozenset(day
                     for year in range(from_year, from_year + YEARS_BEHIND + YEARS_AHEAD + 1)
                     for day in _computed_days(year, DEFAULT_EID_AL_FITR_DAYS,
                                               DEFAULT_EID_AL_ADHA_DAYS))
    return WorkingCalendar(holidays=days)


@lru_cache(maxsize=64)
def _computed_days(year: int, fitr_days: int, adha_days: int) -> frozenset[date]:
    return frozenset(holiday.day for holiday in saudi_public_holidays(
        year, eid_al_fitr_days=fitr_days, eid_al_adha_days=adha_days))


def _this_year() -> int:
    return utcnow().year


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def current_settings() -> CalendarSettings:
    """The stored settings, or unsaved defaults when the admin never edited the calendar."""
    return db.session.get(CalendarSettings, SETTINGS_ID) or CalendarSettings(
        id=SETTINGS_ID, opens=DEFAULT_OPENS, closes=DEFAULT_CLOSES,
        eid_al_fitr_days=DEFAULT_EID_AL_FITR_DAYS, eid_al_adha_days=DEFAULT_EID_AL_ADHA_DAYS,
        version=0)


def generated_years() -> set[int]:
    return set(db.session.scalars(select(HolidayYear.year)))


def computed_holidays(year: int) -> list[tuple[date, str]]:
    """The public holidays of a year not generated yet, with the stored Eid lengths."""
    settings = current_settings()
    return [(holiday.day, holiday.key) for holiday in saudi_public_holidays(
        year, eid_al_fitr_days=settings.eid_al_fitr_days,
        eid_al_adha_days=settings.eid_al_adha_days)]


def generate_range() -> range:
    """The years the admin may generate: last year to five years ahead."""
    this_year = _this_year()
    return range(this_year - GENERATE_YEARS_BEHIND, this_year + GENERATE_YEARS_AHEAD + 1)


# -- parsing what the admin typed ----------------------------------------------------------

_DATE_PARTS = re.compile(r"^\s*(\d{1,4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,4})\s*$")
_HIJRI_MARKS = ("هـ", "ه", "AH")
_GREGORIAN_MARKS = ("م",)


def parse_day(text: str | None) -> date:
    """A date typed as Gregorian (2026-03-20, 20/03/2026) or Hijri (1447-10-01, 1/10/1447 هـ),
    in Latin or Arabic-Indic digits; a year from 1343 to 1500 is read as Hijri (Umm al-Qura).
    Raises ValueError for anything else."""
    clean = to_ascii_digits(text or "").strip()
    for mark in (*_HIJRI_MARKS, *_GREGORIAN_MARKS):
        clean = clean.removesuffix(mark).strip()
    found = _DATE_PARTS.match(clean)
    if not found:
        raise ValueError("not a date")
    first, month, last = (int(part) for part in found.groups())
    if len(found.group(1)) == 4:
        year, day = first, last
    elif len(found.group(3)) == 4:
        year, day = last, first
    else:
        raise ValueError("the year needs four digits")
    if year in HIJRI_YEARS:
        try:
            gregorian = Hijri(year, month, day).to_gregorian()
        except (ValueError, OverflowError) as exc:
            raise ValueError("not a Hijri date") from exc
        return date(gregorian.year, gregorian.month, gregorian.day)
    if not 1900 <= year <= 2100:
        raise ValueError("out of range")
    return date(year, month, day)


def _parse_time(text: str | None) -> time:
    clean = to_ascii_digits(text or "").strip()
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", clean)
    if not found:
        raise ValueError("not a time")
    return time(int(found.group(1)), int(found.group(2)))


def _day_text(day: date) -> str:
    """A day as people read it: Hijri, then Gregorian."""
    language = current_language()
    return f"{hijri_date(day, language)} ({gregorian_date(day, language)})"


def _hours(values: dict[str, str], opens_name: str, closes_name: str,
           errors: dict[str, str]) -> tuple[time, time] | None:
    parsed = {}
    for name in (opens_name, closes_name):
        try:
            parsed[name] = _parse_time(values.get(name))
        except ValueError:
            errors[name] = _("Enter a time of day such as 08:00.")
    if len(parsed) < 2:
        return None
    if parsed[closes_name] <= parsed[opens_name]:
        errors[closes_name] = _("The closing time must come after the opening time.")
        return None
    return parsed[opens_name], parsed[closes_name]


def _date_field(values: dict[str, str], name: str, errors: dict[str, str], *,
                required: bool = True) -> date | None:
    text = (values.get(name) or "").strip()
    if not text:
        if required:
            errors[name] = _("Enter a date.")
        return None
    try:
        return parse_day(text)
    except ValueError:
        errors[name] = _("Enter a Gregorian date such as %(gregorian)s or a Hijri date such "
                         "as %(hijri)s.", **EXAMPLE_DATES)
        return None


def _date_range(values: dict[str, str], first_name: str, last_name: str, longest: int,
                errors: dict[str, str]) -> tuple[date, date] | None:
    first = _date_field(values, first_name, errors)
    last = _date_field(values, last_name, errors, required=False)
    if first is None or last_name in errors:
        return None
    last = last or first
    if last < first:
        errors[last_name] = _("The last day cannot come before the first day.")
        return None
    if (last - first).days + 1 > longest:
        errors[last_name] = _("At most %(n)d days at a time.", n=longest)
        return None
    return first, last


# -- editing -------------------------------------------------------------------------------


def _settings_for_update() -> CalendarSettings:
    settings = db.session.get(CalendarSettings, SETTINGS_ID)
    if settings is None:
        settings = current_settings()
        settings.version = 1
        db.session.add(settings)
        db.session.flush()
    return settings


def _changed(actor: Any, target_id: int | None, **after: Any) -> None:
    """Bump the version (in SQL, so two writers never share a number) and audit the change."""
    _settings_for_update()
    db.session.execute(update(CalendarSettings).where(CalendarSettings.id == SETTINGS_ID)
                       .values(version=CalendarSettings.version + 1, updated_at=utcnow()))
    record_audit(actor, "calendar.changed", "calendar", target_id, after={
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in after.items()})
    db.session.commit()


def save_settings(values: dict[str, str], actor: Any) -> CalendarSettings:
    """The association's hours (``opens``, ``closes``) and the Eid lengths in days."""
    errors: dict[str, str] = {}
    hours = _hours(values, "opens", "closes", errors)
    lengths = {}
    for name in ("eid_al_fitr_days", "eid_al_adha_days"):
        try:
            lengths[name] = int(to_ascii_digits(values.get(name) or "").strip())
            if not MIN_EID_DAYS <= lengths[name] <= MAX_EID_DAYS:
                raise ValueError
        except ValueError:
            errors[name] = _("Enter a number of days from %(low)d to %(high)d.",
                             low=MIN_EID_DAYS, high=MAX_EID_DAYS)
    if errors or hours is None:
        raise ValidationError(errors)
    settings = _settings_for_update()
    settings.opens, settings.closes = hours
    settings.eid_al_fitr_days = lengths["eid_al_fitr_days"]
    settings.eid_al_adha_days = lengths["eid_al_adha_days"]
    _changed(actor, None, opens=settings.opens, closes=settings.closes, **lengths)
    return settings


def save_branch_hours(values: dict[str, str], branches: dict[int, Any], actor: Any) -> None:
    """A branch's own hours (``branch_id``, ``branch_opens``, ``branch_closes``);
    ``branches`` are the branches the admin may choose, by id."""
    errors: dict[str, str] = {}
    try:
        branch_id = int(values.get("branch_id") or "")
        if branch_id not in branches:
            raise ValueError
    except ValueError:
        errors["branch_id"] = _("Choose a branch.")
        branch_id = None
    hours = _hours(values, "branch_opens", "branch_closes", errors)
    if errors or hours is None or branch_id is None:
        raise ValidationError(errors)
    row = db.session.get(BranchHours, branch_id) or BranchHours(branch_id=branch_id)
    row.opens, row.closes = hours
    db.session.add(row)
    _changed(actor, branch_id, opens=row.opens, closes=row.closes)


def remove_branch_hours(branch_id: int, actor: Any) -> bool:
    """The branch keeps the association's hours again; False when it had none of its own."""
    removed = db.session.execute(delete(BranchHours).where(BranchHours.branch_id == branch_id))
    if not removed.rowcount:
        return False
    _changed(actor, branch_id, removed=True)
    return True


def generate_year(values: dict[str, str], actor: Any) -> int:
    """Store ``year``'s public holidays (from the Umm al-Qura calendar, with the stored Eid
    lengths) as a list the admin then corrects. A year already stored is generated again
    only when ``replace`` is set, since that drops the admin's corrections."""
    try:
        year = int(to_ascii_digits(values.get("year") or "").strip())
        if year not in generate_range():
            raise ValueError
    except ValueError:
        allowed = generate_range()
        raise ValidationError({"year": _("Choose a year from %(first)d to %(last)d.",
                                         first=allowed[0], last=allowed[-1])}) from None
    existing = db.session.get(HolidayYear, year)
    if existing is not None:
        if not values.get("replace"):
            raise ValidationError({"year": _(
                "The holidays of %(year)d are already generated: correct their days below, "
                "or generate them again.", year=year)})
        db.session.execute(delete(Holiday).where(Holiday.year == year))
        db.session.delete(existing)
        db.session.flush()
    settings = current_settings()
    db.session.add(HolidayYear(year=year, generated_at=utcnow()))
    db.session.flush()
    for holiday in saudi_public_holidays(year, eid_al_fitr_days=settings.eid_al_fitr_days,
                                         eid_al_adha_days=settings.eid_al_adha_days):
        db.session.add(Holiday(year=year, day=holiday.day, key=holiday.key))
    _changed(actor, year, generated=year)
    return year


def _check_days_free(days: list[date], field_name: str, errors: dict[str, str], *,
                     ignore_holiday: int | None = None, check_closures: bool = True,
                     check_holidays: bool = True) -> None:
    """A day is entered once: not already a holiday, not inside a closure."""
    if check_holidays:
        taken = db.session.scalar(select(Holiday).where(Holiday.day.in_(days),
                                                        Holiday.id != (ignore_holiday or 0))
                                  .order_by(Holiday.day).limit(1))
        if taken is not None:
            errors[field_name] = _("%(day)s is already a holiday.", day=_day_text(taken.day))
            return
    if check_closures:
        closure = _closure_overlapping(days[0], days[-1])
        if closure is not None:
            errors[field_name] = _(
                "This overlaps the closure “%(reason)s” (%(first)s to %(last)s).",
                reason=closure.reason, first=_day_text(closure.starts_on),
                last=_day_text(closure.ends_on))


def _closure_overlapping(first: date, last: date, *, ignore: int | None = None
                         ) -> Closure | None:
    return db.session.scalar(select(Closure).where(
        Closure.starts_on <= last, Closure.ends_on >= first, Closure.id != (ignore or 0))
        .order_by(Closure.starts_on).limit(1))


def _check_years_generated(days: list[date], field_name: str, errors: dict[str, str]) -> None:
    missing = sorted({day.year for day in days} - generated_years())
    if missing:
        errors[field_name] = _("Generate the holidays of %(year)d first, then add to them.",
                               year=missing[0])


def add_holiday(values: dict[str, str], actor: Any) -> list[Holiday]:
    """Days off from ``holiday_starts`` to ``holiday_ends`` (one day when empty), named
    ``holiday_name``, in years already generated."""
    errors: dict[str, str] = {}
    name = (values.get("holiday_name") or "").strip()
    if not name:
        errors["holiday_name"] = _("Enter the holiday's name.")
    elif len(name) > MAX_NAME_LENGTH:
        errors["holiday_name"] = _("Shorten the name to %(n)d characters.", n=MAX_NAME_LENGTH)
    span = _date_range(values, "holiday_starts", "holiday_ends", MAX_HOLIDAY_RUN_DAYS, errors)
    if span is not None:
        days = _days(*span)
        _check_years_generated(days, "holiday_starts", errors)
        if "holiday_starts" not in errors:
            _check_days_free(days, "holiday_starts", errors)
    if errors or span is None:
        raise ValidationError(errors)
    added = [Holiday(year=day.year, day=day, name=name) for day in days]
    db.session.add_all(added)
    _changed(actor, None, name=name, first=span[0], last=span[1])
    return added


def move_holiday(holiday_id: int, text: str | None, actor: Any) -> Holiday | None:
    """Correct a holiday's day (a sighting that differs from the calendar); None if gone.
    Errors come back under ``day``."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        return None
    errors: dict[str, str] = {}
    day = _date_field({"day": text or ""}, "day", errors)
    if day is not None and day != holiday.day:
        _check_years_generated([day], "day", errors)
        if "day" not in errors:
            _check_days_free([day], "day", errors, ignore_holiday=holiday.id)
    if errors or day is None:
        raise ValidationError(errors)
    if day == holiday.day:
        return holiday
    before = holiday.day
    holiday.day, holiday.year = day, day.year
    _changed(actor, holiday.id, moved_from=before, moved_to=day)
    return holiday


def remove_holiday(holiday_id: int, actor: Any) -> bool:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        return False
    day = holiday.day
    db.session.delete(holiday)
    _changed(actor, holiday_id, removed=day)
    return True


def add_closure(values: dict[str, str], actor: Any) -> Closure:
    """A one-off closure from ``closure_starts`` to ``closure_ends`` for ``closure_reason``;
    it may not overlap another closure or a stored holiday."""
    errors: dict[str, str] = {}
    reason = (values.get("closure_reason") or "").strip()
    if not reason:
        errors["closure_reason"] = _("Say why the association is closed.")
    elif len(reason) > MAX_REASON_LENGTH:
        errors["closure_reason"] = _("Shorten the reason to %(n)d characters.",
                                     n=MAX_REASON_LENGTH)
    span = _date_range(values, "closure_starts", "closure_ends", MAX_CLOSURE_DAYS, errors)
    if span is not None:
        _check_days_free(_days(*span), "closure_starts", errors)
    if errors or span is None:
        raise ValidationError(errors)
    closure = Closure(starts_on=span[0], ends_on=span[1], reason=reason)
    db.session.add(closure)
    db.session.flush()
    _changed(actor, closure.id, reason=reason, first=span[0], last=span[1])
    return closure


def remove_closure(closure_id: int, actor: Any) -> bool:
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        return False
    db.session.delete(closure)
    _changed(actor, closure_id, removed=closure.reason)
    return True
