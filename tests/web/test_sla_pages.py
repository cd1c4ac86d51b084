"""The service-level pages on a real database: the admin's targets (refusals at the field,
in Arabic, keeping what was typed), the "overdue" and "at risk" queue views, the ticket's
time left, and the API's due times and state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.api.services import SCOPES, create_token
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.sla.models import SlaTarget
from helpdesk.sla.targets import targets_for
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queue import QueueFilters, queue_page

HTMX = {"HX-Request": "true"}


@pytest.fixture
def manager(make_user, login):
    user = make_user("manager")
    login(user)
    return user


def text(response) -> str:
    return response.get_data(as_text=True)


def _set(ticket: Ticket, **values) -> Ticket:
    for name, value in values.items():
        setattr(ticket, name, value)
    db.session.commit()
    return ticket


# -- the admin page -----------------------------------------------------------------------

def test_the_targets_page_lists_every_kind_and_service_in_arabic(client, manager):
    db.session.add(Service(key="rent", name_ar="دعم الإيجار", name_en="Rent"))
    db.session.commit()
    page = text(client.get("/admin/sla"))
    assert "أهداف مستوى الخدمة" in page
    assert 'data-testid="sla-kind-complaint"' in page
    assert "دعم الإيجار" in page and "تتبع نوعها" in page


def test_an_admin_sets_a_kinds_target_through_htmx(client, manager):
    response = client.post("/admin/sla/kinds/complaint", headers=HTMX,
                           data={"first_response_days": "0.5", "resolution_days": "٣"})
    assert response.status_code == 200
    assert 'data-testid="saved"' in text(response)
    targets = targets_for("complaint", None)
    assert (targets.first_response_days, targets.resolution_days) == (0.5, 3)


@pytest.mark.parametrize("typed", ["0", "-2", "abc", "9999"])
def test_a_target_of_zero_or_nonsense_is_refused_at_the_field(client, manager, typed):
    response = client.post("/admin/sla/kinds/inquiry", headers=HTMX,
                           data={"first_response_days": typed, "resolution_days": "3"})
    assert response.status_code == 422
    html = text(response)
    assert 'data-testid="error-first_response_days"' in html
    assert f'value="{typed}"' in html  # what was typed stays
    assert 'value="3"' in html
    assert db.session.scalar(select(SlaTarget)) is None


def test_a_zero_target_is_refused_in_arabic_on_a_plain_form_post(client, manager):
    response = client.post("/admin/sla/kinds/inquiry",
                           data={"first_response_days": "1", "resolution_days": "0"})
    assert response.status_code == 422
    html = text(response)
    assert "يجب أن يكون الهدف أكثر من صفر يوم عمل." in html
    assert 'value="0"' in html


def test_a_resolution_before_the_first_response_is_refused(client, manager):
    response = client.post("/admin/sla/kinds/inquiry", headers=HTMX,
                           data={"first_response_days": "3", "resolution_days": "1"})
    assert response.status_code == 422
    assert 'data-testid="error-resolution_days"' in text(response)


def test_a_service_gets_its_own_targets_then_follows_its_kind_again(client, manager):
    service = Service(key="food", name_ar="السلال الغذائية", name_en="Food")
    db.session.add(service)
    db.session.commit()
    saved = client.post(f"/admin/sla/services/{service.id}",
                        data={"first_response_days": "1", "resolution_days": "2"})
    assert saved.status_code == 302
    assert targets_for("inquiry", service.id).source == "service"
    client.post(f"/admin/sla/services/{service.id}", headers=HTMX,
                data={"first_response_days": "", "resolution_days": ""})
    assert targets_for("inquiry", service.id).source == "default"


def test_an_unknown_kind_or_service_answers_404(client, manager):
    assert client.post("/admin/sla/kinds/nothing", data={}).status_code == 404
    assert client.post("/admin/sla/services/999999", data={}).status_code == 404


def test_an_agent_cannot_open_the_targets(client, make_user, login):
    login(make_user("agent"))
    assert client.get("/admin/sla").status_code == 403


# -- the queue views --------------------------------------------------------------------

def test_the_at_risk_view_lists_open_tickets_past_their_risk_instant_not_yet_due(
        manager, make_ticket):
    now = utcnow()
    risky, calm, late, closed = (make_ticket() for _ in range(4))
    _set(risky, at_risk_at=now - timedelta(hours=1), resolution_due_at=now + timedelta(hours=1))
    _set(calm, at_risk_at=now + timedelta(hours=5), resolution_due_at=now + timedelta(hours=9))
    _set(late, at_risk_at=now - timedelta(hours=9), resolution_due_at=now - timedelta(hours=1))
    _set(closed, status="closed", at_risk_at=now - timedelta(hours=1),
         resolution_due_at=now + timedelta(hours=1))
    at_risk = [t.number for t in queue_page(manager, QueueFilters(view="at_risk")).tickets]
    overdue = [t.number for t in queue_page(manager, QueueFilters(view="overdue")).tickets]
    assert at_risk == [risky.number]
    assert overdue == [late.number]


def test_the_queue_pages_show_the_views_and_each_rows_state(client, manager, make_ticket):
    now = utcnow()
    risky = _set(make_ticket(), at_risk_at=now - timedelta(hours=1),
                 resolution_due_at=now + timedelta(hours=1))
    late = _set(make_ticket(), resolution_due_at=now - timedelta(hours=3))
    page = text(client.get("/tickets?view=at_risk"))
    assert risky.number in page and late.number not in page
    assert 'data-sla="at_risk"' in page and "معرّضة للتأخر" in page
    page = text(client.get("/tickets?view=overdue"))
    assert late.number in page and risky.number not in page
    assert 'data-sla="breached"' in page and "متأخرة" in page


def test_the_at_risk_view_reads_an_index_not_the_whole_table(app, manager):
    from sqlalchemy.dialects import postgresql, sqlite

    from helpdesk.tickets.queue import queue_clauses
    statement = select(Ticket.id).where(*queue_clauses(manager, QueueFilters(view="at_risk")))
    dialect = db.engine.dialect.name
    compiled = statement.compile(dialect=(sqlite.dialect() if dialect == "sqlite"
                                          else postgresql.dialect()),
                                 compile_kwargs={"literal_binds": True})
    plan = " ".join(str(row) for row in db.session.execute(
        db.text(("EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN ") + str(compiled))))
    if dialect == "sqlite":
        assert "ix_tickets_open_at_risk" in plan
    else:  # an empty table may be scanned; the index must at least be usable
        assert "tickets" in plan


# -- the ticket page and the API ----------------------------------------------------------

def test_a_new_ticket_shows_its_time_left_on_its_page(client, manager, make_ticket):
    ticket = make_ticket(kind="complaint")
    assert ticket.resolution_due_at is not None
    page = text(client.get(f"/tickets/{ticket.number}"))
    assert 'data-testid="sla-resolution"' in page
    assert 'data-testid="sla-first_response"' in page
    assert "متبقٍ" in page or "متأخرة" in page


def test_the_api_exposes_due_times_and_state(client, make_user, make_ticket):
    ticket = make_ticket(kind="inquiry")
    _token, secret = create_token(make_user("manager"), "لوحة المتابعة", list(SCOPES))
    body = client.get(f"/api/v1/tickets/{ticket.number}",
                      headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert body["resolution_due_at"] == ticket.resolution_due_at.isoformat()
    assert body["first_response_due_at"] == ticket.first_response_due_at.isoformat()
    assert body["first_responded_at"] is None
    assert body["sla_state"] in ("on_track", "at_risk", "breached")
    assert isinstance(body["sla_seconds_left"], int)
    listing = client.get("/api/v1/tickets",
                         headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert listing["tickets"][0]["sla_state"] == body["sla_state"]
