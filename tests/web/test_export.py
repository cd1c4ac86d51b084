"""The queue's CSV export: what the queue shows and nothing more, streamed in keyset batches,
safe to open in a spreadsheet, and written to the audit log."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import event, select

from helpdesk.accounts.models import Team
from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.export import AUDIT_ACTION, safe_cell
from helpdesk.tickets.queue import QueueFilters, queue_page

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def org(app, make_user):
    class Org:
        pass

    org = Org()
    org.relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
    org.research = Team(key="research", name_ar="البحث", name_en="Research")
    db.session.add_all([org.relations, org.research])
    db.session.commit()
    org.agent = make_user("agent")
    org.manager = make_user("manager")
    org.relations.members.append(org.agent)
    db.session.commit()
    return org


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def numbers_in(rows: list[list[str]]) -> list[str]:
    return [row[0] for row in rows[1:]]


def queue_numbers(user, filters: QueueFilters) -> list[str]:
    """Every ticket the queue shows for these filters, following its pages."""
    numbers = []
    while True:
        page = queue_page(user, filters)
        numbers.extend(t.number for t in page.tickets)
        if page.next_cursor is None:
            return numbers
        filters = QueueFilters(**{**filters.__dict__, "after": page.next_cursor})


def test_an_agents_filtered_export_holds_exactly_the_tickets_their_queue_shows(
        org, make_ticket, login):
    own = [make_ticket(kind="complaint", team_id=org.relations.id) for _ in range(3)]
    make_ticket(kind="inquiry", team_id=org.relations.id)
    elsewhere = make_ticket(kind="complaint", team_id=org.research.id)

    rows = rows_of(login(org.agent).get("/tickets/export.csv?kind=complaint"))

    assert numbers_in(rows) == queue_numbers(org.agent, QueueFilters(kind="complaint"))
    assert numbers_in(rows) == [t.number for t in reversed(own)]
    assert elsewhere.number not in "".join(",".join(row) for row in rows)


def test_the_saved_view_sort_and_search_of_the_queue_apply_too(org, make_ticket, login,
                                                                make_contact):
    mine = [make_ticket(team_id=org.relations.id) for _ in range(3)]
    for ticket in mine[:2]:
        services.assign(ticket.id, actor=org.manager, expected_version=ticket.version,
                        assignee_id=org.agent.id)
    make_ticket(team_id=org.relations.id, contact=make_contact(name="سارة القحطاني"))
    client = login(org.agent)

    rows = rows_of(client.get("/tickets/export.csv?view=mine&sort=oldest"))
    assert numbers_in(rows) == [mine[0].number, mine[1].number]
    assert numbers_in(rows) == queue_numbers(org.agent, QueueFilters(view="mine", sort="oldest"))

    rows = rows_of(client.get("/tickets/export.csv?q=القحطاني"))
    assert numbers_in(rows) == queue_numbers(org.agent, QueueFilters(q="القحطاني"))
    assert [row[7] for row in rows[1:]] == ["سارة القحطاني"]


def test_a_cursor_in_the_link_does_not_cut_the_export_short(org, make_ticket, login):
    tickets = [make_ticket(team_id=org.relations.id) for _ in range(4)]
    rows = rows_of(login(org.agent).get("/tickets/export.csv?after=garbage-or-a-page"))
    assert numbers_in(rows) == [t.number for t in reversed(tickets)]


@pytest.fixture
def ticket_selects(app):
    """The SELECTs over tickets the database receives, with their parameters."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM tickets" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def test_the_rows_are_walked_in_keyset_batches_without_offset(org, make_ticket, login,
                                                               monkeypatch, ticket_selects):
    monkeypatch.setattr("helpdesk.tickets.export.BATCH_SIZE", 2)
    tickets = [make_ticket(team_id=org.relations.id) for _ in range(5)]
    client = login(org.agent)
    ticket_selects.clear()

    rows = rows_of(client.get("/tickets/export.csv?sort=oldest"))

    assert numbers_in(rows) == [t.number for t in tickets]
    batches = [(s, p) for s, p in ticket_selects if "ORDER BY" in s and "LIMIT" in s]
    assert len(batches) == 3  # 2 + 2 + 1, each asking one more to know whether more follow
    assert all("tickets.id > " in s for s, _ in batches[1:])  # each after the last one seen
    for statement, parameters in batches:
        if "OFFSET" in statement:  # SQLite's dialect always writes one: it must stay 0
            assert statement.rstrip().endswith("OFFSET ?") and parameters[-1] == 0


