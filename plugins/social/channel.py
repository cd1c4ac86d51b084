"""The social media channel: WhatsApp Business and the association's social accounts."""

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import (
    BaseChannel,
    Capability,
    ChannelMeta,
    DeliveryResult,
    FieldSpec,
    InboundMessage,
    OutboundMessage,
    Reach,
    WebhookRejected,
)
from plugins.social.parsing import parse_whatsapp
from plugins.social.transport import DEFAULT_API_VERSION, WhatsAppCloudTransport

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
MAX_CHALLENGE_LENGTH = 256
API_VERSION = re.compile(r"^v\d{1,3}\.\d{1,2}$")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name whatever its case (a plain dict from tests, Headers from Flask)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


class SocialChannel(BaseChannel):
    meta = ChannelMeta(
        key="social",
        label=_l("Social media"),
        icon="chat-dots",
        kinds=("inquiry", "complaint", "suggestion", "appreciation", "other"),
        capabilities=frozenset({Capability.INBOUND_WEBHOOK, Capability.OUTBOUND,
                                Capability.STAFF_INTAKE}),
        description=_l("Messages on WhatsApp and the association's social accounts."),
        position=30,
        reach=Reach.WHATSAPP,
    )
    sending_settings = ("whatsapp_phone_number_id", "whatsapp_access_token")

    def __init__(self, transport: WhatsAppCloudTransport | None = None):
        self.transport = transport or WhatsAppCloudTransport()

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Name or account"), required=True, max_length=160),
            FieldSpec("platform", _l("Platform"), type="select", required=True,
                      choices=(("whatsapp", _l("WhatsApp")), ("x", _l("X (Twitter)")),
                               ("instagram", _l("Instagram")), ("snapchat", _l("Snapchat")))),
            FieldSpec("phone", _l("Mobile number"), type="phone"),
            FieldSpec("summary", _l("Message"), type="textarea", required=True,
                      max_length=4000),
        )

    def settings_fields(self):
        return (
            FieldSpec("whatsapp_phone_number_id", _l("WhatsApp phone number ID")),
            FieldSpec("whatsapp_access_token", _l("WhatsApp access token"), type="secret"),
            FieldSpec("whatsapp_app_secret", _l("WhatsApp app secret"), type="secret"),
            FieldSpec("whatsapp_verify_token", _l("Webhook verify token"), type="secret"),
            FieldSpec("whatsapp_api_version", _l("Graph API version"),
                      help=_l("For example %(version)s; empty uses the version Sila was "
                              "tested with.", version=DEFAULT_API_VERSION)),
        )

    def send(self, message: OutboundMessage, settings: Mapping[str, Any]) -> DeliveryResult:
        """Answer on WhatsApp from the association's business number (a text message)."""
        phone_number_id = str(settings.get("whatsapp_phone_number_id") or "").strip()
        token = str(settings.get("whatsapp_access_token") or "").strip()
        if not phone_number_id or not token:
            # Retryable: the message waits (with backoff) for an admin to finish the settings.
            return DeliveryResult(ok=False, retryable=True, unconfigured=True, error=(
                "the social channel has no WhatsApp phone number ID or access token "
                "in its settings"))
        to = "".join(ch for ch in (message.to_phone or "") if ch.isdigit())
        if not to:
            return DeliveryResult(ok=False, retryable=False,
                                  error="the person has no WhatsApp number to answer")
        version = str(settings.get("whatsapp_api_version") or "").strip()
        if not API_VERSION.match(version):
            version = DEFAULT_API_VERSION
        return self.transport.send_text(phone_number_id=phone_number_id, access_token=token,
                                        to=to, body=message.body,
                                        idempotency_key=message.idempotency_key,
                                        version=version)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       settings: Mapping[str, Any]) -> None:
        """Meta signs the raw body with the app secret (HMAC-SHA256, hex, "sha256=" prefix)."""
        secret = str(settings.get("whatsapp_app_secret") or "")
        if not secret:
            raise WebhookRejected("the WhatsApp app secret is not set")
        signature = (_header(headers, SIGNATURE_HEADER) or "").strip()
        if not signature.startswith(SIGNATURE_PREFIX):
            raise WebhookRejected(f"missing or malformed {SIGNATURE_HEADER} header")
        expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        offered = signature[len(SIGNATURE_PREFIX):].lower().encode("utf-8", "replace")
        if not hmac.compare_digest(offered, expected.encode("ascii")):
            raise WebhookRejected("the signature does not match the body")

    def parse_inbound(self, headers: Mapping[str, str], body: bytes,
                      settings: Mapping[str, Any]) -> list[InboundMessage]:
        return parse_whatsapp(body)

    def verify_subscription(self, args: Mapping[str, str],
                            settings: Mapping[str, Any]) -> str | None:
        """Meta's handshake: echo hub.challenge when hub.verify_token is ours."""
        token = str(settings.get("whatsapp_verify_token") or "")
        challenge = args.get("hub.challenge") or ""
        if not token or args.get("hub.mode") != "subscribe" or not challenge \
                or len(challenge) > MAX_CHALLENGE_LENGTH:
            return None
        offered = args.get("hub.verify_token") or ""
        if not hmac.compare_digest(offered.encode("utf-8"), token.encode("utf-8")):
            return None
        return challenge
