"""The ticket page's actions and the queue's bulk actions: parse, call one service, answer.

Every form works as a plain POST (back to the ticket page with a flash) and through htmx
(the regions it changed: the status message is the target, the other regions are swapped
out of band). Refusals answer with their status and never a 500: 404 out of reach, 403 not
allowed, 409 changed meanwhile or no longer possible (with the fresh ticket), 422 a field to
correct (the form again, as typed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from helpdesk.accounts.permissions import permission_required
from helpdesk.i18n.language import current_language
from helpdesk.tickets import services
from helpdesk.tickets.actions import perform
from helpdesk.tickets.blueprint import bp
from helpdesk.tickets.errors import (
    TicketError,
)
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.page import ACTION_FIELDS, PANEL_FORMS, bulk_choices, ticket_page_context
from helpdesk.tickets.queries import ticket_access, version_to_check
from helpdesk.tickets.views import filter_choices, queue_context
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, STATUSES
from helpdesk.validation import ValidationError
from helpdesk.web.errors import answering
from helpdesk.web.forms import seen_version
from helpdesk.web.htmx import fragment, is_partial_request

# The page's regions: the element id and the partial that draws it.
REGIONS = {
    "actions": ("ticket-actions", "tickets/_actions.html"),
    "assignment": ("panel-assignment", "tickets/_panel_assignment.html"),
    "priority": ("panel-priority", "tickets/_panel_priority.html"),
    "classification": ("panel-classification", "tickets/_panel_classification.html"),
    "tags": ("panel-tags", "tickets/_panel_tags.html"),
    "reply": ("ticket-reply", "tickets/_reply.html"),
}

MAX_BULK = 200


# ---------------------------------------------------------------------------------------
# Reading the form


def _id(raw: str | None, field: str) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError({field: _("Choose a value from the list.")})
    return int(text)


def _field(form_key: str, name: str) -> str:
    return request.form.get(f"{form_key}-{name}", "")


def _lifecycle_fields(action: str) -> dict[str, Any]:
    """The action's fields, named as its use case names them."""
    fields: dict[str, Any] = {}
    for name in ACTION_FIELDS[action]:
        raw = _field(action, name)
        if name == "missing":
            fields[name] = raw.splitlines()
        elif name in ("to_team_id", "to_user_id"):
            fields[name] = _id(raw, name)
        elif name == "new_due_on":
            fields[name] = raw.strip() or None
        else:
            fields[name] = raw
    return fields


# ---------------------------------------------------------------------------------------
# Answering


def _context(access, **kwargs: Any) -> dict[str, Any]:
    return ticket_page_context(current_user, access, **kwargs)


def _page(context: dict[str, Any], status: int) -> ResponseReturnValue:
    return render_template("tickets/show.html", **context), status


def _fresh_access(number: str):
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)  # it left the user's reach meanwhile: say nothing about it
    return access


def _conflict(number: str, form_key: str, message: str) -> ResponseReturnValue:
    """409: the fresh ticket, with why the action did not happen at the top; the form that
    was sent keeps what was typed (with the fresh version) to review and send again."""
    context = _context(_fresh_access(number), alert={"kind": "warning", "message": message},
                       open_form=form_key, values=request.form.to_dict(flat=True))
    if is_partial_request():
        return fragment("tickets/_ticket.html", context, 409, target="ticket")
    return _page(context, 409)


def _refused(number: str, message: str) -> ResponseReturnValue:
    """403: visible but not allowed."""
    context = _context(_fresh_access(number), alert={"kind": "danger", "message": message})
    if is_partial_request():
        return fragment("tickets/_alert.html", context, 403, target="ticket-alert")
    return _page(context, 403)


