"""The JSON API under /api/v1: parse, call one service or query, answer in JSON."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from helpdesk.accounts.permissions import can
from helpdesk.api import present, schemas
from helpdesk.api.auth import Caller
from helpdesk.api.operations import (
    ApiError,
    Link,
    Parameter,
    api_limit,
    operation,
    request_language,
    token_rate_key,
)
from helpdesk.api.schema import Array, Integer, String
from helpdesk.api.services import IdempotencyConflict, create_ticket, save_contact
from helpdesk.channels.services import channel_statuses
from helpdesk.committee import services as committee
from helpdesk.extensions import csrf, limiter
from helpdesk.portal.lookup_limits import limit_failed_lookups
from helpdesk.portal.services import find_tracked_ticket
from helpdesk.search.contact_lookup import contact_page
from helpdesk.services_catalog.services import active_services
from helpdesk.tickets import services as tickets
from helpdesk.tickets.actions import action_handler, available_actions, perform
from helpdesk.tickets.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleTicket,
    TicketNotFound,
)
from helpdesk.tickets.intake import UnknownChannel
from helpdesk.tickets.queries import ticket_access, timeline
from helpdesk.tickets.queue import (
    PAGE_SIZE,
    SAVED_VIEWS,
    SORTS,
    QueueFilters,
    decode_cursor,
    parse_filters,
    queue_page,
)
from helpdesk.tickets.states import COMMITTEE_ACTIONS
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.tickets.vocabulary import ACTIONS, KINDS, PRIORITIES, STATUSES
from helpdesk.validation import ValidationError
from helpdesk.web.input_guard import value_out_of_range

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)                                          # token auth, never cookies
limiter.limit(api_limit, key_func=token_rate_key)(bp)   # per token

MAX_PAGE = 100
MAX_ROW_ID = 2**31 - 1   # ids are 32-bit integers on PostgreSQL
ROW_ID = Integer(minimum=0, maximum=MAX_ROW_ID)


def _error(status: int, code: str, message: str, fields: Mapping[str, str] | None = None):
    response = jsonify({"error": {"code": code, "message": message,
                                  "fields": dict(fields or {})}})
    response.status_code = status
    return response


def _err(status: int, code: str, what: Callable[[], tuple[str, Mapping[str, str] | None]]):
    with force_locale(request_language()):
        message, fields = what()
        return _error(status, code, message, fields)


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    return _error(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(ValidationError)
def validation_error(exc: ValidationError):
    return _err(422, "validation_failed",
                lambda: (_("Some fields need correcting."), exc.errors))


@bp.errorhandler(TicketNotFound)
def ticket_not_found(exc: TicketNotFound):
    return _err(404, "not_found", lambda: (exc.message, None))


@bp.errorhandler(PermissionDenied)
def permission_denied(exc: PermissionDenied):
    return _err(403, "forbidden", lambda: (exc.message, None))


@bp.errorhandler(StaleTicket)
def stale_ticket(exc: StaleTicket):
    return _err(409, "stale_version", lambda: (exc.message, None))


@bp.errorhandler(InvalidTransition)
def invalid_transition(exc: InvalidTransition):
    return _err(409, "invalid_transition", lambda: (exc.message, None))


@bp.errorhandler(IdempotencyConflict)
def idempotency_conflict(exc: IdempotencyConflict):
    return _err(422, "idempotency_conflict",
                lambda: (_("This key was already used for a different request."),
                         {exc.field: _("Send a new key for a new request, or repeat the "
                                       "first request exactly.")}))


@bp.errorhandler(UnknownChannel)
def unknown_channel(exc: UnknownChannel):
    return _err(422, "validation_failed",
                lambda: (_("Some fields need correcting."),
                         {"channel": _("Choose an active channel.")}))


HTTP_MESSAGES: dict[int, tuple[str, Callable[[], str]]] = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthenticated", lambda: _("Send an API token in the Authorization header "
                                       "(Bearer).")),
    403: ("forbidden", lambda: _("You do not have permission to do this.")),
    404: ("not_found", lambda: _("Not found, or out of your reach.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("too_large", lambda: _("The request is too large.")),
    415: ("unsupported_media_type", lambda: _("Send the request body as JSON.")),
    429: ("too_many_requests", lambda: _("Too many requests. Wait a minute and try again.")),
}


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Also the app's answer for unknown URLs and wrong methods under /api/."""
    status = exc.code or 500
    code, message = HTTP_MESSAGES.get(status, ("http_error", lambda: exc.name))
    response = _err(status, code, lambda: (message(), None))
    allowed = dict(exc.get_headers()).get("Allow")
    if allowed:
        response.headers["Allow"] = allowed
    return response


