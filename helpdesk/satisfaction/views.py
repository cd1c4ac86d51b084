"""Satisfaction's pages: the survey (public, by its signed link), the front-desk kiosk, an
agent's own ratings, the teams' figures, follow-ups and the managers' review list.

The kiosk: a staff member presses "rate at the front desk" on a ticket; that POST spends
nothing but their session: it signs them out (the session is cleared, not just forgotten)
and sends the tablet to a one-time signed page for that ticket. The page needs no account,
shows no staff link, and after the rating (or a few idle minutes) leaves for a neutral
thank-you screen; its pass is spent with the rating and dies after half an hour anyway, so
going back in the tablet's history reaches nothing."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from helpdesk.accounts.permissions import can, permission_required
from helpdesk.admin.services import get_association
from helpdesk.extensions import db, limiter
from helpdesk.portal.responses import keep_private
from helpdesk.satisfaction import queries, services
from helpdesk.satisfaction.blueprint import bp
from helpdesk.satisfaction.models import REVIEW_KINDS, REVIEW_STATUSES, FollowUp
from helpdesk.satisfaction.vocabulary import REVIEW_KIND_LABELS, REVIEW_STATUS_LABELS
from helpdesk.tickets.change import person_locale
from helpdesk.tickets.errors import PermissionDenied, TicketNotFound
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.validation import ValidationError

ANSWER_FIELDS = ("stars", "speed", "courtesy", "clarity", "comment")
# The kiosk leaves an idle or finished page for the neutral screen after this many seconds.
KIOSK_IDLE_SECONDS = 120
KIOSK_THANKS_SECONDS = 8
PUBLIC_ENDPOINTS = {"satisfaction.survey", "satisfaction.kiosk", "satisfaction.kiosk_thanks"}


@bp.after_request
def private_pages(response):
    """The survey and the kiosk carry a secret link: never cached, indexed or referred."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        keep_private(response)
    return response


def _post_limit() -> str:
    """The same limit as the portal's other posts."""
    return current_app.config.get("PORTAL_POST_RATE_LIMIT", "20 per hour")


def _answers_of(rating: Any) -> dict[str, Any]:
    if rating is None:
        return {}
    return {name: getattr(rating, name) or "" for name in ANSWER_FIELDS}


def _form_values() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in ANSWER_FIELDS}


# ---------------------------------------------------------------------------------------
# The survey: the person's page, by the link the invitation carried

def _survey_page(survey, token: str, *, values=None, errors=None, status: int = 200):
    ticket = survey.ticket
    rating = services.rating_of(ticket, survey.stage)
    editable = services.can_edit_rating(rating)
    return render_template(
        "satisfaction/survey.html", ticket=ticket, token=token, rating=rating,
        editable=editable, values=values if values is not None else _answers_of(rating),
        errors=errors or {}, edit_days=services.rating_edit_days(),
        editable_until=services.rating_editable_until(rating) if rating else None,
        tracking_token=tracking_token(ticket), association=get_association(),
        submit_endpoint=None), status


def _survey_gone() -> ResponseReturnValue:
    return render_template(
        "portal/message.html", title=_("Rate our service"),
        message=_("This rating link has expired or is no longer valid. You can still rate "
                  "our service from your request's page."),
        association=get_association(), submit_endpoint=None), 404


