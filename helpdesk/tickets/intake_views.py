"""The staff intake page: record a contact received by phone, in person, by letter…"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.channels.services import active_channel_keys
from helpdesk.contacts.identifiers import national_phone
from helpdesk.contacts.models import Contact
from helpdesk.contacts.queries import get_contact
from helpdesk.plugin_api.types import Channel
from helpdesk.search.contact_lookup import contact_page
from helpdesk.tickets.handling import staff_file_max_bytes
from helpdesk.tickets.intake import (
    RESERVED_FIELD_NAMES,
    new_intake_token,
    record_staff_intake,
    staff_intake_channels,
)
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import ticket_access
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render

bp = Blueprint("intake", __name__)

CORE_FIELDS = ("kind", "priority", "subject", "intake_token", "send_receipt")


def _specs(channel: Channel) -> list:
    return [spec for spec in channel.intake_fields() if spec.name not in RESERVED_FIELD_NAMES]


def _initial_values(channel: Channel) -> dict[str, str]:
    kinds = channel.meta.kinds
    values = {"kind": "inquiry" if "inquiry" in kinds else kinds[0], "priority": "normal",
              "subject": "", "intake_token": new_intake_token()}
    contact_id = request.args.get("contact", type=int)
    contact = get_contact(contact_id) if contact_id else None
    if contact is not None:
        values.update(_contact_values(channel, contact))
    return values


def _contact_values(channel: Channel, contact: Contact) -> dict[str, str]:
    """The form's person fields filled from a registered contact the agent picked (the
    national ID stays masked everywhere but the audited reveal: intake finds the contact
    by the phone or the email)."""
    known = {"text": contact.name, "phone": national_phone(contact.phone)
             if contact.phone else None, "email": contact.email}
    values = {}
    for spec in _specs(channel):
        if spec.name == "name" or spec.type in ("phone", "email"):
            value = known.get("text" if spec.name == "name" else spec.type)
            if value:
                values[spec.name] = value
    return values


def _after_intake(ticket: Ticket) -> str:
    """The ticket's page when there is one the user may open; else the home page."""
    if "tickets.show" in current_app.view_functions:
        if ticket_access(current_user, ticket) is not None:
            return url_for("tickets.show", number=ticket.number)
    return url_for("home.index")


@bp.route("/tickets/new", methods=["GET", "POST"])
@permission_required("tickets.create")
def new() -> ResponseReturnValue:
    channels = staff_intake_channels(set(active_channel_keys()))
    key = request.form.get("channel") or request.args.get("channel")
    if not key and len(channels) == 1:
        key = channels[0].meta.key
    channel = next((c for c in channels if c.meta.key == key), None)
    if key and channel is None:
        abort(404)  # unknown, inactive, or not a channel staff record contacts for
    if channel is None:
        if request.method == "POST":
            abort(404)
        return render("tickets/new.html", channels=channels, channel=None)
    if request.method == "GET" and is_partial_request() and "lookup" in request.args:
        text = request.args.get("lookup", "").strip()  # the contact, as the agent types
        return render("tickets/_intake_matches.html", channel=channel, lookup=text,
                      found=contact_page(text, limit=8).contacts if text else [])
    specs = _specs(channel)
    values = _initial_values(channel)
    errors: dict[str, str] = {}
    if request.method == "POST":
        names = [*CORE_FIELDS, *(spec.name for spec in specs)]
        values = {name: request.form.get(name, "") for name in names}
        values.update({spec.name: request.form.getlist(spec.name) for spec in specs
                       if spec.type == "multiselect"})
        try:
            result = record_staff_intake(channel.meta.key, request.form, actor=current_user,
                                         files=request.files)
        except ValidationError as exc:
            errors = exc.errors
        else:
            number = result.ticket.number
            if result.duplicate:
                flash(_("This form was already sent: it opened ticket %(number)s.",
                        number=number), "info")
            else:
                flash(_("Ticket %(number)s was opened.", number=number), "success")
            return redirect(_after_intake(result.ticket))
    return render("tickets/new.html", channels=channels, channel=channel, specs=specs,
                  values=values, errors=errors,
                  kinds=[(kind, KINDS[kind]) for kind in channel.meta.kinds],
                  priorities=list(PRIORITIES.items()),
                  max_megabytes=staff_file_max_bytes() // (1024 * 1024)), \
        422 if errors else 200
