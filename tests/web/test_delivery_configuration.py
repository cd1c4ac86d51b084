"""Senders without settings: one translated line per message on the ticket, the problem
named on the channel settings page, and the development inbox that records instead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.channels.models import ChannelConfig
from helpdesk.extensions import db
from helpdesk.tickets.models import Event
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.worker import close_worker
from tests.support.worker import running_worker, wait_for
from tests.web.test_outbox_delivery import send_reply

QUICK_RETRIES = {"OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_RETRY_BASE_SECONDS": 0.05,
                 "OUTBOX_RETRY_MAX_SECONDS": 0.2}


@pytest.fixture
def app(make_app, request):
    application = make_app(**QUICK_RETRIES, **getattr(request, "param", {}))
    with application.app_context():
        yield application
    close_worker(application)


def status_of(message_id: int) -> str:
    return db.session.get(OutboxMessage, message_id).status


def test_a_message_without_a_configured_sender_leaves_one_arabic_line_on_the_ticket(
        app, client, login, make_user, make_ticket):
    ticket = make_ticket(channel_key="interview")  # answered by the core's SMS: not set up

    with running_worker(app):
        message_id, _ = send_reply(ticket)
        wait_for(lambda: status_of(message_id) == "dead", "every attempt to fail")

    assert db.session.get(OutboxMessage, message_id).attempts == 3
    failures = db.session.scalars(select(Event).where(
        Event.ticket_id == ticket.id, Event.type == "delivery_failed")).all()
    assert len(failures) == 1 and failures[0].body is None
    login(make_user("agent"))
    html = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert html.count('data-testid="delivery-unconfigured"') == 1
    assert "وسيلة الإرسال غير مُعدّة" in html
    assert "not configured" not in html and "SMS_GATEWAY_URL" not in html


def test_the_channel_settings_page_names_each_sender_without_settings_and_what_to_set(
        app, client, login, make_user):
    login(make_user("admin"))
    html = client.get("/admin/channels").get_data(as_text=True)
    assert 'data-testid="sender-problems"' in html
    assert 'data-sender="core"' in html and "SMS_GATEWAY_URL" in html and "SMTP_HOST" in html
    assert "الرسائل النصية للتذاكر التي لا تستطيع قناتها الرد" in html
    assert 'data-sender="phone"' in html and 'data-sender="website"' in html

    db.session.add(ChannelConfig(channel_key="phone", settings={
        "sms_gateway_url": "https://sms.example.sa/send"}))
    db.session.commit()
    html = client.get("/admin/channels").get_data(as_text=True)
    assert 'data-sender="phone"' not in html and 'data-sender="website"' in html


@pytest.mark.parametrize("app", [{"DEV_INBOX": True}], indirect=True)
def test_the_development_inbox_lists_an_sms_an_email_and_a_channel_reply(
        app, client, login, make_user, make_ticket, make_contact):
    by_sms = make_ticket(channel_key="interview")
    by_email = make_ticket(channel_key="interview",
                           contact=make_contact(phone=None, email="huda@example.org"))
    by_channel = make_ticket(channel_key="phone")  # the phone channel has no gateway either

    with running_worker(app):
        ids = [send_reply(by_sms, body="رسالة نصية")[0],
               send_reply(by_email, body="رسالة بريد")[0],
               send_reply(by_channel, body="رد عبر القناة")[0]]
        wait_for(lambda: all(status_of(i) == "sent" for i in ids), "the three messages")

    assert db.session.scalars(select(Event.id).where(Event.type == "delivery_failed")).all() \
        == []
    login(make_user("agent"))
    page = client.get("/")
    assert 'href="/dev/inbox"' in page.get_data(as_text=True)
    html = client.get("/dev/inbox").get_data(as_text=True)
    assert html.count('data-testid="dev-inbox-message"') == 3
    for transport, body in (("sms", "رسالة نصية"), ("email", "رسالة بريد"),
                            ("channel", "رد عبر القناة")):
        assert f'data-transport="{transport}"' in html and body in html
    assert "huda@example.org" in html and by_channel.number in html


def test_without_the_setting_there_is_no_development_inbox(app, client, login, make_user):
    login(make_user("agent"))
    assert 'href="/dev/inbox"' not in client.get("/").get_data(as_text=True)
    assert client.get("/dev/inbox").status_code == 404
