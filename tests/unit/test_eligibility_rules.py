"""Eligibility rules: every type at its boundaries, missing inputs, and generated answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpdesk.services_catalog.rules import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    add_months,
    age_on,
    evaluate,
)
from helpdesk.services_catalog.schema import parse_definition

PROPERTY = settings(database=None, deadline=None, max_examples=300)
TODAY = date(2026, 11, 23)

FIELDS = [
    {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري",
     "label_en": "Monthly family income"},
    {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
     "label_en": "Family size"},
    {"name": "annual_rent", "type": "number", "label_ar": "الإيجار السنوي",
     "label_en": "Annual rent"},
    {"name": "region", "type": "choice", "label_ar": "المنطقة", "label_en": "Region",
     "options": [{"value": "riyadh", "label_ar": "الرياض"}, {"value": "kharj",
                                                             "label_ar": "الخرج"},
                 {"value": "jeddah", "label_ar": "جدة"}]},
    {"name": "district", "type": "text", "label_ar": "الحي", "label_en": "District"},
    {"name": "birth_date", "type": "date", "label_ar": "تاريخ الميلاد",
     "label_en": "Birth date"},
    {"name": "insured", "type": "boolean", "label_ar": "التأمين الطبي",
     "label_en": "Medical insurance"},
]


def rules(*raw_rules):
    definition, errors = parse_definition(FIELDS, [], list(raw_rules))
    assert errors == {}
    return list(definition.rules)


def verdict(raw_rule, answers, history=(), **kwargs):
    kwargs.setdefault("today", TODAY)
    return evaluate(rules(raw_rule), answers, history, **kwargs)


def status(raw_rule, answers, history=(), **kwargs):
    return verdict(raw_rule, answers, history, **kwargs).status


# -- in_list ------------------------------------------------------------------------------

REGIONS = {"type": "in_list", "field": "region", "values": ["riyadh", "kharj"]}


def test_in_list_accepts_a_listed_choice_and_refuses_another_naming_the_options():
    assert status(REGIONS, {"region": "kharj"}) == ELIGIBLE
    result = verdict(REGIONS, {"region": "jeddah"})
    assert result.status == NOT_ELIGIBLE
    assert "المنطقة" in result.reasons[0] and "جدة" in result.reasons[0]
    assert "الرياض" in result.reasons[0] and "الخرج" in result.reasons[0]


def test_in_list_on_typed_arabic_ignores_hamza_forms_diacritics_and_spacing():
    rule = {"type": "in_list", "field": "district", "values": ["النسيم", "الروضة"]}
    assert status(rule, {"district": "  النَّسيم "}) == ELIGIBLE
    assert status(rule, {"district": "ألروضة"}) == ELIGIBLE
    assert status(rule, {"district": "العليا"}) == NOT_ELIGIBLE


def test_in_list_without_an_answer_needs_review():
    result = verdict(REGIONS, {})
    assert result.status == NEEDS_REVIEW and "المنطقة" in result.reasons[0]


# -- min, max, between --------------------------------------------------------------------

@pytest.mark.parametrize("answer, expected", [
    ("3", ELIGIBLE), ("4", ELIGIBLE), ("2", NOT_ELIGIBLE)])
def test_min_is_inclusive_at_the_threshold(answer, expected):
    assert status({"type": "min", "field": "family_size", "value": 3},
                  {"family_size": answer}) == expected


@pytest.mark.parametrize("answer, expected", [
    (Decimal("40000"), ELIGIBLE), (Decimal("39999.99"), ELIGIBLE),
    (Decimal("40000.01"), NOT_ELIGIBLE)])
def test_max_is_inclusive_at_the_threshold(answer, expected):
    assert status({"type": "max", "field": "annual_rent", "value": 40000},
                  {"annual_rent": answer}) == expected


@pytest.mark.parametrize("answer, expected", [
    (2, NOT_ELIGIBLE), (3, ELIGIBLE), (4, ELIGIBLE), (7, ELIGIBLE), (8, ELIGIBLE),
    (9, NOT_ELIGIBLE)])
def test_between_includes_both_limits(answer, expected):
    assert status({"type": "between", "field": "family_size", "min": 3, "max": 8},
                  {"family_size": answer}) == expected


def test_a_failed_limit_explains_the_answer_and_the_limit():
    result = verdict({"type": "max", "field": "annual_rent", "value": 40000},
                     {"annual_rent": "45000"})
    assert "الإيجار السنوي" in result.reasons[0]
    assert "45,000" in result.reasons[0] and "40,000" in result.reasons[0]


@pytest.mark.parametrize("rule", [
    {"type": "min", "field": "family_size", "value": 3},
    {"type": "max", "field": "annual_rent", "value": 40000},
    {"type": "between", "field": "family_size", "min": 3, "max": 8},
])
@pytest.mark.parametrize("answers", [{}, {"family_size": "", "annual_rent": " "},
                                     {"family_size": "many", "annual_rent": "a lot"}])
def test_a_limit_without_a_readable_answer_needs_review(rule, answers):
    assert status(rule, answers) == NEEDS_REVIEW


AGES = {"type": "between", "field": "birth_date", "min": 18, "max": 45}


@pytest.mark.parametrize("birth, expected", [
    (date(2008, 11, 23), ELIGIBLE),       # 18 today
    (date(2008, 11, 24), NOT_ELIGIBLE),   # 18 tomorrow
    (date(1981, 11, 24), ELIGIBLE),       # 45 until tomorrow
    (date(1980, 11, 24), ELIGIBLE),       # 45, 46 tomorrow
    (date(1980, 11, 23), NOT_ELIGIBLE),   # 46 today
])
def test_an_age_range_counts_completed_years_on_the_day_of_the_check(birth, expected):
    assert status(AGES, {"birth_date": birth.isoformat()}) == expected


def test_someone_born_on_29_february_comes_of_age_on_1_march():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_a_birth_date_after_today_needs_review():
    result = verdict({"type": "min", "field": "birth_date", "value": 18},
                     {"birth_date": "2027-01-01"})
    assert result.status == NEEDS_REVIEW and "تاريخ الميلاد" in result.reasons[0]


# -- max_per_member -----------------------------------------------------------------------

PER_MEMBER = {"type": "max_per_member", "field": "monthly_income", "per": "family_size",
              "value": 1500}


@pytest.mark.parametrize("income, expected", [
    ("4500", ELIGIBLE), ("4499.99", ELIGIBLE), ("4500.01", NOT_ELIGIBLE), ("4501", NOT_ELIGIBLE)])
def test_income_per_family_member_is_inclusive_at_the_limit(income, expected):
    assert status(PER_MEMBER, {"monthly_income": income, "family_size": "3"}) == expected


def test_income_per_member_is_exact_where_division_would_round():
    # 1000 / 3 = 333.33…: a limit of 333.33 is exceeded, 333.34 is not.
    rule = {**PER_MEMBER, "value": "333.33"}
    assert status(rule, {"monthly_income": "1000", "family_size": "3"}) == NOT_ELIGIBLE
    rule = {**PER_MEMBER, "value": "333.34"}
    assert status(rule, {"monthly_income": "1000", "family_size": "3"}) == ELIGIBLE


@pytest.mark.parametrize("family", ["0", "-2"])
def test_a_family_of_zero_or_fewer_members_needs_review_instead_of_dividing(family):
    result = verdict(PER_MEMBER, {"monthly_income": "4500", "family_size": family})
    assert result.status == NEEDS_REVIEW and "عدد أفراد الأسرة" in result.reasons[0]


@pytest.mark.parametrize("answers", [{"family_size": "3"}, {"monthly_income": "4500"}, {}])
def test_income_per_member_with_a_missing_answer_needs_review(answers):
    assert status(PER_MEMBER, answers) == NEEDS_REVIEW


def test_a_failed_income_rule_shows_the_share_per_member():
    result = verdict(PER_MEMBER, {"monthly_income": "6000", "family_size": "3"})
    assert result.status == NOT_ELIGIBLE and "2,000" in result.reasons[0]


# -- not_served_within_months -------------------------------------------------------------

SIX_MONTHS = {"type": "not_served_within_months", "months": 6}


@pytest.mark.parametrize("served_on, expected", [
    (date(2026, 5, 23), ELIGIBLE),       # exactly six months ago
    (date(2026, 5, 22), ELIGIBLE),
    (date(2026, 5, 24), NOT_ELIGIBLE),   # six months are up tomorrow
    (date(2026, 11, 1), NOT_ELIGIBLE),
    (date(2027, 1, 1), NOT_ELIGIBLE),    # a date after today still counts as served
])
def test_not_served_within_months_is_inclusive_at_the_anniversary(served_on, expected):
    history = [("food_basket", date(2025, 1, 1)), ("food_basket", served_on)]
    assert status(SIX_MONTHS, {}, history, service_key="food_basket") == expected


def test_only_the_same_service_counts_in_the_history():
    history = [("rent_support", date(2026, 11, 1))]
    assert status(SIX_MONTHS, {}, history, service_key="food_basket") == ELIGIBLE
    assert status(SIX_MONTHS, {}, [], service_key="food_basket") == ELIGIBLE


def test_the_reason_gives_the_date_it_may_be_requested_again_in_both_calendars():
    result = verdict(SIX_MONTHS, {}, [("food_basket", datetime(2026, 8, 31, 12, 0))],
                     service_key="food_basket")
    assert result.status == NOT_ELIGIBLE
    assert "2027" in result.reasons[0] and "1448" in result.reasons[0]


def test_months_are_calendar_months_clamped_at_the_end_of_the_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_an_unknown_history_needs_review():
    result = verdict(SIX_MONTHS, {}, None, service_key="food_basket")
    assert result.status == NEEDS_REVIEW and result.reasons


# -- equals -------------------------------------------------------------------------------

NOT_INSURED = {"type": "equals", "field": "insured", "value": False}


@pytest.mark.parametrize("answer, expected", [
    (False, ELIGIBLE), ("no", ELIGIBLE), ("لا", ELIGIBLE), (True, NOT_ELIGIBLE),
    ("yes", NOT_ELIGIBLE), ("", NEEDS_REVIEW), ("perhaps", NEEDS_REVIEW)])
def test_equals_on_a_yes_no_answer(answer, expected):
    assert status(NOT_INSURED, {"insured": answer}) == expected


def test_equals_on_a_choice_names_both_options_when_it_fails():
    rule = {"type": "equals", "field": "region", "value": "riyadh"}
    assert status(rule, {"region": "riyadh"}) == ELIGIBLE
    result = verdict(rule, {"region": "kharj"})
    assert result.status == NOT_ELIGIBLE
    assert "الرياض" in result.reasons[0] and "الخرج" in result.reasons[0]


# -- combining rules ----------------------------------------------------------------------

def test_no_rules_means_eligible():
    assert evaluate([], {}, None, today=TODAY).status == ELIGIBLE


def test_a_failure_outweighs_a_review_and_both_reasons_are_given_failure_first():
    result = evaluate(rules(REGIONS, NOT_INSURED), {"insured": True}, [], today=TODAY)
    assert result.status == NOT_ELIGIBLE
    assert len(result.reasons) == 2 and "التأمين الطبي" in result.reasons[0]
    assert result.to_json() == {"status": NOT_ELIGIBLE, "reasons": result.reasons}


def test_a_review_without_a_failure_needs_review():
    result = evaluate(rules(REGIONS, NOT_INSURED), {"insured": False}, [], today=TODAY)
    assert result.status == NEEDS_REVIEW and len(result.reasons) == 1


# -- properties ---------------------------------------------------------------------------

numbers = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False)


@PROPERTY
@given(low=numbers, high=numbers, x=numbers)
def test_between_is_eligible_exactly_when_the_answer_lies_within_the_limits(low, high, x):
    assume(low <= high)
    rule = {"type": "between", "field": "annual_rent", "min": str(low), "max": str(high)}
    expected = ELIGIBLE if low <= x <= high else NOT_ELIGIBLE
    assert status(rule, {"annual_rent": str(x)}) == expected
    assert status(rule, {"annual_rent": x}) == expected


@PROPERTY
@given(limit=numbers, x=numbers)
def test_min_and_max_agree_with_the_comparison(limit, x):
    assert status({"type": "min", "field": "annual_rent", "value": str(limit)},
                  {"annual_rent": x}) == (ELIGIBLE if x >= limit else NOT_ELIGIBLE)
    assert status({"type": "max", "field": "annual_rent", "value": str(limit)},
                  {"annual_rent": x}) == (ELIGIBLE if x <= limit else NOT_ELIGIBLE)


anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=2),
    st.sampled_from(["0", "-0", "٠", "1,500", "1e9", "nan", "inf", "  ", "-3", "0.000"]))


@PROPERTY
@given(income=anything, members=anything, limit=st.integers(min_value=0, max_value=10**6))
def test_income_per_member_never_crashes_whatever_is_typed(income, members, limit):
    result = verdict({**PER_MEMBER, "value": limit},
                     {"monthly_income": income, "family_size": members})
    assert result.status in (ELIGIBLE, NOT_ELIGIBLE, NEEDS_REVIEW)
    assert (result.status == ELIGIBLE) == (not result.reasons)


@PROPERTY
@given(income=numbers, members=st.integers(min_value=-5, max_value=40),
       limit=st.integers(min_value=0, max_value=10**5))
def test_income_per_member_matches_the_division_and_refuses_to_divide_by_zero(income, members,
                                                                              limit):
    result = status({**PER_MEMBER, "value": limit},
                    {"monthly_income": income, "family_size": members})
    if members <= 0:
        assert result == NEEDS_REVIEW
    else:
        assert result == (ELIGIBLE if income / members <= limit else NOT_ELIGIBLE)


EVERY_RULE = [
    REGIONS, {"type": "min", "field": "family_size", "value": 2},
    {"type": "max", "field": "annual_rent", "value": 40000}, AGES, PER_MEMBER, SIX_MONTHS,
    NOT_INSURED, {"type": "in_list", "field": "district", "values": ["النسيم"]},
]


@PROPERTY
@given(st.dictionaries(st.sampled_from([f["name"] for f in FIELDS]), anything),
       st.one_of(st.none(), st.lists(st.tuples(st.sampled_from(["food_basket", "other"]),
                                               st.dates()), max_size=3)),
       st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)))
def test_any_answers_give_a_verdict_and_never_an_exception(answers, history, today):
    result = evaluate(rules(*EVERY_RULE), answers, history, service_key="food_basket",
                      today=today)
    assert result.status in (ELIGIBLE, NOT_ELIGIBLE, NEEDS_REVIEW)
    assert all(isinstance(reason, str) and reason for reason in result.reasons)


passing_answers = st.fixed_dictionaries({
    "region": st.sampled_from(["riyadh", "kharj"]),
    "family_size": st.integers(min_value=2, max_value=20),
    "annual_rent": st.decimals(min_value=0, max_value=40000, places=2),
    "birth_date": st.integers(min_value=18 * 366, max_value=45 * 365).map(
        lambda days: (TODAY - timedelta(days=days)).isoformat()),
    "insured": st.sampled_from([False, "no", "لا"]),
    "district": st.sampled_from(["النسيم", " النَّسيم", "ألنسيم"]),
}).flatmap(lambda answers: st.fixed_dictionaries({
    **{name: st.just(value) for name, value in answers.items()},
    "monthly_income": st.decimals(min_value=0, max_value=1500 * answers["family_size"],
                                  places=2),
}))


@PROPERTY
@given(passing_answers, st.permutations(EVERY_RULE))
def test_answers_meeting_every_rule_are_eligible_in_any_order_every_time(answers, order):
    history = [("food_basket", date(2026, 1, 1)), ("other", TODAY)]
    first = evaluate(rules(*order), answers, history, service_key="food_basket", today=TODAY)
    again = evaluate(rules(*order), answers, history, service_key="food_basket", today=TODAY)
    assert first == again
    assert first.status == ELIGIBLE and first.reasons == []


@PROPERTY
@given(st.dictionaries(st.sampled_from([f["name"] for f in FIELDS]), anything),
       st.permutations(EVERY_RULE))
def test_the_verdict_does_not_depend_on_the_order_of_the_rules(answers, order):
    history = [("food_basket", date(2026, 10, 1))]
    original = evaluate(rules(*EVERY_RULE), answers, history, service_key="food_basket",
                        today=TODAY)
    shuffled = evaluate(rules(*order), answers, history, service_key="food_basket",
                        today=TODAY)
    assert shuffled.status == original.status
    assert sorted(shuffled.reasons) == sorted(original.reasons)
