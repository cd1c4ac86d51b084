"""Service definitions as data: the fields, documents and eligibility rules an admin declares.

Pure (no Flask app, no database): dataclasses, the parsing that refuses a definition which
cannot be used (with a translated reason), and the checking of a person's answers.

The canonical JSON, stored in ``Service.fields``, ``Service.documents`` and ``Service.rules``
(one list each; keys not listed here are ignored and dropped on save):

Field ::

    {"name": "monthly_income",   # required: a-z, 0-9 and _, starts with a letter, <= 40
     "type": "number",           # text | textarea | number | integer | date | choice |
                                 # boolean | phone | national_id
     "label_ar": "...",          # required
     "label_en": "...",          # optional, "" by default
     "required": true,           # optional, true by default
     "min": 0, "max": 100000,    # number and integer only, optional (whole for integer)
     "options": [{"value": "riyadh", "label_ar": "الرياض", "label_en": "Riyadh"}],
                                 # choice only, at least one, values unique
     "max_length": 200}          # text and textarea only, optional (200 / 2000, <= 5000)

Document ::

    {"key": "income_proof",      # required, same form as a field name
     "label_ar": "...", "label_en": "...",
     "required": true,           # optional, true by default
     "types": ["pdf", "jpeg", "png"],   # optional, from pdf | jpeg | png | webp
     "max_mb": 5}                # optional, 1 to 10, 5 by default

Rule (boundaries are inclusive) ::

    {"type": "in_list", "field": "region", "values": ["riyadh", "kharj"]}   # choice, text
    {"type": "min", "field": "family_size", "value": 3}                      # number, integer,
    {"type": "max", "field": "annual_rent", "value": 40000}                  # date (as age)
    {"type": "between", "field": "birth_date", "min": 18, "max": 45}
    {"type": "max_per_member", "field": "monthly_income", "per": "family_size", "value": 1500}
    {"type": "not_served_within_months", "months": 6}
    {"type": "equals", "field": "insured", "value": false}                   # boolean, choice

``min``, ``max`` and ``between`` on a date field compare the age in completed years on the
day of the check (an age limit is a whole number from 0 to 150). ``max_per_member`` holds
when field / per <= value; ``not_served_within_months`` holds when this service was last
approved or delivered to the contact at least ``months`` calendar months ago.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.contacts.identifiers import (
    InvalidIdentifier,
    is_mobile,
    normalise_national_id,
    normalise_phone,
)

FIELD_TYPES = {
    "text": _l("Short text"),
    "textarea": _l("Long text"),
    "number": _l("Number"),
    "integer": _l("Whole number"),
    "date": _l("Date"),
    "choice": _l("Choice from a list"),
    "boolean": _l("Yes or no"),
    "phone": _l("Mobile number"),
    "national_id": _l("National ID or iqama"),
}
NUMERIC_TYPES = frozenset({"number", "integer"})
TEXT_TYPES = frozenset({"text", "textarea"})
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
LONGEST_TEXT = 5000

RULE_TYPES = {
    "in_list": _l("Answer is one of a list"),
    "min": _l("At least"),
    "max": _l("At most"),
    "between": _l("Between two limits"),
    "max_per_member": _l("At most per family member"),
    "not_served_within_months": _l("Not served in recent months"),
    "equals": _l("Answer equals"),
}
# Which field types each rule can read (not_served_within_months reads no field).
RULE_FIELD_TYPES = {
    "in_list": ("choice", "text"),
    "min": ("number", "integer", "date"),
    "max": ("number", "integer", "date"),
    "between": ("number", "integer", "date"),
    "max_per_member": ("number", "integer"),
    "equals": ("boolean", "choice"),
}

DOCUMENT_TYPES = {
    "pdf": ("application/pdf", "PDF"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "webp": ("image/webp", "WebP"),
}
DEFAULT_DOCUMENT_TYPES = ("pdf", "jpeg", "png")
DEFAULT_DOCUMENT_MAX_MB = 5
LARGEST_DOCUMENT_MB = 10

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
LONGEST_LABEL = 200
OLDEST_AGE = 150
LONGEST_WAIT_MONTHS = 120
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Answers and limits beyond this are not plausible amounts; refusing them keeps the decimal
# arithmetic of the rules far from overflow.
LARGEST_NUMBER = Decimal(10) ** 15

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "نعم"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "لا"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def current_language() -> str:
    """'ar' or 'en'; Arabic outside a request (and in any locale that is not English)."""
    locale = get_locale()
    return "en" if locale is not None and str(locale).startswith("en") else "ar"


@dataclass(frozen=True)
class Label:
    ar: str
    en: str = ""

    def text(self, language: str | None = None) -> str:
        language = language or current_language()
        return self.en if language == "en" and self.en else self.ar

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Option:
    value: str
    label: Label

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "label_ar": self.label.ar, "label_en": self.label.en}


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: Label
    required: bool = True
    min: Decimal | None = None
    max: Decimal | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None

    @property
    def longest(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type, LONGEST_TEXT)

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return option.label.text()
        return str(value)

    def answer_text(self, value: Any) -> str:
        """An answer as a person reads it: a choice by its label, yes or no in words."""
        if self.type == "choice":
            return self.option_label(value)
        if self.type == "boolean":
            flag = read_flag(value)
            if flag is not None:
                return _("Yes") if flag else _("No")
        return str(value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type,
                                "label_ar": self.label.ar, "label_en": self.label.en,
                                "required": self.required}
        if self.min is not None:
            data["min"] = json_number(self.min)
        if self.max is not None:
            data["max"] = json_number(self.max)
        if self.type == "choice":
            data["options"] = [option.to_json() for option in self.options]
        if self.max_length is not None:
            data["max_length"] = self.max_length
        return data


@dataclass(frozen=True)
class DocumentDef:
    key: str
    label: Label
    required: bool = True
    types: tuple[str, ...] = DEFAULT_DOCUMENT_TYPES
    max_mb: int = DEFAULT_DOCUMENT_MAX_MB

    @property
    def content_types(self) -> set[str]:
        return {DOCUMENT_TYPES[name][0] for name in self.types}

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label_ar": self.label.ar, "label_en": self.label.en,
                "required": self.required, "types": list(self.types), "max_mb": self.max_mb}


@dataclass(frozen=True)
class Rule:
    """One eligibility condition, bound to the definitions of the fields it reads."""

    type: str
    field: FieldDef | None = None
    per: FieldDef | None = None
    value: Any = None                 # min, max, max_per_member: Decimal; equals: bool | str
    values: tuple[str, ...] = ()      # in_list
    low: Decimal | None = None        # between
    high: Decimal | None = None
    months: int | None = None         # not_served_within_months

    @property
    def measures_age(self) -> bool:
        return self.field is not None and self.field.type == "date"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        if self.field is not None:
            data["field"] = self.field.name
        if self.type == "in_list":
            data["values"] = list(self.values)
        elif self.type in ("min", "max"):
            data["value"] = json_number(self.value)
        elif self.type == "between":
            data["min"] = json_number(self.low)
            data["max"] = json_number(self.high)
        elif self.type == "max_per_member":
            data["per"] = self.per.name if self.per else None
            data["value"] = json_number(self.value)
        elif self.type == "not_served_within_months":
            data["months"] = self.months
        elif self.type == "equals":
            data["value"] = self.value
        return data


@dataclass(frozen=True)
class ServiceDefinition:
    fields: tuple[FieldDef, ...] = ()
    documents: tuple[DocumentDef, ...] = ()
    rules: tuple[Rule, ...] = ()

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {"fields": [f.to_json() for f in self.fields],
                "documents": [d.to_json() for d in self.documents],
                "rules": [r.to_json() for r in self.rules]}


class DefinitionError(ValueError):
    """A field, document or rule that cannot be used; ``reason`` is translated."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# -- reading values ---------------------------------------------------------------------

