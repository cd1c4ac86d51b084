"""Outgoing webhooks: deliveries written with the change, signed, sent in order by the real
huey consumer to a real HTTP receiver, retried with backoff; the SSRF guard; admin pages."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.portal import services as portal
from helpdesk.tickets import services as tickets
from helpdesk.validation import ValidationError
from helpdesk.webhooks import services as webhooks
from helpdesk.webhooks.addresses import UnsafeUrl, check_url, is_forbidden
from helpdesk.webhooks.delivery import deliver_one
from helpdesk.webhooks.events import EVENT_TYPES
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription
from helpdesk.webhooks.sending import signature
from helpdesk.worker import close_worker
from tests.support.webhook_receiver import WebhookReceiver
from tests.support.worker import running_worker, wait_for

ALL_EVENTS = list(EVENT_TYPES)


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def app(make_app):
    application = make_app(WEBHOOK_MAX_ATTEMPTS=4, WEBHOOK_RETRY_BASE_SECONDS=0.2,
                           WEBHOOK_RETRY_MAX_SECONDS=0.4, WEBHOOK_TIMEOUT_SECONDS=5)
    with application.app_context():
        yield application
    close_worker(application)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def subscribe(admin, url, *, allow_private=True, events=ALL_EVENTS, name="نظام المتبرعين"):
    subscription, secret = webhooks.create_subscription(
        {"name": name, "url": url, "allow_private": allow_private, "event_types": events},
        actor=admin)
    return subscription, secret


def verify(hook, secret: str) -> bool:
    """What a receiver does: recompute the HMAC of "timestamp.body" and compare."""
    timestamp = hook.headers["x-sila-timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + hook.body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, hook.headers["x-sila-signature"])


def deliveries(subscription_id: int) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id).order_by(WebhookDelivery.id)))


# ---------------------------------------------------------------------------------------
# Signing

def test_the_signature_is_the_hmac_sha256_of_the_timestamp_and_the_body():
    body = b'{"type":"ticket.created"}'
    expected = hmac.new(b"whsec_x", b"1763900000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_x", "1763900000", body) == f"sha256={expected}"
    assert signature("whsec_y", "1763900000", body) != f"sha256={expected}"
    assert signature("whsec_x", "1763900001", body) != f"sha256={expected}"


# ---------------------------------------------------------------------------------------
# End to end through the real consumer

def test_an_allowed_local_subscriber_receives_signed_events_in_order(
        app, admin, receiver, make_ticket, make_user):
    subscription, secret = subscribe(admin, receiver.url)
    agent = make_user("manager")
    with running_worker(app, workers=2):
        ticket = make_ticket(kind="inquiry", body="متى يبدأ التوزيع؟")
        tickets.start(ticket.number, actor=agent, expected_version=ticket.version)
        ticket = tickets.reply(ticket.number, actor=agent, expected_version=None,
                               body="يبدأ التوزيع يوم الأحد بإذن الله.")
        tickets.resolve(ticket.number, actor=agent, expected_version=None)
        tickets.close(ticket.number, actor=agent, expected_version=None,
                      resolution_code="answered", resolution_note="أُجيب الاستفسار")
        portal.rate_service(ticket, stars=5, comment="شكرًا")
        # Resolving sends the satisfaction survey; closing, the closing message.
        expected = ["ticket.created", "ticket.status_changed", "ticket.message_added",
                    "ticket.status_changed", "ticket.message_added", "ticket.status_changed",
                    "ticket.closed", "ticket.message_added", "ticket.rated"]
        wait_for(lambda: len(receiver.delivered()) >= len(expected), "every event to arrive")

    hooks = receiver.delivered()
    assert [hook.headers["x-sila-event"] for hook in hooks] == expected
    assert all(verify(hook, secret) for hook in hooks)
    assert not verify(hooks[0], "whsec_not_the_secret")
    assert [hook.json["type"] for hook in hooks] == expected
    assert all(hook.path == "/hooks/sila?source=test" for hook in hooks)
    keys = [hook.headers["x-sila-delivery"] for hook in hooks]
    assert len(set(keys)) == len(keys) and [hook.json["id"] for hook in hooks] == keys
    created = hooks[0].json
    assert created["ticket"]["number"] == ticket.number
    assert created["ticket"]["channel"] == "phone" and created["ticket"]["kind"] == "inquiry"
    assert created["data"]["body"] == "متى يبدأ التوزيع؟"
    assert hooks[1].json["data"] | {"event_id": None} == {
        "event_id": None, "action": "start", "from": "new", "to": "in_progress", "note": None}
    assert hooks[2].json["data"]["direction"] == "out"
    assert hooks[6].json["data"]["resolution_code"] == "answered"
    assert hooks[8].json["data"]["stars"] == 5
    versions = [hook.json["ticket"]["version"] for hook in hooks]
    assert versions == sorted(versions)
    rows = deliveries(subscription.id)
    assert {row.status for row in rows} == {"delivered"}
    assert all(row.attempts == 1 and row.response_status == 200 for row in rows)


def test_a_failing_subscriber_is_retried_with_backoff_and_later_events_wait(
        app, admin, receiver, make_ticket, make_user):
    subscription, secret = subscribe(admin, receiver.url,
                                     events=["ticket.created", "ticket.status_changed"])
    receiver.fail_next(500, 500)
    with running_worker(app, workers=2):
        ticket = make_ticket()
        tickets.start(ticket.number, actor=make_user("manager"), expected_version=None)
        wait_for(lambda: len(receiver.delivered()) == 2, "both events after the retries")

    requests = receiver.requests()
    assert [(r.headers["x-sila-event"], r.status) for r in requests] == [
        ("ticket.created", 500), ("ticket.created", 500), ("ticket.created", 200),
        ("ticket.status_changed", 200)]
    # One delivery id across the attempts; each attempt signed afresh.
    assert len({r.headers["x-sila-delivery"] for r in requests[:3]}) == 1
    assert all(verify(r, secret) for r in requests)
    first, second = deliveries(subscription.id)
    assert (first.status, first.attempts, first.response_status) == ("delivered", 3, 200)
    assert first.last_error is None
    assert (second.status, second.attempts) == ("delivered", 1)


def test_a_subscriber_that_keeps_failing_ends_dead_with_its_last_error(
        app, admin, receiver, make_ticket):
    subscription, _secret = subscribe(admin, receiver.url, events=["ticket.created"])
    receiver.fail_next(503, 503, 503, 503)
    with running_worker(app):
        make_ticket()
        wait_for(lambda: deliveries(subscription.id)[0].status == "dead", "giving up")
    [row] = deliveries(subscription.id)
    assert row.attempts == 4 and row.response_status == 503 and "503" in row.last_error
    assert len(receiver.requests()) == 4


def test_the_retry_delay_grows_between_attempts(app, admin, receiver, make_ticket):
    subscription, _secret = subscribe(admin, receiver.url, events=["ticket.created"])
    receiver.fail_next(500, 500)
    make_ticket()
    for attempt in (1, 2):
        before = utcnow()
        outcome = deliver_one(subscription.id)
        after = utcnow()
        assert outcome.status == "failed"
        # Equal jitter: between half the step and the step (base 0.2 s, doubling, cap 0.4 s).
        step = min(0.4, 0.2 * 2 ** (attempt - 1))
        assert (outcome.retry_at - before).total_seconds() >= step / 2
        assert (outcome.retry_at - after).total_seconds() <= step
        assert deliver_one(subscription.id).status == "not_due"  # not before its time
        db.session.rollback()
        [row] = deliveries(subscription.id)
        row.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
        db.session.commit()
    assert deliver_one(subscription.id).status == "delivered"
    [row] = deliveries(subscription.id)
    assert row.attempts == 3 and [r.status for r in receiver.requests()] == [500, 500, 200]


# ---------------------------------------------------------------------------------------
# Written with the change

def test_deliveries_are_written_in_the_transaction_of_the_change(app, admin, make_ticket):
    subscription, _ = subscribe(admin, "http://127.0.0.1:9/hook",
                                events=["ticket.created", "ticket.message_added"])
    ticket = make_ticket()
    [created] = deliveries(subscription.id)
    assert created.event_type == "ticket.created" and created.ticket_id == ticket.id
    assert json.loads(created.payload)["ticket"]["status"] == "new"
    with pytest.raises(ValidationError):
        tickets.reply(ticket.number, actor=admin, expected_version=None, body="  ")
    assert len(deliveries(subscription.id)) == 1  # a refused change sends nothing


def test_inactive_subscriptions_and_unwanted_events_get_no_delivery(app, admin, make_ticket):
    only_ratings, _ = subscribe(admin, "http://127.0.0.1:9/a", events=["ticket.rated"])
    stopped, _ = subscribe(admin, "http://127.0.0.1:9/b", events=["ticket.created"])
    webhooks.set_active(stopped, False, actor=admin)
    make_ticket()
    assert deliveries(only_ratings.id) == [] and deliveries(stopped.id) == []


def test_a_committee_decision_is_sent_as_a_decision(app, admin, make_ticket, make_user):
    subscription, _ = subscribe(admin, "http://127.0.0.1:9/c", events=["ticket.decided"])
    manager = make_user("manager")
    ticket = make_ticket(kind="support_request")
    tickets.start(ticket.number, actor=manager, expected_version=None)
    tickets.send_to_committee(ticket.number, actor=manager, expected_version=None)
    from helpdesk.committee import services as committee

    committee.decide(ticket.number, actor=manager, expected_version=None, decision="approve",
                     reason="مستوفٍ للشروط")
    [row] = deliveries(subscription.id)
    body = json.loads(row.payload)
    assert body["type"] == "ticket.decided" and body["ticket"]["status"] == "approved"
    assert body["data"]["decision"] == "approve" and body["data"]["committee"] is True
    assert body["data"]["reason"] == "مستوفٍ للشروط"


# ---------------------------------------------------------------------------------------
# The SSRF guard

REFUSED = ["http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
           "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://localhost:8080/hook",
           "http://0.0.0.0/hook", "http://192.168.1.10/hook", "http://224.0.0.1/hook",
           "http://100.64.0.1/hook", "http://[fe80::1]/hook"]


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_or_local_address_is_refused_at_the_field_without_permission(
        app, admin, url):
    with pytest.raises(ValidationError) as refused:
        subscribe(admin, url, allow_private=False)
    assert set(refused.value.errors) == {"url"}
    assert "شبكة خاصة أو محلية" in refused.value.errors["url"]
    assert db.session.scalar(select(WebhookSubscription.id)) is None


def test_an_admin_may_allow_a_private_address_explicitly(app, admin):
    subscription, secret = subscribe(admin, "http://localhost:8080/hook", allow_private=True)
    assert subscription.allow_private and secret.startswith("whsec_")


def test_every_address_a_name_resolves_to_is_checked():
    target = check_url("http://localhost/x", allow_private=True)
    assert all(is_forbidden(address) for address in target.addresses)
    import ipaddress

    assert not is_forbidden(ipaddress.ip_address("93.184.216.34"))
    assert is_forbidden(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert is_forbidden(ipaddress.ip_address("2002:7f00:1::1"))  # 6to4 around 127.0.0.1


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://user:pw@example.org/x",
                                 "http:///nohost", "file:///etc/passwd"])
def test_other_schemes_credentials_and_missing_hosts_are_refused(url):
    with pytest.raises(UnsafeUrl):
        check_url(url, allow_private=True)


def test_the_address_is_checked_again_when_sending(app, admin, receiver, make_ticket):
    subscription, _ = subscribe(admin, receiver.url, events=["ticket.created"])
    # What a DNS change looks like to the worker: the permission no longer covers it.
    subscription.allow_private = False
    db.session.commit()
    make_ticket()
    outcome = deliver_one(subscription.id)
    assert outcome.status == "dead"
    [row] = deliveries(subscription.id)
    assert "refused by the address check" in row.last_error
    assert receiver.requests() == []


def test_redirects_are_not_followed(app, admin, make_ticket):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        subscription, _ = subscribe(admin, f"http://127.0.0.1:{server.server_address[1]}/h",
                                    events=["ticket.created"])
        make_ticket()
        assert deliver_one(subscription.id).status == "dead"
        [row] = deliveries(subscription.id)
        assert row.response_status == 307 and "redirects are not followed" in row.last_error
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------
# Admin pages

def test_an_admin_creates_a_subscription_and_sees_its_secret_once(client, admin, login):
    login(admin)
    page = client.get("/admin/webhooks/new")
    assert page.status_code == 200 and 'name="event_types"' in page.get_data(as_text=True)
    created = client.post("/admin/webhooks/new", data={
        "name": "منصة التبرعات", "url": "http://localhost:9/hook", "allow_private": "1",
        "event_types": ["ticket.created", "ticket.closed"]})
    assert created.status_code == 201
    subscription = db.session.scalar(select(WebhookSubscription))
    assert subscription.event_types == ["ticket.created", "ticket.closed"]
    assert subscription.secret in created.get_data(as_text=True)
    shown = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert subscription.secret not in shown
    revealed = client.post(f"/admin/webhooks/{subscription.id}/secret",
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert subscription.secret in revealed and 'id="webhook-secret"' in revealed
    assert "<html" not in revealed


def test_a_private_address_is_refused_beside_the_field_and_the_form_keeps_it(
        client, admin, login):
    login(admin)
    response = client.post("/admin/webhooks/new", data={
        "name": "داخلي", "url": "http://10.0.0.7/hook", "event_types": ["ticket.created"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="error-url"' in page and 'value="http://10.0.0.7/hook"' in page
    assert 'value="داخلي"' in page
    assert db.session.scalar(select(WebhookSubscription.id)) is None


def test_an_admin_edits_deactivates_and_pings_a_subscription(
        app, client, admin, login, receiver):
    subscription, secret = subscribe(admin, receiver.url)
    login(admin)
    saved = client.post(f"/admin/webhooks/{subscription.id}/edit", data={
        "name": "الموقع", "url": receiver.url, "allow_private": "1",
        "event_types": ["ticket.rated"]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert subscription.name == "الموقع" and subscription.event_types == ["ticket.rated"]

    with running_worker(app):
        pinged = client.post(f"/admin/webhooks/{subscription.id}/ping",
                             headers={"HX-Request": "true"})
        assert pinged.status_code == 200 and 'id="webhook-deliveries"' in \
            pinged.get_data(as_text=True)
        [hook] = wait_for(receiver.delivered, "the ping")
    assert hook.headers["x-sila-event"] == "ping" and verify(hook, secret)

    fragment = client.post(f"/admin/webhooks/{subscription.id}/active", data={"active": "0"},
                           headers={"HX-Request": "true"})
    assert 'id="webhook-subscriptions"' in fragment.get_data(as_text=True)
    db.session.expire_all()
    assert subscription.active is False
    plain = client.post(f"/admin/webhooks/{subscription.id}/active", data={"active": "1"})
    assert plain.status_code == 302
    db.session.expire_all()
    assert subscription.active is True
    listing = client.get("/admin/webhooks").get_data(as_text=True)
    assert "الموقع" in listing and 'data-status="delivered"' in listing


def test_an_admin_retries_a_failed_delivery(app, client, admin, login, receiver, make_ticket):
    subscription, _ = subscribe(admin, receiver.url, events=["ticket.created"])
    receiver.fail_next(410)  # Gone: not retried by itself
    make_ticket()
    assert deliver_one(subscription.id).status == "dead"
    [row] = deliveries(subscription.id)
    login(admin)
    page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert 'data-status="dead"' in page and "410" in page
    with running_worker(app):
        response = client.post(f"/admin/webhooks/deliveries/{row.id}/retry")
        assert response.status_code == 302
        wait_for(lambda: deliveries(subscription.id)[0].status == "delivered", "the retry")
    assert len(receiver.requests()) == 2


def test_roles_without_the_webhook_permission_cannot_open_the_pages(client, make_user, login):
    login(make_user("agent"))
    assert client.get("/admin/webhooks").status_code == 403


def test_a_service_refuses_an_actor_without_the_permission(app, make_user):
    from helpdesk.tickets.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        subscribe(make_user("agent"), "http://localhost/x")


def test_deliveries_wait_while_the_subscription_is_inactive(app, admin, receiver, make_ticket):
    subscription, _ = subscribe(admin, receiver.url, events=["ticket.created"])
    make_ticket()
    webhooks.set_active(subscription, False, actor=admin)
    assert deliver_one(subscription.id).status == "paused"
    webhooks.set_active(subscription, True, actor=admin)
    assert deliver_one(subscription.id).status == "delivered"
