"""Administration pages: the association's profile, users and channel activation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import permission_required
from helpdesk.accounts.roles import ROLES
from helpdesk.accounts.services import create_user
from helpdesk.admin.services import get_association, profile_values, update_association
from helpdesk.channels.services import channel_statuses, set_channel_active
from helpdesk.extensions import db
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import render

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/association", methods=["GET", "POST"])
@permission_required("admin.association")
def association() -> ResponseReturnValue:
    values = profile_values(get_association())
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in values}
        try:
            update_association(values, current_user, logo=request.files.get("logo"))
        except ValidationError as exc:
            errors = exc.errors
        else:
            flash(_("The association's profile was saved."), "success")
            return redirect(url_for("admin.association"))
    status = 422 if errors else 200
    return render("admin/association.html", values=values, errors=errors,
                  association=get_association()), status


@bp.route("/users", methods=["GET", "POST"])
@permission_required("admin.users")
def users() -> ResponseReturnValue:
    values = {"email": "", "name": "", "role": "agent"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in values}
        try:
            user = create_user(password=request.form.get("password", ""), actor=current_user,
                               **values)
        except ValidationError as exc:
            errors = exc.errors
        else:
            flash(_("The user %(name)s was created.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.name)).all()
    status = 422 if errors else 200
    return render("admin/users.html", users=people, roles=ROLES, values=values,
                  errors=errors), status


@bp.get("/channels")
@permission_required("admin.channels")
def channels() -> ResponseReturnValue:
    return render("admin/channels.html", "admin/_channels_table.html",
                  statuses=channel_statuses())


@bp.post("/channels/<key>/active")
@permission_required("admin.channels")
def set_active(key: str) -> ResponseReturnValue:
    try:
        set_channel_active(key, request.form.get("active") == "1", current_user)
    except KeyError:
        abort(404)
    return render("admin/channels.html", "admin/_channels_table.html",
                  statuses=channel_statuses())
