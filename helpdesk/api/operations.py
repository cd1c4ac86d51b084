"""The API's operations: one decorator declares a route, its scope, its schemas and its
answers; the view gets the caller and the validated body, and the OpenAPI document is
generated from the same declarations."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from helpdesk.api.auth import require_token
from helpdesk.api.errors import ApiError
from helpdesk.api.schema import Array, Integer, Object, Schema, SchemaError
from helpdesk.api.services import prefix_of
from helpdesk.config import SUPPORTED_LOCALES


def request_language() -> str:
    """The best of ar/en for the request's Accept-Language; Arabic by default."""
    return request.accept_languages.best_match(SUPPORTED_LOCALES, default="ar") or "ar"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str            # "path" or "query"
    schema: Schema
    description: str = ""
    required: bool = False
    many: bool = False       # a query parameter that may repeat (status=new&status=closed)


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: a value of this answer that another operation takes.

    ``parameters`` and ``request_body`` map the target's names to runtime expressions
    such as ``$response.body#/number``; the body's fields are merged into the target's.
    """

    name: str
    operation_id: str        # the target's operationId (its view's name)
    description: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    request_body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Operation:
    endpoint: str
    method: str
    path: str                # the OpenAPI form: /api/v1/tickets/{number}
    summary: str
    scope: str | None
    parameters: Sequence[Parameter] = ()
    request: Object | None = None
    responses: Mapping[int, tuple[str, Schema | None]] = field(default_factory=dict)
    headers: Sequence[Parameter] = ()
    links: Mapping[int, Sequence[Link]] = field(default_factory=dict)   # per answer


OPERATIONS: list[Operation] = []


def _openapi_path(rule: str) -> str:
    out, i = [], 0
    while i < len(rule):
        if rule[i] == "<":
            end = rule.index(">", i)
            out.append("{" + rule[i + 1:end].split(":")[-1] + "}")
            i = end + 1
        else:
            out.append(rule[i])
            i += 1
    return "".join(out)


def _json_body(schema: Object) -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "malformed_json", _("Send the request body as a JSON object."))
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json",
                       _("The request body is not valid JSON.")) from None
    try:
        return schema.load(value)
    except SchemaError as exc:
        raise ApiError(422, "validation_failed", _("Some fields need correcting."),
                       exc.errors) from None


def _query_value(schema: Schema, raw: str) -> Any:
    """A query string's text as the JSON value its schema describes (ints for integers)."""
    if isinstance(schema, Integer):
        text = raw.strip()
        digits = text[1:] if text[:1] in "+-" else text
        return int(text) if digits.isdigit() and digits.isascii() else raw
    return raw


def _check_query(parameters: Sequence[Parameter]) -> None:
    """Every query parameter checked against its declared schema; unknown ones refused."""
    declared = {p.name: p for p in parameters if p.location == "query"}
    errors: dict[str, str] = {}
    for name in request.args:
        parameter = declared.get(name)
        if parameter is None:
            errors[name] = _("Unknown field.")
            continue
        schema = parameter.schema
        if parameter.many and isinstance(schema, Array):
            for raw in request.args.getlist(name):
                schema.items.validate(_query_value(schema.items, raw), name, errors)
        else:
            values = request.args.getlist(name)
            if len(values) > 1:
                errors[name] = _("Send this parameter once.")
            else:
                schema.validate(_query_value(schema, values[0]), name, errors)
    if errors:
        raise ApiError(422, "validation_failed", _("Some fields need correcting."), errors)


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, scope: str | None,
              parameters: Sequence[Parameter] = (), request_schema: Object | None = None,
              responses: Mapping[int, tuple[str, Schema | None]] | None = None,
              headers: Sequence[Parameter] = (), authenticate: bool = True,
              links: Mapping[int, Sequence[Link]] | None = None
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``view(caller, body, **url_args)`` as one API operation; ``links`` name,
    per answer status, the operations that take a value of that answer."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = view.__name__

        @wraps(view)
        def wrapped(**url_args: Any) -> Any:
            with force_locale(request_language()):
                caller = require_token(scope) if authenticate else None
                _check_query(parameters)
                body = _json_body(request_schema) if request_schema is not None else None
                return view(caller, body, **url_args)

        prefix = bp.url_prefix or ""
        OPERATIONS.append(Operation(
            endpoint=f"{bp.name}.{endpoint}", method=method, path=_openapi_path(prefix + rule),
            summary=summary, scope=scope, parameters=tuple(parameters),
            request=request_schema, responses=dict(responses or {}), headers=tuple(headers),
            links={status: tuple(items) for status, items in (links or {}).items()}))
        bp.add_url_rule(rule, endpoint, wrapped, methods=[method])
        return wrapped

    return decorator


def api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


def token_rate_key() -> str:
    """Per token: the secret's public prefix (no database read); else the address."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    prefix = prefix_of(secret.strip()) if scheme.lower() == "bearer" else None
    if prefix:
        return f"api-token:{prefix}"
    return f"api-address:{request.remote_addr or 'unknown'}"

