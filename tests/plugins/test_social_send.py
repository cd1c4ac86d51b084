"""The social channel answers on WhatsApp through the Cloud API (a local fake Graph server)."""

from __future__ import annotations

import json
import socket

import pytest

from helpdesk.plugin_api import DeliveryResult, OutboundMessage
from plugins.social.channel import SocialChannel
from plugins.social.transport import DEFAULT_API_VERSION, WhatsAppCloudTransport
from tests.support.fake_whatsapp import FakeWhatsApp


@pytest.fixture
def graph():
    fake = FakeWhatsApp().start()
    yield fake
    fake.stop()


def channel_for(graph: FakeWhatsApp) -> SocialChannel:
    return SocialChannel(transport=WhatsAppCloudTransport(base_url=graph.base_url))


def settings_for(graph: FakeWhatsApp, **extra):
    return {"whatsapp_phone_number_id": "106540352242922",
            "whatsapp_access_token": graph.access_token, **extra}


def reply(key: str = "key-1", to_phone: str | None = "+966512345678") -> OutboundMessage:
    return OutboundMessage(idempotency_key=key, ticket_number="2026-000042",
                           body="شكرًا لتواصلكم، رقم طلبكم 2026-000042", to_phone=to_phone)


def test_a_reply_is_posted_as_a_text_message_from_the_business_number(graph):
    result = channel_for(graph).send(reply(), settings_for(graph))

    assert result == DeliveryResult(ok=True, provider_id="wamid.1")
    [request] = graph.requests
    assert request["path"] == f"/{DEFAULT_API_VERSION}/106540352242922/messages"
    assert request["headers"]["authorization"] == f"Bearer {graph.access_token}"
    [sent] = graph.sent
    assert sent.payload == {
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "966512345678", "type": "text",
        "text": {"preview_url": False, "body": "شكرًا لتواصلكم، رقم طلبكم 2026-000042"},
        "biz_opaque_callback_data": "key-1",
    }


def test_the_api_version_in_the_settings_is_used_and_a_malformed_one_is_ignored(graph):
    channel = channel_for(graph)
    channel.send(reply("a"), settings_for(graph, whatsapp_api_version="v19.0"))
    channel.send(reply("b"), settings_for(graph, whatsapp_api_version="../../me"))

    assert [s.version for s in graph.sent] == ["v19.0", DEFAULT_API_VERSION]


def test_sending_the_same_message_twice_sends_one_whatsapp_message(graph):
    channel = channel_for(graph)
    first = channel.send(reply("same-key"), settings_for(graph))
    second = channel.send(reply("same-key"), settings_for(graph))

    assert first.ok and second.ok and first.provider_id == second.provider_id
    assert len(graph.sent) == 1


def test_a_failed_attempt_is_sent_again_on_retry(graph):
    channel = channel_for(graph)
    graph.fail_next(503, 131000)
    first = channel.send(reply("retry-key"), settings_for(graph))
    second = channel.send(reply("retry-key"), settings_for(graph))

    assert not first.ok and first.retryable and second.ok
    assert len(graph.sent) == 1


@pytest.mark.parametrize(("status", "code"), [
    (500, 1), (503, 131000), (429, 130429), (400, 131056), (400, 80007), (401, 190),
])
def test_busy_rate_limited_or_expired_token_answers_are_worth_retrying(graph, status, code):
    graph.fail_next(status, code)
    result = channel_for(graph).send(reply(), settings_for(graph))
    assert not result.ok and result.retryable
    assert str(status) in result.error and f"code {code}" in result.error


@pytest.mark.parametrize(("status", "code"), [
    (400, 131047),  # more than 24 hours since the person wrote: needs a template
    (400, 131026),  # the number cannot receive the message
    (400, 100),     # an invalid parameter
])
def test_refused_messages_are_not_retried(graph, status, code):
    graph.fail_next(status, code)
    result = channel_for(graph).send(reply(), settings_for(graph))
    assert not result.ok and not result.retryable and f"code {code}" in result.error


def test_a_wrong_access_token_is_reported_and_retried_once_fixed(graph):
    result = channel_for(graph).send(reply(), settings_for(graph, whatsapp_access_token="x"))
    assert not result.ok and result.retryable and "401" in result.error
    assert graph.sent == []


def test_an_unreachable_api_is_a_failure_worth_retrying():
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel = SocialChannel(transport=WhatsAppCloudTransport(base_url=f"http://127.0.0.1:{port}"))
    result = channel.send(reply(), {"whatsapp_phone_number_id": "1",
                                    "whatsapp_access_token": "t"})
    assert not result.ok and result.retryable and "unreachable" in result.error


def test_without_the_number_id_or_token_the_message_waits_for_the_settings(graph):
    channel = channel_for(graph)
    for settings in ({}, {"whatsapp_phone_number_id": "1"}, {"whatsapp_access_token": "t"}):
        result = channel.send(reply(), settings)
        assert not result.ok and result.retryable and "settings" in result.error
    assert graph.requests == []


def test_a_person_without_a_number_cannot_be_answered_on_whatsapp(graph):
    result = channel_for(graph).send(reply(to_phone=None), settings_for(graph))
    assert not result.ok and not result.retryable
    assert graph.requests == []


def test_the_body_reaches_whatsapp_as_utf8_arabic(graph):
    channel_for(graph).send(reply(), settings_for(graph))
    assert "رقم طلبكم" in json.loads(graph.requests[0]["body"])["text"]["body"]
