"""The queue's CSV export: the same filters as the queue, streamed, through the access rule."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.channels.registry import registered_channels
from helpdesk.tickets.blueprint import bp
from helpdesk.tickets.export import start_export
from helpdesk.tickets.queue import parse_filters
from helpdesk.web.downloads import content_disposition


@bp.get("/export.csv")
@permission_required("tickets.view")
@permission_required("tickets.export")
def export() -> ResponseReturnValue:
    """A bad filter is dropped as the queue drops it: the file is what the queue shows."""
    filters, _errors = parse_filters(request.args, set(registered_channels()))
    export = start_export(current_user, filters)
    response = Response(stream_with_context(export.chunks()), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", export.filename, "sila-tickets")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
