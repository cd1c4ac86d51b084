"""Open tickets as the partial indexes see them: the overdue and unassigned views, the home
page's bounded counts per channel. The SQL spelling must mean exactly OPEN_STATUSES."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import open_counts_by_channel, open_ticket_clause
from helpdesk.tickets.queue import QueueFilters, queue_page
from helpdesk.tickets.vocabulary import OPEN_STATUSES, STATUSES


@pytest.fixture
def manager(make_user):
    return make_user("manager")


def _set(ticket, **values):
    for name, value in values.items():
        setattr(ticket, name, value)
    db.session.commit()


def test_the_open_tickets_clause_selects_exactly_the_open_statuses(make_ticket):
    by_status = {status: make_ticket() for status in STATUSES}
    for status, ticket in by_status.items():
        _set(ticket, status=status)

    found = db.session.scalars(select(Ticket.status).where(open_ticket_clause())).all()

    assert sorted(found) == sorted(OPEN_STATUSES)


def test_the_overdue_view_lists_open_tickets_past_their_due_time_newest_first(
        manager, make_ticket):
    now = utcnow()
    late_old, late_new, not_due, closed_late, undated = (make_ticket() for _ in range(5))
    _set(late_old, status="in_progress", resolution_due_at=now - timedelta(days=3))
    _set(late_new, status="committee", resolution_due_at=now - timedelta(hours=1))
    _set(not_due, status="in_progress", resolution_due_at=now + timedelta(hours=1))
    _set(closed_late, status="closed", resolution_due_at=now - timedelta(days=1))
    _set(undated, status="awaiting_information", resolution_due_at=None)

    page = queue_page(manager, QueueFilters(view="overdue"))

    assert [t.number for t in page.tickets] == [late_new.number, late_old.number]


def test_the_overdue_view_pages_with_its_cursor(manager, make_ticket):
    now = utcnow()
    tickets = [make_ticket() for _ in range(5)]
    for ticket in tickets:
        _set(ticket, status="new", resolution_due_at=now - timedelta(hours=2))
    _set(tickets[2], status="cancelled")

    first = queue_page(manager, QueueFilters(view="overdue"), limit=2)
    second = queue_page(manager, QueueFilters(view="overdue", after=first.next_cursor),
                        limit=2)

    assert [t.number for t in first.tickets + second.tickets] == \
        [tickets[4].number, tickets[3].number, tickets[1].number, tickets[0].number]
    assert second.next_cursor is None


def test_the_unassigned_view_leaves_out_closed_and_cancelled_tickets(
        manager, make_ticket):
    waiting, closed, cancelled = make_ticket(), make_ticket(), make_ticket()
    _set(closed, status="closed")
    _set(cancelled, status="cancelled")

    page = queue_page(manager, QueueFilters(view="unassigned"))

    assert [t.number for t in page.tickets] == [waiting.number]


def test_open_counts_per_channel_stop_just_past_the_bound(make_ticket):
    for _ in range(4):
        make_ticket(channel_key="phone")
    _set(make_ticket(channel_key="phone"), status="closed")
    make_ticket(channel_key="letters")

    counts = open_counts_by_channel(["phone", "letters", "social"], bound=2)

    assert counts == {"phone": 3, "letters": 1, "social": 0}


def test_the_home_page_shows_open_counts_and_more_than_the_bound_beyond_it(
        app, make_user, login, make_ticket, monkeypatch):
    for _ in range(3):
        make_ticket(channel_key="phone")
    make_ticket(channel_key="letters")
    monkeypatch.setattr("helpdesk.web.home.OPEN_COUNT_BOUND", 2)
    client = login(make_user("manager"))
    client.post("/locale", data={"locale": "en", "next": "/"})

    html = client.get("/").get_data(as_text=True)

    assert "More than 2 open tickets" in html
    assert "1 open ticket" in html


def test_the_closed_today_view_lists_todays_closures_newest_first_in_both_sorts(
        manager, make_ticket):
    now = utcnow()
    earlier, later, yesterday, cancelled = (make_ticket() for _ in range(4))
    _set(earlier, status="closed", closed_at=now - timedelta(minutes=5))
    _set(later, status="closed", closed_at=now)
    _set(yesterday, status="closed", closed_at=now - timedelta(days=2))
    _set(cancelled, status="cancelled", closed_at=now)

    newest = queue_page(manager, QueueFilters(view="closed_today"))
    oldest = queue_page(manager, QueueFilters(view="closed_today", sort="oldest"))

    assert [t.number for t in newest.tickets] == [later.number, earlier.number]
    assert [t.number for t in oldest.tickets] == [earlier.number, later.number]


def test_an_agent_sees_the_same_first_page_whatever_the_plan(make_user, make_ticket):
    from helpdesk.accounts.models import Team

    team = Team(key="relations", name_ar="العلاقات", name_en="Relations")
    db.session.add(team)
    db.session.commit()
    agent = make_user("agent")
    team.members.append(agent)
    other = Team(key="other", name_ar="أخرى", name_en="Other")
    db.session.add(other)
    db.session.commit()
    mine = make_ticket()
    _set(mine, team_id=team.id)
    _set(make_ticket(), team_id=other.id)
    assigned = make_ticket()
    _set(assigned, team_id=other.id, assignee_id=agent.id)
    untriaged = make_ticket()

    page = queue_page(agent, QueueFilters())

    assert [t.number for t in page.tickets] == [untriaged.number, assigned.number, mine.number]
