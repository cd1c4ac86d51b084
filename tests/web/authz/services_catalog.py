"""Expectations for the service catalogue: admin pages and the public eligibility check."""

from tests.web.authz.rules import PUBLIC, Rule

MANAGERS = {"admin", "manager"}


def _service(app):
    """A service to edit and to check (created once per database)."""
    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service
    from helpdesk.services_catalog.services import get_service

    if get_service("matrix_service") is None:
        db.session.add(Service(
            key="matrix_service", name_ar="خدمة المصفوفة", name_en="Matrix service",
            fields=[{"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                     "label_en": "Family size", "required": True}],
            documents=[],
            rules=[{"type": "min", "field": "family_size", "value": 3}]))
        db.session.commit()
    return {"key": "matrix_service"}


EXPECTATIONS = {
    "services_catalog.index": Rule(MANAGERS),
    # An empty POST is refused with the errors beside the fields.
    "services_catalog.create": Rule(MANAGERS, methods=("GET", "POST"), ok={200, 422}),
    "services_catalog.edit": Rule(MANAGERS, methods=("GET", "POST"), setup=_service,
                                  ok={200, 422}),
    # Deliberately public: the portal asks it while the person fills in the request.
    "services_catalog.eligibility": Rule(PUBLIC, methods=("POST",), setup=_service,
                                         data={"answer-family_size": "4"}),
}
