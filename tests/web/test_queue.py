"""The queue: saved views, filters, keyset pagination, htmx fragments, the access rule."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from helpdesk.accounts.models import Team
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.queue import QueueFilters, decode_cursor, queue_page


@pytest.fixture
def manager(make_user):
    return make_user("manager")


def _numbers(page):
    return [t.number for t in page.tickets]


def _walk(user, filters, limit):
    """Every page of a queue, following the cursors."""
    seen = []
    while True:
        page = queue_page(user, filters, limit=limit)
        seen.extend(_numbers(page))
        if page.next_cursor is None:
            return seen
        filters = QueueFilters(**{**filters.__dict__, "after": page.next_cursor})


def test_pages_follow_each_other_without_gaps_or_repeats(manager, make_ticket):
    tickets = [make_ticket() for _ in range(23)]
    newest_first = [t.number for t in reversed(tickets)]
    assert _walk(manager, QueueFilters(), limit=5) == newest_first
    assert _walk(manager, QueueFilters(sort="oldest"), limit=7) == newest_first[::-1]


def test_the_due_sort_puts_the_soonest_first_and_undated_tickets_last(manager, make_ticket):
    now = utcnow()
    tickets = [make_ticket() for _ in range(9)]
    offsets = [5, None, 1, 3, None, 1, 8, None, 2]
    for ticket, hours in zip(tickets, offsets, strict=True):
        ticket.resolution_due_at = now + timedelta(hours=hours) if hours is not None else None
    db.session.commit()
    expected = sorted(tickets, key=lambda t: (t.resolution_due_at is None,
                                              t.resolution_due_at or now, t.id))
    assert _walk(manager, QueueFilters(sort="due"), limit=2) == [t.number for t in expected]


def test_a_cursor_from_another_sort_or_garbage_is_ignored(manager, make_ticket):
    make_ticket()
    assert decode_cursor("not-a-cursor", "newest") is None
    page = queue_page(manager, QueueFilters(after="!!!"))
    assert len(page.tickets) == 1


def test_filters_narrow_the_queue(manager, make_ticket):
    phone = make_ticket(channel_key="phone", kind="complaint", priority="high")
    letter = make_ticket(channel_key="letters", kind="inquiry")
    assert _numbers(queue_page(manager, QueueFilters(channel="phone"))) == [phone.number]
    assert _numbers(queue_page(manager, QueueFilters(kind="inquiry"))) == [letter.number]
    assert _numbers(queue_page(manager, QueueFilters(priority="high"))) == [phone.number]
    assert _numbers(queue_page(manager, QueueFilters(statuses=("closed",)))) == []


def test_saved_views_mine_unassigned_and_overdue(manager, make_user, make_ticket):
    agent = make_user("agent")
    mine = make_ticket()
    mine.assignee_id = agent.id
    late = make_ticket()
    late.resolution_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert _numbers(queue_page(agent, QueueFilters(view="mine"))) == [mine.number]
    assert mine.number not in _numbers(queue_page(manager, QueueFilters(view="unassigned")))
    assert _numbers(queue_page(manager, QueueFilters(view="overdue"))) == [late.number]


def test_the_queue_shows_only_what_the_access_rule_allows(make_user, make_ticket):
    team = Team(key="legal", name_ar="الاستشارات القانونية", name_en="Legal")
    db.session.add(team)
    db.session.commit()
    hidden = make_ticket(team_id=team.id)
    visible = make_ticket()
    agent = make_user("agent")
    numbers = _numbers(queue_page(agent, QueueFilters()))
    assert visible.number in numbers and hidden.number not in numbers


def test_the_queue_page_keeps_filters_in_its_links(client, login, manager, make_ticket):
    for _ in range(30):
        make_ticket(channel_key="phone")
    login(manager)
    html = client.get("/tickets?channel=phone&sort=oldest").get_data(as_text=True)
    assert html.count('data-ticket="') == 25
    more = html.split('data-testid="load-more"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    query = parse_qs(urlsplit(more.replace("&amp;", "&")).query)
    assert query["channel"] == ["phone"] and query["sort"] == ["oldest"] and query["after"]


def test_htmx_gets_the_results_fragment_and_more_rows(htmx, login, manager, make_ticket):
    for _ in range(27):
        make_ticket()
    login(manager)
    fragment = htmx.get("/tickets?kind=inquiry").get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="queue-results"')
    assert "<html" not in fragment
    cursor = fragment.split("after=", 1)[1].split("&", 1)[0].split('"', 1)[0]
    rows = htmx.get(f"/tickets?kind=inquiry&after={cursor}").get_data(as_text=True)
    assert rows.count('data-ticket="') == 2
    assert "queue-results" not in rows


def test_a_bad_date_is_reported_beside_the_field_and_kept(client, login, manager):
    login(manager)
    html = client.get("/tickets?created_from=2026-13-45&channel=phone").get_data(as_text=True)
    assert 'data-testid="error-created_from"' in html
    assert 'value="2026-13-45"' in html


def test_an_empty_queue_says_so(client, login, manager):
    login(manager)
    assert 'data-testid="empty-state"' in client.get("/tickets").get_data(as_text=True)


def test_the_ticket_page_shows_the_header_contact_and_timeline(client, login, manager,
                                                               make_ticket):
    ticket = make_ticket(body="أرغب في معرفة موعد التوزيع")
    login(manager)
    html = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert ticket.number in html and ticket.subject in html
    assert 'data-testid="contact-card"' in html
    assert "أرغب في معرفة موعد التوزيع" in html


def test_a_ticket_out_of_reach_is_not_found(client, login, make_user, make_ticket):
    team = Team(key="legal2", name_ar="قانوني", name_en="Legal")
    db.session.add(team)
    db.session.commit()
    ticket = make_ticket(team_id=team.id)
    login(make_user("agent"))
    assert client.get(f"/tickets/{ticket.number}").status_code == 404
    assert client.get("/tickets/2026-999999").status_code == 404


def test_an_id_too_large_for_the_database_is_refused_not_a_server_error(client, login, manager):
    login(manager)
    response = client.get(f"/tickets?team={10**30}")
    assert response.status_code == 200
    assert 'form-select is-invalid" id="field-team"' in response.get_data(as_text=True)
