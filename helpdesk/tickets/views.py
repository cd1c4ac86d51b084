"""Staff pages for tickets: the queue, the ticket page (actions in action_views.py)."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.accounts.permissions import can, permission_required
from helpdesk.channels.registry import registered_channels
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.sla.status import sla_status
from helpdesk.tickets.blueprint import bp
from helpdesk.tickets.page import bulk_choices, event_label, ticket_page_context
from helpdesk.tickets.queries import ticket_access
from helpdesk.tickets.queue import (
    SAVED_VIEWS,
    SORTS,
    parse_filters,
    queue_page,
)
from helpdesk.web.htmx import is_partial_request, render

bp.add_app_template_global(event_label, "event_label")


def filter_choices() -> dict:
    return {
        "teams": db.session.scalars(select(Team).order_by(Team.name_ar)).all(),
        "branches": db.session.scalars(select(Branch).order_by(Branch.name_ar)).all(),
        "services": db.session.scalars(select(Service).order_by(Service.name_ar)).all(),
        "assignees": db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.name)).all(),
    }


def queue_context(args) -> dict:
    """The queue's page for these URL arguments (the bulk actions redraw it too)."""
    filters, errors = parse_filters(args, set(registered_channels()))
    page = queue_page(current_user, filters)
    return {"page": page, "errors": errors, "saved_views": SAVED_VIEWS, "sorts": SORTS,
            "channels": registered_channels(), "sla_state": sla_status,
            "bulk": can(current_user, "tickets.work")}


@bp.get("")
@permission_required("tickets.view")
def queue() -> ResponseReturnValue:
    context = queue_context(request.args)
    if is_partial_request() and context["page"].filters.after:
        return render("tickets/_queue_rows.html", **context)
    if is_partial_request():
        return render("tickets/_queue_results.html", **context)
    return render("tickets/queue.html", **context, **filter_choices(), **bulk_choices())


@bp.get("/<number>")
@permission_required("tickets.view")
def show(number: str) -> ResponseReturnValue:
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    return render("tickets/show.html", "tickets/_ticket.html",
                  **ticket_page_context(current_user, access))

