"""What the committee pages show: the agenda, a sitting, the recent sittings and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from helpdesk.casework.services import studies_for
from helpdesk.committee.models import CommitteeDecision, CommitteeSitting
from helpdesk.committee.queries import agenda, recent_sittings, sitting_decisions
from helpdesk.committee.services import DECISION_LABELS
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.page import committee_members
from helpdesk.tickets.services import riyadh_today


@dataclass(frozen=True)
class SittingSummary:
    sitting: CommitteeSitting
    decisions: list[CommitteeDecision]
    numbers: dict[int, str]  # ticket id → number, for the decisions' links


def ticket_numbers(decisions: list[CommitteeDecision]) -> dict[int, str]:
    ids = sorted({decision.ticket_id for decision in decisions})
    if not ids:
        return {}
    rows = db.session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids)))
    return {ticket_id: number for ticket_id, number in rows}


def get_sitting(sitting_id: int) -> CommitteeSitting | None:
    return db.session.get(CommitteeSitting, sitting_id)


def sittings_with_decisions(limit: int = 10) -> list[SittingSummary]:
    summaries = []
    for sitting in recent_sittings(limit=limit):
        decisions = sitting_decisions(sitting)
        summaries.append(SittingSummary(sitting, decisions, ticket_numbers(decisions)))
    return summaries


def agenda_context(user: Any, *, values: dict[str, Any] | None = None,
                   errors: dict[str, str] | None = None,
                   alert: dict[str, str] | None = None) -> dict[str, Any]:
    """The agenda page: requests at the committee, the open-a-sitting form, recent sittings."""
    today = riyadh_today()
    items = agenda(user)
    return {
        "items": items,
        "studies": studies_for([item.id for item in items]),
        "today": today,
        "members": committee_members(),
        "sittings": sittings_with_decisions(),
        "decision_labels": DECISION_LABELS,
        "values": values or {},
        "errors": errors or {},
        "alert": alert,
        "default_meeting_on": today.isoformat(),
    }


def sitting_context(user: Any, sitting: CommitteeSitting, *,
                    values: dict[str, Any] | None = None,
                    errors: dict[str, str] | None = None,
                    alert: dict[str, str] | None = None) -> dict[str, Any]:
    """A sitting's page: its members, the requests it may decide, what it decided."""
    decisions = sitting_decisions(sitting)
    items = agenda(user)
    return {
        "sitting": sitting,
        "items": items,
        "studies": studies_for([item.id for item in items]),
        "today": riyadh_today(),
        "decisions": decisions,
        "numbers": ticket_numbers(decisions),
        "decision_labels": DECISION_LABELS,
        "values": values or {},
        "errors": errors or {},
        "alert": alert,
    }
