"""The support request form (portal and staff) and the public "Am I eligible?" page.

Deliberately public: the portal's routes need no account. A draft is reached by its token
(the URL's ``draft`` and a cookie); staff drafts stay their owner's.
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
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
from helpdesk.applications import services
from helpdesk.applications.blueprint import bp
from helpdesk.casework.services import current_declaration_text
from helpdesk.contacts.identifiers import mask_national_id
from helpdesk.contacts.queries import get_contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import limiter
from helpdesk.portal.responses import keep_private as make_private
from helpdesk.portal.responses import too_many_attempts
from helpdesk.search.contact_lookup import contact_page
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.rules import VERDICTS
from helpdesk.services_catalog.schema import DOCUMENT_TYPES
from helpdesk.services_catalog.services import (
    active_services,
    get_active_service,
    service_definition,
)
from helpdesk.tickets.queries import ticket_access
from helpdesk.tickets.services import committee_window_days
from helpdesk.tickets.tracking_links import ticket_for_token, tracking_token
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request

COOKIE_PREFIX = "sila_draft_"


def _post_limit() -> str:
    return current_app.config.get("APPLICATION_POST_RATE_LIMIT", "30 per hour")


def _autosave_limit() -> str:
    return current_app.config.get("APPLICATION_AUTOSAVE_RATE_LIMIT", "300 per hour")


def _staff() -> bool:
    """Staff at the desk fill many forms from one office address: never throttled."""
    return bool(current_user and current_user.is_authenticated)


@bp.after_request
def keep_private(response):
    """A draft holds personal data and its token is a secret."""
    return make_private(response)


@bp.errorhandler(429)
def too_many(_error) -> ResponseReturnValue:
    return too_many_attempts()


def _accepting() -> bool:
    """Whether the association takes support requests (a channel that takes the
    application form is on)."""
    return services.application_channel() is not None


def _service_or_404(key: str) -> Service:
    service = get_active_service(key)
    if service is None or not _accepting():
        abort(404)
    return service


def _cookie_name(service: Service) -> str:
    return COOKIE_PREFIX + service.key


def _token() -> str | None:
    return request.form.get("draft") or request.args.get("draft")


def _remember(response, service: Service, draft) -> Any:
    response.set_cookie(_cookie_name(service), draft.token,
                        max_age=services.draft_days() * 24 * 3600, path="/apply",
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _forget(response, service: Service) -> Any:
    response.delete_cookie(_cookie_name(service), path="/apply")
    return response


def _draft_for_post(service: Service) -> tuple[Any, bool]:
    """The draft a post writes to, and whether it is new: the one named; else (none named,
    or it expired) a new one, so that what was just typed is never lost. None for a draft
    already sent as a request."""
    token = _token()
    draft = services.get_draft(token, service, viewer=current_user)
    if draft is not None:
        return draft, False
    if token and services.submitted_ticket(token) is not None:
        return None, False
    return services.new_draft(service), True


# ---------------------------------------------------------------------------------------
# The form's context

def _form_context(service: Service, draft, *, errors: dict[str, str] | None = None,
                  staff: bool = False, values: dict[str, Any] | None = None,
                  signature: str | None = None) -> dict:
    definition = service_definition(service)
    values = dict(values if values is not None else (draft.answers if draft else {}))
    desk = [(c.meta.key, c.meta.label) for c in services.desk_channels()] if staff else []
    if desk and not values.get(services.CHANNEL_INPUT):
        values[services.CHANNEL_INPUT] = request.args.get("channel") or desk[0][0]
    errors = errors or {}
    contact = get_contact(draft.contact_id) if draft is not None and draft.contact_id else None
    verdict, _answer_errors = services.verdict_for(service, values,
                                                   contact if staff else None)
    version, declaration = current_declaration_text()
    prefix = services.ANSWER_PREFIX
    return {
        "service": service, "draft": draft, "definition": definition, "values": values,
        "errors": errors, "staff": staff, "contact": contact,
        "answers": services.draft_answers(values, service),
        "answer_errors": {k[len(prefix):]: v for k, v in errors.items()
                          if k.startswith(prefix)},
        "verdict": verdict, "verdicts": VERDICTS, "fields": definition.fields,
        "documents": services.draft_documents(draft), "document_types": DOCUMENT_TYPES,
        "declaration_version": version, "declaration_text": declaration,
        "association": get_association(), "desk_channels": desk, "signature": signature,
    }


def _form_page(service: Service, draft, *, errors=None, status: int = 200,
               staff: bool = False, signature: str | None = None) -> Any:
    template = "applications/staff_form.html" if staff else "applications/form.html"
    response = make_response(render_template(
        template, **_form_context(service, draft, errors=errors, staff=staff,
                                  signature=signature)), status)
    if draft is not None and not staff:
        _remember(response, service, draft)
    return response


# ---------------------------------------------------------------------------------------
# The portal: choose a service, fill the form, get the receipt

@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"], exempt_when=_staff)
def apply() -> ResponseReturnValue:
    chosen = request.values.get("service", "")
    if chosen:
        if get_active_service(chosen) is not None:
            return redirect(url_for("applications.form", service_key=chosen))
    errors = {"service": _("Choose one of the services.")} if request.method == "POST" else {}
    return render_template("applications/pick.html",
                           services=active_services() if _accepting() else [],
                           errors=errors, association=get_association()), \
        422 if errors else 200


@bp.route("/apply/<service_key>", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"], exempt_when=_staff)
def form(service_key: str) -> ResponseReturnValue:
    service = _service_or_404(service_key)
    if request.method == "GET":
        token = request.args.get("draft")
        draft = services.get_draft(token, service) if token else None
        if token and draft is None:
            flash(_("This saved form has expired or was already sent. Start a new one."),
                  "warning")
            return _forget(redirect(url_for("applications.form", service_key=service.key)),
                           service)
        if draft is None:
            remembered = services.get_draft(request.cookies.get(_cookie_name(service)),
                                            service)
            if remembered is not None:
                return redirect(url_for("applications.form", service_key=service.key,
                                        draft=remembered.token))
        return _form_page(service, draft)
    sent = services.submitted_ticket(_token())
    if sent is not None:  # sent twice (a double tap, a resent post): the same receipt
        return _forget(redirect(url_for("applications.receipt", token=tracking_token(sent))),
                       service)
    draft, _created = _draft_for_post(service)
    try:
        submitted = services.submit_application(draft, request.form, request.files)
    except ValidationError as exc:
        return _form_page(service, draft, errors=exc.errors, status=422)
    response = redirect(url_for("applications.receipt",
                                token=tracking_token(submitted.ticket)))
    return _forget(response, service)


@bp.post("/apply/<service_key>/autosave")
@limiter.limit(_autosave_limit, exempt_when=_staff)
def autosave(service_key: str) -> ResponseReturnValue:
    """htmx saves the form as it is typed: a small "saved" status, the verdict for the
    answers so far (out of band) and, for a new draft, its token."""
    service = _service_or_404(service_key)
    draft, created = _draft_for_post(service)
    if draft is None:  # a late autosave after the request was sent: nothing to keep
        return ("", 204) if is_partial_request() else \
            redirect(url_for("applications.form", service_key=service.key))
    services.save_answers(draft, request.form)
    if not is_partial_request():
        return redirect(url_for("applications.form", service_key=service.key,
                                draft=draft.token))
    staff = draft.owner_id is not None
    response = make_response(render_template(
        "applications/_saved.html", created=created, saving=True,
        **_form_context(service, draft, staff=staff)))
    if created:
        response.headers["HX-Replace-Url"] = url_for("applications.form",
                                                     service_key=service.key,
                                                     draft=draft.token)
    if not staff:
        _remember(response, service, draft)
    return response


def _document_or_404(service: Service, document_key: str):
    document = services.find_document(service, document_key)
    if document is None:
        abort(404)
    return document


def _back_to_form(service: Service, draft) -> ResponseReturnValue:
    if draft.owner_id is not None:
        return redirect(url_for("applications.staff_form", service_key=service.key,
                                draft=draft.token))
    return _remember(redirect(url_for("applications.form", service_key=service.key,
                                      draft=draft.token)), service, draft)


def _document_fragment(service: Service, draft, document, errors=None, status=200,
                       created=False):
    context = _form_context(service, draft, errors=errors, staff=draft.owner_id is not None)
    response = make_response(render_template("applications/_document.html",
                                             document=document, created=created,
                                             **context), status)
    if created:
        response.headers["HX-Replace-Url"] = url_for("applications.form",
                                                     service_key=service.key,
                                                     draft=draft.token)
    if status != 200:
        response.headers["HX-Retarget"] = f"#document-{document.key}"
        response.headers["HX-Reswap"] = "outerHTML"
    if draft.owner_id is None:
        _remember(response, service, draft)
    return response


@bp.post("/apply/<service_key>/documents/<document_key>")
@limiter.limit(_post_limit, exempt_when=_staff)
def upload(service_key: str, document_key: str) -> ResponseReturnValue:
    """One document, stored in the draft the moment it is chosen; a refused file is
    named at its place and nothing else is lost."""
    service = _service_or_404(service_key)
    document = _document_or_404(service, document_key)
    draft, created = _draft_for_post(service)
    if draft is None:
        abort(404)
    try:
        services.attach_document(draft, document,
                                 request.files.get(services.document_input(document.key)),
                                 request.form)
    except ValidationError as exc:
        if is_partial_request():
            return _document_fragment(service, draft, document, exc.errors, 422, created)
        return _form_page(service, draft, errors=exc.errors, status=422,
                          staff=draft.owner_id is not None)
    if is_partial_request():
        return _document_fragment(service, draft, document, created=created)
    return _back_to_form(service, draft)


@bp.post("/apply/<service_key>/documents/<document_key>/remove")
@limiter.limit(_post_limit, exempt_when=_staff)
def remove_document(service_key: str, document_key: str) -> ResponseReturnValue:
    service = _service_or_404(service_key)
    document = _document_or_404(service, document_key)
    draft = services.get_draft(_token(), service, viewer=current_user)
    if draft is None:
        abort(404)
    services.remove_document(draft, document.key, request.form)
    if is_partial_request():
        return _document_fragment(service, draft, document)
    return _back_to_form(service, draft)


@bp.get("/apply/done/<token>")
def receipt(token: str) -> ResponseReturnValue:
    ticket = ticket_for_token(token)
    if ticket is None:
        abort(404)
    return render_template("applications/receipt.html", ticket=ticket, token=token,
                           tracking_url=url_for("portal.ticket", token=token, _external=True),
                           window=committee_window_days(ticket),
                           association=get_association())


# ---------------------------------------------------------------------------------------
# Am I eligible?

def _rule_fields(service: Service) -> list:
    """The questions the service's conditions read: only these change the answer."""
    definition = service_definition(service)
    names: set[str] = set()
    for rule in definition.rules:
        for field in (rule.field, rule.per):
            if field is not None:
                names.add(field.name)
    return [field for field in definition.fields if field.name in names]