def read_number(raw: Any) -> Decimal | None:
    """A finite, plausible number from JSON or from what a person typed; None otherwise.

    Accepts Arabic-Indic digits, the Arabic decimal separator and thousands grouped with
    commas (1,500); refuses exponents, NaN, infinities and booleans.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw)) if raw == raw and abs(raw) != float("inf") else None
    elif isinstance(raw, Decimal):
        number = raw if raw.is_finite() else None
    elif isinstance(raw, str):
        text = raw.translate(_DIGITS).replace("٬", ",").replace(" ", "").strip()
        if _GROUPED_NUMBER.fullmatch(text):
            text = text.replace(",", "")
        if not _PLAIN_NUMBER.fullmatch(text) or len(text) > 40:
            return None
        number = Decimal(text)
    else:
        return None
    if number is None or abs(number) >= LARGEST_NUMBER:
        return None
    return number + 0  # normalises -0


def read_flag(raw: Any) -> bool | None:
    """True/False from JSON or a form (checkbox "on", "yes", "نعم" ...); None if unclear."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def read_date(raw: Any) -> date | None:
    if isinstance(raw, date):
        value = raw if type(raw) is date else raw.date()  # type: ignore[attr-defined]
    elif isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip().translate(_DIGITS)):
        try:
            value = date.fromisoformat(raw.strip().translate(_DIGITS))
        except ValueError:
            return None
    else:
        return None
    return value if EARLIEST_DATE <= value <= LATEST_DATE else None


