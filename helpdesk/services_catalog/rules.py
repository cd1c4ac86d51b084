"""Eligibility: a service's rules checked against a person's answers and history (pure).

``evaluate`` never raises on what a person typed: an answer that is missing or cannot be
read, a division by zero, or a history that could not be looked up makes the condition
"needs review" (a staff member decides), with the reason in the reader's language.
"""

from __future__ import annotations

import calendar
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.db_types import utcnow
from helpdesk.i18n.dates import gregorian_date, hijri_date, to_riyadh
from helpdesk.services_catalog.schema import (
    Rule,
    current_language,
    format_number,
    read_date,
    read_flag,
    read_number,
)

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_REVIEW = "needs_review"
VERDICTS = {
    ELIGIBLE: _l("Eligible"),
    NOT_ELIGIBLE: _l("Not eligible"),
    NEEDS_REVIEW: _l("Needs review"),
}

History = Sequence[tuple[str, date]]


@dataclass(frozen=True)
class Outcome:
    """What one rule said; ``reason`` is None when the rule holds."""

    status: str
    reason: str | None = None


@dataclass(frozen=True)
class Verdict:
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(VERDICTS[self.status])

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": list(self.reasons)}


def evaluate(rules: Sequence[Rule], answers: Mapping[str, Any], history: History | None,
             *, service_key: str | None = None, today: date | None = None) -> Verdict:
    """Check every rule. Not eligible if any rule fails, else needs review if any rule could
    not be checked, else eligible. Reasons: failures first, then reviews, in rule order.

    ``history`` lists (service key, date) when a service was approved or delivered to the
    person, or None when it is unknown; with ``service_key`` only that service's entries
    count. ``today`` defaults to today in Riyadh.
    """
    today = today or to_riyadh(utcnow()).date()
    outcomes = [check_rule(rule, answers, history, service_key=service_key, today=today)
                for rule in rules]
    failed = [o.reason for o in outcomes if o.status == NOT_ELIGIBLE and o.reason]
    review = [o.reason for o in outcomes if o.status == NEEDS_REVIEW and o.reason]
    if failed:
        return Verdict(NOT_ELIGIBLE, failed + review)
    if review:
        return Verdict(NEEDS_REVIEW, review)
    return Verdict(ELIGIBLE, [])


def check_rule(rule: Rule, answers: Mapping[str, Any], history: History | None, *,
               service_key: str | None, today: date) -> Outcome:
    check = CHECKS.get(rule.type)
    if check is None:
        return Outcome(NEEDS_REVIEW, _cannot_check())
    try:
        return check(rule, answers, history, service_key, today)
    except ArithmeticError:  # numbers beyond what decimal arithmetic can carry
        return Outcome(NEEDS_REVIEW, _cannot_check())


# -- reasons ------------------------------------------------------------------------------

def _cannot_check() -> str:
    return _("One of the service's conditions cannot be checked automatically; a staff "
             "member will review it.")


def _missing(rule_field: Any) -> Outcome:
    return Outcome(NEEDS_REVIEW, _(
        "There is no valid answer to %(field)s yet, so a staff member will review this "
        "condition.", field=rule_field.label.text()))


def _number(value: Decimal | int) -> str:
    return format_number(value)


def _both_dates(value: date) -> str:
    language = current_language()
    hijri = hijri_date(value, language)
    gregorian = gregorian_date(value, language)
    return f"{hijri} ({gregorian})" if hijri else gregorian


# -- reading answers ----------------------------------------------------------------------

