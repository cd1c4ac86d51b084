"""Expectations for the support request form and "Am I eligible?": the portal's routes are
deliberately public; the staff form needs tickets.create."""

from helpdesk.accounts.roles import PERMISSIONS
from tests.web.authz.rules import PUBLIC, Rule

CREATORS = {role for role, granted in PERMISSIONS.items() if "tickets.create" in granted}
SERVICE = "matrix_support"


def _service(app):
    """One active service with a document (created once, reused for every role)."""
    from helpdesk.services_catalog.services import create_service, get_service

    service = get_service(SERVICE)
    if service is None:
        service = create_service({
            "key": SERVICE, "name_ar": "خدمة المصفوفة",
            "fields": [{"name": "family_size", "type": "integer", "label_ar": "عدد الأفراد"}],
            "documents": [{"key": "id_copy", "label_ar": "صورة الهوية"}]}, actor=None)
    return service


def a_service(app):
    return {"service_key": _service(app).key}


def a_document(app):
    return {"service_key": _service(app).key, "document_key": "id_copy"}


def a_draft(app):
    from helpdesk.applications.services import new_draft

    draft = new_draft(_service(app))
    return {"service_key": SERVICE, "document_key": "id_copy", "draft": draft.token}


def a_receipt(app):
    from helpdesk.tickets.services import open_ticket
    from helpdesk.tickets.tracking_links import tracking_token

    ticket = open_ticket(channel_key="help_requests", kind="support_request",
                         subject="طلب المصفوفة")
    return {"token": tracking_token(ticket)}


EXPECTATIONS = {
    # An empty choice or an empty form comes back with its errors (422).
    "applications.apply": Rule(PUBLIC, methods=("GET", "POST"), ok={200, 422}),
    "applications.form": Rule(PUBLIC, methods=("GET", "POST"), setup=a_service,
                              ok={200, 422}),
    # Without htmx the autosave goes back to the form (302).
    "applications.autosave": Rule(PUBLIC, methods=("POST",), setup=a_service, ok={302}),
    # No file chosen: the form again, the message at the document.
    "applications.upload": Rule(PUBLIC, methods=("POST",), setup=a_document, ok={422}),
    "applications.remove_document": Rule(PUBLIC, methods=("POST",), setup=a_draft,
                                         ok={302}),
    "applications.receipt": Rule(PUBLIC, setup=a_receipt),
    "applications.eligibility": Rule(PUBLIC),
    "applications.eligibility_apply": Rule(PUBLIC, methods=("POST",), setup=a_service,
                                           data={"service": SERVICE}, ok={302}),
    "applications.staff_pick": Rule(CREATORS),
    # GET opens a draft and redirects to it; an empty post is refused beside the fields.
    "applications.staff_form": Rule(CREATORS, methods=("GET", "POST"), setup=a_service,
                                    ok={302, 422}),
    # The printed declaration reads a desk draft, which is its owner's alone: another
    # user's (here the portal's) draft is not found, even for a role that may print it.
    "applications.staff_declaration": Rule(CREATORS, setup=a_draft, ok={404}),
}
