"""The hook specifications: the whole contract between the core and its plugins.

Hooks are called with keyword arguments. Event hooks run after the change is committed;
an exception in one is logged and isolated, never breaking the request that caused it.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "helpdesk"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def helpdesk_channels() -> list[Any]:
    """Return the plugin's Channel objects. Called once at start-up; keys must be unique."""


@hookspec
def helpdesk_blueprints() -> list[Any]:
    """Return Flask blueprints named ``channel_<key>``; mounted under ``/channels/<key>/``.

    Called once at start-up. A blueprint may carry its own templates folder; templates are
    namespaced as ``channels/<key>/...``. Its ``index`` endpoint, when it has one, is the
    channel's own page: the channels page links to it while the channel is active. Views
    reach the core through ``helpdesk.plugin_api.core`` (``core_services()``,
    ``staff_required``).
    """


@hookspec
def helpdesk_ticket_created(ticket: Any) -> None:
    """A ticket was opened (``ticket`` is a TicketSnapshot). After commit."""


@hookspec
def helpdesk_ticket_transitioned(ticket: Any, from_status: str, to_status: str,
                                 action: str) -> None:
    """A ticket changed status through the lifecycle. After commit."""


@hookspec
def helpdesk_message_added(ticket: Any, direction: str, body: str, visibility: str) -> None:
    """A message or note was added to a ticket's timeline. After commit."""


@hookspec
def helpdesk_demo_data(channel_key: str, rng: Any) -> list[dict[str, Any]]:
    """Return sample contacts' messages for the demo association (subject, body, kind, ...).

    Called by ``flask helpdesk demo`` with the channel key the plugin owns and a seeded
    ``random.Random``; return an empty list for channels the plugin does not own.
    """
