"""Which senders cannot send for want of settings, and what to set: for the administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from helpdesk.channels.registry import registered_channels
from helpdesk.channels.services import channel_statuses, effective_settings
from helpdesk.plugin_api.types import Capability

CORE_SENDERS = (
    # (label, the settings it needs, the ones that must not be empty)
    (_l("SMS for tickets whose channel cannot answer"), ("SMS_GATEWAY_URL", "SMS_API_KEY"),
     ("SMS_GATEWAY_URL",)),
    (_l("Email for tickets whose channel cannot answer"), ("SMTP_HOST", "SMTP_FROM"),
     ("SMTP_HOST",)),
)


@dataclass(frozen=True)
class SenderProblem:
    """A sender that cannot send: its label and what to set (server variables, or the
    channel's settings fields by label when ``channel_key`` is given)."""

    label: Any
    to_set: list[Any]
    channel_key: str | None = None


def sender_problems() -> list[SenderProblem]:
    problems = []
    config = current_app.config
    for label, variables, required in CORE_SENDERS:
        if any(not config.get(name) for name in required):
            problems.append(SenderProblem(label, list(variables)))
    channels = registered_channels()
    for status in channel_statuses():
        channel = channels[status.key]
        if not status.active or Capability.OUTBOUND not in channel.meta.capabilities:
            continue
        missing_settings = getattr(channel, "missing_settings", None)
        missing = missing_settings(effective_settings(status.key)) if missing_settings else []
        if missing:
            labels = {spec.name: spec.label for spec in channel.settings_fields()}
            problems.append(SenderProblem(channel.meta.label,
                                          [labels.get(name, name) for name in missing],
                                          status.key))
    return problems
