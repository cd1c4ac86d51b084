"""The social channel's inbound side: WhatsApp payloads, signatures and the handshake."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpdesk.plugin_api import InboundMessage, WebhookRejected
from plugins.social.channel import SocialChannel
from plugins.social.parsing import parse_whatsapp

PAYLOADS = Path(__file__).resolve().parent / "payloads"
SECRET = "app-secret-for-tests"
SETTINGS = {"whatsapp_app_secret": SECRET, "whatsapp_verify_token": "sila-verify-123"}


def payload(name: str) -> bytes:
    return (PAYLOADS / f"whatsapp_{name}.json").read_bytes()


def signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_text_message_becomes_one_inbound_message_with_its_sender():
    [message] = parse_whatsapp(payload("text"))
    assert isinstance(message, InboundMessage)
    assert message.external_id.startswith("wamid.")
    assert message.body.startswith("السلام عليكم، متى يبدأ التسجيل")
    assert "\n" in message.body  # the person's line breaks are kept
    assert message.sender_name == "أم خالد"
    assert message.sender_phone == "+966512345678"
    assert message.received_at == datetime(2026, 11, 23, 7, 15, tzinfo=UTC)
    assert message.thread_id is None  # WhatsApp threads by the person, not by an id
    assert message.data["platform"] == "whatsapp"
    assert message.data["wa_id"] == "966512345678"
    assert message.data["phone_number_id"] == "106540352242922"


def test_a_reply_remembers_which_of_our_messages_it_answers():
    [message] = parse_whatsapp(payload("followup"))
    assert message.data["in_reply_to"].startswith("wamid.")


def test_a_batch_keeps_meta_s_order_and_each_sender_s_name():
    messages = parse_whatsapp(payload("batch"))
    assert [m.data["type"] for m in messages] == ["image", "location", "interactive",
                                                  "unsupported"]
    image, location, button, unsupported = messages
    assert image.body == "صورة فاتورة الكهرباء المتأخرة"
    assert image.data["media"] == {"id": "1234567890123456", "mime_type": "image/jpeg",
                                   "sha256": image.data["media"]["sha256"]}
    assert image.sender_name == "سعد العتيبي"
    assert location.body == "حي النسيم\nالرياض\n24.7136, 46.6753"
    assert button.body == "أرغب في التطوع"
    assert button.sender_name == "Noura"
    assert unsupported.body == ""
    assert unsupported.data["errors"][0]["code"] == 131051


def test_a_reaction_to_one_of_our_replies_is_not_a_new_message():
    ids = {m.external_id for m in parse_whatsapp(payload("batch"))}
    body = json.loads(payload("batch"))
    reaction = [m for m in body["entry"][0]["changes"][0]["value"]["messages"]
                if m["type"] == "reaction"][0]
    assert reaction["id"] not in ids


def test_a_delivery_receipt_carries_no_message():
    assert parse_whatsapp(payload("status")) == []


@pytest.mark.parametrize("body, problem", [
    (b"<html>not json</html>", "not JSON"),
    (b"\xff\xfe\x00", "not JSON"),
    (b"[]", "not a JSON object"),
    (b'{"object": "page", "entry": []}', "not 'whatsapp_business_account'"),
    (b'{"object": "whatsapp_business_account", "entry": {}}', "not a JSON array"),
])
def test_a_payload_that_is_not_a_whatsapp_notification_is_refused(body, problem):
    with pytest.raises(ValueError, match=problem):
        parse_whatsapp(body)


def test_a_message_without_its_id_or_sender_is_refused_rather_than_guessed():
    body = json.loads(payload("text"))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["id"]
    with pytest.raises(ValueError, match="no usable id"):
        parse_whatsapp(json.dumps(body).encode())
    message["id"], message["from"] = "wamid.X", "not-a-number"
    with pytest.raises(ValueError, match="no sender number"):
        parse_whatsapp(json.dumps(body).encode())


def test_the_channel_parses_through_the_same_parser():
    channel = SocialChannel()
    assert channel.parse_inbound({}, payload("text"), SETTINGS) == parse_whatsapp(payload("text"))


def test_a_body_signed_with_the_app_secret_is_accepted():
    body = payload("text")
    SocialChannel().verify_webhook({"X-Hub-Signature-256": signature(body)}, body, SETTINGS)
    # Header names are case-insensitive on the wire.
    SocialChannel().verify_webhook({"x-hub-signature-256": signature(body)}, body, SETTINGS)


@pytest.mark.parametrize("headers", [
    {},
    {"X-Hub-Signature-256": "md5=abc"},
    {"X-Hub-Signature-256": signature(b"another body")},
    {"X-Hub-Signature-256": signature(b"", secret="wrong secret")},
    {"X-Hub-Signature-256": "sha256=مرحبا"},
])
def test_a_missing_or_wrong_signature_is_rejected(headers):
    with pytest.raises(WebhookRejected):
        SocialChannel().verify_webhook(headers, payload("text"), SETTINGS)


def test_without_an_app_secret_every_webhook_is_rejected():
    body = payload("text")
    with pytest.raises(WebhookRejected, match="app secret"):
        SocialChannel().verify_webhook({"X-Hub-Signature-256": signature(body)}, body, {})


def test_the_subscription_handshake_echoes_the_challenge_for_our_token():
    args = {"hub.mode": "subscribe", "hub.verify_token": "sila-verify-123",
            "hub.challenge": "1158201444"}
    assert SocialChannel().verify_subscription(args, SETTINGS) == "1158201444"


@pytest.mark.parametrize("args, settings", [
    ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}, SETTINGS),
    ({"hub.mode": "unsubscribe", "hub.verify_token": "sila-verify-123",
      "hub.challenge": "1"}, SETTINGS),
    ({"hub.mode": "subscribe", "hub.verify_token": "sila-verify-123"}, SETTINGS),
    ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, {}),
])
def test_the_handshake_is_refused_for_a_wrong_token_mode_or_missing_challenge(args, settings):
    assert SocialChannel().verify_subscription(args, settings) is None