# Flask prefers a handler registered for the status code, even the app's (HTML pages),
# over a blueprint's handler for the exception class: register ours per code too.
for _status in HTTP_MESSAGES:
    bp.register_error_handler(_status, http_error)


# A value the database refused (out of range): the app's answer, in this JSON shape.
bp.register_error_handler(OverflowError, value_out_of_range)
bp.register_error_handler(DataError, value_out_of_range)


@bp.errorhandler(Exception)
def unexpected(exc: Exception):
    log.exception("API request failed: %s %s", request.method, request.path)
    return _err(500, "internal_error",
                lambda: (_("An unexpected error occurred. It has been logged."), None))


# ---------------------------------------------------------------------------------------
# Declarations shared by the operations

NUMBER = Parameter("number", "path", String(), "The ticket's number, e.g. 2026-000123.",
                   required=True)
IDEMPOTENCY_KEY = Parameter("Idempotency-Key", "header", String(min_length=1, max_length=200),
                            "A repeat with the same key and body by the same token returns "
                            "the first result; the same key with another body answers 422.")


# What a ticket's answer lets a client do next (OpenAPI links): its number goes into the
# path, and the version seen into the body of a message or an action.
_NUMBER = {"path.number": "$response.body#/number"}
_VERSION = {"version": "$response.body#/version"}
TICKET_LINKS = (
    Link("GetTicket", "get_ticket", "Read the ticket again.", _NUMBER),
    Link("AddMessage", "add_message", "Reply or add a note on the version seen.",
         _NUMBER, _VERSION),
    Link("TakeAction", "take_action", "Take an action on the version seen.",
         _NUMBER, _VERSION),
)


def errors(*statuses: int) -> dict[int, tuple[str, Any]]:
    # Any request may be refused before its operation runs (helpdesk/web/input_guard.py).
    names = {400: "Malformed JSON, a NUL character, JSON nested too deeply, or a number "
                  "out of range", 401: "Missing or invalid token",
             403: "Scope or permission missing", 404: "Not found or out of reach",
             409: "Stale version or action not available now", 422: "Validation failed",
             429: "Rate limit exceeded"}
    return {status: (names[status], schemas.ERROR) for status in (400, 401, 429, *statuses)}


def _ticket_json(caller: Caller, number: str) -> dict[str, Any]:
    access = ticket_access(caller.user, number, refresh=True)
    if access is None:
        raise TicketNotFound()
    ticket = access.ticket
    return present.ticket_detail(ticket, available_actions(caller.user, ticket),
                                 timeline(ticket))


def _registered_channel_keys() -> set[str]:
    return {status.key for status in channel_statuses()}


# ---------------------------------------------------------------------------------------
# Tickets