@bp.get("/eligibility")
def eligibility() -> ResponseReturnValue:
    key = request.args.get("service", "")
    service = get_active_service(key) if key else None
    context: dict[str, Any] = {"services": active_services(), "service": service,
                               "association": get_association(), "verdict": None,
                               "errors": {}, "answers": {}, "fields": [],
                               "verdicts": VERDICTS, "chosen": key,
                               "accepting": _accepting()}
    status = 200
    if key and service is None:
        context["choose_error"] = _("Choose one of the services.")
        status = 404
    if service is not None:
        fields = _rule_fields(service)
        values = {name: value for name, value in request.args.items()
                  if name.startswith(services.ANSWER_PREFIX)}
        verdict, errors = services.verdict_for(service, values)
        shown = {f.name for f in fields}
        context.update(fields=fields, answers=services.draft_answers(values, service),
                       has_rules=bool(service_definition(service).rules))
        if request.args.get("check"):
            context.update(verdict=verdict,
                           errors={k: v for k, v in errors.items() if k in shown})
    return render_template("applications/eligibility.html", **context), status


@bp.post("/eligibility/apply")
@limiter.limit(_post_limit, exempt_when=_staff)
def eligibility_apply() -> ResponseReturnValue:
    """"Apply": a draft holding the answers given on the eligibility page, then the form."""
    service = _service_or_404(request.form.get("service", ""))
    draft = services.new_draft(service, answers=request.form)
    response = redirect(url_for("applications.form", service_key=service.key,
                                draft=draft.token))
    return _remember(response, service, draft)


