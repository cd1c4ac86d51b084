"""Volunteering pages: the public volunteer form, the coordinator's queue, a volunteer's page
(status, matches, hours) and the needs volunteers are matched to.

Every action works as a plain form post (redirect after success, the page again with the
messages at the fields on 422) and with htmx (the fragment it changed, 422 with the same
fragment and its messages).
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.admin.services import get_association
from helpdesk.extensions import limiter
from helpdesk.portal.responses import keep_private as make_private
from helpdesk.portal.responses import too_many_attempts
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.validation import ValidationError
from helpdesk.volunteers import services
from helpdesk.volunteers.blueprint import bp
from helpdesk.volunteers.queries import PAGE_SIZE, QueueFilters, volunteer_queue
from helpdesk.volunteers.vocabulary import (
    DAYS,
    INTERESTS,
    NEED_STATUSES,
    PROFILE_STATUSES,
    SKILLS,
    TIME_SLOTS,
    labels,
    unpack,
)
from helpdesk.web.errors import answering
from helpdesk.web.forms import HONEYPOT_FIELD
from helpdesk.web.htmx import fragment, is_partial_request, render

PERMISSION = "volunteers.decide"


def _apply_limit() -> str:
    return current_app.config.get("VOLUNTEER_APPLY_RATE_LIMIT", "5 per 15 minutes")


def _vocabulary() -> dict[str, Any]:
    return {"profile_statuses": PROFILE_STATUSES, "skill_labels": SKILLS, "day_labels": DAYS,
            "slot_labels": TIME_SLOTS, "interest_labels": INTERESTS,
            "need_statuses": NEED_STATUSES, "labels": labels, "unpack": unpack}


@bp.app_context_processor
def volunteer_labels() -> dict[str, Any]:
    """The ticket timeline names a volunteer's statuses (volunteer_status events)."""
    return {"volunteer_statuses": PROFILE_STATUSES}


# ---------------------------------------------------------------------------------------
# The public volunteer form

@bp.after_request
def keep_private(response):
    """The answer to an application carries its tracking link: never cache it."""
    if request.endpoint == "volunteers.apply" and request.method == "POST":
        make_private(response)
    return response


@bp.errorhandler(429)
def too_many(_error) -> ResponseReturnValue:
    return too_many_attempts()


def _apply_page(values: dict[str, Any], errors: dict[str, str], status: int = 200):
    return render_template("volunteers/apply.html", specs=services.application_fields(),
                           branches=services.active_branches(), values=values, errors=errors,
                           association=get_association(), honeypot=HONEYPOT_FIELD), status


@bp.route("/volunteer", methods=["GET", "POST"])
@limiter.limit(_apply_limit, methods=["POST"])
def apply() -> ResponseReturnValue:
    if services.application_channel() is None:
        abort(404)
    if request.method == "GET":
        return _apply_page({"form_token": services.new_form_token()}, {})
    if request.form.get(HONEYPOT_FIELD):
        # A robot filled the field people never see: thank it and keep nothing.
        return render_template("volunteers/applied.html", ticket=None, link=None,
                               association=get_association())
    specs = services.application_fields()
    values: dict[str, Any] = {"form_token": request.form.get("form_token", ""),
                              "branch_id": request.form.get("branch_id", "")}
    for spec in specs:
        values[spec.name] = request.form.getlist(spec.name) if spec.type == "multiselect" \
            else request.form.get(spec.name, "")
    try:
        result = services.apply(request.form)
    except ValidationError as exc:
        return _apply_page(values, exc.errors, 422)
    ticket = result.ticket
    link = url_for("portal.ticket", token=tracking_token(ticket), _external=True)
    return render_template("volunteers/applied.html", ticket=ticket, link=link,
                           association=get_association())


# ---------------------------------------------------------------------------------------
# The coordinator's queue

