"""Staff pages for the contact registry: the list, a contact's page and the merge tool."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.casework.services import committee_outcomes
from helpdesk.channels.registry import registered_channels
from helpdesk.contacts.blueprint import bp
from helpdesk.contacts.identifiers import mask_national_id, national_id_kind, national_phone
from helpdesk.contacts.models import Contact
from helpdesk.contacts.queries import current_contact, get_contact
from helpdesk.contacts.services import reveal_national_id
from helpdesk.contacts.vocabulary import KIND_LABELS
from helpdesk.search.contact_lookup import contact_page, merge_candidates
from helpdesk.tickets.contact_history import channel_counts, contact_history, ticket_count
from helpdesk.tickets.contact_merge import merge_contacts
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render


@bp.app_template_filter("masked_id")
def masked_id_filter(national_id: str | None) -> str:
    return mask_national_id(national_id)


@bp.app_template_filter("phone_display")
def phone_display_filter(phone: str | None) -> str:
    return national_phone(phone) if phone else ""


@bp.app_context_processor
def contact_vocabulary() -> dict:
    return {"contact_kinds": KIND_LABELS}


def _contact_or_404(contact_id: int) -> Contact:
    contact = get_contact(contact_id)
    if contact is None:
        abort(404)
    return contact


def _cursor_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("")
@permission_required("contacts.view")
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    page = contact_page(q, cursor=request.args.get("after") or None)
    if is_partial_request() and request.args.get("after"):
        return render("contacts/_rows.html", page=page, q=q)
    return render("contacts/index.html", "contacts/_results.html", page=page, q=q)


def _show_context(contact: Contact, revealed: str | None = None) -> dict:
    history = contact_history(current_user, contact, cursor=_cursor_arg("after"))
    return {
        "contact": contact,
        "history": history,
        "outcomes": committee_outcomes(history.tickets),
        "counts": channel_counts(current_user, contact),
        "channels": registered_channels(),
        "revealed": revealed,
        "id_kind": national_id_kind(contact.national_id) if contact.national_id else None,
    }


@bp.get("/<int:contact_id>")
@permission_required("contacts.view")
def show(contact_id: int) -> ResponseReturnValue:
    contact = _contact_or_404(contact_id)
    if contact.merged_into_id is not None:
        return redirect(url_for("contacts.show", contact_id=current_contact(contact).id))
    context = _show_context(contact)
    if is_partial_request() and request.args.get("after"):
        return render("contacts/_history_rows.html", **context)
    return render("contacts/show.html", **context)


@bp.post("/<int:contact_id>/national-id")
@permission_required("contacts.view_national_id")
def reveal(contact_id: int) -> ResponseReturnValue:
    contact = _contact_or_404(contact_id)
    try:
        national_id = reveal_national_id(contact, current_user)
    except PermissionError:
        abort(403)
    return render("contacts/show.html", "contacts/_national_id.html",
                  **_show_context(contact, revealed=national_id))


@bp.route("/<int:contact_id>/merge", methods=["GET", "POST"])
@permission_required("contacts.merge")
def merge(contact_id: int) -> ResponseReturnValue:
    keep = _contact_or_404(contact_id)
    if keep.merged_into_id is not None:
        return redirect(url_for("contacts.merge", contact_id=current_contact(keep).id))
    errors: dict[str, str] = {}
    chosen = request.values.get("duplicate", "")
    duplicate = get_contact(int(chosen)) if chosen.isdigit() else None
    if request.method == "POST":
        if duplicate is None:
            errors["duplicate"] = _("Choose the contact to merge into this one.")
        else:
            try:
                moved = merge_contacts(keep, duplicate, current_user)
            except PermissionError:
                abort(403)
            except ValidationError as exc:
                errors = exc.errors
            else:
                flash(ngettext("The contacts were merged; %(num)d ticket moved.",
                               "The contacts were merged; %(num)d tickets moved.",
                               len(moved)), "success")
                return redirect(url_for("contacts.show", contact_id=keep.id))
    q = request.args.get("q", "").strip()
    context = {
        "keep": keep, "duplicate": duplicate, "errors": errors, "q": q,
        "candidates": merge_candidates(keep, q),
        "keep_tickets": ticket_count(keep),
        "duplicate_tickets": ticket_count(duplicate) if duplicate else 0,
    }
    status = 422 if errors else 200
    if is_partial_request() and request.method == "GET" and "q" in request.args:
        return render("contacts/_merge_candidates.html", **context), status
    return render("contacts/merge.html", **context), status