@bp.route("/survey/<survey_token>", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def survey(survey_token: str) -> ResponseReturnValue:
    found = services.survey_for_token(survey_token)
    if found is None:
        return _survey_gone()
    if request.method == "GET":
        return _survey_page(found, survey_token)
    values = _form_values()
    try:
        services.rate(found.ticket, values, stage=found.stage)
    except ValidationError as invalid:
        return _survey_page(found, survey_token, values=values, errors=invalid.errors,
                            status=422)
    flash(_("Thank you for rating our service."), "success")
    return redirect(url_for("satisfaction.survey", survey_token=survey_token))


# ---------------------------------------------------------------------------------------
# The front-desk kiosk

@bp.post("/satisfaction/kiosk/<number>")
@permission_required("satisfaction.kiosk")
def open_kiosk(number: str) -> ResponseReturnValue:
    try:
        token = services.open_kiosk(number, actor=current_user)
    except (TicketNotFound, PermissionDenied):
        abort(404)
    except ValidationError as invalid:
        flash(invalid.errors.get("kiosk", ""), "warning")
        return redirect(url_for("tickets.show", number=number))
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number))
    locale = person_locale(ticket) if ticket is not None else None
    # Signed out for good on this device: the tablet is handed to the person.
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    return redirect(url_for("satisfaction.kiosk", pass_token=token), 303)


def _kiosk_page(ticket: Ticket, token: str, *, values=None, errors=None, status: int = 200):
    return render_template(
        "satisfaction/kiosk.html", ticket=ticket, token=token, values=values or {},
        errors=errors or {}, idle_seconds=KIOSK_IDLE_SECONDS,
        association=get_association()), status