# ---------------------------------------------------------------------------------------
# Staff: the same form at the desk, for a contact they pick or register

@bp.get("/tickets/new/support-request")
@permission_required("tickets.create")
def staff_pick() -> ResponseReturnValue:
    text = request.args.get("q", "").strip()
    contact_id = request.args.get("contact", type=int)
    contact = get_contact(contact_id) if contact_id else None
    found = contact_page(text, limit=10).contacts if text else []
    channel = request.args.get("channel") or None
    if is_partial_request():  # the lookup as the agent types
        return render_template("applications/_contact_matches.html", q=text, found=found,
                               channel=channel)
    return render_template("applications/staff_pick.html",
                           services=active_services() if _accepting() else [],
                           q=text, found=found, contact=contact, channel=channel)


@bp.route("/tickets/new/support-request/<service_key>", methods=["GET", "POST"])
@permission_required("tickets.create")
def staff_form(service_key: str) -> ResponseReturnValue:
    service = _service_or_404(service_key)
    token = _token()
    sent = services.submitted_ticket(token) if request.method == "POST" else None
    if sent is not None:  # sent twice: the ticket it opened
        return redirect(_ticket_page(sent))
    draft = services.get_draft(token, service, viewer=current_user) if token else None
    if draft is None or draft.owner_id is None:
        # None named, or it expired: a new draft (a post keeps what it carries).
        contact_id = request.args.get("contact", type=int)
        contact = get_contact(contact_id) if contact_id else None
        draft = services.new_draft(service, owner=current_user, contact=contact,
                                   answers=request.form if request.method == "POST" else None)
        if request.method == "GET":
            return redirect(url_for("applications.staff_form", service_key=service.key,
                                    draft=draft.token,
                                    channel=request.args.get("channel") or None))
    if request.method == "GET":
        return _form_page(service, draft, staff=True)
    try:
        submitted = services.submit_application(draft, request.form, request.files,
                                                actor=current_user)
    except ValidationError as exc:
        # A drawn signature is kept only when it was not the refused field.
        kept = None if services.SIGNATURE_INPUT in exc.errors \
            else request.form.get(services.SIGNATURE_INPUT)
        return _form_page(service, draft, errors=exc.errors, status=422, staff=True,
                          signature=kept)
    flash(_("Ticket %(number)s was opened.", number=submitted.ticket.number), "success")
    return redirect(_ticket_page(submitted.ticket))


def _ticket_page(ticket) -> str:
    """The ticket's page (its receipt is printed from there) when the user may open it;
    else the home page."""
    if ticket_access(current_user, ticket) is not None:
        return url_for("tickets.show", number=ticket.number)
    return url_for("home.index")


@bp.get("/tickets/new/support-request/<service_key>/declaration")
@permission_required("tickets.create")
def staff_declaration(service_key: str) -> ResponseReturnValue:
    """The declaration printed for a handwritten signature, with the applicant's details
    from the desk's draft."""
    service = _service_or_404(service_key)
    draft = services.get_draft(request.args.get("draft"), service, viewer=current_user)
    if draft is None or draft.owner_id is None:
        abort(404)
    contact = get_contact(draft.contact_id) if draft.contact_id else None
    values = draft.answers or {}
    version, text = current_declaration_text()
    return render_template(
        "applications/declaration_print.html", service=service,
        name=contact.name if contact else values.get("applicant-name", ""),
        # A registered contact's ID stays masked (revealing it is a separate, audited act).
        national_id=mask_national_id(contact.national_id) if contact
        else values.get("applicant-national_id", ""),
        text=text, version=version, association=get_association(), today=utcnow())
