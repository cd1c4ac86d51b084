"""Internal: discover plugins, register them with pluggy, check them, build the registry.

A plugin that fails to import, register or describe its channels is recorded as a
failure and left out; the application still starts and shows the failure to admins.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from helpdesk.errors import StartupError
from helpdesk.plugin_api import hookspecs
from helpdesk.plugin_api.types import Channel

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "helpdesk.plugins"

PluginSource = ModuleType | str | tuple[str, ModuleType | str]


@dataclass(frozen=True)
class PluginFailure:
    plugin: str
    error: str


@dataclass
class PluginRegistry:
    manager: pluggy.PluginManager
    channels: dict[str, Channel] = field(default_factory=dict)
    plugin_of_channel: dict[str, str] = field(default_factory=dict)
    modules: dict[str, ModuleType] = field(default_factory=dict)
    blueprints: list[Any] = field(default_factory=list)
    failures: list[PluginFailure] = field(default_factory=list)

    def channel(self, key: str) -> Channel | None:
        return self.channels.get(key)

    def template_folders(self) -> list[str]:
        return self._package_folders("templates")

    def translation_folders(self) -> list[str]:
        return self._package_folders("translations")

    def _package_folders(self, name: str) -> list[str]:
        """``<plugin package>/<name>`` for each plugin that ships one (modules built in
        memory, as tests do, have no folder)."""
        folders = []
        for module in self.modules.values():
            source = getattr(module, "__file__", None)
            folder = Path(source).parent / name if source else None
            if folder is not None and folder.is_dir():
                folders.append(str(folder))
        return folders

    def call_event(self, hook_name: str, **kwargs: Any) -> None:
        """Call an after-commit hook on every plugin; one plugin's error never spreads."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            try:
                impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)


def installed_plugins() -> dict[str, str]:
    """Plugin name → module path, from the ``helpdesk.plugins`` entry points."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _normalise_sources(sources: Iterable[PluginSource]) -> list[tuple[str, ModuleType | str]]:
    result = []
    for source in sources:
        if isinstance(source, tuple):
            result.append(source)
        elif isinstance(source, ModuleType):
            result.append((source.__name__.rsplit(".", 1)[-1], source))
        else:
            result.append((source.rsplit(".", 1)[-1], source))
    return result


def select_plugins(enabled: Sequence[str] | None) -> list[tuple[str, str]]:
    """The installed plugins to load, filtered by HELPDESK_PLUGINS when it is set."""
    installed = installed_plugins()
    if enabled is None:
        return sorted(installed.items())
    unknown = [name for name in enabled if name not in installed]
    if unknown:
        raise StartupError(
            f"HELPDESK_PLUGINS names plugins that are not installed: {', '.join(unknown)} "
            f"(installed: {', '.join(sorted(installed))})"
        )
    return [(name, installed[name]) for name in enabled]


def build_registry(sources: Iterable[PluginSource]) -> PluginRegistry:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    registry = PluginRegistry(manager=manager)
    for name, source in _normalise_sources(sources):
        try:
            module = importlib.import_module(source) if isinstance(source, str) else source
            manager.register(module, name=name)
            manager.check_pending()
            channels = _channels_of(manager, module)
            blueprints = _blueprints_of(manager, module, {c.meta.key for c in channels})
            for channel in channels:
                if channel.meta.key in registry.channels:
                    raise ValueError(
                        f"channel key {channel.meta.key!r} is already registered by plugin "
                        f"{registry.plugin_of_channel[channel.meta.key]!r}"
                    )
        except Exception as exc:  # a broken plugin is reported, not fatal
            log.error("plugin %s is broken and was not loaded: %s", name, exc)
            registry.failures.append(PluginFailure(name, f"{type(exc).__name__}: {exc}"))
            if manager.get_plugin(name) is not None:
                manager.unregister(name=name)
            continue
        registry.modules[name] = module
        for channel in channels:
            registry.channels[channel.meta.key] = channel
            registry.plugin_of_channel[channel.meta.key] = name
        registry.blueprints.extend(blueprints)
    return registry


def _impls(manager: pluggy.PluginManager, hook_name: str, module: ModuleType):
    caller = getattr(manager.hook, hook_name)
    return [impl for impl in caller.get_hookimpls() if impl.plugin is module]


def _channels_of(manager: pluggy.PluginManager, module: ModuleType) -> list[Channel]:
    channels: list[Channel] = []
    for impl in _impls(manager, "helpdesk_channels", module):
        for channel in impl.function() or []:
            if not isinstance(channel, Channel):
                raise TypeError(f"{channel!r} does not implement the Channel protocol")
            channels.append(channel)
    keys = [c.meta.key for c in channels]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate channel keys in one plugin: {keys}")
    return channels


def _blueprints_of(manager: pluggy.PluginManager, module: ModuleType, keys: set[str]
                   ) -> list[Any]:
    blueprints = []
    for impl in _impls(manager, "helpdesk_blueprints", module):
        for blueprint in impl.function() or []:
            key = blueprint.name.removeprefix("channel_")
            if not blueprint.name.startswith("channel_") or key not in keys:
                raise ValueError(
                    f"blueprint {blueprint.name!r} must be named channel_<key> for one of "
                    f"the plugin's channels {sorted(keys)}"
                )
            blueprints.append(blueprint)
    return blueprints
