"""Staff download of a ticket's attachment, through the one access rule."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.tickets.attachments import staff_attachment
from helpdesk.tickets.blueprint import bp
from helpdesk.web.downloads import send_attachment


@bp.get("/<number>/attachments/<int:attachment_id>")
@permission_required("tickets.view")
def attachment(number: str, attachment_id: int) -> ResponseReturnValue:
    """A ticket out of reach and a file of another ticket look the same: not found."""
    file = staff_attachment(current_user, number, attachment_id)
    if file is None:
        abort(404)
    return send_attachment(file, inline=request.args.get("inline") == "1")
