"""Access to the channels registered by plugins at start-up."""

from __future__ import annotations

from flask import current_app

from helpdesk.plugin_api.manager import PluginRegistry
from helpdesk.plugin_api.types import Capability, Channel


def plugin_registry() -> PluginRegistry:
    return current_app.extensions["helpdesk_plugins"]


def registered_channels() -> dict[str, Channel]:
    """Channels in display order (position, then key)."""
    channels = plugin_registry().channels
    ordered = sorted(channels.values(), key=lambda c: (c.meta.position, c.meta.key))
    return {channel.meta.key: channel for channel in ordered}


def get_channel(key: str) -> Channel | None:
    return plugin_registry().channel(key)


def channels_with(capability: Capability) -> list[Channel]:
    """The registered channels that declare ``capability``, in display order."""
    return [channel for channel in registered_channels().values()
            if capability in channel.meta.capabilities]
