"""The phone channel answers by SMS through the gateway in its settings (a local fake)."""

from __future__ import annotations

import socket

import pytest

from helpdesk.plugin_api import DeliveryResult, OutboundMessage
from plugins.phone.channel import PhoneChannel
from tests.support.fake_sms_gateway import FakeSmsGateway


@pytest.fixture
def gateway():
    fake = FakeSmsGateway().start()
    yield fake
    fake.stop()


def settings_for(gateway: FakeSmsGateway, **extra):
    return {"sms_gateway_url": gateway.url, "sms_api_key": gateway.api_key,
            "sms_sender": "AlBir", **extra}


def reply(key: str = "key-1", to_phone: str | None = "+966512345678") -> OutboundMessage:
    return OutboundMessage(idempotency_key=key, ticket_number="2026-000042",
                           body="تم تسجيل اتصالكم برقم 2026-000042", to_phone=to_phone)


def test_a_reply_is_posted_to_the_gateway_with_the_key_and_the_sender_name(gateway):
    result = PhoneChannel().send(reply(), settings_for(gateway))

    assert result == DeliveryResult(ok=True, provider_id="sms-1")
    [request] = gateway.requests
    assert request["headers"]["authorization"] == f"Bearer {gateway.api_key}"
    assert request["headers"]["idempotency-key"] == "key-1"
    [sms] = gateway.sent
    assert sms.payload == {"to": "+966512345678", "from": "AlBir",
                           "body": "تم تسجيل اتصالكم برقم 2026-000042", "reference": "key-1"}


def test_sending_the_same_message_twice_sends_one_sms(gateway):
    channel = PhoneChannel()
    first = channel.send(reply("same-key"), settings_for(gateway))
    second = channel.send(reply("same-key"), settings_for(gateway))

    assert first.ok and second.ok and first.provider_id == second.provider_id
    assert len(gateway.requests) == 2 and len(gateway.sent) == 1


def test_a_busy_gateway_is_a_failure_worth_retrying(gateway):
    gateway.fail_next(503)
    result = PhoneChannel().send(reply(), settings_for(gateway))
    assert not result.ok and result.retryable and "503" in result.error


def test_a_refused_message_is_not_retried(gateway):
    gateway.fail_next(400)
    result = PhoneChannel().send(reply(), settings_for(gateway))
    assert not result.ok and not result.retryable and "400" in result.error


def test_a_wrong_api_key_is_reported_and_retried_once_fixed(gateway):
    result = PhoneChannel().send(reply(), settings_for(gateway, sms_api_key="wrong"))
    assert not result.ok and result.retryable and "401" in result.error
    assert gateway.sent == []


def test_an_unreachable_gateway_is_a_failure_worth_retrying():
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = PhoneChannel().send(reply(), {"sms_gateway_url": f"http://127.0.0.1:{port}/sms"})
    assert not result.ok and result.retryable and "unreachable" in result.error


def test_without_a_gateway_in_the_settings_the_message_waits_for_one():
    result = PhoneChannel().send(reply(), {})
    assert not result.ok and result.retryable and "SMS gateway URL" in result.error


def test_a_caller_without_a_number_cannot_be_answered_by_sms(gateway):
    result = PhoneChannel().send(reply(to_phone=None), settings_for(gateway))
    assert not result.ok and not result.retryable
    assert gateway.requests == []
