"""Core services for a plugin's own pages (its blueprint): narrow, registered at start-up.

A plugin that renders its own pages (a phone console, a representative's day) needs a few
things only the core can do: who is signed in and what they may do, finding a contact by
phone, checking a national ID or a phone as every core form does, and recording a contact
(a new ticket, or a note on an open one) with the same idempotency as intake. The core
registers one object implementing ``CoreServices`` (``helpdesk.tickets.plugin_services``);
plugins reach it through ``core_services()`` inside a request or an app context.

Every recording use case is idempotent on ``(channel_key, external_id)``: a repeated
submission, a resent offline form or a repeated provider event returns the first result
with ``duplicate=True`` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import abort, current_app
from flask_login import current_user

from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow  # noqa: F401  (for plugin tables)
from helpdesk.extensions import csrf, db, limiter, login_manager
from helpdesk.plugin_api.types import InboundMessage

EXTENSION_KEY = "helpdesk_core_services"
F = TypeVar("F", bound=Callable[..., Any])

# Tables a plugin owns are declared on this base and named ``<channel key>_<noun>``; they
# migrate in the one Alembic history like the core's.
Model = db.Model
session = db.session


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    email: str
    role: str
    branch_id: int | None = None
    branch_name: str | None = None


@dataclass(frozen=True)
class OpenTicket:
    number: str
    subject: str
    status: str
    kind: str


@dataclass(frozen=True)
class ContactCard:
    """What staff see of a person found by their phone: name, phone and open tickets."""

    id: int
    name: str
    phone: str | None
    open_tickets: tuple[OpenTicket, ...] = ()


@dataclass(frozen=True)
class PersonDetails:
    name: str | None = None
    phone: str | None = None
    national_id: str | None = None


@dataclass(frozen=True)
class Photo:
    """A photo to keep with a recorded contact (already read; checked by the core)."""

    data: bytes
    filename: str
    keep_location: bool = False   # False: the core strips the photo's EXIF (GPS) block


@dataclass(frozen=True)
class Recorded:
    ticket_number: str
    created: bool        # a new ticket (otherwise a note joined ``ticket_number``)
    duplicate: bool      # this external id was recorded before: nothing was written
    photos: int = 0


@dataclass(frozen=True)
class ChannelTicket:
    """A ticket of the channel, for the plugin's own lists (managers' reports)."""

    number: str
    subject: str
    status: str
    kind: str
    created_at: datetime
    contact_name: str | None
    branch_id: int | None
    channel_data: Mapping[str, Any] = field(default_factory=dict)


class RecordingRefused(ValueError):
    """The core refused what was typed: ``errors`` maps a field name to a message."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__(", ".join(sorted(errors)))
        self.errors = dict(errors)


class CoreServices(Protocol):
    def current_staff(self) -> StaffMember | None:
        """The signed-in staff member, or None."""
        ...

    def can(self, permission: str) -> bool:
        """Whether the signed-in user holds ``permission`` (the core's role table)."""
        ...

    def staff_members(self, roles: Sequence[str] = ()) -> list[StaffMember]:
        """Active staff, optionally only those with one of ``roles``, by name."""
        ...

    def check_person(self, *, phone: str | None = None, national_id: str | None = None
                     ) -> tuple[dict[str, str | None], dict[str, str]]:
        """(normalised values, Arabic/English messages by field) as every core form checks."""
        ...

    def find_contact_by_phone(self, phone: str) -> ContactCard | None:
        """The person with this phone (any accepted spelling) and their open tickets."""
        ...

    def record(self, channel_key: str, message: InboundMessage, person: PersonDetails, *,
               channel_data: Mapping[str, Any] | None = None,
               join_ticket: str | None = None, photos: Sequence[Photo] = (),
               tags: Sequence[str] = (), max_photo_bytes: int = 0) -> Recorded:
        """Record a contact as the signed-in user (or the system when nobody is): a new
        ticket, or an internal note on the open ticket ``join_ticket``; photos attached;
        tags added. Idempotent on ``message.external_id``. Raises RecordingRefused."""
        ...

    def channel_tickets(self, channel_key: str, *, since: datetime, until: datetime
                        ) -> list[ChannelTicket]:
        """The channel's tickets opened in [since, until) that the signed-in user may see."""
        ...

    def channel_settings(self, channel_key: str) -> dict[str, Any]:
        """The channel's effective settings (saved by an admin, overridden by the env)."""
        ...

    def channel_active(self, channel_key: str) -> bool:
        """Whether an administrator left the channel active for this association."""
        ...


def core_services() -> CoreServices:
    return current_app.extensions[EXTENSION_KEY]


def register_core_services(app: Any, services: CoreServices) -> None:
    app.extensions[EXTENSION_KEY] = services


def staff_required(permission: str) -> Callable[[F], F]:
    """A plugin view for signed-in staff holding ``permission``: anonymous visitors go to
    the login page, others get 403 (the core's own rule for its pages)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not core_services().can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def csrf_exempt(view: F) -> F:
    """For a provider's signed endpoint (there is no session to forge)."""
    return csrf.exempt(view)


def rate_limit(limit: str, scope: str) -> Callable[[F], F]:
    """At most ``limit`` (e.g. "600 per minute") requests to the view, counted for
    ``scope`` as a whole rather than per address (a provider calls from many addresses)."""
    return limiter.limit(limit, key_func=lambda: f"plugin:{scope}")
