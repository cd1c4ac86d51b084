"""The portal's public pages: home, track a request (and reply, attach, rate), the policy.

Deliberately public: no route here needs an account. A ticket is reached only by its number
with the phone it was filed with, or by a signed link; both lead to /t/<token>.
"""

from __future__ import annotations

from flask import (
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
from helpdesk.casework import services as casework
from helpdesk.channels.services import channel_statuses
from helpdesk.contacts.identifiers import InvalidIdentifier, normalise_phone
from helpdesk.extensions import limiter
from helpdesk.i18n.language import current_language
from helpdesk.portal import services, submission
from helpdesk.portal.blueprint import bp
from helpdesk.portal.lookup_limits import limit_failed_lookups
from helpdesk.portal.reach import ReachTile, reach_tiles
from helpdesk.portal.responses import keep_private as make_private
from helpdesk.portal.responses import too_many_attempts
from helpdesk.portal.texts import STATUS_TEXTS
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.tickets.intake import UnknownChannel
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.tracking_links import ticket_for_token, tracking_token
from helpdesk.tickets.vocabulary import KINDS
from helpdesk.validation import ValidationError

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


def _post_limit() -> str:
    return current_app.config.get("PORTAL_POST_RATE_LIMIT", "20 per hour")


def _tracked_number() -> str | None:
    return request.form.get("number")


def _failed_lookup(response) -> bool:
    """Only failed lookups count: a person who finds their request is never blocked."""
    return response.status_code != 302


def _contact_ip_limit() -> str:
    return current_app.config.get("PORTAL_CONTACT_IP_RATE_LIMIT", "10 per hour")


def _contact_phone_limit() -> str:
    return current_app.config.get("PORTAL_CONTACT_PHONE_RATE_LIMIT", "5 per day")


def _phone_key() -> str:
    """Requests from one phone, however it is written; a number that cannot be a phone
    counts as itself (and is refused beside the field anyway)."""
    raw = str(request.form.get("phone") or "")
    try:
        phone = normalise_phone(raw)
    except InvalidIdentifier:
        phone = "".join(raw.split())[:32]
    return "portal-contact-phone:" + phone


def _accepted(response) -> bool:
    """Only requests that were received count against the phone's limit: a person who
    corrects a field is not blocked."""
    return response.status_code in (302, 303)


# The survey's answers (helpdesk/satisfaction): overall (stars), three optional, a comment.
RATING_FIELDS = ("stars", "speed", "courtesy", "clarity", "comment")

PRIVATE_ENDPOINTS = {"portal.ticket", "portal.reply", "portal.rate", "portal.track",
                     "portal.submit", "portal.received"}


@bp.after_request
def keep_private(response):
    """A tracked request holds personal data and its link is a secret: never cache or
    index it, nor send its address to another site."""
    if request.endpoint in PRIVATE_ENDPOINTS:
        make_private(response)
    return response


@bp.errorhandler(429)
def too_many(_error) -> ResponseReturnValue:
    return too_many_attempts(**_common())


def _has_get_route(endpoint: str) -> bool:
    return any(rule.endpoint == endpoint and "GET" in (rule.methods or ())
               for rule in current_app.url_map.iter_rules())


def _submit_endpoint() -> str | None:
    """The contact form's page: the channel's own, when its plugin has one, else the core's."""
    channel = submission.contact_form_channel()
    if channel is None:
        return None
    own = f"channel_{channel.meta.key}.submit"
    if _has_get_route(own):
        return own
    return "portal.submit" if _has_get_route("portal.submit") else None


def _common() -> dict:
    return {"association": get_association(), "submit_endpoint": _submit_endpoint()}


def active_channels() -> list:
    statuses = [s for s in channel_statuses() if s.active]
    return sorted(statuses, key=lambda s: (s.channel.meta.position, s.key))


def channel_tiles() -> list[ReachTile]:
    return reach_tiles(active_channels(), get_association(), _submit_endpoint())


# ---------------------------------------------------------------------------------------

@bp.get("/portal")
def home() -> ResponseReturnValue:
    return render_template("portal/home.html", channels=channel_tiles(), **_common())


@bp.get("/policy")
def policy() -> ResponseReturnValue:
    association = get_association()
    window = (association.committee_window_days if association else None) \
        or DEFAULT_DECISION_WINDOW_DAYS
    return render_template("portal/policy.html", channels=channel_tiles(), goals=GOALS,
                           tools=REFERENCE_TOOLS, steps=PROCEDURE_STEPS, window=window,
                           **_common())


@bp.route("/track", methods=["GET", "POST"])
# The same counts as the API's public tracking: guesses cannot be split between the two.
@limit_failed_lookups(number=_tracked_number, failed=_failed_lookup, methods=["POST"])
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
        rating_values = {name: (getattr(rating, name) or "") if rating else ""
                         for name in RATING_FIELDS}
    return render_template(
        "portal/ticket.html", ticket=ticket, token=token,
        texts=STATUS_TEXTS.get(ticket.status, (ticket.status, "")),
        events=services.public_timeline(ticket),
        attachments=services.attachments_by_event(ticket),
        rating=rating, rating_stage=services.rating_stage(ticket),
        can_rate=services.can_edit_rating(rating), rating_edit_days=services.rating_edit_days(),
        rating_values=rating_values, rating_errors=rating_errors or {},
        reply_values=reply_values or {}, reply_errors=reply_errors or {},
        missing_documents=casework.missing_documents(ticket), **_common()), status


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
    values = {"body": request.form.get("body", ""),
              "document_key": request.form.get("document_key", "")}
    try:
        services.add_reply(found, body=values["body"], document=request.files.get("document"),
                           document_key=values["document_key"])
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
    values = {name: request.form.get(name, "") for name in RATING_FIELDS}
    try:
        services.rate_service(found, **values)
    except ValidationError as invalid:
        return _ticket_page(found, token, rating_values=values, rating_errors=invalid.errors,
                            status=422)
    flash(_("Thank you for rating our service."), "success")
    return redirect(url_for("portal.ticket", token=token, _anchor="rating"))


# ---------------------------------------------------------------------------------------
# The contact form (of the channel that declares it)

def _contact_page(channel, *, values=None, errors=None, refused: bool = False,
                  files_lost: bool = False, status: int = 200) -> ResponseReturnValue:
    values = dict(values or {})
    values.setdefault("kind", "inquiry")
    kinds = submission.form_kinds(channel)
    return render_template(
        "portal/contact.html", specs=submission.form_fields(channel),
        kinds=[(k.key, KINDS[k.key]) for k in kinds if k.elsewhere is None],
        elsewhere=[k for k in kinds if k.elsewhere is not None],
        values=values, errors=errors or {}, refused=refused, files_lost=files_lost,
        stamp=submission.new_form_stamp(), honeypot=submission.HONEYPOT_FIELD,
        stamp_field=submission.STAMP_FIELD, max_files=submission.MAX_FILES,
        max_megabytes=max(1, services.document_max_bytes() // (1024 * 1024)),
        **_common()), status


def _closed() -> ResponseReturnValue:
    return render_template(
        "portal/message.html", title=_("Contact us"),
        message=_("The contact form is not available at the moment. You can reach us "
                  "through the channels listed on the home page."), **_common()), 404


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_ip_limit, methods=["POST"])
@limiter.limit(_contact_phone_limit, key_func=_phone_key, methods=["POST"],
               deduct_when=_accepted)
def submit() -> ResponseReturnValue:
    channel = submission.contact_form_channel()
    if channel is None:
        return _closed()
    if request.method == "GET":
        elsewhere = submission.routed_elsewhere(request.args.get("kind", ""))
        if elsewhere:
            return redirect(url_for(elsewhere))
        return _contact_page(channel, values={"kind": request.args.get("kind", "")})
    names = ["kind", *(spec.name for spec in submission.form_fields(channel))]
    values = {name: request.form.get(name, "") for name in names}
    elsewhere = submission.routed_elsewhere(values["kind"])
    if elsewhere:
        return redirect(url_for(elsewhere), 303)
    files = request.files.getlist("attachments")
    sent_files = any(file.filename for file in files)
    try:
        result = submission.submit(request.form, files, headers=request.headers,
                                   locale=current_language())
    except submission.SpamRefused as refused:
        if refused.pretend:
            return render_template(
                "portal/message.html", title=_("Thank you"),
                message=_("Your message has been sent."), **_common())
        return _contact_page(channel, values=values, refused=True, files_lost=sent_files,
                             status=422)
    except ValidationError as invalid:
        return _contact_page(channel, values=values, errors=invalid.errors,
                             files_lost=sent_files, status=422)
    except UnknownChannel:
        return _closed()
    except submission.IntakeUnavailable:
        return render_template(
            "portal/message.html", title=_("We could not receive your request"),
            message=_("Something went wrong on our side and your request was not sent. "
                      "Please try again in a few minutes."), **_common()), 503
    return redirect(url_for("portal.received", token=tracking_token(result.ticket)), 303)


@bp.get("/contact/received/<token>")
def received(token: str) -> ResponseReturnValue:
    """The receipt: the request's number and its tracking link, also sent by SMS."""
    found = ticket_for_token(token)
    if found is None:
        return _expired()
    phone = (found.channel_data or {}).get("phone") \
        or (found.contact.phone if found.contact is not None else None)
    return render_template(
        "portal/received.html", ticket=found, token=token,
        tracking_url=url_for("portal.ticket", token=token, _external=True),
        masked_phone=submission.masked_phone(phone), **_common())