def _present(answers: Mapping[str, Any], name: str) -> Any:
    value = answers.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def age_on(birth: date, today: date) -> int:
    """Completed years; someone born on 29 February turns a year older on 1 March."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _measure(rule: Rule, answers: Mapping[str, Any], today: date
             ) -> tuple[Decimal | None, Outcome | None]:
    """The number a min/max/between rule compares: the answer, or the age from a date."""
    raw = _present(answers, rule.field.name)
    if rule.measures_age:
        birth = read_date(raw) if raw is not None else None
        if birth is None:
            return None, _missing(rule.field)
        if birth > today:
            return None, Outcome(NEEDS_REVIEW, _(
                "%(field)s is after today, so the age cannot be calculated; a staff member "
                "will review this condition.", field=rule.field.label.text()))
        return Decimal(age_on(birth, today)), None
    number = read_number(raw) if raw is not None else None
    if number is None:
        return None, _missing(rule.field)
    return number, None


_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEFS = str.maketrans("أإآٱىة", "اااايه")


def normalise_text(value: Any) -> str:
    """For comparing typed Arabic: no diacritics or tatweel, one alef, ى→ي, ة→ه, casefold."""
    text = _TASHKEEL.sub("", str(value)).translate(_ALEFS)
    return " ".join(text.casefold().split())


# -- the checks ---------------------------------------------------------------------------

Check = Callable[[Rule, Mapping[str, Any], "History | None", "str | None", date], Outcome]


def _in_list(rule: Rule, answers: Mapping[str, Any], history: History | None,
             service_key: str | None, today: date) -> Outcome:
    raw = _present(answers, rule.field.name)
    if raw is None or isinstance(raw, bool | Mapping):
        return _missing(rule.field)
    language = current_language()
    if rule.field.type == "choice":
        value = str(raw).strip()
        if value in rule.values:
            return Outcome(ELIGIBLE)
        shown = rule.field.option_label(value)
        accepted = [rule.field.option_label(v) for v in rule.values]
    else:
        value = normalise_text(raw)
        if value in {normalise_text(v) for v in rule.values}:
            return Outcome(ELIGIBLE)
        shown, accepted = str(raw).strip(), list(rule.values)
    return Outcome(NOT_ELIGIBLE, _(
        "The answer to %(field)s (%(answer)s) is not one of those this service accepts: "
        "%(accepted)s.", field=rule.field.label.text(), answer=shown,
        accepted=format_list(accepted, locale=language)))


def _limit(rule: Rule, answers: Mapping[str, Any], today: date,
           holds: Callable[[Decimal, Decimal], bool], age_message: LazyString,
           message: LazyString) -> Outcome:
    """The measured answer against ``rule.value``, passing when ``holds(number, limit)``;
    otherwise the message (``age_message`` for an age) with ``field``, ``answer``, ``limit``."""
    number, problem = _measure(rule, answers, today)
    if problem:
        return problem
    if holds(number, rule.value):
        return Outcome(ELIGIBLE)
    chosen = age_message if rule.measures_age else message
    return Outcome(NOT_ELIGIBLE, str(chosen) % {
        "field": rule.field.label.text(), "answer": _number(number),
        "limit": _number(rule.value)})


def _min(rule: Rule, answers: Mapping[str, Any], history: History | None,
         service_key: str | None, today: date) -> Outcome:
    return _limit(rule, answers, today, operator.ge, _l(
        "The age according to %(field)s is %(answer)s, below the minimum age of "
        "%(limit)s."), _l("%(field)s is %(answer)s, below the minimum of %(limit)s."))


def _max(rule: Rule, answers: Mapping[str, Any], history: History | None,
         service_key: str | None, today: date) -> Outcome:
    return _limit(rule, answers, today, operator.le, _l(
        "The age according to %(field)s is %(answer)s, above the maximum age of "
        "%(limit)s."), _l("%(field)s is %(answer)s, above the maximum of %(limit)s."))


def _between(rule: Rule, answers: Mapping[str, Any], history: History | None,
             service_key: str | None, today: date) -> Outcome:
    number, problem = _measure(rule, answers, today)
    if problem:
        return problem
    if rule.low <= number <= rule.high:
        return Outcome(ELIGIBLE)
    values = {"field": rule.field.label.text(), "answer": _number(number),
              "low": _number(rule.low), "high": _number(rule.high)}
    if rule.measures_age:
        return Outcome(NOT_ELIGIBLE, _(
            "The age according to %(field)s is %(answer)s; this service is for ages "
            "%(low)s to %(high)s.", **values))
    return Outcome(NOT_ELIGIBLE, _(
        "%(field)s is %(answer)s; this service accepts %(low)s to %(high)s.", **values))


def _max_per_member(rule: Rule, answers: Mapping[str, Any], history: History | None,
                    service_key: str | None, today: date) -> Outcome:
    total_raw = _present(answers, rule.field.name)
    members_raw = _present(answers, rule.per.name)
    total = read_number(total_raw) if total_raw is not None else None
    if total is None:
        return _missing(rule.field)
    members = read_number(members_raw) if members_raw is not None else None
    if members is None:
        return _missing(rule.per)
    if members <= 0:
        return Outcome(NEEDS_REVIEW, _(
            "%(per)s must be more than zero to work out the share per member; a staff member "
            "will review this condition.", per=rule.per.label.text()))
    # Compared without dividing, so that 4500 / 3 against 1500 is exact.
    if total <= rule.value * members:
        return Outcome(ELIGIBLE)
    return Outcome(NOT_ELIGIBLE, _(
        "%(field)s divided by %(per)s is %(answer)s, above the limit of %(limit)s.",
        field=rule.field.label.text(), per=rule.per.label.text(),
        answer=_number(total / members), limit=_number(rule.value)))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (31 Aug + 6 → 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    if year > date.max.year:
        return date.max
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _served_on(entry: Any, service_key: str | None) -> tuple[bool, date | None]:
    """(entry readable, its date if it concerns this service)."""
    if not isinstance(entry, Sequence) or isinstance(entry, str) or len(entry) != 2:
        return False, None
    key, when = entry
    if not isinstance(key, str) or not isinstance(when, date):
        return False, None
    if service_key is not None and key != service_key:
        return True, None
    if isinstance(when, datetime):
        when = to_riyadh(when).date()
    return True, when


def _not_served_within_months(rule: Rule, answers: Mapping[str, Any],
                              history: History | None, service_key: str | None,
                              today: date) -> Outcome:
    if history is None or isinstance(history, str) or not isinstance(history, Sequence):
        return Outcome(NEEDS_REVIEW, _(
            "We could not look up when this service was last provided to you, so a staff "
            "member will review this condition."))
    served: list[date] = []
    for entry in history:
        readable, when = _served_on(entry, service_key)
        if not readable:
            return Outcome(NEEDS_REVIEW, _cannot_check())
        if when is not None:
            served.append(when)
    if not served:
        return Outcome(ELIGIBLE)
    last = max(served)
    again = add_months(last, rule.months)
    if again <= today:
        return Outcome(ELIGIBLE)
    return Outcome(NOT_ELIGIBLE, _(
        "This service was provided to you on %(date)s; it can be requested again from "
        "%(again)s.", date=_both_dates(last), again=_both_dates(again)))


def _equals(rule: Rule, answers: Mapping[str, Any], history: History | None,
            service_key: str | None, today: date) -> Outcome:
    raw = _present(answers, rule.field.name)
    if raw is None:
        return _missing(rule.field)
    if rule.field.type == "boolean":
        answer = read_flag(raw)
        if answer is None:
            return _missing(rule.field)
        if answer == rule.value:
            return Outcome(ELIGIBLE)
        shown, expected = (_("Yes") if answer else _("No")), (_("Yes") if rule.value
                                                              else _("No"))
    else:
        if isinstance(raw, bool | Mapping):
            return _missing(rule.field)
        answer = str(raw).strip()
        if answer == rule.value:
            return Outcome(ELIGIBLE)
        shown = rule.field.option_label(answer)
        expected = rule.field.option_label(rule.value)
    return Outcome(NOT_ELIGIBLE, _(
        "The answer to %(field)s is “%(answer)s”; this service requires “%(expected)s”.",
        field=rule.field.label.text(), answer=shown, expected=expected))


CHECKS: dict[str, Check] = {
    "in_list": _in_list,
    "min": _min,
    "max": _max,
    "between": _between,
    "max_per_member": _max_per_member,
    "not_served_within_months": _not_served_within_months,
    "equals": _equals,
}
