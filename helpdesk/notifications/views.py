"""The bell (a count polled by htmx, a menu of recent notifications), the full list, marking
read, and the preferences page. Every route shows the signed-in person their own only."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import can, permission_required
from helpdesk.notifications import queries
from helpdesk.notifications.blueprint import bp
from helpdesk.notifications.models import KINDS
from helpdesk.notifications.services import (
    ICONS,
    KIND_HELP,
    KIND_LABELS,
    mark_all_read,
    mark_read,
    save_preferences,
)
from helpdesk.web.htmx import is_partial_request, render

# How often the bell asks for its count (seconds); tests make it short.
DEFAULT_POLL_SECONDS = 20


def poll_seconds() -> float:
    return float(current_app.config.get("NOTIFICATIONS_POLL_SECONDS", DEFAULT_POLL_SECONDS))


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "kind_icons": ICONS}


def _before() -> int | None:
    raw = request.args.get("before", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


# htmx stops polling an element whose request answers 286.
STOP_POLLING = 286


@bp.get("/count")
def count() -> ResponseReturnValue:
    """The bell's badge: one bounded count over the unread index. A session that ended
    answers 286, which stops the polling instead of swapping the login page into the bar."""
    if not can(current_user, "tickets.view"):
        return "", STOP_POLLING
    return render("notifications/_count.html", unread=queries.unread_count(current_user),
                  bound=queries.UNREAD_BOUND, poll_seconds=poll_seconds())


@bp.get("/recent")
@permission_required("tickets.view")
def recent() -> ResponseReturnValue:
    """The bell's menu: the latest few, each a link to its ticket."""
    return render("notifications/_menu.html",
                  items=queries.recent_notifications(current_user),
                  unread=queries.unread_count(current_user), bound=queries.UNREAD_BOUND,
                  poll_seconds=poll_seconds(), **_labels())


@bp.get("")
@permission_required("tickets.view")
def index() -> ResponseReturnValue:
    page = queries.notification_page(current_user, before=_before())
    return render("notifications/index.html", "notifications/_page.html", page=page,
                  **_labels())


@bp.get("/<int:notification_id>/open")
@permission_required("tickets.view")
def open_one(notification_id: int) -> ResponseReturnValue:
    """Follow a notification: it is read, and its ticket opens."""
    item = queries.own_notification(current_user, notification_id)
    if item is None:
        abort(404)
    mark_read(current_user, notification_id)
    return redirect(url_for("tickets.show", number=item.ticket.number))


@bp.post("/<int:notification_id>/read")
@permission_required("tickets.view")
def read_one(notification_id: int) -> ResponseReturnValue:
    if not mark_read(current_user, notification_id):
        abort(404)
    if is_partial_request():
        item = queries.own_notification(current_user, notification_id)
        return render("notifications/_item.html", item=item, **_labels())
    return redirect(request.referrer or url_for("notifications.index"))


@bp.post("/read-all")
@permission_required("tickets.view")
def read_all() -> ResponseReturnValue:
    mark_all_read(current_user)
    if is_partial_request():
        return recent()
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@permission_required("tickets.view")
def preferences() -> ResponseReturnValue:
    saved = False
    if request.method == "POST":
        save_preferences(current_user, request.form)
        saved = True
    return render("notifications/preferences.html",
                  choices=queries.preferences_for(current_user), kinds=KINDS,
                  kind_help=KIND_HELP, saved=saved, saved_message=_("Your choices are saved."),
                  **_labels())


def _bell_state() -> dict:
    return {"unread": queries.unread_count(current_user), "bound": queries.UNREAD_BOUND,
            "poll_seconds": poll_seconds()}


@bp.app_context_processor
def bell_context() -> dict:
    """The staff bar asks for the bell's state only when it draws the bell."""
    return {"notification_bell": _bell_state}
