"""The service catalogue's admin pages and the public eligibility check."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import can, permission_required
from helpdesk.casework.eligibility import check_eligibility
from helpdesk.extensions import limiter
from helpdesk.services_catalog.blueprint import bp
from helpdesk.services_catalog.forms import (
    ANSWER_PREFIX,
    SECTIONS,
    EditorForm,
    answers_from_form,
    form_from_post,
    form_from_service,
    new_form,
)
from helpdesk.services_catalog.rules import VERDICTS
from helpdesk.services_catalog.schema import (
    DOCUMENT_TYPES,
    FIELD_TYPES,
    RULE_TYPES,
    validate_answers,
)
from helpdesk.services_catalog.services import (
    contact_for_check,
    create_service,
    get_active_service,
    get_service,
    list_services,
    service_definition,
    team_choices,
    update_service,
)
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import render


@bp.get("/admin/services")
@permission_required("admin.services")
def index() -> ResponseReturnValue:
    return render("services_catalog/index.html", services=list_services())


@bp.route("/admin/services/new", methods=["GET", "POST"])
@permission_required("admin.services")
def create() -> ResponseReturnValue:
    if request.method == "GET":
        return _editor(new_form(), service=None)
    form = form_from_post(request.form)
    if request.form.get("add") in SECTIONS:
        return _add_row(form, service=None)
    try:
        service = create_service(form.service_input(), actor=current_user)
    except ValidationError as exc:
        return _editor(form, service=None, errors=exc.errors), 422
    flash(_("The service %(name)s was added.", name=service.name_ar), "success")
    return redirect(url_for("services_catalog.index"))


@bp.route("/admin/services/<key>/edit", methods=["GET", "POST"])
@permission_required("admin.services")
def edit(key: str) -> ResponseReturnValue:
    service = get_service(key)
    if service is None:
        abort(404)
    if request.method == "GET":
        return _editor(form_from_service(service), service=service)
    form = form_from_post(request.form)
    form.values["key"] = service.key
    if request.form.get("add") in SECTIONS:
        return _add_row(form, service=service)
    try:
        update_service(service, form.service_input(), actor=current_user)
    except ValidationError as exc:
        return _editor(form, service=service, errors=exc.errors), 422
    flash(_("The service %(name)s was saved.", name=service.name_ar), "success")
    return redirect(url_for("services_catalog.index"))


def _add_row(form: EditorForm, service) -> ResponseReturnValue:
    """"Add another row": the page again with what was typed, or just the section (htmx)."""
    section = request.form["add"]
    form.add_row(section)
    return render("services_catalog/edit.html", f"services_catalog/_{section}_editor.html",
                  **_editor_context(form, service, {}))


def _editor(form: EditorForm, service, errors: dict[str, str] | None = None
            ) -> ResponseReturnValue:
    return render("services_catalog/edit.html", **_editor_context(form, service, errors or {}))


def _editor_context(form: EditorForm, service, errors: dict[str, str]) -> dict:
    return {"form": form, "service": service, "errors": errors, "teams": team_choices(),
            "field_types": FIELD_TYPES, "rule_types": RULE_TYPES,
            "document_types": DOCUMENT_TYPES}


def _eligibility_limit() -> str:
    return current_app.config.get("ELIGIBILITY_RATE_LIMIT", "30 per minute")


@bp.post("/services/<key>/eligibility")
@limiter.limit(_eligibility_limit)
def eligibility(key: str) -> ResponseReturnValue:
    """Deliberately public (the portal uses it): the verdict for the answers posted as
    ``answer-<field>``. Staff may name a ``contact_id`` so that the contact's history
    counts; anonymous callers never can."""
    service = get_active_service(key)
    if service is None:
        abort(404)
    fields = service_definition(service).fields
    answers = answers_from_form(request.form, fields)
    contact = None
    if can(current_user, "tickets.view"):
        contact = contact_for_check(request.form.get("contact_id"))
    verdict = check_eligibility(service, answers, contact)
    _clean, errors = validate_answers(fields, answers)
    return render("services_catalog/eligibility.html", "services_catalog/_verdict.html",
                  service=service, verdict=verdict, verdicts=VERDICTS, fields=fields,
                  errors=errors, answers=answers, answer_prefix=ANSWER_PREFIX)
