"""Expectations for the service-level targets' admin page (helpdesk/sla/views.py)."""

from tests.web.authz.rules import Rule

MANAGERS = {"admin", "manager"}


def _service(app):
    """A service whose targets to set (created once per database)."""
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service

    service = db.session.scalar(select(Service).where(Service.key == "sla_matrix"))
    if service is None:
        service = Service(key="sla_matrix", name_ar="خدمة الأهداف", name_en="Targets service")
        db.session.add(service)
        db.session.commit()
    return {"service_id": service.id}


EXPECTATIONS = {
    "sla.index": Rule(MANAGERS),
    # An empty POST is refused with the messages beside the fields.
    "sla.save_kind": Rule(MANAGERS, methods=("POST",), url_args={"kind": "complaint"},
                          ok={422}),
    # Both fields empty: the service follows its kind (saved, back to the page).
    "sla.save_service": Rule(MANAGERS, methods=("POST",), setup=_service, ok={302}),
}