def json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def _name(raw: Any) -> str | None:
    name = _text(raw)
    return name if NAME_PATTERN.fullmatch(name) else None


def _label(raw: Mapping[str, Any]) -> Label:
    label_ar, label_en = _text(raw.get("label_ar")), _text(raw.get("label_en"))
    if not label_ar:
        raise DefinitionError(_("Enter the Arabic label."))
    if len(label_ar) > LONGEST_LABEL or len(label_en) > LONGEST_LABEL:
        raise DefinitionError(_("A label is too long; keep it under 200 characters."))
    return Label(label_ar, label_en)


def _required_flag(raw: Mapping[str, Any], name: str = "required") -> bool:
    value = raw.get(name, True)
    if value is None or value == "":
        return False if name in raw else True
    flag = read_flag(value)
    if flag is None:
        raise DefinitionError(_("“Required” must be yes or no."))
    return flag


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _mapping(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(_("This entry cannot be read."))
    return raw


# -- fields -----------------------------------------------------------------------------

def _field_limits(raw: Mapping[str, Any], field_type: str
                  ) -> tuple[Decimal | None, Decimal | None]:
    given = {key: raw.get(key) for key in ("min", "max") if not _blank(raw.get(key))}
    if not given:
        return None, None
    if field_type not in NUMERIC_TYPES:
        raise DefinitionError(_("Only number fields have a minimum and a maximum."))
    limits = {key: read_number(value) for key, value in given.items()}
    if any(value is None for value in limits.values()):
        raise DefinitionError(_("The minimum and the maximum must be numbers."))
    low, high = limits.get("min"), limits.get("max")
    if field_type == "integer" and any(v != v.to_integral_value() for v in limits.values()
                                       if v is not None):
        raise DefinitionError(_("A whole-number field needs whole-number limits."))
    if low is not None and high is not None and low > high:
        raise DefinitionError(_("The minimum is greater than the maximum."))
    return low, high


def _options(raw: Mapping[str, Any], field_type: str) -> tuple[Option, ...]:
    given = raw.get("options")
    if field_type != "choice":
        if given:
            raise DefinitionError(_("Only choice fields have options."))
        return ()
    if not isinstance(given, Sequence) or isinstance(given, str) or not given:
        raise DefinitionError(_("A choice field needs at least one option."))
    options: list[Option] = []
    for item in given:
        if not isinstance(item, Mapping) or not _text(item.get("value")):
            raise DefinitionError(_("Each option needs a value."))
        value = _text(item["value"])
        if any(option.value == value for option in options):
            raise DefinitionError(_("The option %(value)s appears twice.", value=value))
        label_ar = _text(item.get("label_ar")) or value
        options.append(Option(value, Label(label_ar, _text(item.get("label_en")))))
    return tuple(options)


def _max_length(raw: Mapping[str, Any], field_type: str) -> int | None:
    given = raw.get("max_length")
    if _blank(given):
        return None
    if field_type not in TEXT_TYPES:
        raise DefinitionError(_("Only text fields have a maximum length."))
    number = read_number(given)
    if number is None or number != number.to_integral_value() \
            or not 1 <= number <= LONGEST_TEXT:
        raise DefinitionError(_("The maximum length must be a whole number from 1 to 5000."))
    return int(number)


def parse_field(raw: Any) -> FieldDef:
    raw = _mapping(raw)
    name = _name(raw.get("name"))
    if name is None:
        raise DefinitionError(_("Give the field a name of lower-case Latin letters, digits "
                                "and underscores, starting with a letter (at most 40)."))
    field_type = _text(raw.get("type"))
    if field_type not in FIELD_TYPES:
        raise DefinitionError(_("Choose the field's type."))
    label = _label(raw)
    low, high = _field_limits(raw, field_type)
    return FieldDef(name=name, type=field_type, label=label, required=_required_flag(raw),
                    min=low, max=high, options=_options(raw, field_type),
                    max_length=_max_length(raw, field_type))


# -- documents --------------------------------------------------------------------------

def parse_document(raw: Any) -> DocumentDef:
    raw = _mapping(raw)
    key = _name(raw.get("key"))
    if key is None:
        raise DefinitionError(_("Give the document a key of lower-case Latin letters, digits "
                                "and underscores, starting with a letter (at most 40)."))
    label = _label(raw)
    types = raw.get("types")
    if _blank(types) or types == []:
        chosen = DEFAULT_DOCUMENT_TYPES
    else:
        if isinstance(types, str) or not isinstance(types, Sequence):
            raise DefinitionError(_("Choose the accepted file types."))
        names = [_text(name).lower() for name in types]
        unknown = [name for name in names if name not in DOCUMENT_TYPES]
        if unknown:
            raise DefinitionError(_("Accepted file types are PDF, JPEG, PNG and WebP."))
        chosen = tuple(name for name in DOCUMENT_TYPES if name in names)
    size = raw.get("max_mb")
    if _blank(size):
        max_mb = DEFAULT_DOCUMENT_MAX_MB
    else:
        number = read_number(size)
        if number is None or number != number.to_integral_value() \
                or not 1 <= number <= LARGEST_DOCUMENT_MB:
            raise DefinitionError(_("The largest file size must be a whole number of "
                                    "megabytes from 1 to 10."))
        max_mb = int(number)
    return DocumentDef(key=key, label=label, required=_required_flag(raw), types=chosen,
                       max_mb=max_mb)


# -- rules ------------------------------------------------------------------------------

def _rule_field(raw: Mapping[str, Any], key: str, rule_type: str,
                fields: Mapping[str, FieldDef], broken: frozenset[str]) -> FieldDef:
    name = _text(raw.get(key))
    if not name:
        if key == "per":
            raise DefinitionError(_("Choose the field to divide by (for example, the family "
                                    "size)."))
        raise DefinitionError(_("Choose the field this condition checks."))
    if name in broken:
        raise DefinitionError(_("Correct the field %(name)s first.", name=name))
    field = fields.get(name)
    if field is None:
        raise DefinitionError(_("The condition reads the field %(name)s, which this service "
                                "does not declare.", name=name))
    accepted = RULE_FIELD_TYPES[rule_type]
    if field.type not in accepted:
        raise DefinitionError(_(
            "This condition cannot read %(field)s, a “%(type)s” field; it reads: %(types)s.",
            field=field.label.text(), type=FIELD_TYPES[field.type],
            types=format_list([str(FIELD_TYPES[t]) for t in accepted],
                              locale=current_language())))
    return field


def _limit(raw: Any, field: FieldDef) -> Decimal:
    number = read_number(raw)
    if field.type == "date":
        if number is None or number != number.to_integral_value() \
                or not 0 <= number <= OLDEST_AGE:
            raise DefinitionError(_("On a date field the limit is an age: a whole number of "
                                    "years from 0 to 150."))
        return number
    if number is None:
        raise DefinitionError(_("Enter the limit as a number."))
    return number


def _parse_in_list(raw: Mapping[str, Any], field: FieldDef) -> Rule:
    given = raw.get("values")
    if isinstance(given, str) or not isinstance(given, Sequence):
        given = []
    values: list[str] = []
    for item in given:
        value = _text(item) if isinstance(item, str) else (
            str(item) if isinstance(item, int | Decimal) and not isinstance(item, bool) else "")
        if value and value not in values:
            values.append(value)
    if not values:
        raise DefinitionError(_("Enter the accepted answers, one per line."))
    if field.type == "choice":
        known = {option.value for option in field.options}
        for value in values:
            if value not in known:
                raise DefinitionError(_("%(value)s is not one of the options of %(field)s.",
                                        value=value, field=field.label.text()))
    return Rule("in_list", field=field, values=tuple(values))


def _parse_equals(raw: Mapping[str, Any], field: FieldDef) -> Rule:
    given = raw.get("value")
    if field.type == "boolean":
        flag = read_flag(given)
        if flag is None:
            raise DefinitionError(_("For a yes-or-no field the expected answer is yes or no."))
        return Rule("equals", field=field, value=flag)
    value = _text(given)
    if not value:
        raise DefinitionError(_("Enter the expected answer."))
    if value not in {option.value for option in field.options}:
        raise DefinitionError(_("%(value)s is not one of the options of %(field)s.",
                                value=value, field=field.label.text()))
    return Rule("equals", field=field, value=value)


def parse_rule(raw: Any, fields: Mapping[str, FieldDef],
               broken_fields: frozenset[str] = frozenset()) -> Rule:
    """One rule, checked against the service's fields; DefinitionError says why not."""
    raw = _mapping(raw)
    rule_type = _text(raw.get("type"))
    if rule_type not in RULE_TYPES:
        raise DefinitionError(_("Choose the type of condition."))
    if rule_type == "not_served_within_months":
        months = read_number(raw.get("months"))
        if months is None or months != months.to_integral_value() \
                or not 1 <= months <= LONGEST_WAIT_MONTHS:
            raise DefinitionError(_("Enter a whole number of months from 1 to 120."))
        return Rule(rule_type, months=int(months))
    field = _rule_field(raw, "field", rule_type, fields, broken_fields)
    if rule_type == "in_list":
        return _parse_in_list(raw, field)
    if rule_type == "equals":
        return _parse_equals(raw, field)
    if rule_type in ("min", "max"):
        if _blank(raw.get("value")):
            raise DefinitionError(_("Enter the limit as a number."))
        return Rule(rule_type, field=field, value=_limit(raw.get("value"), field))
    if rule_type == "between":
        if _blank(raw.get("min")) or _blank(raw.get("max")):
            raise DefinitionError(_("Enter both the lower and the upper limit."))
        low, high = _limit(raw.get("min"), field), _limit(raw.get("max"), field)
        if low > high:
            raise DefinitionError(_("The lower limit is greater than the upper limit."))
        return Rule(rule_type, field=field, low=low, high=high)
    # max_per_member
    per = _rule_field(raw, "per", rule_type, fields, broken_fields)
    if per.name == field.name:
        raise DefinitionError(_("A field cannot be divided by itself."))
    value = read_number(raw.get("value"))
    if value is None:
        raise DefinitionError(_("Enter the limit as a number."))
    if value < 0:
        raise DefinitionError(_("The limit cannot be negative."))
    return Rule(rule_type, field=field, per=per, value=value)


# -- a whole definition -----------------------------------------------------------------

def parse_definition(fields: Any, documents: Any, rules: Any
                     ) -> tuple[ServiceDefinition, dict[str, str]]:
    """Parse the three lists; errors are keyed "fields-0", "documents-1", "rules-2" ...

    The definition holds every entry that parsed, so a caller may still use the rest.
    """
    errors: dict[str, str] = {}
    parsed_fields: list[FieldDef] = []
    broken: set[str] = set()
    for index, raw in enumerate(_list(fields)):
        try:
            field = parse_field(raw)
            if any(f.name == field.name for f in parsed_fields):
                raise DefinitionError(_("Another field already has the name %(name)s.",
                                        name=field.name))
        except DefinitionError as exc:
            errors[f"fields-{index}"] = exc.reason
            if isinstance(raw, Mapping) and _text(raw.get("name")):
                broken.add(_text(raw.get("name")))
        else:
            parsed_fields.append(field)
    parsed_documents: list[DocumentDef] = []
    for index, raw in enumerate(_list(documents)):
        try:
            document = parse_document(raw)
            if any(d.key == document.key for d in parsed_documents):
                raise DefinitionError(_("Another document already has the key %(key)s.",
                                        key=document.key))
        except DefinitionError as exc:
            errors[f"documents-{index}"] = exc.reason
        else:
            parsed_documents.append(document)
    by_name = {field.name: field for field in parsed_fields}
    broken_names = frozenset(broken - set(by_name))
    parsed_rules: list[Rule] = []
    for index, raw in enumerate(_list(rules)):
        try:
            parsed_rules.append(parse_rule(raw, by_name, broken_names))
        except DefinitionError as exc:
            errors[f"rules-{index}"] = exc.reason
    return ServiceDefinition(tuple(parsed_fields), tuple(parsed_documents),
                             tuple(parsed_rules)), errors


def _list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Sequence):
        return [raw]  # reported as an entry that cannot be read
    return list(raw)


