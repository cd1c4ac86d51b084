"""What ticket use cases raise: each error carries a message safe to show staff.

The module imports nothing from Flask at import time so that the pure lifecycle table
(states.py) can raise InvalidTransition; messages are translated when they are read, in
the locale of whoever reads them.
"""

from __future__ import annotations

from typing import Any

from helpdesk.tickets.vocabulary import STATUSES


def _(message: str, **variables: Any) -> str:
    # Imported here, not above: the pure lifecycle table raises these errors (see above).
    from flask_babel import gettext

    return gettext(message, **variables)


class TicketError(Exception):
    """Base class; ``message`` (and ``str()``) is the translated text for the person."""

    @property
    def message(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.message


class InvalidTransition(TicketError):
    """The lifecycle table has no row for this kind, status and action."""

    def __init__(self, kind: str, status: str, action: str):
        super().__init__(kind, status, action)
        self.kind, self.status, self.action = kind, status, action

    @property
    def message(self) -> str:
        return _("This action is not available while the ticket is “%(status)s”.",
                        status=str(STATUSES.get(self.status, self.status)))


class PermissionDenied(TicketError):
    """The actor may see the ticket but not do this to it."""

    def __init__(self, permission: str | None = None):
        super().__init__(permission)
        self.permission = permission

    @property
    def message(self) -> str:
        return _("You do not have permission to do this on this ticket.")


class TicketNotFound(TicketError):
    """No such ticket, or it is out of the actor's reach (the two are never told apart)."""

    @property
    def message(self) -> str:
        return _("Ticket not found.")


class StaleTicket(TicketError):
    """Someone else changed the ticket first; ``ticket`` is the fresh copy (or None)."""

    def __init__(self, ticket: Any = None):
        super().__init__(getattr(ticket, "id", None))
        self.ticket = ticket

    @property
    def message(self) -> str:
        return _("Someone else changed this ticket while you were working on it. "
                        "The latest version is shown: please review it and try again.")