def test_the_due_sort_survives_the_batch_boundaries(org, make_ticket, login, monkeypatch):
    from datetime import timedelta

    from helpdesk.db_types import utcnow

    monkeypatch.setattr("helpdesk.tickets.export.BATCH_SIZE", 2)
    now = utcnow()
    tickets = [make_ticket(team_id=org.relations.id) for _ in range(5)]
    for ticket, hours in zip(tickets, [3, None, 1, 2, None], strict=True):
        ticket.resolution_due_at = now + timedelta(hours=hours) if hours else None
    db.session.commit()

    rows = rows_of(login(org.agent).get("/tickets/export.csv?sort=due"))

    assert numbers_in(rows) == queue_numbers(org.agent, QueueFilters(sort="due"))
    assert numbers_in(rows) == [tickets[i].number for i in (2, 3, 0, 1, 4)]


def test_a_long_export_stops_at_the_cap_with_a_note_and_the_audit_says_so(
        org, make_ticket, login, monkeypatch):
    monkeypatch.setattr("helpdesk.tickets.export.BATCH_SIZE", 2)
    monkeypatch.setattr("helpdesk.tickets.export.MAX_ROWS", 3)
    tickets = [make_ticket(team_id=org.relations.id) for _ in range(5)]

    rows = rows_of(login(org.agent).get("/tickets/export.csv"))

    assert numbers_in(rows)[:3] == [t.number for t in reversed(tickets)][:3]
    assert len(rows) == 1 + 3 + 1
    assert len(rows[-1]) == 1 and "3" in rows[-1][0]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)).one()
    assert entry.after["rows"] == 3 and entry.after["truncated"] is True


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(
        org, make_ticket, make_contact, login):
    names = ["=HYPERLINK(\"http://evil.example\",\"اضغط\")", "+1+1", "-2+3", "@SUM(A1)",
             "\tcmd", "\rcmd"]
    for name in names:
        make_ticket(team_id=org.relations.id, contact=make_contact(name=name))
    make_ticket(team_id=org.relations.id,
                contact=make_contact(name="John", phone="+447700900123"))

    rows = rows_of(login(org.agent).get("/tickets/export.csv?sort=oldest"))

    assert [row[7] for row in rows[1:]] == ["'" + name for name in names] + ["John"]
    assert rows[-1][8] == "'+447700900123"
    assert safe_cell("0512345678") == "0512345678" and safe_cell(None) == ""


def test_the_file_opens_in_excel_as_utf8_with_an_arabic_header(org, make_ticket, login,
                                                               make_contact):
    ticket = make_ticket(team_id=org.relations.id, kind="complaint",
                         contact=make_contact(name="محمد العتيبي", phone="+966512345670",
                                              national_id="1234567897"))

    response = login(org.agent).get("/tickets/export.csv")

    assert response.data.startswith(BOM)
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="sila-tickets-\d{8}-\d{4}\.csv"',
                        response.headers["Content-Disposition"])
    header, row = rows_of(response)
    assert header[0] == "الرقم" and "الحالة" in header and "الأولوية" in header
    assert row[0] == ticket.number
    assert row[3] == "شكوى"  # the label, never the key
    assert row[7:10] == ["محمد العتيبي", "0512345670", "العلاقات"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[1])
    assert "1234567897" not in response.data.decode("utf-8-sig")