# -- answers ----------------------------------------------------------------------------

def _validate_one(field: FieldDef, raw: Any) -> Any:
    """The clean value of one answer; DefinitionError carries the message for the field."""
    if field.type in TEXT_TYPES:
        text = raw.strip() if isinstance(raw, str) else str(raw)
        if field.type == "text":
            text = " ".join(text.split())
        if len(text) > field.longest:
            raise DefinitionError(ngettext("Keep this answer to %(num)d character or fewer.",
                                           "Keep this answer to %(num)d characters or fewer.",
                                           field.longest))
        return text
    if field.type in NUMERIC_TYPES:
        number = read_number(raw)
        if number is None:
            raise DefinitionError(_("Enter a number, for example 1500."))
        if field.type == "integer":
            if number != number.to_integral_value():
                raise DefinitionError(_("Enter a whole number."))
            number = Decimal(int(number))
        if field.min is not None and number < field.min:
            raise DefinitionError(_("Enter a number no less than %(min)s.",
                                    min=format_number(field.min)))
        if field.max is not None and number > field.max:
            raise DefinitionError(_("Enter a number no greater than %(max)s.",
                                    max=format_number(field.max)))
        return int(number) if field.type == "integer" else number
    if field.type == "date":
        value = read_date(raw)
        if value is None:
            raise DefinitionError(_("Enter a Gregorian date as YYYY-MM-DD."))
        return value
    if field.type == "choice":
        value = raw.strip() if isinstance(raw, str) else raw
        if value not in {option.value for option in field.options}:
            raise DefinitionError(_("Choose one of the options."))
        return value
    if field.type == "boolean":
        flag = read_flag(raw)
        if flag is None:
            raise DefinitionError(_("Choose yes or no."))
        return flag
    return _identifier(field.type, raw)


