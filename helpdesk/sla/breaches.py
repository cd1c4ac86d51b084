"""Recording, once per ticket, that its resolution time has passed (run by the worker)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.sla.clocks import CLOCK_MET
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.states import OPEN_STATUSES, SLA_PAUSED_STATUSES

# Statuses in which the resolution clock is not running: the person got an answer or the
# service, or the ticket waits on the person or the committee (the clocks clear the due
# time then; listed too so that a stale value cannot count).
CLOCK_STOPPED = CLOCK_MET | SLA_PAUSED_STATUSES
BREACH_EVENT = "sla_breached"


def record_sla_breaches(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Append an internal ``sla_breached`` event to each open ticket past its resolution due
    time that has none yet; return the ids of the tickets marked now."""
    now = now or utcnow()
    already = exists().where(Event.ticket_id == Ticket.id, Event.type == BREACH_EVENT)
    query = (
        select(Ticket.id, Ticket.resolution_due_at)
        .where(Ticket.resolution_due_at.is_not(None), Ticket.resolution_due_at < now,
               Ticket.status.in_(sorted(OPEN_STATUSES - CLOCK_STOPPED)), ~already)
        .order_by(Ticket.resolution_due_at, Ticket.id)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    for ticket_id, due_at in rows:
        db.session.add(Event(ticket_id=ticket_id, type=BREACH_EVENT, visibility="internal",
                             data={"clock": "resolution", "due_at": due_at.isoformat()},
                             created_at=now))
    db.session.commit()
    return [ticket_id for ticket_id, _ in rows]
