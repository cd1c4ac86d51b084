"""An official letter cannot be answered electronically by its own channel: the core's
fallback rule answers the sender by SMS (or email without a mobile), through the worker."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.services import reply
from helpdesk.worker import close_worker
from tests.support.fake_sms_gateway import FakeSmsGateway
from tests.support.smtp_server import SmtpTestServer
from tests.support.worker import running_worker, wait_for
from tests.web.test_outbox_delivery import delivery_config


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


@pytest.fixture
def app(make_app, gateway, smtp):
    application = make_app(**delivery_config(gateway, smtp))
    with application.app_context():
        yield application
    close_worker(application)


def _reply(ticket, agent, body):
    reply(ticket.number, actor=agent, expected_version=ticket.version, body=body)
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.purpose == "reply")
                              ).one()


def _fresh(message_id):
    return db.session.get(OutboxMessage, message_id)


def test_the_letters_channel_cannot_answer_by_itself(app):
    channel = app.extensions["helpdesk_plugins"].channels["letters"]
    assert Capability.OUTBOUND not in channel.meta.capabilities


def test_a_reply_to_a_letter_reaches_the_sender_by_sms(app, make_ticket, make_user, gateway):
    agent = make_user("manager")
    ticket = make_ticket(channel_key="letters", kind="complaint",
                         subject="خطاب بشأن تأخر صرف الإعانة")

    with running_worker(app):
        message = _reply(ticket, agent, "نفيدكم باستلام خطابكم وجاري دراسته")
        message_id = message.id
        wait_for(lambda: _fresh(message_id).status == "sent", "the SMS to be sent")

    row = _fresh(message_id)
    assert row.transport == "sms" and row.channel_key is None
    [sms] = gateway.sent
    assert sms.payload["to"] == ticket.contact.phone
    assert sms.payload["body"] == "نفيدكم باستلام خطابكم وجاري دراسته"
    assert sms.idempotency_key == row.idempotency_key


def test_a_letter_from_a_sender_without_a_mobile_is_answered_by_email(
        app, make_ticket, make_contact, make_user, smtp):
    agent = make_user("manager")
    contact = make_contact(phone=None, email="office@charity.example.org")
    ticket = make_ticket(channel_key="letters", contact=contact)

    with running_worker(app):
        message_id = _reply(ticket, agent, "تم تسجيل خطابكم").id
        wait_for(lambda: _fresh(message_id).status == "sent", "the email to be sent")

    assert _fresh(message_id).transport == "email"
    [mail] = smtp.messages()
    assert mail.recipients == ["office@charity.example.org"]


def test_a_letter_with_no_way_back_is_recorded_as_undeliverable(
        app, make_ticket, make_contact, make_user):
    agent = make_user("manager")
    ticket = make_ticket(channel_key="letters", contact=make_contact(phone=None))

    with running_worker(app):
        message_id = _reply(ticket, agent, "رد على الخطاب").id
        wait_for(lambda: _fresh(message_id).status in ("failed", "dead"),
                 "the delivery to give up")

    row = _fresh(message_id)
    assert row.transport == "channel" and row.channel_key == "letters"
    assert "cannot send" in (row.last_error or "")
