"""Read-side of the committee: its agenda (through the access rule), sittings, decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk.committee.models import CommitteeDecision, CommitteeSitting
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import visible_tickets_clause


def agenda(user: Any, *, limit: int = 200) -> list[Ticket]:
    """Requests waiting for the committee that ``user`` may see, the most urgent first."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.status == "committee", visible_tickets_clause(user))
        .order_by(Ticket.decision_due_on.asc().nulls_last(), Ticket.id).limit(limit)
    ))


def recent_sittings(*, limit: int = 20) -> list[CommitteeSitting]:
    return list(db.session.scalars(
        select(CommitteeSitting)
        .order_by(CommitteeSitting.meeting_on.desc(), CommitteeSitting.id.desc()).limit(limit)
    ))


def sitting_decisions(sitting: CommitteeSitting | int) -> list[CommitteeDecision]:
    sitting_id = sitting.id if isinstance(sitting, CommitteeSitting) else sitting
    return list(db.session.scalars(
        select(CommitteeDecision).where(CommitteeDecision.sitting_id == sitting_id)
        .order_by(CommitteeDecision.id)
    ))


def ticket_decisions(ticket: Ticket | int) -> list[CommitteeDecision]:
    ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
    return list(db.session.scalars(
        select(CommitteeDecision).where(CommitteeDecision.ticket_id == ticket_id)
        .order_by(CommitteeDecision.id)
    ))
