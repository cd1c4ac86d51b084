"""The core-owned webhook: verify → parse → intake, failures recorded, never dropped."""

from __future__ import annotations

import hashlib
import hmac
import json
import types
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.channels.models import ChannelConfig, IntakeFailure
from helpdesk.channels.services import set_channel_active
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api import hookimpl
from helpdesk.tickets.models import Event, ExternalRef, Ticket

PAYLOADS = Path(__file__).resolve().parents[1] / "plugins" / "payloads"
SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "sila-verify-123"
URL = "/channels/social/webhook"


def payload(name: str) -> bytes:
    return (PAYLOADS / f"whatsapp_{name}.json").read_bytes()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def configure_social(**settings: str) -> None:
    db.session.add(ChannelConfig(channel_key="social", active=True, settings={
        "whatsapp_app_secret": SECRET, "whatsapp_verify_token": VERIFY_TOKEN, **settings}))
    db.session.commit()


@pytest.fixture
def social(app):
    configure_social()
    return app


def deliver(client, name: str, **kwargs):
    body = payload(name)
    return client.post(URL, data=body, headers=signed(body), **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def committed(model) -> int:
    """Rows another connection sees: what has been committed."""
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


def tickets() -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def test_a_signed_whatsapp_message_opens_a_ticket_for_its_sender(social, client):
    response = deliver(client, "text")
    assert response.status_code == 200
    assert response.json == {"ok": True, "received": 1, "created": 1, "appended": 0,
                             "duplicates": 0, "failed": 0}
    [ticket] = tickets()
    assert ticket.channel_key == "social"
    assert ticket.status == "new"
    assert ticket.subject == "السلام عليكم، متى يبدأ التسجيل في برنامج الكسوة الشتوية؟"
    assert ticket.contact.name == "أم خالد"
    assert ticket.contact.phone == "+966512345678"
    assert ticket.channel_data["wa_id"] == "966512345678"
    created = db.session.scalars(select(Event).where(Event.ticket_id == ticket.id)).one()
    assert created.type == "created"
    assert created.body.endswith("وهل يشمل الأيتام؟")


def test_the_same_delivery_twice_gives_one_ticket(social, client):
    assert deliver(client, "text").json["created"] == 1
    again = deliver(client, "text")
    assert again.status_code == 200
    assert again.json["duplicates"] == 1 and again.json["created"] == 0
    assert len(tickets()) == 1
    assert count(ExternalRef) == 1
    assert count(Event) == 1


def test_a_follow_up_from_the_same_person_joins_the_open_ticket(social, client):
    deliver(client, "text")
    response = deliver(client, "followup")
    assert response.json["appended"] == 1
    [ticket] = tickets()
    events = db.session.scalars(
        select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)).all()
    assert [e.type for e in events] == ["created", "message_in"]
    assert events[1].body == "وعندي سؤال ثاني: هل أحتاج أحضر صك الإعالة؟"
    assert events[1].visibility == "public"
    assert events[1].data["direction"] == "in"
    assert events[1].data["details"]["in_reply_to"].startswith("wamid.")
    assert count(ExternalRef) == 2


def test_a_follow_up_after_the_ticket_was_closed_opens_a_new_ticket(social, client):
    deliver(client, "text")
    [first] = tickets()
    first.status = "closed"
    db.session.commit()
    assert deliver(client, "followup").json["created"] == 1
    assert [t.status for t in tickets()] == ["closed", "new"]
    assert tickets()[1].contact_id == first.contact_id


def test_a_message_after_the_threading_window_opens_a_new_ticket(social, client):
    deliver(client, "text")
    [first] = tickets()
    first.updated_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert deliver(client, "followup").json["created"] == 1
    assert len(tickets()) == 2


def test_the_threading_window_is_configurable(make_app):
    app = make_app(INTAKE_THREAD_WINDOW_DAYS=30)
    with app.app_context():
        configure_social()
        client = app.test_client()
        deliver(client, "text")
        [first] = tickets()
        first.updated_at = utcnow() - timedelta(days=8)
        db.session.commit()
        assert deliver(client, "followup").json["appended"] == 1


def test_a_batch_opens_a_ticket_per_person_and_skips_reactions(social, client):
    response = deliver(client, "batch")
    assert response.json == {"ok": True, "received": 4, "created": 2, "appended": 2,
                             "duplicates": 0, "failed": 0}
    first, second = tickets()
    assert first.contact.name == "سعد العتيبي"
    assert first.subject == "صورة فاتورة الكهرباء المتأخرة"
    assert second.contact.name == "Noura"


def test_a_delivery_receipt_is_acknowledged_and_opens_nothing(social, client):
    response = deliver(client, "status")
    assert response.status_code == 200
    assert response.json["received"] == 0
    assert tickets() == []
    assert count(IntakeFailure) == 0


def test_a_bad_signature_is_refused_with_403_and_recorded(social, client):
    body = payload("text")
    response = client.post(URL, data=body, headers=signed(body, secret="a guess"))
    assert response.status_code == 403
    assert tickets() == []
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert failure.channel_key == "social"
    assert failure.reason == "signature"
    assert failure.resolved is False
    assert "أم خالد" in failure.payload_excerpt
    assert failure.payload_size == len(body)
    assert failure.payload_sha256 == hashlib.sha256(body).hexdigest()
    assert failure.headers["X-Hub-Signature-256"].startswith("sha256=")


