"""The core's own senders, for tickets whose channel cannot answer: SMS and email."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpdesk.outbox.senders.base import Sender, Unconfigured
from helpdesk.outbox.senders.email import smtp_sender_from_config
from helpdesk.outbox.senders.sms import sms_sender_from_config

__all__ = ["Sender", "Unconfigured", "core_sender"]


def core_sender(transport: str, config: Mapping[str, Any]) -> Sender:
    """The sender for the core transports ("sms", "email"), built from the app's config."""
    if transport == "sms":
        return sms_sender_from_config(config)
    if transport == "email":
        return smtp_sender_from_config(config)
    raise ValueError(f"no core sender for transport {transport!r}")