TICKET_FILTERS = (
    Parameter("view", "query", String(enum=tuple(SAVED_VIEWS)), "A saved view of the queue."),
    Parameter("status", "query", Array(items=String(enum=tuple(STATUSES))), many=True),
    Parameter("channel", "query", String()),
    Parameter("kind", "query", String(enum=tuple(KINDS))),
    Parameter("priority", "query", String(enum=tuple(PRIORITIES))),
    Parameter("service", "query", ROW_ID, "A service's id."),
    Parameter("team", "query", ROW_ID),
    Parameter("assignee", "query", ROW_ID),
    Parameter("branch", "query", ROW_ID),
    Parameter("created_from", "query", String(format="date")),
    Parameter("created_to", "query", String(format="date")),
    Parameter("due_from", "query", String(format="date")),
    Parameter("due_to", "query", String(format="date")),
    Parameter("q", "query", String(max_length=200), "Search text."),
    Parameter("sort", "query", String(enum=tuple(SORTS))),
    Parameter("after", "query", String(), "The next_cursor of the previous page."),
    Parameter("limit", "query", Integer(minimum=1, maximum=MAX_PAGE),
              f"{PAGE_SIZE} by default."),
)


def _page_size() -> int:
    raw = (request.args.get("limit") or "").strip()
    if not raw:
        return PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(422, "validation_failed", _("Some fields need correcting."),
                       {"limit": _("Send a number from 1 to %(n)d.", n=MAX_PAGE)})
    return int(raw)


def _strict_filters(keys: set[str]) -> tuple[QueueFilters, int]:
    """The queue's filters; where the queue drops a bad value quietly, the API says so."""
    filters, problems = parse_filters(request.args, keys)
    problems = dict(problems)
    if (request.args.get("channel") or "").strip() and filters.channel is None:
        problems["channel"] = _("Choose a value from the list.")
    if filters.after and decode_cursor(filters.after, filters.sort) is None:
        problems["after"] = _("This cursor is not valid for this sort order.")
    limit = _page_size()
    if problems:
        raise ApiError(422, "validation_failed", _("Some fields need correcting."), problems)
    return filters, limit


@operation(bp, "GET", "/tickets", summary="List the tickets the caller may see",
           scope="tickets:read", parameters=TICKET_FILTERS,
           responses={200: ("A page of tickets", schemas.TICKET_LIST), **errors(403, 422)},
           links={200: (Link("GetFirstTicket", "get_ticket", "Open the page's first ticket.",
                             {"path.number": "$response.body#/tickets/0/number"}),)})
def list_tickets(caller: Caller, body: None):
    filters, limit = _strict_filters(_registered_channel_keys())
    page = queue_page(caller.user, filters, limit=limit)
    return jsonify({"tickets": [present.ticket_summary(t) for t in page.tickets],
                    "next_cursor": page.next_cursor})


@operation(bp, "GET", "/tickets/<number>", summary="One ticket with its timeline",
           scope="tickets:read", parameters=(NUMBER,),
           responses={200: ("The ticket", schemas.TICKET), **errors(403, 404)},
           links={200: TICKET_LINKS[1:]})
def get_ticket(caller: Caller, body: None, number: str):
    return jsonify(_ticket_json(caller, number))


@operation(bp, "POST", "/tickets", summary="Open a ticket on an active channel",
           scope="tickets:write", request_schema=schemas.NEW_TICKET, headers=(IDEMPOTENCY_KEY,),
           responses={201: ("Created, or the first result of a repeat",
                            schemas.TICKET_CREATED), **errors(400, 403, 422)},
           # The answer carries no version: read the ticket before an action on it.
           links={201: (
               Link("GetTicket", "get_ticket", "Read the new ticket.", _NUMBER),
               Link("AddMessage", "add_message", "Reply or add a note.", _NUMBER),
               Link("TakeAction", "take_action", "Take an action.", _NUMBER))})
def post_ticket(caller: Caller, body: dict[str, Any]):
    key = request.headers.get("Idempotency-Key")
    result = create_ticket(caller.user, body, token_id=caller.token.id, idempotency_key=key)
    # A repeat answers exactly as the first request did.
    response = jsonify({"number": result.ticket.number,
                        "tracking_url": url_for("portal.ticket",
                                                token=tracking_token(result.ticket),
                                                _external=True)})
    response.status_code = 201
    return response


