"""Domain-event handlers that tell staff what happened to a ticket (registered before commit
in ``configure_events``): the notification is part of the change it announces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from helpdesk.accounts.models import User, team_members
from helpdesk.extensions import db
from helpdesk.notifications.services import claim, notify
from helpdesk.sla.breaches import BREACH_EVENT
from helpdesk.tickets.events import (
    MessageAdded,
    TicketAssigned,
    TicketReferred,
    TicketTransitioned,
    TimelineEvent,
)
from helpdesk.tickets.models import Event, Ticket

# Who sits on the research committee: told when a request joins its agenda or nears its date.
COMMITTEE_ROLE = "committee_member"


def _row(event: TimelineEvent) -> Event | None:
    return db.session.get(Event, event.event_id)


def _actor_id(event: TimelineEvent) -> int | None:
    row = _row(event)
    return row.actor_id if row is not None else None


def _assignee_id(ticket_id: int) -> int | None:
    return db.session.scalar(select(Ticket.assignee_id).where(Ticket.id == ticket_id))


def committee_member_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == COMMITTEE_ROLE,
                                                         User.active.is_(True))))


def assigned(event: TicketAssigned) -> None:
    """The new assignee is told (not when they took the ticket themselves)."""
    if event.assignee_id is not None:
        notify("assigned", event.ticket_id, [event.assignee_id], actor_id=_actor_id(event))


def referred(event: TicketReferred) -> None:
    """The referee is told: the person, or every member of the team."""
    row = _row(event)
    referee = ((row.data or {}).get("referral") or {}) if row is not None else {}
    people = [referee.get("to_user_id")]
    if referee.get("to_team_id") is not None:
        people += list(db.session.scalars(select(team_members.c.user_id).where(
            team_members.c.team_id == referee["to_team_id"])))
    notify("referred", event.ticket_id, people, actor_id=row.actor_id if row else None)


def reply_received(event: MessageAdded) -> None:
    """The ticket's assignee is told the person wrote."""
    if event.direction == "in":
        notify("reply", event.ticket_id, [_assignee_id(event.ticket_id)],
               actor_id=_actor_id(event))


def put_on_agenda(event: TicketTransitioned) -> None:
    """The committee's members are told a request joined the agenda."""
    if event.action == "send_to_committee":
        notify("agenda", event.ticket_id, committee_member_ids(), actor_id=_actor_id(event))


def breached(event: TimelineEvent) -> None:
    """The assignee is told the resolution time passed (the SLA check's timeline entry),
    once per due time even if two checks ran at once (the claim's unique row)."""
    if event.type != BREACH_EVENT:
        return
    row = _row(event)
    due = (row.data or {}).get("due_at") if row is not None else None
    due_at = datetime.fromisoformat(due) if due else row.created_at
    if claim(event.ticket_id, "breach_notice", due_at, row.created_at):
        notify("breached", event.ticket_id, [_assignee_id(event.ticket_id)],
               now=row.created_at)
