"""The Umm al-Qura Eid dates we generate, checked against the maintained `holidays` package.

The package follows the government's announced holiday periods and, for some years, starts
Eid al-Fitr a day before 1 Shawwal of the Umm al-Qura table (its Eid al-Fitr holiday begins
on the last day of Ramadan, or it expects a sighting a day earlier). Those years are listed
below with both dates, so the test documents the difference instead of hiding it; the admin
corrects such a day in the stored list once the sighting is announced.
"""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from helpdesk.calendar.saudi import saudi_public_holidays

# year -> (1 Shawwal by Umm al-Qura, the package's first day of Eid al-Fitr)
EID_AL_FITR_DIFFERS = {
    2024: (date(2024, 4, 10), date(2024, 4, 9)),
    2026: (date(2026, 3, 20), date(2026, 3, 19)),
    2030: (date(2030, 2, 4), date(2030, 2, 3)),
}
AGREEING_YEARS = (2025, 2027, 2028, 2029, 2031)


def first_day(year: int, key: str) -> date:
    return min(holiday.day for holiday in saudi_public_holidays(year) if holiday.key == key)


def package_days(year: int) -> dict[str, date]:
    """The package's first day of each Eid (Eid al-Adha from the day of Arafah, as ours)."""
    days = holidays.SaudiArabia(years=year, language="en_US")
    first = {}
    for day, name in sorted(days.items()):
        for label, key in (("Eid al-Fitr Holiday", "eid_al_fitr"), ("Day of Arafah",
                                                                    "eid_al_adha")):
            if name == label:
                first.setdefault(key, day)
    return first


@pytest.mark.parametrize("year", AGREEING_YEARS)
def test_both_eids_start_on_the_packages_day(year):
    package = package_days(year)
    assert first_day(year, "eid_al_fitr") == package["eid_al_fitr"]
    assert first_day(year, "eid_al_adha") == package["eid_al_adha"]


@pytest.mark.parametrize("year", sorted(EID_AL_FITR_DIFFERS))
def test_where_the_package_starts_eid_al_fitr_a_day_early_we_keep_umm_al_qura(year):
    umm_al_qura, package_day = EID_AL_FITR_DIFFERS[year]
    assert first_day(year, "eid_al_fitr") == umm_al_qura
    assert package_days(year)["eid_al_fitr"] == package_day
    assert (umm_al_qura - package_day).days == 1
    # Eid al-Adha still agrees in those years.
    assert first_day(year, "eid_al_adha") == package_days(year)["eid_al_adha"]


@pytest.mark.parametrize("year", (*AGREEING_YEARS, *EID_AL_FITR_DIFFERS))
def test_founding_day_and_national_day_are_the_packages(year):
    package = holidays.SaudiArabia(years=year, language="en_US")
    ours = {holiday.day for holiday in saudi_public_holidays(year)
            if holiday.key in ("founding_day", "national_day")}
    assert ours == {date(year, 2, 22), date(year, 9, 23)}
    assert ours <= set(package)


def test_eid_lengths_follow_the_admins_choice():
    days = saudi_public_holidays(2027, eid_al_fitr_days=2, eid_al_adha_days=6)
    assert [h.day for h in days if h.key == "eid_al_fitr"] == [date(2027, 3, 9),
                                                              date(2027, 3, 10)]
    assert len([h for h in days if h.key == "eid_al_adha"]) == 6
