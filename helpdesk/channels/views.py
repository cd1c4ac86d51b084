"""The channels page (what is installed and active here) and the failed intakes."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.accounts.permissions import can, permission_required
from helpdesk.channels.blueprint import bp
from helpdesk.channels.failures import resolve_failure, unresolved_count, unresolved_failures
from helpdesk.channels.registry import plugin_registry, registered_channels
from helpdesk.channels.services import channel_statuses
from helpdesk.web.htmx import is_partial_request, render

FAILURE_REASONS = {
    "signature": _l("Signature rejected"),
    "parse": _l("Unreadable payload"),
    "intake": _l("Could not be stored"),
}


@bp.get("/channels")
@permission_required("channels.view")
def index() -> ResponseReturnValue:
    failures = unresolved_count() if can(current_user, "admin.channels") else 0
    statuses = channel_statuses()
    # A plugin's own page (its blueprint's "index" endpoint) is linked from its channel.
    pages = {status.key: url_for(f"channel_{status.key}.index") for status in statuses
             if status.active and f"channel_{status.key}.index" in current_app.view_functions}
    return render("channels/index.html", statuses=statuses, pages=pages,
                  failures=plugin_registry().failures, intake_failures=failures)


def _failures_page() -> ResponseReturnValue:
    return render("channels/failures.html", "channels/_failures_table.html",
                  intake_failures=unresolved_failures(), channels=registered_channels(),
                  reasons=FAILURE_REASONS)


@bp.get("/channels/failures")
@permission_required("admin.channels")
def failures() -> ResponseReturnValue:
    return _failures_page()


@bp.post("/channels/failures/<int:failure_id>/resolve")
@permission_required("admin.channels")
def resolve(failure_id: int) -> ResponseReturnValue:
    try:
        resolve_failure(failure_id, current_user)
    except KeyError:
        abort(404)
    if is_partial_request():
        return _failures_page()
    flash(_("The failed delivery was marked as handled."), "success")
    return redirect(url_for("channels.failures"))