def _invalid(number: str, form_key: str, errors: Mapping[str, str]) -> ResponseReturnValue:
    """422: the form again with what was typed and each message at its field."""
    region = "actions" if form_key in ACTION_FIELDS else PANEL_FORMS[form_key]
    context = _context(_fresh_access(number), open_form=form_key,
                       values=request.form.to_dict(flat=True),
                       errors={f"{form_key}-{name}": message for name, message in errors.items()})
    if is_partial_request():
        element_id, template = REGIONS[region]
        return fragment(template, context, 422, target=element_id)
    return _page(context, 422)


def _done(ticket: Ticket, form_key: str, message: str) -> ResponseReturnValue:
    number = ticket.number
    access = ticket_access(current_user, number)
    if not is_partial_request():
        flash(message, "success")
        if access is None:
            return redirect(url_for("tickets.queue"))
        return redirect(url_for("tickets.show", number=number))
    if access is None:
        # Done, and now out of reach (a referee who returned it, a committee member who
        # decided): say so in place of the ticket, with what it became.
        return fragment("tickets/_gone.html", {"ticket": ticket, "message": message}, 200,
                        target="ticket")
    context = _context(access, alert={"kind": "success", "message": message})
    context["acted"] = form_key
    return render_template("tickets/_changed.html", **context)


def _run(number: str, form_key: str, call: Callable[[Ticket, int | None], Ticket],
         message: Callable[[Ticket], str]) -> ResponseReturnValue:
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    with answering(conflict=lambda exc: _conflict(number, form_key, exc.message),
                   refused=lambda exc: _refused(number, exc.message),
                   invalid=lambda exc: _invalid(number, form_key, exc.errors)):
        ticket = call(access.ticket, version_to_check(
            access.ticket, seen_version(request.form.get("version")), current_user))
    return _done(ticket, form_key, message(ticket))


def _status_message(ticket: Ticket) -> str:
    return _("The ticket is now “%(status)s”.",
             status=str(STATUSES.get(ticket.status, ticket.status)))


# ---------------------------------------------------------------------------------------
# The lifecycle (one route for every row of the table) and the side panels


@bp.post("/<number>/actions/<action>")
@permission_required("tickets.view")
def act(number: str, action: str) -> ResponseReturnValue:
    if action not in ACTION_FIELDS:
        abort(404)
    return _run(number, action,
                lambda ticket, version: perform(ticket, action, actor=current_user,
                                                expected_version=version,
                                                **_lifecycle_fields(action)),
                _status_message)


@bp.post("/<number>/actions/take")
@permission_required("tickets.view")
def take(number: str) -> ResponseReturnValue:
    return _run(number, "take",
                lambda ticket, version: services.take(ticket, actor=current_user,
                                                      expected_version=version),
                lambda ticket: _("You took the ticket."))


def _assigned_message(ticket: Ticket) -> str:
    if ticket.assignee is None:
        return _("The ticket is no longer assigned to anyone.")
    return _("The ticket is assigned to %(name)s.", name=ticket.assignee.name)


def _team_message(ticket: Ticket) -> str:
    team = ticket.team
    if team is None:
        return _("The ticket is no longer with a team.")
    return _("The ticket moved to the team %(team)s.",
             team=team.name_ar if current_language() == "ar" else team.name_en)


def _priority_message(ticket: Ticket) -> str:
    return _("Priority set to “%(priority)s”.", priority=str(PRIORITIES[ticket.priority]))


def _as_is(raw: str, field: str) -> str:
    return raw


# The side panels' one-field forms: form key → (the field, how to read it, the use case
# that takes it by that name, what to say when done).
PANEL_CHANGES: dict[str, tuple[str, Callable[[str, str], Any], Callable[..., Ticket],
                               Callable[[Ticket], str]]] = {
    "assign": ("assignee_id", _id, services.assign, _assigned_message),
    "change_team": ("team_id", _id, services.change_team, _team_message),
    "set_priority": ("priority", _as_is, services.set_priority, _priority_message),
}


