"""Ticket numbers: yearly, sequential, never reused, unique under concurrent intake."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.numbering import allocate_sequence, format_ticket_number
from helpdesk.tickets.services import open_ticket
from tests.support.threads import run_in_threads


def test_numbers_read_as_year_and_six_digits():
    assert format_ticket_number(2026, 123) == "2026-000123"


def test_tickets_are_numbered_in_sequence_within_the_year(make_ticket):
    first, second = make_ticket(), make_ticket()
    year = utcnow().year
    assert first.number == f"{year}-000001"
    assert second.number == f"{year}-000002"


def test_a_failed_intake_leaves_neither_a_gap_nor_a_duplicate(app, make_ticket):
    make_ticket()
    allocate_sequence(utcnow().year)
    db.session.rollback()  # the counter's increment rolls back with the failed intake
    third = make_ticket()
    numbers = db.session.scalars(select(Ticket.number).order_by(Ticket.id)).all()
    assert len(set(numbers)) == len(numbers) == 2
    assert third.number.endswith("000002")


def test_concurrent_intake_never_hands_out_the_same_number(app):
    threads, per_thread = 6, 8

    def intake():
        for i in range(per_thread):
            open_ticket(channel_key="website", kind="inquiry", subject=f"طلب {i}")

    run_in_threads(app, [intake] * threads)
    numbers = db.session.scalars(select(Ticket.sequence)).all()
    assert sorted(numbers) == list(range(1, threads * per_thread + 1))
