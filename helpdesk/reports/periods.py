"""The period a report covers: Riyadh days, chosen as a Hijri (Umm al-Qura) month or as two
Gregorian dates, with their UTC bounds and their names in both calendars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date
from hijridate import Gregorian, Hijri

from helpdesk.i18n.dates import RIYADH, gregorian_date, hijri_date

# Longer periods are drawn month by month, shorter ones day by day.
MAX_DAILY_DAYS = 62
# Riyadh keeps UTC+3 all year (no daylight saving): SQL shifts stored UTC times by this.
RIYADH_OFFSET_HOURS = 3


@dataclass(frozen=True)
class Period:
    """Riyadh days from ``first_day`` to ``last_day``, both included."""

    first_day: date
    last_day: date
    hijri_month: tuple[int, int] | None = None  # (year, month) when chosen as a Hijri month

    @property
    def utc_start(self) -> datetime:
        return datetime.combine(self.first_day, time(), RIYADH).astimezone(UTC)

    @property
    def utc_end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), RIYADH) \
            .astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def by_day(self) -> bool:
        return self.days <= MAX_DAILY_DAYS

    def buckets(self) -> list[date]:
        """The first day of each bucket of the period's series (days, or months)."""
        if self.by_day:
            return [self.first_day + timedelta(days=n) for n in range(self.days)]
        months, day = [], self.first_day.replace(day=1)
        while day <= self.last_day:
            months.append(day)
            day = (day + timedelta(days=32)).replace(day=1)
        return months

    def bucket_key(self, day: date) -> str:
        return day.isoformat() if self.by_day else day.strftime("%Y-%m")


def hijri_month_period(year: int, month: int) -> Period:
    """The Riyadh days of an Umm al-Qura month; ValueError outside the calendar's range."""
    if not 1 <= month <= 12:
        raise ValueError("month")
    try:
        start = Hijri(year, month, 1)
        first = start.to_gregorian()
        last = Hijri(year, month, start.month_length()).to_gregorian()
    except (OverflowError, ValueError) as exc:
        raise ValueError("year") from exc
    return Period(date(first.year, first.month, first.day), date(last.year, last.month, last.day),
                  hijri_month=(year, month))


def gregorian_period(first_day: date, last_day: date) -> Period:
    if last_day < first_day:
        raise ValueError("order")
    return Period(first_day, last_day)


def hijri_of(day: date) -> tuple[int, int]:
    """The (year, month) of the Hijri month a Gregorian day falls in."""
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    return hijri.year, hijri.month


def hijri_month_name(year: int, month: int, language: str) -> str:
    name = Hijri(year, month, 1).month_name("ar" if language == "ar" else "en")
    return f"{name} {year} {'هـ' if language == 'ar' else 'AH'}"


def period_label(period: Period, language: str) -> tuple[str, str]:
    """(the Hijri wording, the Gregorian wording) of the period."""
    if period.hijri_month:
        hijri = hijri_month_name(*period.hijri_month, language)
    else:
        hijri = (f"{hijri_date(period.first_day, language)} – "
                 f"{hijri_date(period.last_day, language)}")
    gregorian = (f"{gregorian_date(period.first_day, language)} – "
                 f"{gregorian_date(period.last_day, language)}")
    return hijri, gregorian


def bucket_label(period: Period, day: date, language: str) -> str:
    """A day of a daily series in both calendars; a month as its Gregorian name and the
    Hijri months it overlaps."""
    if period.by_day:
        return f"{hijri_date(day, language)} — {gregorian_date(day, language)}"
    last = min((day + timedelta(days=32)).replace(day=1) - timedelta(days=1), period.last_day)
    first = max(day, period.first_day)
    gregorian = format_date(day, "LLLL y", locale=language).replace("\u200f", "")
    start, end = hijri_of(first), hijri_of(last)
    hijri = hijri_month_name(*start, language)
    if end != start:
        hijri = f"{hijri_month_name(*start, language).rsplit(' ', 2)[0]} – " \
                f"{hijri_month_name(*end, language)}"
    return f"{gregorian} ({hijri})"


def month_label(month_start: date, language: str) -> str:
    """A Gregorian month with the Hijri months it overlaps (for series by month)."""
    last = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return bucket_label(Period(month_start, last + timedelta(days=MAX_DAILY_DAYS)),
                        month_start, language)