def _identifier(kind: str, raw: Any) -> str:
    text = raw if isinstance(raw, str) else str(raw)
    if kind == "phone":
        try:
            if not is_mobile(text):
                raise InvalidIdentifier("not_mobile")
            return normalise_phone(text)
        except InvalidIdentifier:
            raise DefinitionError(
                _("Enter a valid mobile number, for example 0512345678.")) from None
    try:
        return normalise_national_id(text)
    except InvalidIdentifier:
        raise DefinitionError(_("Enter a valid national ID or iqama number: ten digits "
                                "starting with 1 or 2.")) from None


def validate_answers(fields: Sequence[FieldDef], answers: Mapping[str, Any]
                     ) -> tuple[dict[str, Any], dict[str, str]]:
    """Check each declared field's answer on the server: (clean values, errors by name).

    Unanswered optional fields and answers to undeclared names are left out of ``clean``;
    numbers come back as Decimal (int for integer fields), dates as date, yes/no as bool,
    phones in E.164 and IDs as 10 Latin digits.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = answers.get(field.name)
        if isinstance(raw, list | tuple):
            raw = raw[0] if raw else None
        if _blank(raw):
            if field.required:
                errors[field.name] = _("This field is required.")
            continue
        try:
            clean[field.name] = _validate_one(field, raw)
        except DefinitionError as exc:
            errors[field.name] = exc.reason
    return clean, errors


def answers_to_json(clean: Mapping[str, Any]) -> dict[str, Any]:
    """Clean answers as JSON values (for a ticket's data): numbers as numbers, dates ISO."""
    data: dict[str, Any] = {}
    for name, value in clean.items():
        if isinstance(value, Decimal):
            data[name] = json_number(value)
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


def format_number(value: Decimal | int, language: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=language or current_language())