@bp.get("/volunteers")
@permission_required(PERMISSION)
def queue() -> ResponseReturnValue:
    filters = QueueFilters.from_args(request.args)
    after = request.args.get("after", "")
    page = volunteer_queue(filters, after=int(after) if after.isdigit() else None,
                           limit=int(current_app.config.get("VOLUNTEER_QUEUE_PAGE_SIZE",
                                                            PAGE_SIZE)))
    context = {"filters": filters, "page": page, "branches": services.active_branches(),
               **_vocabulary()}
    if is_partial_request() and after:
        return render_template("volunteers/_queue_rows.html", **context)
    return render("volunteers/queue.html", "volunteers/_queue_results.html", **context)


# ---------------------------------------------------------------------------------------
# One volunteer

def _profile_or_404(profile_id: int):
    profile = services.get_profile(profile_id)
    if profile is None:
        abort(404)
    return profile


def _profile_context(profile, **kwargs: Any) -> dict[str, Any]:
    hours = services.hours_of(profile)
    context = {"profile": profile, "actions": services.allowed_actions(profile),
               "assignments": services.profile_assignments(profile), "hours": hours,
               "total_minutes": services.total_minutes(profile),
               "status_values": {}, "status_errors": {}, "hours_values": {},
               "hours_errors": {}, "alert": None, "hours_alert": None, "open_action": None,
               "branches": services.active_branches(),
               "branch_values": {"branch_id": profile.branch_id or ""}, "branch_errors": {},
               "offer_alert": None, **_vocabulary()}
    context.update(kwargs)
    return context


@bp.get("/volunteers/<int:profile_id>")
@permission_required(PERMISSION)
def show(profile_id: int) -> ResponseReturnValue:
    profile = _profile_or_404(profile_id)
    return render("volunteers/show.html", **_profile_context(profile))


def _profile_answer(profile, partial: str, status: int, **kwargs: Any) -> ResponseReturnValue:
    context = _profile_context(profile, **kwargs)
    if is_partial_request():
        return fragment(partial, context, status)
    return render_template("volunteers/show.html", **context), status


@bp.post("/volunteers/<int:profile_id>/status")
@permission_required(PERMISSION)
def change_status(profile_id: int) -> ResponseReturnValue:
    profile = _profile_or_404(profile_id)
    action = request.form.get("action", "")
    values = {name: request.form.get(name, "") for name in ("interview_on", "reason", "note")}
    def conflict(exc: Any) -> ResponseReturnValue:
        return _profile_answer(profile, "volunteers/_status.html", 409,
                               alert={"kind": "warning", "message": exc.message})

    with answering(conflict=conflict, invalid=lambda exc: _profile_answer(
            profile, "volunteers/_status.html", 422, status_values=values,
            status_errors=exc.errors, open_action=action)):
        try:
            services.change_status(profile.id, actor=current_user, action=action, **values)
        except services.InvalidProfileAction as exc:
            return conflict(exc)
    message = _("The volunteer is now “%(status)s”.",
                status=str(PROFILE_STATUSES.get(profile.status, profile.status)))
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("volunteers.show", profile_id=profile.id))
    return fragment("volunteers/_status.html", _profile_context(
        profile, alert={"kind": "success", "message": message}))


@bp.post("/volunteers/<int:profile_id>/branch")
@permission_required(PERMISSION)
def set_branch(profile_id: int) -> ResponseReturnValue:
    profile = _profile_or_404(profile_id)
    values = {"branch_id": request.form.get("branch_id", "")}
    with answering(invalid=lambda exc: _profile_answer(
            profile, "volunteers/_offer.html", 422, branch_values=values,
            branch_errors=exc.errors)):
        services.set_branch(profile.id, actor=current_user, branch_id=values["branch_id"])
    message = _("The preferred branch was saved.")
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("volunteers.show", profile_id=profile.id))
    return fragment("volunteers/_offer.html", _profile_context(
        profile, offer_alert={"kind": "success", "message": message}))


