"""The core's own senders, for tickets whose channel cannot answer: SMS and email."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from helpdesk.plugin_api.types import DeliveryResult, OutboundMessage


class Sender(Protocol):
    """Sends one message; idempotent on ``message.idempotency_key`` where the provider allows."""

    def send(self, message: OutboundMessage) -> DeliveryResult: ...


class Unconfigured:
    """A transport with no settings: every attempt fails, and says which settings are missing.

    Retryable, so that a message waits (with backoff) for the operator to add the settings.
    """

    def __init__(self, reason: str):
        self.reason = reason

    def send(self, message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult(ok=False, error=self.reason, retryable=True, unconfigured=True)


def core_sender(transport: str, config: Mapping[str, Any]) -> Sender:
    """The sender for the core transports ("sms", "email"), built from the app's config."""
    from helpdesk.outbox.senders.email import smtp_sender_from_config
    from helpdesk.outbox.senders.sms import sms_sender_from_config

    if transport == "sms":
        return sms_sender_from_config(config)
    if transport == "email":
        return smtp_sender_from_config(config)
    raise ValueError(f"no core sender for transport {transport!r}")
