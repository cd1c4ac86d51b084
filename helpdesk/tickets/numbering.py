"""Human-friendly ticket numbers (2026-000123): sequential per year, never reused.

The yearly counter is one row incremented with UPDATE … RETURNING, which both SQLite
(database write lock) and PostgreSQL (row lock) serialise, so concurrent intakes never
receive the same number; a failed intake rolls its increment back with it, so committed
numbers have neither gaps nor duplicates.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from helpdesk.extensions import db
from helpdesk.tickets.models import TicketSequence

NUMBER_DIGITS = 6


def format_ticket_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:0{NUMBER_DIGITS}d}"


def allocate_sequence(year: int) -> int:
    """The next sequence for ``year`` inside the caller's transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(TicketSequence).values(year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    return db.session.execute(
        update(TicketSequence)
        .where(TicketSequence.year == year)
        .values(last_value=TicketSequence.last_value + 1)
        .returning(TicketSequence.last_value)
    ).scalar_one()
