"""Dates for people: Umm al-Qura Hijri beside Gregorian, in Riyadh time, and relative times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, format_timedelta
from hijridate import Gregorian

from helpdesk.db_types import utcnow

RIYADH = ZoneInfo("Asia/Riyadh")
HIJRI_SUFFIX = {"ar": "هـ", "en": "AH"}


def to_riyadh(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(RIYADH)


def _as_local_date(value: date | datetime) -> date:
    return to_riyadh(value).date() if isinstance(value, datetime) else value


def hijri_date(value: date | datetime | None, locale: str = "ar") -> str:
    """'13 جمادى الآخرة 1448 هـ'; an empty string outside the Umm al-Qura range."""
    if value is None:
        return ""
    day = _as_local_date(value)
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return ""
    language = "ar" if locale.startswith("ar") else "en"
    return f"{hijri.day} {hijri.month_name(language)} {hijri.year} {HIJRI_SUFFIX[language]}"


def gregorian_date(value: date | datetime | None, locale: str = "ar") -> str:
    if value is None:
        return ""
    text = format_date(_as_local_date(value), format="long", locale=locale)
    return text.replace("\u200f", "")


def local_time(value: datetime | None, locale: str = "ar") -> str:
    if value is None:
        return ""
    text = format_datetime(to_riyadh(value), format="short", locale=locale,
                           tzinfo=RIYADH)
    return text.replace("\u200f", "")


def clock_time(value: datetime | None, locale: str = "ar") -> str:
    """The time of day in Riyadh: '10:30 ص'."""
    if value is None:
        return ""
    return format_time(to_riyadh(value), format="short", locale=locale,
                       tzinfo=RIYADH).replace("\u200f", "")


def relative_time(value: datetime | None, locale: str = "ar",
                  now: datetime | None = None) -> str:
    """'قبل 3 ساعات' / '3 hours ago'."""
    if value is None:
        return ""
    now = now or utcnow()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_timedelta(value - now, add_direction=True, locale=locale,
                            threshold=0.9).replace("\u200f", "")