@bp.route("/kiosk/rate/<pass_token>", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def kiosk(pass_token: str) -> ResponseReturnValue:
    kiosk_pass = services.kiosk_pass_for_token(pass_token)
    if kiosk_pass is None:
        return redirect(url_for("satisfaction.kiosk_thanks", ended=1))
    ticket = db.session.get(Ticket, kiosk_pass.ticket_id)
    if request.method == "GET":
        return _kiosk_page(ticket, pass_token)
    values = _form_values()
    try:
        rating = services.rate_at_kiosk(pass_token, values)
    except ValidationError as invalid:
        return _kiosk_page(ticket, pass_token, values=values, errors=invalid.errors,
                           status=422)
    if rating is None:
        return redirect(url_for("satisfaction.kiosk_thanks", ended=1))
    return redirect(url_for("satisfaction.kiosk_thanks"), 303)


@bp.get("/kiosk/thanks")
def kiosk_thanks() -> ResponseReturnValue:
    """Neutral: no ticket, no name, nothing of the person who just rated."""
    return render_template("satisfaction/kiosk_thanks.html", association=get_association(),
                           ended=request.args.get("ended") == "1",
                           refresh_seconds=KIOSK_THANKS_SECONDS)


# ---------------------------------------------------------------------------------------
# Staff: an agent's own ratings, the teams' figures, follow-ups

@bp.get("/satisfaction/mine")
@login_required
def mine() -> ResponseReturnValue:
    return render_template("satisfaction/mine.html",
                           figures=queries.own_figures(current_user),
                           recent=queries.own_recent_ratings(current_user))


def _require_team_figures() -> None:
    if not services.sees_team_figures(current_user):
        abort(403)


@bp.get("/satisfaction/teams")
@login_required
def teams() -> ResponseReturnValue:
    _require_team_figures()
    return render_template("satisfaction/teams.html",
                           rows=queries.team_figures(current_user),
                           open_follow_ups=len(queries.follow_ups_for(current_user)))


def _follow_ups_page(*, errors: dict[int, dict[str, str]] | None = None,
                     values: dict[int, str] | None = None, status: int = 200):
    state = request.args.get("status", "open")
    if state not in ("open", "done"):
        state = "open"
    return render_template("satisfaction/follow_ups.html", state=state,
                           items=queries.follow_ups_for(current_user, status=state),
                           errors=errors or {}, values=values or {}), status


@bp.get("/satisfaction/follow-ups")
@login_required
def follow_ups() -> ResponseReturnValue:
    _require_team_figures()
    return _follow_ups_page()


@bp.post("/satisfaction/follow-ups/<int:follow_up_id>/done")
@login_required
def close_follow_up(follow_up_id: int) -> ResponseReturnValue:
    _require_team_figures()
    outcome = request.form.get("outcome", "")
    try:
        services.close_follow_up(follow_up_id, actor=current_user, outcome=outcome)
    except TicketNotFound:
        abort(404)
    except ValidationError as invalid:
        return _follow_ups_page(errors={follow_up_id: invalid.errors},
                                values={follow_up_id: outcome}, status=422)
    flash(_("The follow-up is closed. Thank you."), "success")
    return redirect(url_for("satisfaction.follow_ups"))


def satisfaction_sections() -> list[tuple[str, Any]]:
    """The satisfaction pages the signed-in user may open, for the pages' own tabs."""
    sections: list[tuple[str, Any]] = [("satisfaction.mine", _l("My ratings"))]
    if services.sees_team_figures(current_user):
        sections += [("satisfaction.teams", _l("Teams' satisfaction")),
                     ("satisfaction.follow_ups", _l("Follow-ups"))]
    if can(current_user, "satisfaction.review"):
        sections.append(("satisfaction.review", _l("Suggestions and comments")))
    return sections


bp.add_app_template_global(satisfaction_sections, "satisfaction_sections")


def satisfaction_panel(ticket: Ticket) -> dict[str, Any] | None:
    """The ticket page's panel: its ratings for those who may see them, the surveys sent
    and the kiosk button; None when there is nothing this user may see or do."""
    ratings = queries.ticket_ratings(current_user, ticket)
    kiosk = can(current_user, "satisfaction.kiosk") and ticket.status != "cancelled" \
        and ticket.contact_id is not None
    if ratings is None and not kiosk:
        return None
    follow_up = db.session.scalar(db.select(FollowUp).where(FollowUp.ticket_id == ticket.id)
                                  .order_by(FollowUp.id.desc())) if ratings else None
    return {"ratings": ratings, "surveys": queries.ticket_surveys(ticket) if ratings is not None
            else [], "kiosk": kiosk, "follow_up": follow_up}


bp.add_app_template_global(satisfaction_panel, "satisfaction_panel")


# ---------------------------------------------------------------------------------------
# The review list (managers)

def _review_filters(source: Any, prefix: str = "") -> dict[str, Any]:
    kind = str(source.get(prefix + "kind", ""))
    status = str(source.get(prefix + "status", ""))
    page = str(source.get(prefix + "page", "1"))
    return {"kind": kind if kind in REVIEW_KINDS else "",
            "status": status if status in (*REVIEW_STATUSES, "new") else "",
            "page": int(page) if page.isdigit() and len(page) < 6 else 1}


def _review_page(filters: dict[str, Any], *, errors=None, values=None, status: int = 200):
    items, pages = queries.review_page(kind=filters["kind"] or None,
                                       status=filters["status"] or None, page=filters["page"])
    return render_template("satisfaction/review.html", items=items, pages=pages,
                           page=min(filters["page"], pages), filters=filters,
                           errors=errors or {}, values=values or {},
                           kind_labels=REVIEW_KIND_LABELS, status_labels=REVIEW_STATUS_LABELS,
                           mark_statuses=REVIEW_STATUSES), status


@bp.get("/satisfaction/review")
@permission_required("satisfaction.review")
def review() -> ResponseReturnValue:
    return _review_page(_review_filters(request.args))


@bp.post("/satisfaction/review/<kind>/<int:item_id>")
@permission_required("satisfaction.review")
def mark(kind: str, item_id: int) -> ResponseReturnValue:
    values = {"status": request.form.get("status", ""),
              "action_taken": request.form.get("action_taken", "")}
    filters = _review_filters(request.form, "filter_")
    try:
        services.mark_review_item(kind, item_id, actor=current_user, status=values["status"],
                                  action_taken=values["action_taken"])
    except TicketNotFound:
        abort(404)
    except ValidationError as invalid:
        key = f"{kind}-{item_id}"
        return _review_page(filters, errors={key: invalid.errors}, values={key: values},
                            status=422)
    flash(_("The item is marked."), "success")
    return redirect(url_for("satisfaction.review", status=filters["status"] or None,
                            kind=filters["kind"] or None,
                            page=filters["page"] if filters["page"] > 1 else None))
