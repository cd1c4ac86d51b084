"""What every core sender is, and the one that stands in while settings are missing."""

from __future__ import annotations

from typing import Protocol

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
