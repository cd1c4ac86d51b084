"""Domain events: plain, frozen records of what happened, read from the rows a flush wrote."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.tickets.states import COMMITTEE_ACTIONS

MESSAGE_DIRECTIONS = {"message_in": "in", "message_out": "out", "note": "internal"}
DECISIONS = COMMITTEE_ACTIONS | {"approve", "reject"}


class DomainEvent:
    """Base of every event a handler can subscribe to."""


# ---------------------------------------------------------------------------------------
# The timeline: one event per timeline row (its most specific kind)


@dataclass(frozen=True, kw_only=True)
class TimelineEvent(DomainEvent):
    """A row appended to a ticket's timeline (``type`` is the row's type)."""

    ticket_id: int
    event_id: int
    type: str
    body: str | None
    visibility: str


@dataclass(frozen=True, kw_only=True)
class TicketOpened(TimelineEvent):
    channel_key: str | None


@dataclass(frozen=True, kw_only=True)
class TicketTransitioned(TimelineEvent):
    action: str
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class TicketReferred(TicketTransitioned):
    """Sent to a referee (another staff member or team) with a question."""


@dataclass(frozen=True, kw_only=True)
class TicketDecided(TicketTransitioned):
    """Approved, rejected or deferred (by the committee, or an application decided)."""


@dataclass(frozen=True, kw_only=True)
class TicketClosed(TicketTransitioned):
    resolution_code: str | None


@dataclass(frozen=True, kw_only=True)
class MessageAdded(TimelineEvent):
    direction: str  # in, out, internal
    purpose: str | None


@dataclass(frozen=True, kw_only=True)
class NoteAdded(MessageAdded):
    """An internal note (a message whose direction is 'internal')."""


@dataclass(frozen=True, kw_only=True)
class TicketAssigned(TimelineEvent):
    assignee_id: int | None


@dataclass(frozen=True, kw_only=True)
class ServiceRated(TimelineEvent):
    stars: int | None
    stage: str | None
    edited: bool


# ---------------------------------------------------------------------------------------
# Other rows a flush wrote


@dataclass(frozen=True, kw_only=True)
class MessageQueued(DomainEvent):
    """An outbox message written, for the worker to deliver once committed."""

    message_id: int
    ticket_id: int | None


@dataclass(frozen=True, kw_only=True)
class WebhookDeliveriesQueued(DomainEvent):
    """Webhook delivery rows written for this subscriber (one event per subscriber and
    transaction: equal events are announced once)."""

    subscription_id: int


@dataclass(frozen=True, kw_only=True)
class TicketChanged(DomainEvent):
    """A ticket row inserted (``created``) or updated; ``fields`` are the attributes set."""

    ticket_id: int
    fields: frozenset[str]
    created: bool


@dataclass(frozen=True, kw_only=True)
class ContactChanged(DomainEvent):
    """A contact row inserted (``created``) or updated; ``fields`` are the attributes set."""

    contact_id: int
    fields: frozenset[str]
    created: bool


@dataclass(frozen=True, kw_only=True)
class TimelineEntryEdited(DomainEvent):
    """A timeline row changed or removed (corrections are normally new rows)."""

    ticket_id: int
    fields: frozenset[str]


def timeline_event(row) -> TimelineEvent:
    """The domain event a new timeline row (tickets.models.Event) records."""
    data = row.data or {}
    common = {"ticket_id": row.ticket_id, "event_id": row.id, "type": row.type,
              "body": row.body, "visibility": row.visibility}
    if row.type == "created":
        return TicketOpened(**common, channel_key=data.get("channel"))
    if row.type == "status_changed":
        action = data.get("action")
        moved = {**common, "action": action, "from_status": data.get("from"),
                 "to_status": data.get("to")}
        if action in DECISIONS:
            return TicketDecided(**moved)
        if data.get("to") == "closed":
            return TicketClosed(**moved, resolution_code=data.get("resolution_code"))
        if action == "refer":
            return TicketReferred(**moved)
        return TicketTransitioned(**moved)
    if row.type in MESSAGE_DIRECTIONS:
        kind = NoteAdded if row.type == "note" else MessageAdded
        return kind(**common, direction=MESSAGE_DIRECTIONS[row.type],
                    purpose=data.get("purpose"))
    if row.type == "assigned":
        return TicketAssigned(**common,
                              assignee_id=(data.get("after") or {}).get("assignee_id"))
    if row.type == "rating":
        return ServiceRated(**common, stars=data.get("stars"), stage=data.get("stage"),
                            edited=bool(data.get("edited")))
    return TimelineEvent(**common)
