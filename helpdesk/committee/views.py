"""The research committee's pages: the agenda, deciding one request, sittings deciding several.

Field names carry the request's id (``decision-<id>``, ``reason-<id>``, ``new_due_on-<id>``,
``version-<id>``), as the sitting's use case keys its errors, so that every row keeps what
was typed and shows its own messages.
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.casework.services import studies_for
from helpdesk.committee import services
from helpdesk.committee.blueprint import bp
from helpdesk.committee.page import agenda_context, get_sitting, sitting_context
from helpdesk.committee.services import AgendaDecision
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import ticket_access
from helpdesk.tickets.vocabulary import STATUSES
from helpdesk.validation import ValidationError
from helpdesk.web.errors import answering
from helpdesk.web.forms import seen_version
from helpdesk.web.htmx import fragment, is_partial_request, render

ROW_FIELDS = ("decision", "reason", "new_due_on", "message")


@bp.get("")
@permission_required("committee.decide")
def agenda() -> ResponseReturnValue:
    return render("committee/agenda.html", **agenda_context(current_user))


@bp.post("/sittings")
@permission_required("committee.decide")
def open_sitting() -> ResponseReturnValue:
    raw_members = [value.strip() for value in request.form.getlist("member_ids")]
    values = {"meeting_on": request.form.get("meeting_on", ""),
              "notes": request.form.get("notes", ""), "member_ids": raw_members}
    with answering(invalid=lambda exc: _open_sitting_invalid(values, exc.errors)):
        if any(not value.isdigit() for value in raw_members if value):
            raise ValidationError({"member_ids": _("Choose members of the committee only.")})
        sitting = services.open_sitting(
            actor=current_user, meeting_on=values["meeting_on"],
            member_ids=[int(value) for value in raw_members if value],
            notes=values["notes"])
    message = _("The sitting is open: decide the requests below.")
    url = url_for("committee.sitting", sitting_id=sitting.id)
    if not is_partial_request():
        flash(message, "success")
        return redirect(url)
    # The sitting's page in place of the agenda, and its address in the location bar.
    context = sitting_context(current_user, sitting,
                              alert={"kind": "success", "message": message})
    return fragment("committee/_sitting.html", context, 200, target="committee-page",
                    push=url)


def _open_sitting_invalid(values: dict[str, Any], errors: dict[str, str]) -> ResponseReturnValue:
    context = agenda_context(current_user, values=values, errors=errors)
    if is_partial_request():
        return fragment("committee/_open_sitting.html", context, 422, target="open-sitting")
    return render_template("committee/agenda.html", **context), 422


def _sitting_or_404(sitting_id: int):
    sitting = get_sitting(sitting_id)
    if sitting is None:
        abort(404)
    return sitting


def _agenda_lines() -> list[AgendaDecision]:
    """The rows of the sitting's form that say something; the ids are the form's own."""
    lines = []
    for raw_id in dict.fromkeys(request.form.getlist("ticket")):
        if not raw_id.isdigit():
            abort(404)
        row = {name: request.form.get(f"{name}-{raw_id}", "").strip() for name in ROW_FIELDS}
        if not (row["decision"] or row["reason"] or row["new_due_on"]):
            continue  # not decided at this sitting
        lines.append(AgendaDecision(
            ticket_id=int(raw_id),
            expected_version=seen_version(request.form.get(f"version-{raw_id}")),
            decision=row["decision"], reason=row["reason"],
            new_due_on=row["new_due_on"] or None, message=row["message"] or None))
    return lines


@bp.route("/sittings/<int:sitting_id>", methods=["GET", "POST"])
@permission_required("committee.decide")
def sitting(sitting_id: int) -> ResponseReturnValue:
    sitting = _sitting_or_404(sitting_id)
    if request.method == "GET":
        return render("committee/sitting.html", "committee/_sitting.html",
                      **sitting_context(current_user, sitting))
    values = request.form.to_dict(flat=True)
    with answering(conflict=lambda exc: _sitting_conflict(sitting, values, exc.message),
                   invalid=lambda exc: _sitting_invalid(sitting, values, exc.errors)):
        decided = services.decide_in_sitting(sitting.id, actor=current_user,
                                              decisions=_agenda_lines())
    message = ngettext("%(num)d request decided at this sitting.",
                       "%(num)d requests decided at this sitting.", len(decided))
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("committee.sitting", sitting_id=sitting.id))
    return _sitting_answer(sitting, 200, alert={"kind": "success", "message": message})


def _sitting_conflict(sitting, values: dict[str, str], message: str) -> ResponseReturnValue:
    # Nothing was recorded: the fresh agenda (fresh versions), what was typed, and why.
    values = {key: value for key, value in values.items() if not key.startswith("version-")}
    return _sitting_answer(sitting, 409, values=values,
                           alert={"kind": "warning", "message": message})


def _sitting_invalid(sitting, values: dict[str, str],
                     errors: dict[str, str]) -> ResponseReturnValue:
    row_errors = {key: message for key, message in errors.items() if "-" in key}
    general = [message for key, message in errors.items() if "-" not in key]
    alert = {"kind": "danger", "message": " ".join(general)} if general else None
    return _sitting_answer(sitting, 422, values=values, errors=row_errors, alert=alert)


def _sitting_answer(sitting, status: int, **kwargs: Any) -> ResponseReturnValue:
    context = sitting_context(current_user, sitting, **kwargs)
    if is_partial_request():
        return fragment("committee/_sitting.html", context, status, target="committee-page")
    return render_template("committee/sitting.html", **context), status


@bp.post("/requests/<number>/decision")
@permission_required("committee.decide")
def decide(number: str) -> ResponseReturnValue:
    """One request decided from the agenda (outside a sitting)."""
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    ticket_id = access.ticket.id
    row = {name: request.form.get(f"{name}-{ticket_id}", "") for name in ROW_FIELDS}
    values = request.form.to_dict(flat=True)
    with answering(
            refused=lambda exc: _item_answer(number, 403, alert={"kind": "danger",
                                                                 "message": exc.message}),
            conflict=lambda exc: _item_answer(number, 409, alert={"kind": "warning",
                                                                  "message": exc.message}),
            invalid=lambda exc: _item_answer(number, 422, values=values, errors={
                f"{key}-{ticket_id}": message for key, message in exc.errors.items()})):
        ticket = services.decide(number, actor=current_user,
                                 expected_version=seen_version(request.form.get("version")),
                                 decision=row["decision"].strip(), reason=row["reason"],
                                 new_due_on=row["new_due_on"].strip() or None,
                                 message=row["message"])
    message = _("Decision recorded: the request is now “%(status)s”.",
                status=str(STATUSES.get(ticket.status, ticket.status)))
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("committee.agenda"))
    return render_template("committee/_agenda_item.html",
                           **{**_item_context(ticket), "item": ticket, "decided": True,
                              "item_alert": {"kind": "success", "message": message}})


def _item_context(item: Ticket, **kwargs: Any) -> dict[str, Any]:
    """The agenda's context for one item's fragment (a decided one has left the agenda)."""
    context = agenda_context(current_user, **kwargs)
    for name in ("items", "members", "sittings"):
        context.pop(name)
    context["studies"] = studies_for([item.id])
    return context


def _item_answer(number: str, status: int, *, values: dict[str, Any] | None = None,
                 errors: dict[str, str] | None = None,
                 alert: dict[str, str] | None = None) -> ResponseReturnValue:
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    if not is_partial_request():
        context = agenda_context(current_user, values=values, errors=errors, alert=alert)
        context["open_item"] = access.ticket.id
        return render_template("committee/agenda.html", **context), status
    context = _item_context(access.ticket, values=values, errors=errors)
    return fragment("committee/_agenda_item.html",
                    {**context, "item": access.ticket, "item_alert": alert,
                     "open_item": access.ticket.id},
                    status, target=f"agenda-{access.ticket.id}")
