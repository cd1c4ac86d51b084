"""The casework panel's actions on the staff ticket page: parse, call one service, answer.

Like the ticket page's own actions, each works as a plain POST (back to the ticket with a
flash) and through htmx (the message is the target and every region, this panel included,
is swapped out of band). 404 out of reach, 403 not allowed, 409 changed meanwhile or not
possible now, 422 a field to correct (the panel again, as typed).
"""

from __future__ import annotations

from collections.abc import Callable
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.casework import services
from helpdesk.casework.blueprint import bp
from helpdesk.channels.registry import get_channel
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.page import ticket_page_context
from helpdesk.tickets.queries import ticket_access
from helpdesk.web.errors import answering
from helpdesk.web.forms import seen_version
from helpdesk.web.htmx import fragment, is_partial_request

ITEM_STATE_LABELS = {
    "missing": _l("Missing"),
    "received": _l("Received"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
}
ITEM_KIND_LABELS = {"field": _l("Answer"), "document": _l("Document")}
RECOMMENDATION_LABELS = {
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "more_study": _l("Study further"),
}
ELIGIBILITY_LABELS = {
    "eligible": _l("Eligible"),
    "not_eligible": _l("Not eligible"),
    "needs_review": _l("Needs review"),
}
DECLARATION_CHANNEL_LABELS = {services.IN_PERSON: _l("In person, recorded by staff")}


def declaration_channel(key: str) -> str:
    """Where a declaration was made: in person, or the channel's name."""
    if key in DECLARATION_CHANNEL_LABELS:
        return str(DECLARATION_CHANNEL_LABELS[key])
    channel = get_channel(key)
    return str(channel.meta.label) if channel is not None else key


def casework_panel(ticket: Ticket) -> dict[str, Any] | None:
    """What the ticket page's casework panel draws (None: not a case)."""
    if ticket.kind != services.SUPPORT_REQUEST:
        return None
    case = services.get_case(ticket)
    if case is None:
        return None
    return {
        "case": case,
        "answers": services.answers_as_read(case),
        "checklist": services.checklist(ticket),
        "outstanding": services.outstanding_items(ticket),
        "declarations": services.declarations(ticket),
        "declaration_text": services.current_declaration_text()[1],
        "studies": services.study_history(ticket),
        "state_labels": ITEM_STATE_LABELS,
        "kind_labels": ITEM_KIND_LABELS,
        "recommendation_labels": RECOMMENDATION_LABELS,
        "eligibility_labels": ELIGIBILITY_LABELS,
        "channel_name": declaration_channel,
    }


bp.add_app_template_global(casework_panel, "casework_panel")
bp.add_app_template_global(RECOMMENDATION_LABELS, "recommendation_labels")


# ---------------------------------------------------------------------------------------
# Answering


def _access(number: str):
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    return access


def _page(context: dict[str, Any], status: int) -> ResponseReturnValue:
    return render_template("tickets/show.html", **context), status


def _alerted(number: str, kind: str, message: str, status: int) -> ResponseReturnValue:
    context = ticket_page_context(current_user, _access(number),
                                  alert={"kind": kind, "message": message})
    if is_partial_request():
        return fragment("tickets/_alert.html", context, status, target="ticket-alert")
    return _page(context, status)


def _invalid(number: str, form_key: str, errors: dict[str, str]) -> ResponseReturnValue:
    context = ticket_page_context(
        current_user, _access(number), open_form=form_key,
        values=request.form.to_dict(flat=True),
        errors={f"{form_key}-{name}": message for name, message in errors.items()})
    if is_partial_request():
        return fragment("casework/_panel.html", context, 422, target="panel-casework")
    return _page(context, 422)


def _run(number: str, form_key: str, call: Callable[[Ticket, int | None], Any],
         message: str) -> ResponseReturnValue:
    access = _access(number)
    with answering(conflict=lambda exc: _alerted(number, "warning", exc.message, 409),
                   refused=lambda exc: _alerted(number, "danger", exc.message, 403),
                   invalid=lambda exc: _invalid(number, form_key, exc.errors)):
        call(access.ticket, seen_version(request.form.get("version")))
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("tickets.show", number=number))
    fresh = ticket_access(current_user, number)
    if fresh is None:
        abort(404)
    context = ticket_page_context(current_user, fresh,
                                  alert={"kind": "success", "message": message})
    context["acted"] = form_key
    return render_template("tickets/_changed.html", **context)


def _field(form_key: str, name: str) -> str:
    return request.form.get(f"{form_key}-{name}", "")


# ---------------------------------------------------------------------------------------
# Routes

ITEM_MESSAGES = {
    "verified": _l("The item is verified."),
    "rejected": _l("The item is rejected; the applicant is told what is missing."),
    "missing": _l("The item is marked missing; the applicant is told what is missing."),
    "received": _l("The item is marked received."),
}


@bp.post("/<number>/casework/items/<int:item_id>")
@permission_required("tickets.work")
def set_item_state(number: str, item_id: int) -> ResponseReturnValue:
    form_key = f"item-{item_id}"
    state = request.form.get("state", "")
    return _run(number, form_key,
                lambda ticket, version: services.set_item_state(
                    ticket, actor=current_user, expected_version=version, item_id=item_id,
                    state=state, note=_field(form_key, "note")),
                str(ITEM_MESSAGES.get(state, "")))


@bp.post("/<number>/casework/declaration")
@permission_required("tickets.work")
def record_declaration(number: str) -> ResponseReturnValue:
    return _run(number, "declaration",
                lambda ticket, version: services.record_declaration_in_person(
                    ticket, actor=current_user, expected_version=version),
                _("The declaration made in person is recorded."))


@bp.post("/<number>/casework/study")
@permission_required("tickets.work")
def record_study(number: str) -> ResponseReturnValue:
    return _run(number, "study",
                lambda ticket, version: services.record_study(
                    ticket, actor=current_user, expected_version=version,
                    visit_date=_field("study", "visit_date"),
                    findings=_field("study", "findings"),
                    recommendation=_field("study", "recommendation")),
                _("The research study is recorded."))
