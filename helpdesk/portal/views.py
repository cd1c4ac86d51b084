"""The portal's public pages: home, track a request (and reply, attach, rate), the policy.

Deliberately public: no route here needs an account. A ticket is reached only by its number
with the phone it was filed with, or by a signed link; both lead to /t/<token>.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.admin.services import get_association
from helpdesk.channels.services import channel_statuses
from helpdesk.extensions import limiter
from helpdesk.portal import services
from helpdesk.portal.links import ticket_for_token, tracking_token
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.tickets.models import Ticket
from helpdesk.validation import ValidationError

bp = Blueprint("portal", __name__)

# The status as the person reads it, and what happens next.
STATUS_TEXTS = {
    "new": (_l("We have received your request"),
            _l("A member of our team will review it shortly.")),
    "awaiting_information": (
        _l("We are waiting for information from you"),
        _l("Please send us what we asked for below; we will continue as soon as it arrives.")),
    "in_progress": (_l("We are working on your request"),
                    _l("We will contact you if we need anything else.")),
    "referred": (_l("Your request is with a specialist"),
                 _l("A specialist is studying your request; we will tell you the outcome.")),
    "committee": (_l("Your request is before the research committee"),
                  _l("The committee studies the request and decides within its set window.")),
    "approved": (_l("Your request has been approved"),
                 _l("We will contact you to complete the registration.")),
    "rejected": (_l("Your request was not approved"),
                 _l("You can contact us to ask about the reasons or to apply again later.")),
    "registration": (_l("We are completing your registration"),
                     _l("We will tell you when the service is ready.")),
    "service_delivered": (_l("The service has been delivered"),
                          _l("Your request will be closed soon; you may rate our service.")),
    "resolved": (_l("Your request has been answered"),
                 _l("If you need anything else, reply below.")),
    "closed": (_l("Your request is closed"),
               _l("Thank you for contacting us. Please rate our service.")),
    "reopened": (_l("Your request has been reopened"),
                 _l("We are looking at it again.")),
    "cancelled": (_l("Your request was cancelled"),
                  _l("If you think this is a mistake, contact us.")),
}

# The seven steps of the beneficiary relations procedure, as the policy lists them.
PROCEDURE_STEPS = (
    _l("We receive your request through any of our channels and give you a request number."),
    _l("We check that the information and documents are complete, and ask you for "
       "anything missing."),
    _l("The request is referred to the social research officer."),
    _l("You sign a declaration that the information you gave is true."),
    _l("The research committee studies the request and decides."),
    _l("We tell you the decision and, when approved, complete your registration."),
    _l("The service is delivered and the request is closed; you are invited to rate it."),
)

REFERENCE_TOOLS = (
    _l("The association's basic regulation"),
    _l("The social research services guide"),
    _l("The support policy guide"),
    _l("The support request form"),
)

GOALS = (
    _l("Fast and courteous service for every beneficiary."),
    _l("Every contact is answered, whatever the channel."),
    _l("Clear procedures and known time limits."),
    _l("Listening to your opinion to improve our services."),
)


def _lookup_limit() -> str:
    return current_app.config.get("PORTAL_LOOKUP_RATE_LIMIT", "10 per 10 minutes")


def _number_limit() -> str:
    return current_app.config.get("PORTAL_NUMBER_RATE_LIMIT", "5 per 15 minutes")


def _post_limit() -> str:
    return current_app.config.get("PORTAL_POST_RATE_LIMIT", "20 per hour")


def _number_key() -> str:
    return "portal-number:" + services.clean_ticket_number(request.form.get("number"))


def _failed_lookup(response) -> bool:
    """Only failed lookups count: a person who finds their request is never blocked."""
    return response.status_code != 302


PRIVATE_ENDPOINTS = {"portal.ticket", "portal.reply", "portal.rate", "portal.track"}


@bp.after_request
def keep_private(response):
    """A tracked request holds personal data and its link is a secret: never cache or
    index it, nor send its address to another site."""
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.errorhandler(429)
def too_many(_error) -> ResponseReturnValue:
    """The portal's own page for refused lookups, in the portal's layout."""
    return render_template(
        "portal/message.html", title=_("Too many attempts"),
        message=_("Too many attempts. Wait a few minutes and try again."), **_common()), 429


def _has_get_route(endpoint: str) -> bool:
    return any(rule.endpoint == endpoint and "GET" in (rule.methods or ())
               for rule in current_app.url_map.iter_rules())


def _common() -> dict:
    return {"association": get_association(),
            "submit_endpoint": next((e for e in ("channel_website.submit", "portal.submit")
                                     if _has_get_route(e)), None)}


def active_channels() -> list:
    statuses = [s for s in channel_statuses() if s.active]
    return sorted(statuses, key=lambda s: (s.channel.meta.position, s.key))


# ---------------------------------------------------------------------------------------

@bp.get("/portal")
def home() -> ResponseReturnValue:
    return render_template("portal/home.html", channels=active_channels(), **_common())


@bp.get("/policy")
def policy() -> ResponseReturnValue:
    association = get_association()
    window = (association.committee_window_days if association else None) \
        or DEFAULT_DECISION_WINDOW_DAYS
    return render_template("portal/policy.html", channels=active_channels(), goals=GOALS,
                           tools=REFERENCE_TOOLS, steps=PROCEDURE_STEPS, window=window,
                           **_common())


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"], deduct_when=_failed_lookup)
@limiter.limit(_number_limit, key_func=_number_key, methods=["POST"],
               deduct_when=_failed_lookup)
def track() -> ResponseReturnValue:
    values = {"number": request.values.get("number", ""), "phone": request.form.get("phone", "")}
    errors: dict[str, str] = {}
    not_found = False
    if request.method == "POST":
        try:
            ticket = services.find_tracked_ticket(values["number"], values["phone"])
        except ValidationError as invalid:
            errors = invalid.errors
        else:
            if ticket is not None:
                return redirect(url_for("portal.ticket", token=tracking_token(ticket)))
            not_found = True
    status = 422 if errors else 404 if not_found else 200
    return render_template("portal/track.html", values=values, errors=errors,
                           not_found=not_found, **_common()), status


def _ticket_page(ticket: Ticket, token: str, *, reply_values=None, reply_errors=None,
                 rating_values=None, rating_errors=None, status: int = 200):
    rating = services.current_rating(ticket)
    if rating_values is None:
        rating_values = {"stars": rating.stars if rating else "",
                         "comment": (rating.comment or "") if rating else ""}
    return render_template(
        "portal/ticket.html", ticket=ticket, token=token,
        texts=STATUS_TEXTS.get(ticket.status, (ticket.status, "")),
        events=services.public_timeline(ticket),
        attachments=services.attachments_by_event(ticket),
        rating=rating, rating_stage=services.rating_stage(ticket),
        can_rate=services.can_edit_rating(rating),
        rating_values=rating_values, rating_errors=rating_errors or {},
        reply_values=reply_values or {}, reply_errors=reply_errors or {},
        **_common()), status


def _expired() -> ResponseReturnValue:
    return render_template("portal/track.html", values={}, errors={}, not_found=False,
                           expired=True, **_common()), 404


@bp.get("/t/<token>")
def ticket(token: str) -> ResponseReturnValue:
    found = ticket_for_token(token)
    if found is None:
        return _expired()
    return _ticket_page(found, token)


@bp.post("/t/<token>/reply")
@limiter.limit(_post_limit)
def reply(token: str) -> ResponseReturnValue:
    found = ticket_for_token(token)
    if found is None:
        return _expired()
    values = {"body": request.form.get("body", "")}
    try:
        services.add_reply(found, body=values["body"], document=request.files.get("document"))
    except ValidationError as invalid:
        return _ticket_page(found, token, reply_values=values, reply_errors=invalid.errors,
                            status=422)
    flash(_("Thank you. Your message has reached us."), "success")
    return redirect(url_for("portal.ticket", token=token, _anchor="timeline"))


@bp.post("/t/<token>/rate")
@limiter.limit(_post_limit)
def rate(token: str) -> ResponseReturnValue:
    found = ticket_for_token(token)
    if found is None:
        return _expired()
    values = {"stars": request.form.get("stars", ""), "comment": request.form.get("comment", "")}
    try:
        services.rate_service(found, stars=values["stars"], comment=values["comment"])
    except ValidationError as invalid:
        return _ticket_page(found, token, rating_values=values, rating_errors=invalid.errors,
                            status=422)
    flash(_("Thank you for rating our service."), "success")
    return redirect(url_for("portal.ticket", token=token, _anchor="rating"))
