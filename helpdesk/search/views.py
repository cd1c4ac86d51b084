"""The global search page: tickets and contacts for whatever was typed."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from helpdesk.accounts.permissions import can, permission_required
from helpdesk.channels.registry import registered_channels
from helpdesk.search.blueprint import bp
from helpdesk.search.queries import ContactSearchPage, search_contacts, search_tickets
from helpdesk.web.htmx import is_partial_request, render

CONTACTS_SHOWN = 8


@bp.get("/search")
@permission_required("tickets.view")
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()[:200]
    after = request.args.get("after") or None
    tickets = search_tickets(current_user, q, cursor=after)
    context = {"q": q, "tickets": tickets, "channels": registered_channels()}
    if is_partial_request() and after:
        return render("search/_ticket_rows.html", **context)
    contacts = ContactSearchPage(tickets.query)
    if q and can(current_user, "contacts.view"):
        contacts = search_contacts(q, limit=CONTACTS_SHOWN)
    return render("search/index.html", "search/_results.html", contacts=contacts, **context)