@operation(bp, "POST", "/tickets/<number>/messages", summary="Reply to the person, or add "
           "an internal note", scope="tickets:write", parameters=(NUMBER,),
           request_schema=schemas.NEW_MESSAGE,
           responses={201: ("The ticket after the message", schemas.TICKET),
                      **errors(400, 403, 404, 409, 422)},
           links={201: TICKET_LINKS})
def add_message(caller: Caller, body: dict[str, Any], number: str):
    use_case = tickets.reply if body["type"] == "reply" else tickets.add_note
    use_case(number, actor=caller.user, expected_version=body.get("version"),
             body=body["body"])
    response = jsonify(_ticket_json(caller, number))
    response.status_code = 201
    return response


# Changes that keep the status, next to the lifecycle's actions.
EXTRA_ACTIONS: dict[str, Callable[..., Any]] = {
    "assign": tickets.assign, "take": tickets.take, "change_team": tickets.change_team,
    "set_priority": tickets.set_priority,
}
_FIXED = {"ticket", "actor", "expected_version", "decision"}


def _fields_of(function: Callable[..., Any]) -> tuple[set[str], set[str]]:
    """(every field, required fields) of a use case, from its signature."""
    names, required = set(), set()
    for name, parameter in inspect.signature(function).parameters.items():
        if name in _FIXED:
            continue
        names.add(name)
        if parameter.default is inspect.Parameter.empty:
            required.add(name)
    return names, required


def _action_fields(action: str, fields: dict[str, Any]) -> dict[str, Any]:
    if action in COMMITTEE_ACTIONS:
        a_names, a_required = _fields_of(committee.decide)
        b_names, b_required = _fields_of(tickets.decide_application)
        names, required = a_names | b_names, a_required & b_required
    else:
        handler = EXTRA_ACTIONS.get(action) or action_handler(action)
        if handler is None:
            raise ApiError(422, "validation_failed", _("Some fields need correcting."),
                           {"action": _("Choose one of: %(values)s.",
                                        values=", ".join(sorted(ACTIONS)))})
        names, required = _fields_of(handler)
    problems: dict[str, str] = {}
    for name in sorted(set(fields) - names):
        problems[name] = _("Unknown field.")
    for name in sorted(required - set(fields)):
        problems[name] = _("This field is required.")
    for name, value in fields.items():
        if value is None or name not in names:
            continue
        if name.endswith("_id"):
            ok = isinstance(value, int) and not isinstance(value, bool) \
                and 0 <= value <= MAX_ROW_ID
        elif name == "missing":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, str)
        if not ok:
            problems[name] = _("This value has the wrong type.")
    if problems:
        raise ApiError(422, "validation_failed", _("Some fields need correcting."), problems)
    return fields


@operation(bp, "POST", "/tickets/<number>/actions", summary="Take a lifecycle action "
           "(named as in the transition table) with the version seen", scope="tickets:write",
           parameters=(NUMBER,), request_schema=schemas.ACTION,
           responses={200: ("The ticket after the action", schemas.TICKET),
                      **errors(400, 403, 404, 409, 422)},
           links={200: TICKET_LINKS})
def take_action(caller: Caller, body: dict[str, Any], number: str):
    fields = dict(body)
    action, version = fields.pop("action"), fields.pop("version")
    fields = _action_fields(action, fields)
    if action in EXTRA_ACTIONS:
        EXTRA_ACTIONS[action](number, actor=caller.user, expected_version=version, **fields)
    else:
        perform(number, action, actor=caller.user, expected_version=version, **fields)
    return jsonify(_ticket_json(caller, number))


# ---------------------------------------------------------------------------------------
# Contacts, services, channels

@operation(bp, "GET", "/contacts", summary="Search the contact registry",
           scope="contacts:read",
           parameters=(Parameter("q", "query", String(max_length=200), "Name, ID or phone."),
                       Parameter("after", "query", String(), "The previous next_cursor."),
                       Parameter("limit", "query", Integer(minimum=1, maximum=MAX_PAGE))),
           responses={200: ("A page of contacts", schemas.CONTACT_LIST), **errors(403, 422)})
