"""Channel configuration for this association: active flags and effective settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from helpdesk.audit.services import record_audit
from helpdesk.channels.models import ChannelConfig
from helpdesk.channels.registry import channels_with, plugin_registry, registered_channels
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability, Channel


@dataclass(frozen=True)
class ChannelStatus:
    key: str
    channel: Channel
    plugin: str
    active: bool


def _configs() -> dict[str, ChannelConfig]:
    return {c.channel_key: c for c in db.session.scalars(select(ChannelConfig))}


def channel_statuses() -> list[ChannelStatus]:
    """Every registered channel with its active flag (a channel with no row is active)."""
    configs = _configs()
    registry = plugin_registry()
    return [
        ChannelStatus(key, channel, registry.plugin_of_channel[key],
                      configs[key].active if key in configs else True)
        for key, channel in registered_channels().items()
    ]


def active_channel_keys() -> list[str]:
    return [status.key for status in channel_statuses() if status.active]


def is_channel_active(key: str) -> bool:
    if key not in registered_channels():
        return False
    config = db.session.get(ChannelConfig, key)
    return config.active if config else True


def active_channel_with(capability: Capability) -> Channel | None:
    """The first active channel (in display order) that declares ``capability``; None when
    none does, and the core's form that needs it is then closed."""
    for channel in channels_with(capability):
        if is_channel_active(channel.meta.key):
            return channel
    return None


def effective_settings(key: str) -> dict[str, Any]:
    """Settings an admin saved, overridden by HELPDESK_<PLUGIN>_<SETTING> variables."""
    config = db.session.get(ChannelConfig, key)
    settings = dict(config.settings) if config else {}
    settings.update(current_app.config["HELPDESK_CHANNEL_ENV_SETTINGS"].get(key, {}))
    return settings


def set_channel_active(key: str, active: bool, actor: Any) -> ChannelConfig:
    if key not in registered_channels():
        raise KeyError(key)
    config = db.session.get(ChannelConfig, key)
    before = config.active if config else True
    if config is None:
        config = ChannelConfig(channel_key=key, settings={})
        db.session.add(config)
    config.active = active
    config.updated_at = utcnow()
    record_audit(actor, "channel.activation", "channel", key,
                 before={"active": before}, after={"active": active})
    db.session.commit()
    return config
