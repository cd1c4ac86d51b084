"""The person's download of a file on their tracked request (by the tracking link)."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue

from helpdesk.portal.blueprint import bp
from helpdesk.tickets.attachments import person_attachment
from helpdesk.tickets.tracking_links import ticket_for_token
from helpdesk.web.downloads import send_attachment


@bp.get("/t/<token>/attachments/<int:attachment_id>")
def attachment(token: str, attachment_id: int) -> ResponseReturnValue:
    """Deliberately public: the link's token is the secret. A forged, expired or revoked
    link, another ticket's file and a staff-only file all answer 404."""
    ticket = ticket_for_token(token)
    file = person_attachment(ticket, attachment_id) if ticket is not None else None
    if file is None:
        abort(404)
    return send_attachment(file, inline=request.args.get("inline") == "1")
