"""The plugin contract: the only part of helpdesk a plugin may import."""

from helpdesk.plugin_api.base import BaseChannel
from helpdesk.plugin_api.hookspecs import hookimpl
from helpdesk.plugin_api.sms import SmsGatewayClient
from helpdesk.plugin_api.smtp import SmtpClient
from helpdesk.plugin_api.types import (
    Capability,
    Channel,
    ChannelError,
    ChannelMeta,
    DeliveryResult,
    FieldSpec,
    InboundMessage,
    OutboundMessage,
    PanelSpec,
    Reach,
    TicketSnapshot,
    WebhookRejected,
)

__all__ = [
    "BaseChannel", "Capability", "Channel", "ChannelError", "ChannelMeta", "DeliveryResult",
    "FieldSpec", "InboundMessage", "OutboundMessage", "PanelSpec", "Reach", "SmsGatewayClient",
    "SmtpClient", "TicketSnapshot", "WebhookRejected",
    "hookimpl",
]
