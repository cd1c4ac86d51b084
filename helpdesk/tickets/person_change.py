"""A change the person makes to their own ticket (a reply, a document, a rating): one unit
of work, retried once when a staff change committed in between."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket

T = TypeVar("T")


def change_as_person(ticket_id: int, work: Callable[[Ticket, datetime], T]) -> T:
    """Run ``work`` on a fresh copy of the ticket and commit; a staff change committed in
    between (stale version) is retried once on the new state, so the person's words are
    never lost to a race they cannot see."""
    for attempt in range(2):
        ticket = db.session.get(Ticket, ticket_id, populate_existing=True)
        if ticket is None:
            raise LookupError(ticket_id)
        now = utcnow()
        try:
            result = work(ticket, now)
            ticket.updated_at = now  # bumps the version: staff forms see the change
            db.session.commit()
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            if attempt:
                raise
            continue
        except BaseException:
            db.session.rollback()
            raise
        return result
    raise AssertionError("unreachable")
