"""The phone channel: calls logged by staff; answers go out by SMS."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import (
    BaseChannel,
    Capability,
    ChannelMeta,
    DeliveryResult,
    FieldSpec,
    OutboundMessage,
    PanelSpec,
    Reach,
    SmsGatewayClient,
    TicketSnapshot,
)
from plugins.phone.vocabulary import DIRECTIONS, OUTCOMES


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class PhoneChannel(BaseChannel):
    meta = ChannelMeta(
        key="phone",
        label=_l("Phone calls"),
        icon="telephone",
        kinds=("inquiry", "support_request", "complaint", "suggestion", "appreciation",
               "other"),
        capabilities=frozenset({Capability.STAFF_INTAKE, Capability.OUTBOUND}),
        description=_l("Calls received or made by the relations staff."),
        position=20,
        reach=Reach.PHONE,
    )
    sending_settings = ("sms_gateway_url",)

    def __init__(self, timeout: float = 15.0):
        self.timeout = timeout

    def intake_fields(self):
        return (
            FieldSpec("name", _l("Caller's name"), required=True, max_length=160),
            FieldSpec("phone", _l("Caller's number"), type="phone", required=True),
            FieldSpec("direction", _l("Call direction"), type="select", required=True,
                      choices=(("incoming", _l("Incoming")), ("outgoing", _l("Outgoing")))),
            FieldSpec("summary", _l("Call summary"), type="textarea", required=True,
                      max_length=4000),
        )

    def settings_fields(self):
        return (
            FieldSpec("sms_gateway_url", _l("SMS gateway URL")),
            FieldSpec("sms_api_key", _l("SMS gateway API key"), type="secret"),
            FieldSpec("sms_sender", _l("SMS sender name")),
            FieldSpec("telephony_secret", _l("Call system signing secret"), type="secret",
                      help=_l("The call system signs each event it sends with this secret.")),
            FieldSpec("agent_extensions", _l("Agents' extensions"), type="textarea",
                      help=_l("One per line: the extension, then =, then the agent's "
                              "e-mail address.")),
        )

    def send(self, message: OutboundMessage, settings: Mapping[str, Any]) -> DeliveryResult:
        """Answer the caller by SMS through the gateway in this channel's settings."""
        url = str(settings.get("sms_gateway_url") or "").strip()
        if not url:
            # Retryable: the message waits (with backoff) for an admin to set the gateway.
            return DeliveryResult(ok=False, retryable=True, unconfigured=True,
                                  error="the phone channel has no SMS gateway URL in its settings")
        if not message.to_phone:
            return DeliveryResult(ok=False, retryable=False,
                                  error="the caller has no mobile number for SMS")
        gateway = SmsGatewayClient(url, settings.get("sms_api_key") or None,
                                   settings.get("sms_sender") or None, self.timeout)
        return gateway.send_sms(to=message.to_phone, body=message.body,
                                idempotency_key=message.idempotency_key)

    def ticket_panel(self, ticket: TicketSnapshot) -> PanelSpec | None:
        """The call's details: direction, outcome, start, length, the promised call-back."""
        data = ticket.channel_data or {}
        if not (data.get("outcome") or data.get("call_id")):
            return None
        minutes = data.get("duration_minutes")
        return PanelSpec("channels/phone/panel.html", title=_l("The call"), context={
            "direction": DIRECTIONS.get(data.get("direction")),
            "outcome": OUTCOMES.get(data.get("outcome")),
            "started_at": _when(data.get("started_at")),
            "minutes": minutes if isinstance(minutes, int) else None,
            "callback_on": _day(data.get("callback_on")),
        })
