"""Outbox delivery through the real huey consumer, a fake SMS gateway and an SMTP server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import select, update

from helpdesk.channels.models import ChannelConfig
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.outbox.delivery import (
    claim,
    deliver,
    due_message_ids,
    record,
    retry_delay,
)
from helpdesk.outbox.senders.sms import HttpSmsGateway
from helpdesk.plugin_api.types import DeliveryResult
from helpdesk.sla.breaches import record_sla_breaches
from helpdesk.tickets.models import Event
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.services import open_ticket
from helpdesk.worker import close_worker, get_worker
from tests.support.fake_sms_gateway import FakeSmsGateway
from tests.support.smtp_server import SmtpTestServer
from tests.support.worker import pending_task_args, running_worker, wait_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SILA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("SILA_REQUIRE_REDIS") == "1"
SENDER_ADDRESS = "care@albir.org.sa"


@pytest.fixture
def gateway():
    fake = FakeSmsGateway().start()
    yield fake
    fake.stop()


@pytest.fixture
def smtp():
    server = SmtpTestServer().start()
    yield server
    server.stop()


def delivery_config(gateway: FakeSmsGateway, smtp: SmtpTestServer, **extra):
    config = {
        "SMS_GATEWAY_URL": gateway.url, "SMS_API_KEY": gateway.api_key, "SMS_SENDER": "AlBir",
        "SMTP_HOST": smtp.host, "SMTP_PORT": smtp.port, "SMTP_FROM": SENDER_ADDRESS,
        "SMTP_SECURITY": "none",
        # Short steps so that a test sees several retries; the consumer's scheduler still
        # runs them in its own time.
        "OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_RETRY_BASE_SECONDS": 0.05,
        "OUTBOX_RETRY_MAX_SECONDS": 0.2,
    }
    config.update(extra)
    return config


@pytest.fixture
def app(make_app, gateway, smtp):
    application = make_app(**delivery_config(gateway, smtp))
    with application.app_context():
        yield application
    close_worker(application)


def send_reply(ticket, body="تم استلام طلبكم وسنتواصل معكم قريبًا بإذن الله."):
    """What a reply service does: the message event and its outbox row, one commit."""
    event = Event(ticket_id=ticket.id, type="message_out", visibility="public", body=body)
    db.session.add(event)
    db.session.flush()
    message = queue_message(ticket=ticket, purpose="reply", body=body, event_id=event.id)
    db.session.commit()
    return message.id, event.id


def outbox(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id)


def failure_events(ticket_id: int) -> list[Event]:
    return list(db.session.scalars(
        select(Event).where(Event.ticket_id == ticket_id, Event.type == "delivery_failed")
        .order_by(Event.id)))


def configure_phone_channel(gateway: FakeSmsGateway) -> None:
    db.session.add(ChannelConfig(channel_key="phone", settings={
        "sms_gateway_url": gateway.url, "sms_api_key": gateway.api_key,
        "sms_sender": "AlBir-Calls"}))
    db.session.commit()


# --- queueing after commit ------------------------------------------------------------------

def test_a_committed_message_is_queued_once_for_the_worker(app, make_ticket):
    ticket = make_ticket(channel_key="interview")
    message_id, _ = send_reply(ticket)
    assert pending_task_args(get_worker(app)) == [(message_id,)]


def test_a_rolled_back_message_never_reaches_the_queue(app, make_ticket):
    ticket = make_ticket(channel_key="interview")
    queue_message(ticket=ticket, purpose="reply", body="لن يُرسل")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert pending_task_args(get_worker(app)) == []
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_message_written_in_a_savepoint_is_queued_when_the_outer_transaction_commits(
        app, make_ticket):
    ticket = make_ticket(channel_key="interview")
    with db.session.begin_nested():
        message = queue_message(ticket=ticket, purpose="reply", body="رسالة")
    assert pending_task_args(get_worker(app)) == []
    db.session.commit()
    assert pending_task_args(get_worker(app)) == [(message.id,)]


def test_a_queue_that_is_down_does_not_undo_the_change_that_wrote_the_message(
        make_app, gateway, smtp, caplog):
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        dead_redis = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    app = make_app(**delivery_config(gateway, smtp, REDIS_URL=dead_redis))
    with app.app_context():
        contact = Contact(name="منيرة", phone="+966500000888")
        db.session.add(contact)
        db.session.commit()
        ticket = open_ticket(channel_key="interview", kind="inquiry", subject="استفسار",
                             contact=contact)
        message_id, _ = send_reply(ticket)
        db.session.rollback()
        assert outbox(message_id).status == "pending"  # kept, for the sweep to send
        assert due_message_ids() == [message_id]
        assert "the sweep will send them" in caplog.text
        close_worker(app)


def test_the_default_queue_is_sqlite_in_the_instance_folder(app):
    huey = get_worker(app).huey
    assert isinstance(huey, SqliteHuey)
    assert huey.storage.filename == str(Path(app.config["INSTANCE_PATH"]) / "huey.db")


# --- delivery by the real consumer ----------------------------------------------------------

def test_a_reply_on_a_phone_ticket_is_sent_once_by_sms_and_marked_delivered(
        app, make_ticket, gateway):
    configure_phone_channel(gateway)
    ticket = make_ticket(channel_key="phone")
    phone = ticket.contact.phone

    with running_worker(app, workers=2) as tasks:
        message_id, event_id = send_reply(ticket)
        tasks.deliver(message_id)  # a duplicate task, as a sweep racing the enqueue would make
        wait_for(lambda: outbox(message_id).status == "sent", "the reply to be sent")
        wait_for(lambda: tasks.huey.pending_count() == 0, "the queue to drain")

    row = outbox(message_id)
    assert row.transport == "channel" and row.channel_key == "phone"
    assert [sms.payload["to"] for sms in gateway.sent] == [phone]
    assert gateway.sent[0].payload["from"] == "AlBir-Calls"
    assert gateway.sent[0].idempotency_key == row.idempotency_key
    assert len(gateway.requests) == 1
    assert row.provider_id == gateway.sent[0].id
    assert row.attempts == 1 and row.sent_at is not None and row.last_error is None
    event = db.session.get(Event, event_id)
    assert event.data["delivered"] is True and event.data["delivered_via"] == "channel"
    assert failure_events(ticket.id) == []
    assert deliver(message_id).status == "busy"  # finished: a late task sends nothing
    assert len(gateway.requests) == 1


def test_a_walk_in_ticket_is_answered_by_sms_through_the_core_gateway(
        app, make_ticket, gateway):
    ticket = make_ticket(channel_key="interview")

    with running_worker(app):
        message_id, _ = send_reply(ticket, body="موعد المقابلة القادم يوم الأحد")
        wait_for(lambda: outbox(message_id).status == "sent", "the SMS to be sent")

    assert outbox(message_id).transport == "sms"
    [sms] = gateway.sent
    assert sms.payload == {"to": ticket.contact.phone, "from": "AlBir",
                           "body": "موعد المقابلة القادم يوم الأحد",
                           "reference": outbox(message_id).idempotency_key}


def test_a_walk_in_without_a_mobile_number_is_answered_by_email(
        app, make_ticket, make_contact, smtp):
    contact = make_contact(phone=None, email="huda@example.org")
    ticket = make_ticket(channel_key="interview", contact=contact)

    with running_worker(app):
        message_id, _ = send_reply(ticket, body="نرحب بكم في الجمعية")
        wait_for(lambda: outbox(message_id).status == "sent", "the email to be sent")

    row = outbox(message_id)
    assert row.transport == "email"
    [mail] = smtp.messages()
    assert mail.recipients == ["huda@example.org"]
    assert mail.message["From"] == SENDER_ADDRESS
    assert ticket.number in mail.message["Subject"]
    assert mail.message["Message-ID"] == f"<{row.idempotency_key}@albir.org.sa>"
    assert mail.message.get_content().strip() == "نرحب بكم في الجمعية"
    assert row.provider_id == mail.message["Message-ID"]


def test_a_failing_gateway_is_retried_with_backoff_until_the_message_is_dead(
        app, make_ticket, gateway):
    gateway.fail_always(503)
    ticket = make_ticket(channel_key="interview")

    with running_worker(app):
        message_id, event_id = send_reply(ticket)
        wait_for(lambda: outbox(message_id).status == "dead", "the message to be given up")

    row = outbox(message_id)
    assert row.attempts == 3 and len(gateway.requests) == 3 and gateway.sent == []
    assert "503" in row.last_error
    events = failure_events(ticket.id)
    assert [e.data["attempt"] for e in events] == [1, 2, 3]
    assert [e.data["final"] for e in events] == [False, False, True]
    assert all(e.visibility == "internal" and "503" in e.body for e in events)
    assert all(e.data["retry_at"] for e in events[:2]) and events[2].data["retry_at"] is None
    message_event = db.session.get(Event, event_id)
    assert message_event.data["delivered"] is False
    assert "503" in message_event.data["delivery_error"]


def test_a_gateway_that_recovers_gets_the_message_once_after_the_retries(
        app, make_ticket, gateway):
    gateway.fail_next(503, 429)
    ticket = make_ticket(channel_key="interview")

    with running_worker(app):
        message_id, _ = send_reply(ticket)
        wait_for(lambda: outbox(message_id).status == "sent", "the message to be sent")

    assert outbox(message_id).attempts == 3
    assert len(gateway.sent) == 1
    assert [e.data["final"] for e in failure_events(ticket.id)] == [False, False]


def test_a_permanent_refusal_is_not_retried(app, make_ticket, gateway):
    gateway.fail_always(400)
    ticket = make_ticket(channel_key="interview")

    with running_worker(app):
        message_id, _ = send_reply(ticket)
        wait_for(lambda: outbox(message_id).status == "dead", "the message to be given up")

    assert outbox(message_id).attempts == 1 and len(gateway.requests) == 1
    [event] = failure_events(ticket.id)
    assert event.data["final"] is True and "400" in event.body


def test_a_worker_that_died_mid_send_leads_to_one_delivery_not_two(
        app, make_ticket, gateway):
    ticket = make_ticket(channel_key="interview")
    message_id, _ = send_reply(ticket)
    tasks = get_worker(app)
    tasks.huey.flush()  # the queued task went down with the worker
    # The worker that died: it claimed the message, the gateway sent the SMS, and the
    # worker never recorded it. Its claim is now older than the sending timeout.
    assert claim(message_id, utcnow()) == 1
    row = outbox(message_id)
    first = HttpSmsGateway(gateway.url, gateway.api_key, "AlBir").send_sms(
        to=row.to_phone, body=row.body, idempotency_key=row.idempotency_key)
    assert first.ok and len(gateway.sent) == 1
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()

    with running_worker(app) as tasks:
        tasks.sweep_outbox()
        wait_for(lambda: outbox(message_id).status == "sent", "the stale claim to be retried")

    row = outbox(message_id)
    assert len(gateway.requests) == 2  # sent again, with the same key …
    assert len(gateway.sent) == 1      # … so the gateway delivered it once
    assert row.provider_id == first.provider_id and row.attempts == 2


def test_redis_is_the_queue_when_redis_url_is_set(make_app, gateway, smtp):
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:
        if REQUIRE_REDIS:
            pytest.fail(f"Redis unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    queue = f"sila_test_{uuid.uuid4().hex}"
    app = make_app(**delivery_config(gateway, smtp, REDIS_URL=REDIS_URL, HUEY_NAME=queue))
    with app.app_context():
        huey = get_worker(app).huey
        assert isinstance(huey, RedisHuey) and huey.storage.queue_key == f"huey.redis.{queue}"
        try:
            with running_worker(app):
                contact_phone = "+966500000777"
                contact = Contact(name="سارة", phone=contact_phone)
                db.session.add(contact)
                db.session.commit()
                ticket = open_ticket(channel_key="interview", kind="inquiry",
                                     subject="استفسار", contact=contact)
                message_id, _ = send_reply(ticket)
                wait_for(lambda: outbox(message_id).status == "sent", "delivery through Redis")
            assert [sms.payload["to"] for sms in gateway.sent] == [contact_phone]
        finally:
            get_worker(app).huey.flush()
            close_worker(app)


def test_flask_helpdesk_worker_runs_the_consumer_that_delivers(
        app, make_ticket, gateway, tmp_path):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("HELPDESK_", "SMS_", "SMTP_", "HUEY_", "OUTBOX_", "FLASK_"))
           and name not in ("REDIS_URL", "DATABASE_URL", "SECRET_KEY")}
    env.update({
        "HELPDESK_TESTING": "1", "SECRET_KEY": "test-secret",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HELPDESK_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "SMS_GATEWAY_URL": gateway.url, "SMS_API_KEY": gateway.api_key, "SMS_SENDER": "AlBir",
    })
    ticket = make_ticket(channel_key="interview")
    message_id, _ = send_reply(ticket)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "helpdesk", "worker",
             "--workers", "1"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: outbox(message_id).status == "sent" or worker.poll() is not None,
                     "the worker process to send the message")
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert outbox(message_id).status == "sent", output
    assert "sila worker: 1 thread(s), sqlite queue 'sila'" in output
    assert [sms.payload["to"] for sms in gateway.sent] == [ticket.contact.phone]


# --- the pieces, one at a time --------------------------------------------------------------

def test_retry_delays_grow_exponentially_with_jitter_up_to_the_cap():
    assert [retry_delay(n, 60, 3600, rand=lambda: 0.0) for n in (1, 2, 3, 4)] == \
        [30, 60, 120, 240]
    assert [retry_delay(n, 60, 3600, rand=lambda: 1.0) for n in (1, 2, 3, 4)] == \
        [60, 120, 240, 480]
    assert retry_delay(20, 60, 3600, rand=lambda: 1.0) == 3600
    assert retry_delay(20, 60, 3600, rand=lambda: 0.0) == 1800


def test_a_message_is_claimed_by_one_worker_only(app, make_ticket):
    message_id, _ = send_reply(make_ticket(channel_key="interview"))
    now = utcnow()
    assert claim(message_id, now) == 1
    assert claim(message_id, now) is None
    assert outbox(message_id).status == "sending"


def test_a_presumed_dead_worker_cannot_overwrite_the_newer_attempt(app, make_ticket):
    message_id, _ = send_reply(make_ticket(channel_key="interview"))
    assert claim(message_id, utcnow()) == 1  # the slow worker, presumed dead an hour later
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    assert claim(message_id, utcnow()) == 2  # its stale claim is taken over
    late = record(message_id, 1, DeliveryResult(ok=False, error="timeout", retryable=True))
    assert late.status == "superseded"
    assert record(message_id, 2, DeliveryResult(ok=True, provider_id="p-1")).status == "sent"
    row = outbox(message_id)
    assert row.status == "sent" and row.provider_id == "p-1" and row.last_error is None


def test_the_sweep_finds_due_messages_and_stale_claims_only(app, make_ticket):
    ticket = make_ticket(channel_key="interview")
    now = utcnow()
    ids = {}
    for name, status, next_at, claimed_at in [
        ("due", "pending", now - timedelta(seconds=1), None),
        ("retry_due", "failed", now - timedelta(seconds=1), None),
        ("retry_later", "failed", now + timedelta(minutes=5), None),
        ("fresh_claim", "sending", now, now - timedelta(seconds=10)),
        ("stale_claim", "sending", now, now - timedelta(hours=1)),
        ("sent", "sent", now - timedelta(hours=1), None),
        ("dead", "dead", now - timedelta(hours=1), None),
    ]:
        message = queue_message(ticket=ticket, purpose="reply", body=name)
        message.status, message.next_attempt_at, message.claimed_at = status, next_at, claimed_at
        db.session.flush()
        ids[name] = message.id
    db.session.commit()
    assert due_message_ids(now) == [ids["due"], ids["retry_due"], ids["stale_claim"]]


def test_the_periodic_tick_marks_an_overdue_open_ticket_once(app, make_ticket):
    overdue, closed, on_time = (make_ticket(channel_key="interview") for _ in range(3))
    overdue.resolution_due_at = utcnow() - timedelta(hours=2)
    closed.resolution_due_at = utcnow() - timedelta(hours=2)
    closed.status = "closed"
    on_time.resolution_due_at = utcnow() + timedelta(days=2)
    db.session.commit()
    overdue_id, closed_id, on_time_id = overdue.id, closed.id, on_time.id

    def breaches(ticket_id):
        return list(db.session.scalars(select(Event).where(
            Event.ticket_id == ticket_id, Event.type == "sla_breached")))

    with running_worker(app) as tasks:
        tasks.tick()
        wait_for(lambda: breaches(overdue_id), "the overdue ticket to be marked")

    assert record_sla_breaches() == []  # already marked: not twice
    [event] = breaches(overdue_id)
    assert event.visibility == "internal" and event.data["clock"] == "resolution"
    assert breaches(closed_id) == [] and breaches(on_time_id) == []
