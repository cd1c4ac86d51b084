"""The periodic tick: warnings, escalation, committee reminders, reminders of missing items
and closing after silence, each once however often (and from however many workers) it runs.

Times are fixed on the Saudi working week (Sunday to Thursday, 08:00-16:00 Riyadh) of
December 2026, which has no public holiday."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from helpdesk.clock import simulated_time
from helpdesk.extensions import db
from helpdesk.notifications.models import Notification, TicketAction
from helpdesk.notifications.tick import tick
from helpdesk.services_catalog.models import Service
from helpdesk.tickets import services
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from tests.support.threads import run_in_threads
from tests.web.crew import Crew, status_of

RIYADH = ZoneInfo("Asia/Riyadh")


def riyadh(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of December 2026 in Riyadh (6 Dec is a Sunday, 9 Dec a Wednesday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=RIYADH).astimezone(UTC)


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    crew = Crew(make_user, make_ticket, client)
    crew.relations.lead_id = crew.manager.id
    db.session.commit()
    return crew


def notes(user, kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def events_of(ticket, type_: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                       Event.type == type_)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def assigned_ticket(crew, due: datetime | None, *, at_risk: datetime | None = None,
                    **kwargs) -> Ticket:
    """An inquiry taken by the agent, its clocks set by hand (due, and at risk from)."""
    ticket = crew.inquiry(**kwargs)
    services.take(ticket, actor=crew.agent, expected_version=None)
    ticket = db.session.get(Ticket, ticket.id)
    ticket.resolution_due_at, ticket.at_risk_at = due, at_risk
    db.session.commit()
    return ticket


# -- warn and escalate ----------------------------------------------------------------------

def test_three_passes_past_the_due_time_escalate_exactly_once(crew):
    ticket = assigned_ticket(crew, riyadh(7, 10))
    reports = [tick(riyadh(7, 11)) for _ in range(3)]
    assert [r.escalated for r in reports] == [1, 0, 0]
    [escalation] = events_of(ticket, "escalated")
    assert escalation.visibility == "internal" and escalation.data["lead_id"] == crew.manager.id
    assert [n.ticket_id for n in notes(crew.manager, "escalated")] == [ticket.id]
    assert len(notes(crew.agent, "breached")) == 1
    assert count(TicketAction, TicketAction.action == "escalate") == 1


def test_the_tick_command_run_three_times_escalates_once(app, crew):
    ticket = assigned_ticket(crew, riyadh(7, 10))
    runner = app.test_cli_runner()
    with simulated_time(riyadh(7, 11)):
        outputs = [runner.invoke(args=["helpdesk", "tick"]).output for _ in range(3)]
    assert "escalated=1" in outputs[0] and "escalated=0" in outputs[2]
    assert len(events_of(ticket, "escalated")) == 1
    assert len(notes(crew.manager, "escalated")) == 1


def test_a_due_time_moved_later_and_passed_again_escalates_again(crew):
    ticket = assigned_ticket(crew, riyadh(7, 10))
    tick(riyadh(7, 11))
    ticket.resolution_due_at = riyadh(8, 10)
    db.session.commit()
    assert tick(riyadh(7, 12)).escalated == 0
    assert tick(riyadh(8, 11)).escalated == 1
    assert len(notes(crew.manager, "escalated")) == 2


def test_a_team_without_a_lead_is_not_escalated_and_closed_tickets_are_left_alone(crew):
    crew.relations.lead_id = None
    db.session.commit()
    assigned_ticket(crew, riyadh(7, 10))
    closed = assigned_ticket(crew, riyadh(7, 10))
    closed.status = "closed"
    db.session.commit()
    crew.relations.lead_id = crew.manager.id
    crew.research.lead_id = crew.manager.id
    db.session.commit()
    assert tick(riyadh(7, 11)).escalated == 1  # the open one, now that the team has a lead
    assert count(TicketAction, TicketAction.ticket_id == closed.id) == 0


def test_the_assignee_is_warned_once_when_the_resolution_becomes_at_risk(crew):
    soon = assigned_ticket(crew, riyadh(7, 12), at_risk=riyadh(7, 10))
    later = assigned_ticket(crew, riyadh(7, 15), at_risk=riyadh(7, 13))
    assert tick(riyadh(7, 10, 30)).warned == 1
    assert tick(riyadh(7, 11)).warned == 0
    assert [n.ticket_id for n in notes(crew.agent, "at_risk")] == [soon.id]
    assert tick(riyadh(7, 13, 30)).warned == 1
    assert [n.ticket_id for n in notes(crew.agent, "at_risk")] == [soon.id, later.id]


def test_a_sunday_morning_due_time_is_at_risk_on_thursday_afternoon(crew):
    # Two working hours before Sunday 13 December 09:00: Thursday 15:00.
    monday = assigned_ticket(crew, riyadh(13, 9), at_risk=riyadh(10, 15))
    assert tick(riyadh(10, 14)).warned == 0  # Thursday 14:00: three working hours left
    assert tick(riyadh(10, 15, 30)).warned == 1  # Thursday 15:30: an hour and a half
    assert [n.ticket_id for n in notes(crew.agent, "at_risk")] == [monday.id]


def test_two_concurrent_passes_escalate_once(app, crew, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; PostgreSQL shows the race")
    assigned_ticket(crew, riyadh(7, 10))
    # Both passes have read their candidates before either writes its action row.
    barrier = threading.Barrier(2, timeout=10)
    met = []

    def meet(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO ticket_actions") and "escalate" in str(parameters):
            try:
                barrier.wait()
                met.append(True)
            except threading.BrokenBarrierError:
                pass

    event.listen(db.engine, "before_cursor_execute", meet)
    try:
        reports = run_in_threads(app, [lambda: tick(riyadh(7, 11)),
                                       lambda: tick(riyadh(7, 11))])
    finally:
        event.remove(db.engine, "before_cursor_execute", meet)
    assert met == [True, True]  # both passes tried to claim the escalation at once
    assert sorted(r.escalated for r in reports) == [0, 1]
    assert count(Event, Event.type == "escalated") == 1
    assert len(notes(crew.manager, "escalated")) == 1
    assert len(notes(crew.agent, "breached")) == 1


# -- the committee --------------------------------------------------------------------------

def test_the_committee_is_reminded_once_of_a_request_nearing_its_decision_date(crew):
    ticket = crew.at_committee(crew.request())
    ticket = db.session.get(Ticket, ticket.id)
    ticket.decision_due_on = date(2026, 12, 14)  # Monday
    db.session.commit()
    assert tick(riyadh(9, 10)).decision_reminders == 0  # Wednesday: Thu, Sun, Mon — 3 days
    assert tick(riyadh(10, 10)).decision_reminders == 1  # Thursday: two working days left
    assert tick(riyadh(13, 10)).decision_reminders == 0
    assert len(notes(crew.member, "decision_due")) == 1
    assert len(notes(crew.second_member, "decision_due")) == 1


# -- waiting for the person -----------------------------------------------------------------

def waiting_ticket(crew, at: datetime, service: Service | None = None) -> Ticket:
    with simulated_time(at):
        ticket = crew.inquiry(service_id=service.id if service else None)
        services.take(ticket, actor=crew.agent, expected_version=None)
        services.request_information(ticket, actor=crew.agent, expected_version=None,
                                     missing=["صورة الهوية", "صك الإيجار"])
    return db.session.get(Ticket, ticket.id)


def person_messages(ticket, purpose: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.purpose == purpose)))


def test_the_person_is_reminded_of_missing_items_after_three_working_days_over_a_weekend(
        crew):
    ticket = waiting_ticket(crew, riyadh(9, 10))  # Wednesday
    assert tick(riyadh(13, 11)).missing_reminders == 0  # Sunday: two working days
    assert tick(riyadh(14, 9)).missing_reminders == 0  # Monday before ten
    assert tick(riyadh(14, 10, 30)).missing_reminders == 1
    assert tick(riyadh(15, 10)).missing_reminders == 0
    [first, reminder] = person_messages(ticket, "missing_information")
    assert "صورة الهوية" in reminder.body and "صك الإيجار" in reminder.body
    assert reminder.body.startswith("تذكير")
    assert status_of(ticket) == "awaiting_information"


def test_a_person_who_wrote_meanwhile_is_not_reminded(crew):
    ticket = waiting_ticket(crew, riyadh(9, 10))
    with simulated_time(riyadh(10, 9)):
        db.session.add(Event(ticket_id=ticket.id, type="message_in", visibility="public",
                             body="أرسلت الصورة", created_at=riyadh(10, 9)))
        db.session.commit()
    assert tick(riyadh(14, 10, 30)).missing_reminders == 0


def test_a_silent_request_is_closed_with_a_message_when_its_service_says_so(crew):
    service = Service(key="rent", name_ar="دعم الإيجار", name_en="Rent",
                      close_after_silent_days=5)
    db.session.add(service)
    db.session.commit()
    ticket = waiting_ticket(crew, riyadh(6, 10), service)  # Sunday
    never = waiting_ticket(crew, riyadh(6, 10))  # no service: never closed
    assert tick(riyadh(9, 10, 30)).missing_reminders == 2  # Wednesday: three working days
    assert tick(riyadh(13, 9)).closed == 0  # Sunday before ten: four days and 23 hours
    report = tick(riyadh(13, 10, 30))
    assert report.closed == 1
    assert status_of(ticket) == "closed" and status_of(never) == "awaiting_information"
    [closing] = person_messages(ticket, "closing")
    assert ticket.number in closing.body and "5" in closing.body
    [close] = [e for e in events_of(ticket, "status_changed") if e.data["action"] == "close"]
    assert close.data["resolution_code"] == "no_response" and close.actor_id is None
    assert tick(riyadh(14, 10)).closed == 0
    assert len(person_messages(ticket, "closing")) == 1