@bp.post("/volunteers/<int:profile_id>/hours")
@permission_required(PERMISSION)
def log_hours(profile_id: int) -> ResponseReturnValue:
    profile = _profile_or_404(profile_id)
    values = {name: request.form.get(name, "")
              for name in ("served_on", "hours", "hours_note", "assignment_id")}
    with answering(invalid=lambda exc: _profile_answer(
            profile, "volunteers/_hours.html", 422, hours_values=values,
            hours_errors={("hours_note" if key == "note" else key): message
                          for key, message in exc.errors.items()})):
        services.log_hours(profile.id, actor=current_user, served_on=values["served_on"],
                           hours=values["hours"], note=values["hours_note"],
                           assignment_id=values["assignment_id"])
    message = _("The hours were logged.")
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("volunteers.show", profile_id=profile.id,
                                _anchor="volunteer-hours"))
    return fragment("volunteers/_hours.html", _profile_context(
        profile, hours_alert={"kind": "success", "message": message}))


# ---------------------------------------------------------------------------------------
# Needs and matches

def _needs_context(**kwargs: Any) -> dict[str, Any]:
    context = {"needs": services.needs_list(), "branches": services.active_branches(),
               "values": {}, "errors": {}, "alert": None, **_vocabulary()}
    context.update(kwargs)
    return context


def _needs_answer(status: int, **kwargs: Any) -> ResponseReturnValue:
    context = _needs_context(**kwargs)
    if is_partial_request():
        return fragment("volunteers/_needs.html", context, status)
    return render_template("volunteers/needs.html", **context), status


@bp.get("/volunteers/needs")
@permission_required(PERMISSION)
def needs() -> ResponseReturnValue:
    return render("volunteers/needs.html", "volunteers/_needs.html", **_needs_context())


@bp.post("/volunteers/needs")
@permission_required(PERMISSION)
def create_need() -> ResponseReturnValue:
    values: dict[str, Any] = {name: request.form.get(name, "") for name in (
        "title", "description", "branch_id", "needed_on", "time_slot", "needed_count")}
    values["skills"] = request.form.getlist("skills")
    with answering(invalid=lambda exc: _needs_answer(422, values=values, errors=exc.errors)):
        need = services.create_need(actor=current_user, **values)
    message = _("The need “%(title)s” was added.", title=need.title)
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("volunteers.need", need_id=need.id))
    return fragment("volunteers/_needs.html",
                     _needs_context(alert={"kind": "success", "message": message}))


def _need_or_404(need_id: int):
    need = services.get_need(need_id)
    if need is None:
        abort(404)
    return need


def _need_context(need, **kwargs: Any) -> dict[str, Any]:
    context = {"need": need, "assignments": services.need_assignments(need),
               "suggestions": services.suggestions(need) if need.status == "open" else [],
               "errors": {}, "alert": None, **_vocabulary()}
    context.update(kwargs)
    return context


@bp.get("/volunteers/needs/<int:need_id>")
@permission_required(PERMISSION)
def need(need_id: int) -> ResponseReturnValue:
    return render("volunteers/need.html", **_need_context(_need_or_404(need_id)))


def _matches_answer(need, status: int, **kwargs: Any) -> ResponseReturnValue:
    context = _need_context(need, **kwargs)
    if is_partial_request():
        return fragment("volunteers/_matches.html", context, status)
    return render_template("volunteers/need.html", **context), status


@bp.post("/volunteers/needs/<int:need_id>/match")
@permission_required(PERMISSION)
def match(need_id: int) -> ResponseReturnValue:
    need = _need_or_404(need_id)
    with answering(
            conflict=lambda exc: _matches_answer(need, 409, alert={"kind": "warning",
                                                                  "message": exc.message}),
            invalid=lambda exc: _matches_answer(need, 422, errors=exc.errors)):
        assignment = services.match(need.id, actor=current_user,
                                    profile_id=request.form.get("profile_id", ""))
    message = _("%(name)s was matched to this need.", name=assignment.profile.contact.name)
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("volunteers.need", need_id=need.id))
    return fragment("volunteers/_matches.html",
                     _need_context(need, alert={"kind": "success", "message": message}))
