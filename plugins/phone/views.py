"""The phone channel's pages: the agent's console (the ringing card), the call log form,
the caller lookup, and the telephony endpoint a call system posts its events to."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from helpdesk.plugin_api.core import (
    RecordingRefused,
    core_services,
    csrf_exempt,
    rate_limit,
    staff_required,
)
from plugins.phone import calls
from plugins.phone.channel import PhoneChannel
from plugins.phone.parsing import BadSignature, parse_event, verify

log = logging.getLogger(__name__)
bp = Blueprint("channel_phone", __name__, template_folder="templates")


@bp.before_request
def only_while_active() -> ResponseReturnValue | None:
    """An administrator who deactivates the channel closes its pages and its endpoint."""
    if not core_services().channel_active(calls.KEY):
        abort(404)
    return None


LOGGERS = "tickets.create"


def _kinds() -> tuple[str, ...]:
    return PhoneChannel.meta.kinds


def _live() -> list:
    """This agent's ringing or answered calls, each with the caller's card (or None)."""
    services = core_services()
    staff = services.current_staff()
    return [(call, services.find_contact_by_phone(call.caller))
            for call in calls.live_calls(staff.id)]


@bp.get("/")
@staff_required(LOGGERS)
def index() -> ResponseReturnValue:
    return render_template("channels/phone/console.html", live=_live(),
                           recent=calls.recent_calls(), states=calls.STATES)


@bp.get("/ringing")
@staff_required(LOGGERS)
def ringing() -> ResponseReturnValue:
    """Polled by the console every few seconds: the card of a call ringing for this agent."""
    response = render_template("channels/phone/_ringing.html", live=_live(),
                               states=calls.STATES)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/lookup")
@staff_required(LOGGERS)
def lookup() -> ResponseReturnValue:
    phone = request.args.get("phone", "")
    return render_template("channels/phone/_caller.html",
                           card=core_services().find_contact_by_phone(phone),
                           phone=phone, chosen="", errors={})


@bp.route("/calls/new", methods=["GET", "POST"])
@staff_required(LOGGERS)
def log_call() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in calls.FORM_FIELDS}
        try:
            recorded = calls.log_call(request.form, _kinds())
        except RecordingRefused as refused:
            errors = refused.errors
        else:
            if recorded.duplicate:
                flash(_("This call was already logged: ticket %(number)s.",
                        number=recorded.ticket_number), "info")
            elif recorded.created:
                flash(_("The call was logged: ticket %(number)s was opened.",
                        number=recorded.ticket_number), "success")
            else:
                flash(_("The call was logged as a note on ticket %(number)s.",
                        number=recorded.ticket_number), "success")
            return redirect(url_for("channel_phone.index"))
    else:
        values = calls.new_form(request.args.get("phone", ""), request.args.get("call_id", ""))
    card = core_services().find_contact_by_phone(values["phone"]) if values["phone"] else None
    return render_template(
        "channels/phone/log.html", values=values, errors=errors, card=card,
        directions=list(calls.DIRECTIONS.items()), outcomes=list(calls.OUTCOMES.items()),
        kinds=_kinds()), 422 if errors else 200


@bp.post("/events")
@csrf_exempt
@rate_limit("600 per minute", scope="telephony")
def events() -> ResponseReturnValue:
    """The call system's events (JSON, HMAC-signed): see plugins/phone/parsing.py."""
    services = core_services()
    body = request.get_data(cache=True)
    try:
        verify(request.headers, body, str(services.channel_settings(calls.KEY)
                                          .get("telephony_secret") or ""))
    except BadSignature as exc:
        log.warning("telephony event rejected: %s", exc)
        return jsonify({"ok": False, "error": "signature rejected"}), 403
    try:
        event = parse_event(body)
    except ValueError as exc:
        return jsonify({"ok": False, "error": str(exc)}), 400
    outcome = calls.apply_event(event)
    return jsonify({"ok": True, "call_id": event.call_id, "state": outcome.call.state,
                    "duplicate": outcome.duplicate, "ticket": outcome.ticket_number}), 200


@bp.get("/help")
@staff_required("admin.channels")
def help_page() -> ResponseReturnValue:
    """For the administrator who connects a call system: the events' JSON and signature."""
    return render_template("channels/phone/help.html")