def test_a_closed_ticket_shows_when_it_was_closed_and_its_resolution(org, make_ticket, login):
    ticket = make_ticket(team_id=org.relations.id)
    ticket = services.start(ticket.id, actor=org.agent, expected_version=ticket.version)
    ticket = services.resolve(ticket.id, actor=org.agent, expected_version=ticket.version)
    ticket = services.close(ticket.id, actor=org.agent, expected_version=ticket.version,
                            resolution_code="answered", resolution_note="أُجيب عن السؤال.")
    client = login(org.agent)
    client.post("/locale", data={"locale": "en"})

    header, row = rows_of(client.get("/tickets/export.csv"))

    named = dict(zip(header, row, strict=True))
    assert named["Status"] == "Closed"
    assert named["Resolution code"] == "Answered"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", named["Closed at"])


@pytest.mark.parametrize("role", ["research_officer", "committee_member", "branch_rep",
                                  "volunteer_coordinator"])
def test_roles_without_the_export_permission_are_refused(role, make_user, login):
    response = login(make_user(role)).get("/tickets/export.csv")
    assert response.status_code == 403
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == AUDIT_ACTION)).first() is None


def test_every_export_is_written_to_the_audit_log_with_its_filters_and_row_count(
        org, make_ticket, login):
    for _ in range(2):
        make_ticket(kind="complaint", team_id=org.relations.id)
    make_ticket(kind="inquiry", team_id=org.relations.id)

    rows_of(login(org.agent).get("/tickets/export.csv?kind=complaint&sort=oldest"))

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)).one()
    assert entry.actor_id == org.agent.id
    assert entry.target_type == "ticket_queue"
    assert entry.after == {"format": "csv", "filters": {"kind": "complaint", "sort": "oldest"},
                           "rows": 2, "truncated": False}


def export_link(html: str) -> str | None:
    link = re.search(r'<a[^>]*data-testid="export-csv"[^>]*href="([^"]+)"', html)
    return link.group(1).replace("&amp;", "&") if link else None


def test_the_queue_links_to_the_export_with_its_filters_for_those_allowed(
        org, make_ticket, make_user, login, client, htmx):
    make_ticket(kind="complaint", team_id=org.relations.id)
    html = login(org.agent).get("/tickets?kind=complaint&sort=oldest").get_data(as_text=True)
    assert export_link(html) == "/tickets/export.csv?kind=complaint&sort=oldest"
    # Filtering with htmx redraws the results, and the link with them.
    fragment = htmx.get("/tickets?kind=complaint&priority=normal").get_data(as_text=True)
    assert export_link(fragment) == "/tickets/export.csv?kind=complaint&priority=normal"

    client.post("/logout")
    officer = make_user("research_officer")
    org.research.members.append(officer)
    db.session.commit()
    make_ticket(kind="complaint", team_id=org.research.id)
    html = login(officer).get("/tickets").get_data(as_text=True)
    assert 'data-testid="queue-table"' in html
    assert 'data-testid="export-csv"' not in html


@pytest.mark.parametrize("role", ["admin", "manager", "agent"])
def test_the_whole_file_streams_after_the_request_has_ended_for_every_role_allowed(
        role, make_app, make_user, make_ticket):
    """As in production: no application context outlives the request (the other tests
    keep one open, which keeps the request's session and its objects alive)."""
    from tests.conftest import PASSWORD

    app = make_app()
    with app.app_context():
        user = make_user(role)
        team = Team(key=f"team-{role}", name_ar="الفريق", name_en="Team")
        team.members.append(user)
        db.session.add(team)
        db.session.commit()
        tickets = [make_ticket(team_id=team.id) for _ in range(3)]
        expected = [t.number for t in reversed(tickets)]
        email = user.email
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.post("/locale", data={"locale": "en"})

    with client.get("/tickets/export.csv", buffered=False) as response:
        assert response.status_code == 200
        body = b"".join(response.response)

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "Number"  # the reader's language, chosen before the stream began
    assert numbers_in(rows) == expected
