"""Saudi Arabia's public holidays for a Gregorian year, from the Umm al-Qura calendar (pure).

The two Eids move with the Hijri calendar: Eid al-Fitr starts on 1 Shawwal and Eid
al-Adha on the day of Arafah (9 Dhu al-Hijjah); how many days each lasts is the
association's choice. Founding Day (22 February) and National Day (23 September) are fixed.
The admin corrects any day (a sighting that differs from the calendar) in the stored list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

SHAWWAL, DHU_AL_HIJJAH = 10, 12
DEFAULT_EID_AL_FITR_DAYS = 4
DEFAULT_EID_AL_ADHA_DAYS = 4
FOUNDING_DAY = (2, 22)
NATIONAL_DAY = (9, 23)
HOLIDAY_KEYS = ("founding_day", "eid_al_fitr", "eid_al_adha", "national_day")


@dataclass(frozen=True, order=True)
class PublicHoliday:
    day: date
    key: str  # one of HOLIDAY_KEYS


def saudi_public_holidays(year: int, *, eid_al_fitr_days: int = DEFAULT_EID_AL_FITR_DAYS,
                          eid_al_adha_days: int = DEFAULT_EID_AL_ADHA_DAYS
                          ) -> list[PublicHoliday]:
    """Every public holiday falling in Gregorian ``year``, in date order."""
    found = [PublicHoliday(date(year, *FOUNDING_DAY), "founding_day"),
             PublicHoliday(date(year, *NATIONAL_DAY), "national_day")]
    for hijri_year in _hijri_years_touching(year):
        found += _run(Hijri(hijri_year, SHAWWAL, 1).to_gregorian(), eid_al_fitr_days,
                      "eid_al_fitr")
        found += _run(Hijri(hijri_year, DHU_AL_HIJJAH, 9).to_gregorian(), eid_al_adha_days,
                      "eid_al_adha")
    return sorted(holiday for holiday in found if holiday.day.year == year)


def _hijri_years_touching(year: int) -> range:
    first = Gregorian(year, 1, 1).to_hijri().year
    last = Gregorian(year, 12, 31).to_hijri().year
    return range(first - 1, last + 1)  # an Eid that began in December runs into January


def _run(first: Gregorian, days: int, key: str) -> list[PublicHoliday]:
    start = date(first.year, first.month, first.day)
    return [PublicHoliday(start + timedelta(days=offset), key) for offset in range(days)]
