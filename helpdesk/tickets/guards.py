"""Rules of higher domains that the lifecycle asks before an action, registered at start-up.

The lifecycle cannot import the domains built on it, yet some of their rules decide whether
a ticket may move ("a support request goes to the committee only with a study"). Each such
domain hands its check to the app's guard list in create_app; a guard raises to refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, has_app_context

from helpdesk.tickets.models import Ticket

EXTENSION = "helpdesk_lifecycle_guards"

Guard = Callable[[Ticket], None]


def register_guard(app: Flask, action: str, guard: Guard) -> None:
    app.extensions.setdefault(EXTENSION, {}).setdefault(action, []).append(guard)


def check_guards(action: str, ticket: Ticket) -> None:
    """Ask every guard registered for ``action``; the first refusal propagates."""
    if not has_app_context():
        return
    for guard in current_app.extensions.get(EXTENSION, {}).get(action, ()):
        guard(ticket)
