"""Small schema objects: each validates a JSON value and describes itself as JSON Schema.

Requests and responses are declared once here (and in endpoints.py); the views validate
with them and the OpenAPI document is generated from them, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext


class SchemaError(Exception):
    """Field errors found while validating: {"contact.phone": "message", ...}."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema that also allows null (an enum lists it too)."""
    kind = schema.get("type")
    if not isinstance(kind, str):
        return {"anyOf": [schema, {"type": "null"}]}
    schema = {**schema, "type": [kind, "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


@dataclass(frozen=True)
class Schema:
    description: str | None = None
    nullable: bool = False

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def document(self) -> dict[str, Any]:
        schema = self.json_schema()
        if self.nullable:
            schema = _or_null(schema)
        if self.description:
            schema["description"] = self.description
        return schema

    def validate(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        if value is None:
            if not self.nullable:
                errors[path or "body"] = _("This field cannot be empty.")
            return None
        return self.check(value, path, errors)

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        return value


@dataclass(frozen=True)
class String(Schema):
    min_length: int = 0
    max_length: int | None = None
    enum: Sequence[str] | None = None
    format: str | None = None
    strip: bool = True

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.format:
            schema["format"] = self.format
        return schema

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        if not isinstance(value, str):
            errors[path] = _("Send text here.")
            return None
        text = value.strip() if self.strip else value
        if self.enum is not None and value not in self.enum:
            errors[path] = _("Choose one of: %(values)s.", values=", ".join(self.enum))
        elif len(value) < self.min_length or (self.min_length and not text):
            errors[path] = _("This field is required.")
        elif self.max_length is not None and len(value) > self.max_length:
            errors[path] = _("Use at most %(n)d characters.", n=self.max_length)
        elif self.format == "date" and not _is_date(value):
            errors[path] = _("Enter the date as YYYY-MM-DD.")
        return text


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@dataclass(frozen=True)
class Integer(Schema):
    minimum: int | None = None
    maximum: int | None = None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            errors[path] = _("Send a whole number here.")
            return None
        if (self.minimum is not None and value < self.minimum) or \
                (self.maximum is not None and value > self.maximum):
            errors[path] = _("Send a number in the allowed range.")
        return value


@dataclass(frozen=True)
class Boolean(Schema):
    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Array(Schema):
    items: Schema = field(default_factory=Schema)
    max_items: int | None = None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.items.document()}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return schema

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        if not isinstance(value, list):
            errors[path] = _("Send a list here.")
            return None
        if self.max_items is not None and len(value) > self.max_items:
            errors[path] = ngettext("Send at most %(num)d item.", "Send at most %(num)d items.",
                                    self.max_items)
            return None
        return [self.items.validate(item, f"{path}[{i}]", errors)
                for i, item in enumerate(value)]


@dataclass(frozen=True)
class Object(Schema):
    name: str | None = None                      # a component name in the document
    properties: Mapping[str, Schema] = field(default_factory=dict)
    required: Sequence[str] = ()
    additional: bool = False                     # other keys allowed (and passed through)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {key: self._property(key, value)
                           for key, value in self.properties.items()},
            "additionalProperties": self.additional,
        }
        if self.required:
            schema["required"] = list(self.required)
        return schema

    def _property(self, key: str, value: Schema) -> dict[str, Any]:
        document = value.document()
        if key in self.required or value.nullable:
            return document
        # check() takes an optional field sent as null for an absent one: say so.
        description = document.pop("description", None)
        document = _or_null(document)
        if description:
            document["description"] = description
        return document

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        if not isinstance(value, dict):
            errors[path or "body"] = _("Send a JSON object here.")
            return None
        clean: dict[str, Any] = {}
        for key in self.required:
            if value.get(key) is None:
                errors[_join(path, key)] = _("This field is required.")
        for key, item in value.items():
            schema = self.properties.get(key)
            if schema is None:
                if self.additional:
                    clean[key] = item
                else:
                    errors[_join(path, key)] = _("Unknown field.")
                continue
            if item is None and key not in self.required and not schema.nullable:
                continue  # an optional field sent as null is simply absent
            if key in self.required and item is None:
                continue
            clean[key] = schema.validate(item, _join(path, key), errors)
        return clean

    def load(self, value: Any) -> dict[str, Any]:
        """The clean object, or SchemaError with every field's problem."""
        errors: dict[str, str] = {}
        clean = self.validate(value, "", errors)
        if errors:
            raise SchemaError(errors)
        return clean


@dataclass(frozen=True)
class Ref(Schema):
    """A named object, referenced in the document as a component."""

    target: Object = field(default_factory=Object)

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{self.target.name}"}

    def document(self) -> dict[str, Any]:
        if self.nullable:
            return {"anyOf": [self.json_schema(), {"type": "null"}]}
        return self.json_schema()

    def check(self, value: Any, path: str, errors: dict[str, str]) -> Any:
        return self.target.check(value, path, errors)


def components(objects: Sequence[Object]) -> dict[str, Any]:
    return {obj.name: obj.document() for obj in objects if obj.name}
