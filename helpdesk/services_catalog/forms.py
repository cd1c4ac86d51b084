"""The service editor's form as data: repeated rows in, canonical JSON out, and back.

Rows are posted as ``fields-<n>-<input>``, ``documents-<n>-<input>`` and
``rules-<n>-<input>``; blank rows and rows marked for removal are dropped and the others
renumbered, so that the service's errors ("rules-2") point at the row shown as number 2.
A person's answers are posted as ``answer-<field name>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.services_catalog.schema import DEFAULT_DOCUMENT_TYPES, FieldDef

SECTIONS = ("fields", "documents", "rules")
TOP_INPUTS = ("key", "name_ar", "name_en", "description_ar", "description_en", "team_id",
              "decision_window_days", "close_after_silent_days")
TOP_FLAGS = ("needs_committee", "active")
# The text inputs of each section's row (whether a row is blank is judged on these).
ROW_INPUTS = {
    "fields": ("name", "type", "label_ar", "label_en", "min", "max", "options", "max_length"),
    "documents": ("key", "label_ar", "label_en", "max_mb"),
    "rules": ("type", "field", "per", "value", "min", "max", "values", "months"),
}
ROW_FLAGS = {"fields": ("required",), "documents": ("required",), "rules": ()}
ROW_LISTS = {"fields": (), "documents": ("types",), "rules": ()}
ANSWER_PREFIX = "answer-"
_ROW_NAME = re.compile(r"(fields|documents|rules)-(\d{1,3})-([a-z_]+)")


def blank_row(section: str) -> dict[str, Any]:
    row: dict[str, Any] = {name: "" for name in ROW_INPUTS[section]}
    row.update({name: True for name in ROW_FLAGS[section]})
    if section == "documents":
        row["types"] = list(DEFAULT_DOCUMENT_TYPES)
    return row


def _is_blank(section: str, row: Mapping[str, Any]) -> bool:
    return not any(str(row.get(name, "")).strip() for name in ROW_INPUTS[section])


@dataclass
class EditorForm:
    """What the editor shows: the top inputs and each section's rows, as typed."""

    values: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    spare: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 1))

    def shown_rows(self, section: str) -> list[dict[str, Any]]:
        blanks = max(1, self.spare[section])  # always one row to fill in
        return [*self.rows[section], *(blank_row(section) for _ in range(blanks))]

    def add_row(self, section: str) -> None:
        if section in SECTIONS:
            self.spare[section] += 1

    def service_input(self) -> dict[str, Any]:
        """The input create_service and update_service take."""
        data: dict[str, Any] = dict(self.values)
        data["fields"] = [_field_input(row) for row in self.rows["fields"]]
        data["documents"] = [_document_input(row) for row in self.rows["documents"]]
        data["rules"] = [_rule_input(row) for row in self.rows["rules"]]
        return data


def new_form() -> EditorForm:
    values: dict[str, Any] = {name: "" for name in TOP_INPUTS}
    values.update(decision_window_days=str(DEFAULT_DECISION_WINDOW_DAYS), needs_committee=True,
                  active=True)
    return EditorForm(values, {section: [] for section in SECTIONS})


def form_from_post(form: Any) -> EditorForm:
    """Read a posted editor (a werkzeug MultiDict or a dict of lists)."""
    values: dict[str, Any] = {name: _one(form, name) for name in TOP_INPUTS}
    values.update({name: bool(_one(form, name)) for name in TOP_FLAGS})
    found: dict[str, dict[int, dict[str, Any]]] = {section: {} for section in SECTIONS}
    for name in form.keys():
        match = _ROW_NAME.fullmatch(name)
        if match is None:
            continue
        section, index, input_name = match.group(1), int(match.group(2)), match.group(3)
        row = found[section].setdefault(index, {})
        if input_name in ROW_LISTS[section]:
            row[input_name] = _all(form, name)
        else:
            row[input_name] = _one(form, name)
    rows: dict[str, list[dict[str, Any]]] = {}
    # Blank rows are dropped and drawn again as spares: "add another" then adds one to the
    # blanks the person already had, not to a spare they have just filled in.
    blanks = dict.fromkeys(SECTIONS, 0)
    for section in SECTIONS:
        kept = []
        for index in sorted(found[section]):
            posted = found[section][index]
            if posted.get("remove"):
                continue
            if _is_blank(section, posted):
                blanks[section] += 1
                continue
            row = {name: posted.get(name, "") for name in ROW_INPUTS[section]}
            row.update({name: bool(posted.get(name)) for name in ROW_FLAGS[section]})
            row.update({name: list(posted.get(name) or []) for name in ROW_LISTS[section]})
            kept.append(row)
        rows[section] = kept
    return EditorForm(values, rows, spare=blanks)


