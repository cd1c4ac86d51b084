"""Administration pages: the association's profile, users and channel activation."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import permission_required
from helpdesk.accounts.roles import ROLES
from helpdesk.accounts.services import create_user
from helpdesk.admin.audit_log import (
    action_label,
    audit_page,
    changes,
    filter_choices,
    parse_audit_filters,
    target_label,
)
from helpdesk.admin.blueprint import bp
from helpdesk.admin.services import get_association, profile_values, update_association
from helpdesk.channels.services import channel_statuses, set_channel_active
from helpdesk.channels.settings import form_values, save_channel_settings, setting_fields
from helpdesk.extensions import db
from helpdesk.outbox.configuration import sender_problems
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render


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
                  statuses=channel_statuses(), problems=sender_problems())


@bp.post("/channels/<key>/active")
@permission_required("admin.channels")
def set_active(key: str) -> ResponseReturnValue:
    try:
        set_channel_active(key, request.form.get("active") == "1", current_user)
    except KeyError:
        abort(404)
    return render("admin/channels.html", "admin/_channels_table.html",
                  statuses=channel_statuses(), problems=sender_problems())


@bp.route("/channels/<key>/settings", methods=["GET", "POST"])
@permission_required("admin.channels")
def channel_settings(key: str) -> ResponseReturnValue:
    try:
        channel, fields = setting_fields(key)
    except KeyError:
        abort(404)
    values = form_values(fields)
    errors: dict[str, str] = {}
    saved = None
    if request.method == "POST":
        values.update({f.spec.name: request.form.get(f.spec.name, "") for f in fields
                       if not f.from_env and not f.is_secret})
        try:
            saved = save_channel_settings(key, request.form, current_user)
        except ValidationError as exc:
            errors = exc.errors
        else:
            message = (_("The settings of %(channel)s were saved.", channel=channel.meta.label)
                       if saved else _("Nothing was changed."))
            if not is_partial_request():
                flash(message, "success" if saved else "info")
                return redirect(url_for("admin.channel_settings", key=key))
            channel, fields = setting_fields(key)
            values = form_values(fields)
            saved = message
    status = 422 if errors else 200
    return render("admin/channel_settings.html", "admin/_channel_settings_form.html",
                  channel=channel, fields=fields, values=values, errors=errors,
                  saved=saved), status


@bp.get("/audit")
@permission_required("admin.audit")
def audit() -> ResponseReturnValue:
    filters, errors = parse_audit_filters(request.args)
    page = audit_page(filters)
    values = {name: str(value) for name, value in filters.query_args().items()}
    values.update({name: request.args.get(name, "") for name in errors})
    return render("admin/audit.html", "admin/_audit_results.html", page=page, errors=errors,
                  values=values, choices=filter_choices(), changes=changes,
                  action_label=action_label, target_label=target_label)