def test_an_unsigned_request_is_refused_and_recorded(social, client):
    response = client.post(URL, json={"object": "whatsapp_business_account"})
    assert response.status_code == 403
    assert db.session.scalars(select(IntakeFailure.reason)).all() == ["signature"]


def test_an_unparseable_payload_is_refused_with_400_and_kept(social, client):
    body = b'{"object": "whatsapp_business_account", "entry": "not a list"}'
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 400
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert failure.reason == "parse"
    assert "not a JSON array" in failure.detail
    assert failure.payload_excerpt == body.decode()
    assert tickets() == []


def test_a_huge_payload_is_kept_only_in_part(social, client):
    body = json.dumps({"object": "whatsapp_business_account",
                       "entry": "x" * 100_000}).encode()
    assert client.post(URL, data=body, headers=signed(body)).status_code == 400
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert failure.payload_size == len(body)
    assert len(failure.payload_excerpt) == 16 * 1024


def test_an_inactive_channel_answers_404_and_records_nothing(social, client, make_user):
    set_channel_active("social", False, make_user("admin"))
    assert deliver(client, "text").status_code == 404
    assert tickets() == []
    assert count(IntakeFailure) == 0


@pytest.mark.parametrize("key", ["nonexistent", "phone"])
def test_an_unknown_channel_or_one_without_webhooks_answers_404(social, client, key):
    body = payload("text")
    assert client.post(f"/channels/{key}/webhook", data=body,
                       headers=signed(body)).status_code == 404
    assert client.get(f"/channels/{key}/webhook").status_code == 404


def test_the_webhook_needs_no_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        configure_social()
        assert deliver(app.test_client(), "text").status_code == 200


def test_the_whatsapp_verification_handshake_echoes_the_challenge(social, client):
    response = client.get(URL, query_string={"hub.mode": "subscribe",
                                             "hub.verify_token": VERIFY_TOKEN,
                                             "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "1158201444"
    assert response.mimetype == "text/plain"


def test_the_handshake_with_a_wrong_token_is_refused(social, client):
    response = client.get(URL, query_string={"hub.mode": "subscribe",
                                             "hub.verify_token": "guess",
                                             "hub.challenge": "1158201444"})
    assert response.status_code == 403
    assert "1158201444" not in response.get_data(as_text=True)


def test_the_webhook_is_rate_limited_per_channel(make_app):
    app = make_app(RATELIMIT_ENABLED=True, WEBHOOK_RATE_LIMIT="2 per minute")
    with app.app_context():
        configure_social()
        client = app.test_client()
        statuses = [deliver(client, "status").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        # Another channel's budget is its own (this one is unknown: 404, not 429).
        assert client.post("/channels/nonexistent/webhook", data=b"{}").status_code == 404


def test_plugins_hear_of_the_new_ticket_and_the_message_after_commit(make_app):
    heard: list[tuple[str, str, int]] = []

    def ticket_created(ticket):
        # After commit: another connection already sees the ticket.
        heard.append(("created", ticket.number, committed(Ticket)))

    def message_added(ticket, direction, body, visibility):
        heard.append((f"message {direction} {visibility}", ticket.number, committed(Event)))

    listener = types.ModuleType("listener")
    listener.__file__ = __file__  # plugins are modules with a home folder
    listener.helpdesk_ticket_created = hookimpl(ticket_created)
    listener.helpdesk_message_added = hookimpl(message_added)
    app = make_app(plugins=["plugins.social", listener])
    with app.app_context():
        configure_social()
        client = app.test_client()
        deliver(client, "text")
        deliver(client, "followup")
        number = tickets()[0].number
    assert heard == [("created", number, 1), ("message in public", number, 2)]


def test_an_admin_sees_a_failed_delivery_and_marks_it_handled(social, client, make_user,
                                                              login):
    body = b"not json at all"
    client.post(URL, data=body, headers=signed(body))
    login(make_user("admin"))
    assert 'data-testid="intake-failures-alert"' in client.get("/channels").get_data(
        as_text=True)
    page = client.get("/channels/failures").get_data(as_text=True)
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert f'data-failure="{failure.id}"' in page
    assert "not json at all" in page
    assert "محتوى غير مقروء" in page  # the reason, in Arabic
    response = client.post(f"/channels/failures/{failure.id}/resolve",
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'data-failure="{failure.id}"' not in response.get_data(as_text=True)
    db.session.expire_all()
    assert failure.resolved and failure.resolved_at is not None
    assert 'data-testid="intake-failures-alert"' not in client.get("/channels").get_data(
        as_text=True)


def test_staff_outside_administration_see_no_failed_deliveries(social, client, make_user,
                                                                login):
    body = b"not json at all"
    client.post(URL, data=body, headers=signed(body))
    login(make_user("agent"))
    assert 'intake-failures-alert' not in client.get("/channels").get_data(as_text=True)
    assert client.get("/channels/failures").status_code == 403
