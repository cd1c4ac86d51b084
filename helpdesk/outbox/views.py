"""The development inbox page: what the outbox would have sent (DEV_INBOX only)."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from helpdesk.accounts.permissions import permission_required
from helpdesk.channels.registry import registered_channels
from helpdesk.outbox.blueprint import bp
from helpdesk.outbox.dev_inbox import dev_inbox_enabled, entries
from helpdesk.tickets.page import TRANSPORT_LABELS
from helpdesk.web.htmx import render


@bp.get("/inbox")
@permission_required("tickets.view")
def index() -> ResponseReturnValue:
    if not dev_inbox_enabled():
        abort(404)
    channel_labels = {key: channel.meta.label for key, channel in registered_channels().items()}
    return render("outbox/dev_inbox.html", messages=entries(),
                  transport_labels=TRANSPORT_LABELS, channel_labels=channel_labels)
