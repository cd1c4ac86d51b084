"""The printable receipt of a ticket: A4 or an 80 mm receipt printer."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.tickets.blueprint import bp
from helpdesk.tickets.queries import ticket_access
from helpdesk.tickets.receipts import RECEIPT_FORMATS, build_receipt


@bp.get("/<number>/receipt")
@permission_required("tickets.view")
def receipt(number: str) -> ResponseReturnValue:
    access = ticket_access(current_user, number)
    if access is None:
        abort(404)
    paper = request.args.get("format", "a4")
    if paper not in RECEIPT_FORMATS:
        paper = "a4"
    response = render_template("tickets/receipt.html", receipt=build_receipt(access.ticket),
                               paper=paper)
    # The page carries the person's private tracking link: never kept by a cache.
    return response, 200, {"Cache-Control": "no-store"}