def form_from_service(service: Any) -> EditorForm:
    """The editor filled from a saved service (its canonical JSON)."""
    values: dict[str, Any] = {name: "" if getattr(service, name) is None
                              else str(getattr(service, name)) for name in TOP_INPUTS}
    values.update({name: bool(getattr(service, name)) for name in TOP_FLAGS})
    rows = {
        "fields": [_field_row(item) for item in service.fields or [] if isinstance(item, dict)],
        "documents": [_document_row(item) for item in service.documents or []
                      if isinstance(item, dict)],
        "rules": [_rule_row(item) for item in service.rules or [] if isinstance(item, dict)],
    }
    return EditorForm(values, rows)


def answers_from_form(form: Any, fields: Sequence[FieldDef]) -> dict[str, str]:
    """The answers to the declared fields, posted as ``answer-<name>``."""
    return {f.name: _one(form, ANSWER_PREFIX + f.name) for f in fields
            if _one(form, ANSWER_PREFIX + f.name) != ""}


# -- rows to input ------------------------------------------------------------------------

def _field_input(row: Mapping[str, Any]) -> dict[str, Any]:
    data = {name: row.get(name, "") for name in ROW_INPUTS["fields"] if name != "options"}
    data["required"] = bool(row.get("required"))
    options_text = str(row.get("options") or "")
    data["options"] = [_option(line) for line in options_text.splitlines() if line.strip()]
    return data


def _option(line: str) -> dict[str, str]:
    """'value', 'value | Arabic label' or 'value | Arabic label | English label'."""
    parts = [part.strip() for part in line.split("|")]
    value = parts[0]
    label_ar = parts[1] if len(parts) > 1 and parts[1] else value
    label_en = parts[2] if len(parts) > 2 else ""
    return {"value": value, "label_ar": label_ar, "label_en": label_en}


def _document_input(row: Mapping[str, Any]) -> dict[str, Any]:
    data = {name: row.get(name, "") for name in ROW_INPUTS["documents"]}
    data["required"] = bool(row.get("required"))
    data["types"] = list(row.get("types") or [])
    return data


def _rule_input(row: Mapping[str, Any]) -> dict[str, Any]:
    data = {name: row.get(name, "") for name in ROW_INPUTS["rules"]}
    values_text = str(row.get("values") or "")
    data["values"] = [line.strip() for line in values_text.splitlines() if line.strip()]
    return data


# -- canonical JSON to rows ---------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _field_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: _text(item.get(name)) for name in ROW_INPUTS["fields"] if name != "options"}
    row["required"] = bool(item.get("required", True))
    lines = []
    for option in item.get("options") or []:
        if not isinstance(option, Mapping):
            continue
        value, label_ar = _text(option.get("value")), _text(option.get("label_ar"))
        label_en = _text(option.get("label_en"))
        line = value
        if label_ar and (label_ar != value or label_en):
            line += f" | {label_ar}"
        if label_en:
            line += f" | {label_en}"
        lines.append(line)
    row["options"] = "\n".join(lines)
    return row


def _document_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: _text(item.get(name)) for name in ROW_INPUTS["documents"]}
    row["required"] = bool(item.get("required", True))
    row["types"] = list(item.get("types") or DEFAULT_DOCUMENT_TYPES)
    return row


def _rule_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: _text(item.get(name)) for name in ROW_INPUTS["rules"] if name != "values"}
    row["values"] = "\n".join(_text(value) for value in item.get("values") or [])
    return row


# -- reading a posted form ----------------------------------------------------------------

def _one(form: Any, name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _all(form: Any, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [v for v in form.getlist(name) if isinstance(v, str)]
    value = form.get(name, [])
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