def _panel_change(number: str, form_key: str) -> ResponseReturnValue:
    field, read, use_case, message = PANEL_CHANGES[form_key]
    return _run(number, form_key,
                lambda ticket, version: use_case(
                    ticket, actor=current_user, expected_version=version,
                    **{field: read(_field(form_key, field), field)}),
                message)


@bp.post("/<number>/actions/assign")
@permission_required("tickets.view")
def assign(number: str) -> ResponseReturnValue:
    return _panel_change(number, "assign")


@bp.post("/<number>/actions/change_team")
@permission_required("tickets.view")
def change_team(number: str) -> ResponseReturnValue:
    return _panel_change(number, "change_team")


@bp.post("/<number>/actions/set_priority")
@permission_required("tickets.view")
def set_priority(number: str) -> ResponseReturnValue:
    return _panel_change(number, "set_priority")


def _reclassified_message(ticket: Ticket) -> str:
    return _("Kind and service saved: “%(kind)s”.", kind=str(KINDS.get(ticket.kind, ticket.kind)))


@bp.post("/<number>/actions/reclassify")
@permission_required("tickets.view")
def reclassify(number: str) -> ResponseReturnValue:
    """Another kind (an inquiry that is a complaint) and/or another service."""
    return _run(number, "reclassify",
                lambda ticket, version: services.reclassify(
                    ticket, actor=current_user, expected_version=version,
                    kind=_field("reclassify", "kind").strip(),
                    service_id=_id(_field("reclassify", "service_id"), "service_id")),
                _reclassified_message)


def _tag_change(number: str, form_key: str, use_case: Callable[..., Ticket],
                done: Callable[[str], str]) -> ResponseReturnValue:
    name = services.normalise_tag(_field(form_key, "name"))
    return _run(number, form_key,
                lambda ticket, version: use_case(ticket, actor=current_user,
                                                 expected_version=version, name=name),
                lambda ticket: done(name))


@bp.post("/<number>/actions/add_tag")
@permission_required("tickets.view")
def add_tag(number: str) -> ResponseReturnValue:
    return _tag_change(number, "add_tag", services.add_tag,
                       lambda tag: _("Tag “%(tag)s” added.", tag=tag))


@bp.post("/<number>/actions/remove_tag")
@permission_required("tickets.view")
def remove_tag(number: str) -> ResponseReturnValue:
    return _tag_change(number, "remove_tag", services.remove_tag,
                       lambda tag: _("Tag “%(tag)s” removed.", tag=tag))


@bp.post("/<number>/actions/reply")
@permission_required("tickets.view")
def reply(number: str) -> ResponseReturnValue:
    """One box, two ways: a public reply to the person, or an internal note for staff;
    either may carry a photo or a PDF."""
    internal = _field("reply", "visibility") == "internal"
    use_case = services.add_note if internal else services.reply
    return _run(number, "reply",
                lambda ticket, version: use_case(ticket, actor=current_user,
                                                 expected_version=version,
                                                 body=_field("reply", "body"),
                                                 file=request.files.get("reply-file")),
                lambda ticket: _("Internal note added.") if internal
                else _("Reply recorded and queued for delivery."))


# ---------------------------------------------------------------------------------------
# Bulk actions from the queue

BULK_OPERATIONS = ("assign", "change_team", "add_tag", "close_duplicates")


def _bulk_call(operation: str, fields: dict[str, Any]) -> Callable[[str], Ticket]:
    """One ticket through the same use case as on its page, without a version check."""
    kwargs = {"actor": current_user, "expected_version": None}
    if operation == "assign":
        return lambda number: services.assign(number, assignee_id=fields["assignee_id"],
                                              **kwargs)
    if operation == "change_team":
        return lambda number: services.change_team(number, team_id=fields["team_id"], **kwargs)
    if operation == "add_tag":
        return lambda number: services.add_tag(number, name=fields["tag"], **kwargs)
    return lambda number: services.cancel(number, reason_code="duplicate",
                                          duplicate_of=fields["duplicate_of"], **kwargs)


