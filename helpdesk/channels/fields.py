"""The core's checks for FieldSpec forms: one message per field, in the reader's language.

Plugins describe their forms with FieldSpecs; whatever a field's type promises (a Saudi
mobile number, a valid national ID, a date) is checked here, once, for every channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _

from helpdesk.contacts.services import clean_identifiers
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.plugin_api.types import FieldSpec
from helpdesk.validation import ValidationError

# FieldSpec type → the keyword of contacts.services.clean_identifiers that checks it.
IDENTIFIER_TYPES = {"phone": "phone", "national_id": "national_id", "email": "email"}
MAX_EMAIL = 254


def _identifier(type_: str, value: str) -> tuple[str | None, str | None]:
    """(normalised value, None) or (None, the contacts module's message for it)."""
    keyword = IDENTIFIER_TYPES[type_]
    try:
        return clean_identifiers(**{keyword: value})[keyword], None
    except ValidationError as exc:
        return None, exc.errors[keyword]


def _date(value: str) -> str | None:
    try:
        return date.fromisoformat(to_ascii_digits(value)).isoformat()
    except ValueError:
        return None


def _number(value: str) -> int | float | None:
    text = to_ascii_digits(value).replace("٫", ".").replace(",", "")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def chosen_values(data: Mapping[str, Any], name: str) -> list[str]:
    """Every value sent for a multiselect field (a form's repeated key, or a list)."""
    if hasattr(data, "getlist"):
        values = data.getlist(name)
    else:
        value = data.get(name)
        values = value if isinstance(value, list | tuple) else [value]
    return [str(value).strip() for value in values if value is not None and str(value).strip()]


def _multiselect(spec: FieldSpec, data: Mapping[str, Any]) -> tuple[list[str], str | None]:
    chosen = set(chosen_values(data, spec.name))
    known = [str(choice) for choice, _label in spec.choices]
    if chosen - set(known):
        return [], _("Choose from the listed options.")
    if spec.required and not chosen:
        return [], _("Choose at least one option.")
    return [key for key in known if key in chosen], None


def clean_fields(specs: Sequence[FieldSpec], data: Mapping[str, Any]
                 ) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned values by name, errors by name). Empty optional fields are left out."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        if spec.type == "multiselect":
            keys, message = _multiselect(spec, data)
            if message is not None:
                errors[spec.name] = message
            elif keys:
                cleaned[spec.name] = keys
            continue
        raw = str(data.get(spec.name) or "").strip()
        if not raw:
            if spec.required:
                errors[spec.name] = _("This field is required.")
            continue
        if spec.max_length and len(raw) > spec.max_length:
            errors[spec.name] = _("Use at most %(n)d characters.", n=spec.max_length)
            continue
        value: Any = raw
        if spec.type == "select":
            if raw not in {str(choice) for choice, _label in spec.choices}:
                errors[spec.name] = _("Choose one of the options.")
        elif spec.type in IDENTIFIER_TYPES:
            value, message = _identifier(spec.type, raw)
            if message is None and spec.type == "email" and len(raw) > MAX_EMAIL:
                message = _("Enter a valid email address.")
            if message is not None:
                errors[spec.name] = message
        elif spec.type == "date":
            value = _date(raw)
            if value is None:
                errors[spec.name] = _("Enter a valid date.")
        elif spec.type == "number":
            value = _number(raw)
            if value is None:
                errors[spec.name] = _("Enter a number.")
        if spec.name not in errors:
            cleaned[spec.name] = value
    return cleaned, errors
