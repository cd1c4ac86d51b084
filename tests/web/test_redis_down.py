"""With Redis unreachable the service keeps working: the rate limits count in memory, a
message that cannot be queued waits for the sweep, and /healthz says what is down."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk import create_app
from helpdesk.api.services import SCOPES, create_token
from helpdesk.extensions import db, limiter
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from tests.conftest import PASSWORD, base_config
from tests.web.test_portal_contact import form

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
PHONE = "+966512345678"


@pytest.fixture
def dead_redis_app(app, make_app):
    """Rate limits on (as in production) with their storage and the queue on a dead port.

    Built after ``app`` (which the factories use): the limiter is one object for every app
    of the process, and the last app built decides whether it is on."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=DEAD_REDIS,
                   REDIS_URL=DEAD_REDIS)
    yield app
    # The limiter is one object for every app of this process: the next app's storage
    # is alive, so the fallback must not outlive this test.
    limiter._storage_dead = False


def test_login_tracking_the_contact_form_and_api_intake_work_with_redis_down(
        dead_redis_app, make_user, make_ticket, make_contact):
    app = dead_redis_app
    with app.app_context():
        user = make_user("manager")
        _token, secret = create_token(user, "الموقع", list(SCOPES))
        number = make_ticket(contact=make_contact(phone=PHONE)).number
        email = user.email
    client = app.test_client()

    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.post("/logout")
    tracked = client.post("/track", data={"number": number, "phone": "0512345678"})
    assert tracked.status_code == 302 and "/t/" in tracked.headers["Location"]
    assert client.post("/track", data={"number": number, "phone": "0500000000"}
                       ).status_code == 404
    assert client.post("/api/v1/public/track", json={"number": number, "phone": PHONE}
                       ).status_code == 200
    assert client.post("/contact", data=form()).status_code == 303
    created = client.post(
        "/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"},
        json={"channel": "website", "kind": "inquiry", "subject": "موعد التوزيع",
              "body": "متى يبدأ التوزيع؟", "contact": {"name": "نورة", "phone": "0512345679"}})
    assert created.status_code == 201, created.get_data(as_text=True)

    with app.app_context():
        assert db.session.scalar(select(Ticket).where(
            Ticket.number == created.get_json()["number"])) is not None
        # The contact form's SMS receipt could not be queued: it waits for the sweep.
        assert db.session.scalars(select(OutboxMessage)).first() is not None


def test_the_limits_still_hold_in_memory_while_redis_is_down(dead_redis_app):
    app = dead_redis_app
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    answers = [client.post("/login", data={"email": "x@example.org", "password": "wrong"},
                           environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code
               for _ in range(3)]
    assert answers[-1] == 429 and 500 not in answers


def test_healthz_reports_redis_down_and_stays_up_while_the_database_answers(dead_redis_app):
    response = dead_redis_app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"]["status"] == "down"
    assert body["checks"]["rate_limits"]["status"] == "down"
    assert body["checks"]["queue"]["required"] is False
    assert body["checks"]["queue"]["impact"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("dead_database", [
    "sqlite:////nonexistent-directory/sila.db",
    "postgresql+psycopg://postgres@127.0.0.1:1/sila"])
def test_healthz_answers_503_when_the_database_is_down(dead_database, tmp_path):
    app = create_app(base_config(dead_database, INSTANCE_PATH=str(tmp_path / "instance"),
                                 UPLOAD_DIR=str(tmp_path / "uploads")))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {
        "status": "down", "required": True, "error": "OperationalError",
        "impact": "nothing can be read or saved"}
    assert body["checks"]["queue"]["status"] == "ok"
