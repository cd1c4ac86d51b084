"""Input no view can use, refused once per request with a clear 400 or 404, never a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from helpdesk.api.operations import request_language
from helpdesk.extensions import db
from helpdesk.web.errors import _error_page

# A NUL character (PostgreSQL's text columns refuse it; nobody types one), JSON nested
# deeper than any of our documents (Python's parser would run out of stack) and ids beyond
# the database's integer columns would otherwise reach the database or the parser and come
# back as a 500. The answer is in the reader's language, JSON under /api/.
log = logging.getLogger(__name__)

MAX_ROW_ID = 2**31 - 1   # ids are 32-bit integers on PostgreSQL
MAX_JSON_DEPTH = 32      # our deepest document (a ticket with its timeline) is 5 deep
NUL = "\x00"
# The webhook route verifies a signature over the raw body: read it before the form.
RAW_BODY_BLUEPRINTS = {"webhooks"}


class RowIdConverter(IntegerConverter):
    """``<int:…>`` that matches only ids the database can hold: a bigger one is a 404
    (no such page) rather than an overflow in the query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every key and string in a JSON value, with its nesting depth
    checked on the way (raises RecursionError when deeper than ``MAX_JSON_DEPTH``)."""
    stack: list[tuple[Any, str, int]] = [(value, path, 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, (dict, list)) and depth > MAX_JSON_DEPTH:
            raise RecursionError(where)
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield where, key
                stack.append((child, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]", depth + 1)
                         for index, child in enumerate(item))


def _json_problem(raw: bytes) -> tuple[str, str | None] | None:
    """("nul"|"depth", where) for a JSON body we refuse; None otherwise (malformed JSON is
    left to the view, which says so in its own words)."""
    if not raw or (b"\\u0000" not in raw.lower()
                   and raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH):
        return None  # cannot hold either problem: no need to parse it twice
    try:
        value = json.loads(raw)
    except RecursionError:
        return "depth", None
    except (ValueError, UnicodeDecodeError):
        return None
    try:
        for where, text in _json_strings(value):
            if NUL in text:
                return "nul", where or None
    except RecursionError:
        return "depth", None
    return None


def _form_problem() -> str | None:
    """The first form field, query parameter or file name holding a NUL (its name)."""
    if NUL in request.path:
        return "path"
    if request.mimetype != "multipart/form-data" \
            or request.blueprint in RAW_BODY_BLUEPRINTS:
        request.get_data(cache=True)  # the form is then parsed from the cached body
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            if NUL in name or NUL in value:
                return name.replace(NUL, "")
    for name, upload in request.files.items(multi=True):
        if NUL in name or NUL in (upload.filename or ""):
            return name.replace(NUL, "")
    return None


def _is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _message(code: str) -> str:
    if code == "too_deep":
        return _("The request's JSON is nested too deeply.")
    if code == "out_of_range":
        return _("A value in the request is too large. Check it and try again.")
    return _("The request contains a character that is not allowed (NUL). Remove it and "
             "try again.")


def _refuse(code: str, field: str | None) -> Response:
    if _is_api_request():
        with force_locale(request_language()):
            fields = {field: _("This value contains a character that is not allowed.")} \
                if field else {}
            response = jsonify({"error": {"code": code, "message": _message(code),
                                          "fields": fields}})
        response.status_code = 400
        return response
    body, status, *headers = _error_page(400, _("Bad request"), _message(code))
    return Response(body, status, *headers)


def check_request_input() -> Response | None:
    """before_request: refuse a request carrying input no view can use."""
    field = _form_problem()
    if field is not None:
        return _refuse("invalid_character", field)
    if request.is_json or (_is_api_request() and request.content_length):
        problem = _json_problem(request.get_data(cache=True))
        if problem is not None:
            kind, where = problem
            return _refuse("too_deep" if kind == "depth" else "invalid_character",
                           where if kind == "nul" else None)
    return None


def value_out_of_range(error: Exception) -> Response:
    """The safety net for a number no check caught (a form's id, a cursor): the database
    or its driver refused it. The transaction is rolled back so the page can be drawn."""
    log.warning("refused a value out of range: %s %s: %s", request.method, request.path,
                str(error).splitlines()[0] if str(error) else type(error).__name__)
    db.session.rollback()
    return _refuse("out_of_range", None)


def register_input_guard(app: Flask) -> None:
    """Before any route is added: ``<int:…>`` takes only row ids; then the request check
    and the handlers for values out of range."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(check_request_input)
    app.register_error_handler(OverflowError, value_out_of_range)
    app.register_error_handler(DataError, value_out_of_range)
