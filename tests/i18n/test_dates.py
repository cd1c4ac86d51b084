"""Dates for people: Hijri beside Gregorian, Riyadh time, relative times, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template_string

from helpdesk.i18n import dates

NOV_23 = date(2026, 11, 23)
# 22:30 UTC on 23 November is 01:30 on 24 November in Riyadh (UTC+3).
LATE_EVENING_UTC = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
BEFORE_UMM_AL_QURA = date(1924, 7, 31)
AFTER_UMM_AL_QURA = date(2077, 11, 17)
RLM = "\u200f"


def render(template: str, **context) -> str:
    return render_template_string(template, **context)


@pytest.mark.parametrize(("locale", "expected"), [
    ("ar", "13 جمادى الآخرة 1448 هـ"),
    ("en", "13 Jumada al-Akhirah 1448 AH"),
])
def test_a_date_is_shown_in_umm_al_qura_hijri(locale, expected):
    assert dates.hijri_date(NOV_23, locale) == expected


def test_the_umm_al_qura_range_is_covered_to_its_first_and_last_day():
    assert dates.hijri_date(date(1924, 8, 1), "en") == "1 Muharram 1343 AH"
    assert dates.hijri_date(date(2077, 11, 16), "en") == "30 Dhu al-Hijjah 1500 AH"


@pytest.mark.parametrize("day", [BEFORE_UMM_AL_QURA, AFTER_UMM_AL_QURA, date(1900, 1, 1)])
def test_a_date_outside_the_umm_al_qura_range_has_no_hijri_text(day):
    assert dates.hijri_date(day, "ar") == ""
    assert dates.hijri_date(day, "en") == ""


def test_utc_late_evening_is_already_the_next_day_in_riyadh():
    local = dates.to_riyadh(LATE_EVENING_UTC)
    assert (local.date(), local.hour, local.minute) == (date(2026, 11, 24), 1, 30)
    assert dates.gregorian_date(LATE_EVENING_UTC, "en") == "November 24, 2026"
    assert dates.gregorian_date(LATE_EVENING_UTC, "ar") == "24 نوفمبر 2026"
    assert dates.hijri_date(LATE_EVENING_UTC, "ar") == "14 جمادى الآخرة 1448 هـ"


def test_a_naive_datetime_is_read_as_utc():
    naive = LATE_EVENING_UTC.replace(tzinfo=None)
    assert dates.gregorian_date(naive, "en") == "November 24, 2026"


@pytest.mark.parametrize(("locale", "expected"), [
    ("ar", "23 نوفمبر 2026"),
    ("en", "November 23, 2026"),
])
def test_gregorian_long_dates_carry_no_right_to_left_mark(locale, expected):
    text = dates.gregorian_date(NOV_23, locale)
    assert text == expected
    assert RLM not in text


@pytest.mark.parametrize(("locale", "expected"), [("ar", "1:30 ص"), ("en", "1:30")])
def test_local_times_are_riyadh_times_without_right_to_left_marks(locale, expected):
    text = dates.local_time(LATE_EVENING_UTC, locale)
    assert expected in text
    assert RLM not in text


@pytest.mark.parametrize(("locale", "expected"), [
    ("ar", "قبل 3 ساعات"),
    ("en", "3 hours ago"),
])
def test_relative_times_read_naturally(locale, expected):
    then = LATE_EVENING_UTC - timedelta(hours=3)
    text = dates.relative_time(then, locale, now=LATE_EVENING_UTC)
    assert text == expected
    assert RLM not in text


def test_empty_values_give_empty_text():
    for show in (dates.hijri_date, dates.gregorian_date, dates.local_time, dates.relative_time):
        assert show(None, "ar") == ""


@pytest.mark.parametrize(("locale", "expected"), [
    ("ar", "13 جمادى الآخرة 1448 هـ — 23 نوفمبر 2026"),
    ("en", "13 Jumada al-Akhirah 1448 AH — November 23, 2026"),
])
def test_the_both_dates_filter_shows_hijri_and_gregorian(in_locale, locale, expected):
    with in_locale(locale):
        assert render("{{ day|both_dates }}", day=NOV_23) == expected


def test_the_both_dates_filter_shows_only_gregorian_outside_the_hijri_range(in_locale):
    with in_locale("en"):
        assert render("{{ day|both_dates }}", day=BEFORE_UMM_AL_QURA) == "July 31, 1924"


@pytest.mark.parametrize(("locale", "hijri", "gregorian"), [
    ("ar", "14 جمادى الآخرة 1448 هـ", "24 نوفمبر 2026"),
    ("en", "14 Jumada al-Akhirah 1448 AH", "November 24, 2026"),
])
def test_the_date_filters_follow_the_interface_language_and_riyadh_time(
        in_locale, locale, hijri, gregorian):
    with in_locale(locale):
        assert render("{{ at|hijri }}", at=LATE_EVENING_UTC) == hijri
        assert render("{{ at|gregorian }}", at=LATE_EVENING_UTC) == gregorian


@pytest.mark.parametrize(("locale", "word"), [("ar", "قبل"), ("en", "ago")])
def test_the_relative_time_filter_speaks_the_interface_language(in_locale, locale, word):
    with in_locale(locale):
        text = render("{{ at|relative_time }}", at=datetime.now(UTC) - timedelta(days=2))
    assert word in text


def test_the_todate_filter_reads_iso_dates_and_ignores_garbage(in_locale):
    with in_locale("en"):
        assert render("{{ '2026-11-23'|todate|gregorian }}") == "November 23, 2026"
        assert render("{{ 'not a date'|todate|gregorian }}") == ""


def test_the_login_page_speaks_english_or_arabic_as_chosen(client):
    arabic = client.get("/login").get_data(as_text=True)
    assert "تذكّرني" in arabic
    assert "تسجيل الدخول إلى صلة" in arabic
    assert "Keep me signed in" not in arabic
    client.post("/locale", data={"locale": "en", "next": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert "Keep me signed in" in english
    assert "Sign in to Sila" in english
    assert "تذكّرني" not in english
