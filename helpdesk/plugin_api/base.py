"""BaseChannel: sensible defaults so a channel implements only what it supports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from helpdesk.plugin_api.types import (
    ChannelMeta,
    DeliveryResult,
    FieldSpec,
    InboundMessage,
    OutboundMessage,
    PanelSpec,
    TicketSnapshot,
    WebhookRejected,
)


class BaseChannel:
    """A channel that records contacts entered by staff and cannot answer by itself."""

    meta: ChannelMeta
    # Settings without which ``send`` cannot work: the administrator's channel settings page
    # names those still empty, and ``send`` answers ``DeliveryResult(unconfigured=True)``.
    sending_settings: tuple[str, ...] = ()

    def missing_settings(self, settings: Mapping[str, Any]) -> list[str]:
        """The names in ``sending_settings`` that ``settings`` leaves empty."""
        return [name for name in self.sending_settings
                if not str(settings.get(name) or "").strip()]

    def intake_fields(self) -> Sequence[FieldSpec]:
        return ()

    def settings_fields(self) -> Sequence[FieldSpec]:
        return ()

    def validate_intake(self, data: Mapping[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        for spec in self.intake_fields():
            value = str(data.get(spec.name) or "").strip()
            if spec.required and not value:
                errors[spec.name] = _("This field is required.")
            elif spec.max_length and len(value) > spec.max_length:
                errors[spec.name] = _("Use at most %(n)d characters.", n=spec.max_length)
        return errors

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       settings: Mapping[str, Any]) -> None:
        raise WebhookRejected(f"channel {self.meta.key} does not receive webhooks")

    def parse_inbound(self, headers: Mapping[str, str], body: bytes,
                      settings: Mapping[str, Any]) -> list[InboundMessage]:
        return []

    def verify_subscription(self, args: Mapping[str, str],
                            settings: Mapping[str, Any]) -> str | None:
        return None

    def send(self, message: OutboundMessage, settings: Mapping[str, Any]) -> DeliveryResult:
        return DeliveryResult(ok=False, error=f"channel {self.meta.key} cannot send",
                              retryable=False)

    def ticket_panel(self, ticket: TicketSnapshot) -> PanelSpec | None:
        return None