def _bulk_fields(operation: str) -> tuple[dict[str, Any], dict[str, str]]:
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if operation not in BULK_OPERATIONS:
        errors["bulk-operation"] = _("Choose what to do with the chosen tickets.")
        return fields, errors
    raw = {name: request.form.get(f"bulk-{name}", "").strip()
           for name in ("assignee_id", "team_id", "tag", "duplicate_of")}
    needed = {"assign": ("assignee_id", _("Choose the person to assign the tickets to.")),
              "change_team": ("team_id", _("Choose the team to move the tickets to.")),
              "add_tag": ("tag", _("Write the tag to add.")),
              "close_duplicates": ("duplicate_of",
                                   _("Write the number of the ticket they duplicate."))}
    name, message = needed[operation]
    if not raw[name]:
        errors[f"bulk-{name}"] = message
    elif name in ("assignee_id", "team_id") and not raw[name].isdigit():
        errors[f"bulk-{name}"] = _("Choose a value from the list.")
    else:
        fields[name] = int(raw[name]) if name.endswith("_id") else raw[name]
    return fields, errors


def _queue_url(raw: str | None) -> str:
    """Back to the queue the user was on (only ever the queue of this site)."""
    queue = url_for("tickets.queue")
    parts = urlsplit(raw or "")
    if parts.scheme or parts.netloc or parts.path != queue:
        return queue
    return f"{queue}?{parts.query}" if parts.query else queue


def _queue_args() -> MultiDict:
    """The queue's filters: posted with the bulk form by htmx, else from the page's URL."""
    if is_partial_request():
        return MultiDict([(k, v) for k, v in request.form.items(multi=True)
                          if not k.startswith("bulk-") and k not in ("ticket", "operation",
                                                                     "next", "csrf_token")])
    return MultiDict()


@bp.post("/bulk")
@permission_required("tickets.work")
def bulk() -> ResponseReturnValue:
    numbers = list(dict.fromkeys(n.strip() for n in request.form.getlist("ticket")
                                 if n.strip()))[:MAX_BULK]
    operation = request.form.get("operation", "")
    fields, errors = _bulk_fields(operation)
    if not numbers:
        errors["bulk-ticket"] = _("Choose at least one ticket.")
    back = _queue_url(request.form.get("next"))
    if errors:
        values = request.form.to_dict(flat=True)
        if is_partial_request():
            context = {"bulk_errors": errors, "bulk_values": values, "next_url": back,
                       **bulk_choices()}
            return fragment("tickets/_bulk_bar.html", context, 422, target="bulk-bar")
        context = queue_context(MultiDict(parse_qsl(urlsplit(back).query)))
        return render_template("tickets/queue.html", **context, **filter_choices(),
                               **bulk_choices(), bulk_errors=errors, bulk_values=values,
                               next_url=back), 422
    call = _bulk_call(operation, fields)
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    for number in numbers:
        try:
            ticket = call(number)
        except TicketError as exc:
            refused.append((number, exc.message))
        except ValidationError as exc:
            refused.append((number, " ".join(exc.errors.values())))
        else:
            done.append(ticket.number)
    summary = _bulk_summary(len(done), len(refused))
    if not is_partial_request():
        flash(summary, "success" if not refused else "warning")
        for number, why in refused:
            flash(f"{number}: {why}", "warning")
        return redirect(back)
    context = queue_context(_queue_args())
    return render_template("tickets/_bulk_result.html", **context, summary=summary,
                           done=done, refused=refused)


def _bulk_summary(done: int, refused: int) -> str:
    """Two whole sentences, each with its own plural forms."""
    text = ngettext("%(num)d ticket done.", "%(num)d tickets done.", done)
    if refused:
        text += " " + ngettext("%(num)d ticket refused.", "%(num)d tickets refused.", refused)
    return text

