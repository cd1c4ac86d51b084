"""The home page: the portal's home for visitors, the state of the queues for staff."""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from helpdesk.accounts.permissions import can
from helpdesk.admin.services import get_association
from helpdesk.channels.services import channel_statuses
from helpdesk.portal.views import home as portal_home
from helpdesk.tickets.queries import OPEN_COUNT_BOUND, open_counts_by_channel
from helpdesk.uploads import stored_path
from helpdesk.web.htmx import render

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Deliberately public: an anonymous visitor is a beneficiary and gets the portal's home
    (staff sign in from its footer); signed-in staff need dashboard.view."""
    if not current_user.is_authenticated:
        return portal_home()
    if not can(current_user, "dashboard.view"):
        abort(403)
    statuses = channel_statuses()
    return render("home/index.html", association=get_association(), statuses=statuses,
                  open_counts=open_counts_by_channel([status.key for status in statuses]),
                  open_count_bound=OPEN_COUNT_BOUND)


@bp.get("/association/logo")
def logo() -> ResponseReturnValue:
    """The association's logo, public: the portal and printed receipts show it."""
    association = get_association()
    path = stored_path(association.logo_stored_name) \
        if association and association.logo_stored_name else None
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)
