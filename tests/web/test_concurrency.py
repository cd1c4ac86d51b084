"""Two people acting on one ticket at once never lose an update (real threads, each with
its own application context and session, on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.errors import StaleTicket
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.queries import get_visible_ticket
from tests.support.threads import THREAD_TIMEOUT, run_in_threads


def test_notes_written_at_once_by_several_people_are_all_kept(app, make_user, make_ticket):
    people, notes_each = 4, 6
    agents = [make_user("manager") for _ in range(people)]
    ticket = make_ticket(kind="complaint")
    start_version = ticket.version
    agent_ids, number = [agent.id for agent in agents], ticket.number

    def writer(agent_id: int) -> Callable[[], int]:
        def write() -> int:
            agent = db.session.get(User, agent_id)
            stale = 0
            for n in range(notes_each):
                # As a person at the ticket page: read, write with the version seen, and on
                # a conflict take the fresh ticket's version and try again.
                version = get_visible_ticket(agent, number).version
                while True:
                    try:
                        services.add_note(number, actor=agent, expected_version=version,
                                          body=f"note {agent_id}-{n}")
                        break
                    except StaleTicket as conflict:
                        stale += 1
                        version = conflict.ticket.version
            return stale

        return write

    run_in_threads(app, [writer(agent_id) for agent_id in agent_ids])

    db.session.expire_all()
    bodies = db.session.scalars(select(Event.body).where(Event.ticket_id == ticket.id,
                                                         Event.type == "note")).all()
    expected = {f"note {a}-{n}" for a in agent_ids for n in range(notes_each)}
    assert sorted(bodies) == sorted(expected)
    assert db.session.get(Ticket, ticket.id).version == start_version + people * notes_each


def test_of_two_simultaneous_changes_one_wins_and_the_other_gets_the_fresh_ticket(
        app, make_user, make_ticket):
    first, second = make_user("manager"), make_user("manager")
    ticket = make_ticket(kind="inquiry")
    number, seen = ticket.number, ticket.version
    both_read = threading.Barrier(2, timeout=THREAD_TIMEOUT)

    def acting(user_id: int, change: Callable[[Any], Any]) -> Callable[[], dict]:
        def act() -> dict:
            actor = db.session.get(User, user_id)
            assert get_visible_ticket(actor, number).version == seen
            both_read.wait()  # both have the same page in front of them
            try:
                change(actor)
            except StaleTicket as conflict:
                with force_locale("en"):
                    return {"won": False, "fresh_version": conflict.ticket.version,
                            "message": conflict.message}
            return {"won": True}

        return act

    outcomes = run_in_threads(app, [
        acting(first.id, lambda actor: services.set_priority(
            number, actor=actor, expected_version=seen, priority="urgent")),
        acting(second.id, lambda actor: services.take(
            number, actor=actor, expected_version=seen)),
    ])

    assert sorted(outcome["won"] for outcome in outcomes) == [False, True]
    loser = next(outcome for outcome in outcomes if not outcome["won"])
    assert loser["fresh_version"] == seen + 1
    assert loser["message"].startswith("Someone else changed this ticket")
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.version == seen + 1
    winner_applied = (fresh.priority == "urgent") != (fresh.assignee_id == second.id)
    assert winner_applied, "exactly one of the two changes is in the database"
    changes = db.session.scalars(select(Event.type).where(
        Event.ticket_id == ticket.id, Event.type.in_(["priority_changed", "assigned"]))).all()
    assert len(changes) == 1


def test_two_agents_starting_the_same_ticket_record_one_transition(app, make_user,
                                                                   make_ticket):
    agents = [make_user("manager") for _ in range(2)]
    ticket = make_ticket(kind="inquiry")
    number, seen = ticket.number, ticket.version
    both_read = threading.Barrier(2, timeout=THREAD_TIMEOUT)

    def starter(user_id: int) -> Callable[[], str]:
        def start() -> str:
            actor = db.session.get(User, user_id)
            get_visible_ticket(actor, number)
            both_read.wait()
            try:
                services.start(number, actor=actor, expected_version=seen)
            except StaleTicket:
                return "stale"
            return "started"

        return start

    outcomes = run_in_threads(app, [starter(agent.id) for agent in agents])

    assert sorted(outcomes) == ["stale", "started"]
    transitions = db.session.scalars(select(Event).where(
        Event.ticket_id == ticket.id, Event.type == "status_changed")).all()
    assert len(transitions) == 1
