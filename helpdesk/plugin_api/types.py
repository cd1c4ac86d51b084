"""Values exchanged between the core and channel plugins: frozen, no ORM objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

TICKET_KINDS = (
    "inquiry", "support_request", "complaint", "suggestion", "volunteering", "appreciation",
    "other",
)


class Capability(StrEnum):
    INBOUND_WEBHOOK = "inbound_webhook"   # providers push messages to /channels/<key>/webhook
    STAFF_INTAKE = "staff_intake"         # staff record the contact with the intake form
    PUBLIC_INTAKE = "public_intake"       # the public submits through the portal
    OUTBOUND = "outbound"                 # the channel can answer the person itself
    ATTACHMENTS = "attachments"
    # What the core's own forms need: each goes to the active channel that declares it.
    SUPPORT_APPLICATIONS = "support_applications"  # the support-request application form
    VOLUNTEER_APPLICATIONS = "volunteer_applications"  # the volunteer application form
    CONTACT_FORM = "contact_form"         # the portal's public contact form
    FIELD_VISITS = "field_visits"         # its tickets are staff visits to branches (reports)


class Reach(StrEnum):
    """How the public reaches the association through a channel: the portal's tile for the
    channel shows the matching detail of the association's profile, or the matching form."""

    PHONE = "phone"                    # call the association's phone number
    WHATSAPP = "whatsapp"              # message its WhatsApp number
    BRANCHES = "branches"              # visit its office or a branch
    POSTAL_ADDRESS = "postal_address"  # write to its postal address
    CONTACT_FORM = "contact_form"      # the portal's contact form
    VOLUNTEER_FORM = "volunteer_form"  # the portal's volunteering form
    SUPPORT_FORM = "support_form"      # the portal's support request form


class ChannelError(Exception):
    """A channel could not do what was asked; the message is safe to show staff."""


class WebhookRejected(ChannelError):
    """An inbound webhook failed verification (bad signature, wrong token, replay)."""


@dataclass(frozen=True)
class ChannelMeta:
    key: str
    label: Any          # a lazy string: Arabic or English by the reader's locale
    icon: str           # a Bootstrap Icons-like name used by the core's icon sprite
    kinds: tuple[str, ...]
    capabilities: frozenset[Capability] = frozenset()
    description: Any = ""
    position: int = 100  # where the channel is listed; the policy's order for built-ins
    reach: Reach | None = None  # None: the portal names the channel without a way to use it

    def __post_init__(self) -> None:
        if not self.key.isidentifier() or self.key.lower() != self.key:
            raise ValueError(f"channel key {self.key!r} must be a lower-case identifier")
        unknown = set(self.kinds) - set(TICKET_KINDS)
        if unknown:
            raise ValueError(f"channel {self.key!r} declares unknown ticket kinds {unknown}")


@dataclass(frozen=True)
class FieldSpec:
    """A form field the core renders (intake or settings), with RTL, errors and CSRF."""

    name: str
    label: Any
    type: str = "text"  # text, textarea, select, phone, national_id, email, date, number, secret,
    #                     multiselect (checkboxes: the cleaned value is the list of chosen keys)
    required: bool = False
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""
    max_length: int | None = None


@dataclass(frozen=True)
class InboundMessage:
    """One message from a provider, as the channel's parse_inbound understood it."""

    external_id: str
    body: str
    sender_name: str | None = None
    sender_phone: str | None = None
    sender_email: str | None = None
    thread_id: str | None = None
    kind: str = "inquiry"
    subject: str | None = None
    received_at: datetime | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundMessage:
    idempotency_key: str   # stable across retries: the provider must not send twice
    ticket_number: str
    body: str
    to_phone: str | None = None
    to_email: str | None = None
    thread_id: str | None = None
    subject: str | None = None
    locale: str = "ar"


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    provider_id: str | None = None
    error: str | None = None
    retryable: bool = True
    # Not sent for want of settings: the message waits for an administrator to add them.
    unconfigured: bool = False


@dataclass(frozen=True)
class TicketSnapshot:
    id: int
    number: str
    channel_key: str
    kind: str
    status: str
    priority: str
    subject: str
    contact_name: str | None
    contact_phone: str | None
    created_at: datetime
    channel_data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PanelSpec:
    """A panel a plugin adds to the ticket page: its template and the context for it."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    title: Any = ""


@runtime_checkable
class Channel(Protocol):
    """What a channel plugin provides. The core calls it; it never touches the database.

    Inbound webhooks go through the core's route ``/channels/<key>/webhook`` (only for
    active channels with the INBOUND_WEBHOOK capability):

    - ``POST``: ``verify_webhook(headers, body, settings)`` on the raw body (raise
      WebhookRejected: 403, recorded), then ``parse_inbound(headers, body, settings)``
      (raise ChannelError or ValueError on a payload it cannot read: 400, recorded); each
      returned InboundMessage is received by the core (deduplicated on its external_id,
      threaded, opened or appended). An empty list (a delivery receipt) is acknowledged.
    - ``GET``: ``verify_subscription(args, settings)`` answers a provider's subscription
      handshake (e.g. Meta's ``hub.mode``/``hub.verify_token``/``hub.challenge``): return
      the text to echo with 200, or None to refuse with 403. BaseChannel refuses.
    """

    meta: ChannelMeta

    def intake_fields(self) -> Sequence[FieldSpec]: ...

    def settings_fields(self) -> Sequence[FieldSpec]: ...

    def validate_intake(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return errors by field name (values are messages); empty when valid."""
        ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       settings: Mapping[str, Any]) -> None:
        """Raise WebhookRejected on a bad signature; never return a bool."""
        ...

    def parse_inbound(self, headers: Mapping[str, str], body: bytes,
                      settings: Mapping[str, Any]) -> list[InboundMessage]: ...

    def verify_subscription(self, args: Mapping[str, str],
                            settings: Mapping[str, Any]) -> str | None:
        """Answer a provider's GET handshake: the challenge to echo, or None to refuse."""
        ...

    def send(self, message: OutboundMessage, settings: Mapping[str, Any]) -> DeliveryResult: ...

    def ticket_panel(self, ticket: TicketSnapshot) -> PanelSpec | None: ...