def list_contacts(caller: Caller, body: None):
    if not can(caller.user, "contacts.view"):
        raise PermissionDenied("contacts.view")
    limit = _page_size()
    page = contact_page((request.args.get("q") or "").strip()[:200] or None,
                        cursor=request.args.get("after") or None, limit=limit)
    return jsonify({"contacts": [present.contact(c) for c in page.contacts],
                    "next_cursor": page.next_cursor})


@operation(bp, "POST", "/contacts", summary="Find a person in the registry, or register them",
           scope="contacts:write", request_schema=schemas.NEW_CONTACT,
           responses={200: ("The contact", schemas.CONTACT), **errors(400, 403, 422)},
           # No operation takes a contact's id: a ticket names its person by name and phone.
           links={200: (
               Link("FindContact", "list_contacts", "Find the person in the registry.",
                    {"query.q": "$response.body#/name"}),
               Link("OpenTicketForContact", "post_ticket", "Open a ticket for the person.",
                    request_body={"contact": {"name": "$response.body#/name",
                                              "phone": "$response.body#/phone"}}))})
def post_contact(caller: Caller, body: dict[str, Any]):
    return jsonify(present.contact(save_contact(caller.user, body)))


@operation(bp, "GET", "/services", summary="The services a person may request",
           scope="catalog:read",
           responses={200: ("The active services", schemas.SERVICE_LIST), **errors(403)})
def list_services(caller: Caller, body: None):
    english = request_language() == "en"
    return jsonify({"services": [
        {"key": s.key, "name": s.name_en if english else s.name_ar,
         "description": (s.description_en if english else s.description_ar) or None,
         "needs_committee": bool(s.needs_committee)}
        for s in active_services()]})


@operation(bp, "GET", "/channels", summary="The channels tickets may be opened on",
           scope="catalog:read",
           responses={200: ("The active channels", schemas.CHANNEL_LIST), **errors(403)},
           links={200: (Link("OpenTicketOnChannel", "post_ticket",
                             "Open a ticket of a kind the first channel takes.",
                             request_body={"channel": "$response.body#/channels/0/key",
                                           "kind": "$response.body#/channels/0/kinds/0"}),)})
def list_channels(caller: Caller, body: None):
    return jsonify({"channels": [
        {"key": s.key, "name": str(s.channel.meta.label), "kinds": list(s.channel.meta.kinds)}
        for s in channel_statuses() if s.active]})


# ---------------------------------------------------------------------------------------
# Public: tracking a request as the portal does (no token)

def _tracked_number() -> Any:
    body = request.get_json(silent=True, cache=True)
    return body.get("number") if isinstance(body, dict) else None


def _failed_lookup(response) -> bool:
    """As on the portal, only failed lookups count: a person who finds their request is
    never blocked."""
    return response.status_code != 200


@operation(bp, "POST", "/public/track", summary="Track a request by its number and phone, "
           "as the portal does (no token; rate-limited)", scope=None, authenticate=False,
           request_schema=schemas.PUBLIC_TRACK,
           responses={200: ("What the portal shows of the request", schemas.TRACKED_TICKET),
                      400: ("Malformed JSON", schemas.ERROR),
                      404: ("No request with this number and phone", schemas.ERROR),
                      422: ("Validation failed", schemas.ERROR),
                      429: ("Too many failed lookups", schemas.ERROR)})
@limit_failed_lookups(number=_tracked_number, failed=_failed_lookup)  # shared with /track
def public_track(caller: None, body: dict[str, Any]):
    # The portal's lookup: a wrong phone and an unknown number get the same answer.
    ticket = find_tracked_ticket(body["number"], body["phone"])
    if ticket is None:
        raise ApiError(404, "not_found", _("We could not find a request with this number "
                                           "and phone. Check both and try again."))
    response = jsonify(present.tracked_ticket(ticket))
    response.headers["Cache-Control"] = "no-store"
    return response
