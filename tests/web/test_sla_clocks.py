"""Service-level targets and clocks on a real database (SQLite and PostgreSQL): targets per
kind and service, due times at intake and on a change of kind, the first response, the
pause in working time across a weekend, the committee's date past a holiday."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hijridate import Hijri

from helpdesk.calendar.saudi import saudi_public_holidays
from helpdesk.clock import simulated_time
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.services_catalog.models import Service
from helpdesk.sla.clocks import at_risk_threshold_seconds
from helpdesk.sla.status import sla_status, ticket_clocks, working_time_words
from helpdesk.sla.targets import (
    DEFAULT_TARGETS,
    parse_days,
    set_kind_targets,
    set_service_targets,
    targets_for,
)
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket
from helpdesk.validation import ValidationError


def riyadh(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIYADH).astimezone(UTC)


# Sunday 29 November 2026, 09:00 in Riyadh: the start of a working week.
SUNDAY_MORNING = riyadh(2026, 11, 29, 9, 0)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def agent(make_user):
    return make_user("manager")


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_a_kind_without_targets_keeps_the_defaults(app):
    first, resolution = DEFAULT_TARGETS["complaint"]
    targets = targets_for("complaint", None)
    assert (targets.first_response_days, targets.resolution_days) == (first, resolution)
    assert targets.source == "default"


def test_a_services_targets_override_its_kinds(admin):
    service = Service(key="rent", name_ar="دعم الإيجار", name_en="Rent")
    db.session.add(service)
    db.session.commit()
    set_kind_targets("support_request", {"first_response_days": "1",
                                         "resolution_days": "12"}, actor=admin)
    set_service_targets(service.id, {"first_response_days": "0.5",
                                     "resolution_days": "٢٠"}, actor=admin)
    assert targets_for("support_request", None).resolution_days == 12
    chosen = targets_for("support_request", service.id)
    assert (chosen.first_response_days, chosen.resolution_days, chosen.source) == \
        (0.5, 20, "service")
    set_service_targets(service.id, {"first_response_days": "", "resolution_days": ""},
                        actor=admin)
    assert targets_for("support_request", service.id).source == "kind"


@pytest.mark.parametrize("typed", ["0", "-1", "0.0", "abc", "", "1e3", "300", "0.125"])
def test_a_target_of_zero_or_nonsense_is_refused(app, typed):
    days, error = parse_days(typed)
    assert days is None and error


def test_a_refused_target_names_its_field_and_changes_nothing(admin):
    with pytest.raises(ValidationError) as refused:
        set_kind_targets("inquiry", {"first_response_days": "0", "resolution_days": "2"},
                         actor=admin)
    assert set(refused.value.errors) == {"first_response_days"}
    assert targets_for("inquiry", None).source == "default"


def test_intake_sets_both_due_times_on_the_working_calendar(admin, make_ticket):
    set_kind_targets("inquiry", {"first_response_days": "1", "resolution_days": "3"},
                     actor=admin)
    with simulated_time(SUNDAY_MORNING):
        ticket = make_ticket(kind="inquiry")
    ticket = fresh(ticket)
    assert ticket.first_response_due_at == riyadh(2026, 11, 30, 9, 0)
    assert ticket.resolution_due_at == riyadh(2026, 12, 2, 9, 0)
    # At risk with a quarter of three days (six working hours) left: Tuesday 11:00.
    assert ticket.at_risk_at == riyadh(2026, 12, 1, 11, 0)


def test_a_thursday_afternoon_ticket_is_not_due_over_the_weekend(admin, make_ticket):
    set_kind_targets("complaint", {"first_response_days": "0.5", "resolution_days": "1"},
                     actor=admin)
    with simulated_time(riyadh(2026, 12, 3, 14, 0)):  # Thursday
        ticket = make_ticket(kind="complaint")
    ticket = fresh(ticket)
    assert ticket.first_response_due_at == riyadh(2026, 12, 6, 10, 0)  # Sunday
    assert ticket.resolution_due_at == riyadh(2026, 12, 6, 14, 0)


def test_changing_the_kind_recomputes_the_due_times(admin, make_ticket):
    with simulated_time(SUNDAY_MORNING):
        ticket = make_ticket(kind="inquiry")
        version = fresh(ticket).version
        ticket = fresh(ticket)
        ticket.kind = "complaint"
        db.session.commit()
    ticket = fresh(ticket)
    assert DEFAULT_TARGETS["complaint"] == (0.5, 5)
    assert ticket.first_response_due_at == riyadh(2026, 11, 29, 13, 0)  # half a day
    assert ticket.resolution_due_at == riyadh(2026, 12, 6, 9, 0)  # a working week
    assert ticket.version == version + 1  # the clocks are bookkeeping, not a second change


def test_changing_the_service_applies_its_targets(admin, make_ticket):
    service = Service(key="food", name_ar="السلال الغذائية", name_en="Food")
    db.session.add(service)
    db.session.commit()
    set_service_targets(service.id, {"first_response_days": "2", "resolution_days": "2"},
                        actor=admin)
    with simulated_time(SUNDAY_MORNING):
        ticket = fresh(make_ticket(kind="inquiry"))
        ticket.service_id = service.id
        db.session.commit()
    assert fresh(ticket).resolution_due_at == riyadh(2026, 12, 1, 9, 0)


def test_the_first_public_answer_stops_the_first_response_clock(agent, make_ticket):
    with simulated_time(SUNDAY_MORNING) as clock:
        ticket = make_ticket(kind="inquiry")
        clock.advance(timedelta(hours=2))
        services.add_note(ticket, actor=agent, expected_version=None, body="ملاحظة داخلية")
        assert fresh(ticket).first_responded_at is None
        services.reply(ticket, actor=agent, expected_version=None, body="أهلاً بك")
    ticket = fresh(ticket)
    assert ticket.first_responded_at == SUNDAY_MORNING + timedelta(hours=2)
    assert [c.clock for c in ticket_clocks(ticket, SUNDAY_MORNING)] == ["resolution"]


def test_waiting_over_a_weekend_pauses_the_resolution_in_working_time(admin, agent,
                                                                      make_ticket):
    set_kind_targets("inquiry", {"first_response_days": "1", "resolution_days": "3"},
                     actor=admin)
    with simulated_time(riyadh(2026, 12, 3, 14, 0)) as clock:  # Thursday 14:00
        ticket = make_ticket(kind="inquiry")
        clock.set(riyadh(2026, 12, 3, 15, 0))
        services.request_information(ticket, actor=agent, expected_version=None,
                                     missing=["صورة الهوية"])
        paused = fresh(ticket)
        assert paused.resolution_due_at is None and paused.at_risk_at is None
        assert sla_status(paused) is None
        clock.set(riyadh(2026, 12, 6, 10, 0))  # Sunday 10:00: three working hours waited
        services.information_received(ticket, actor=agent, expected_version=None)
    ticket = fresh(ticket)
    assert ticket.sla_paused_at is None
    assert ticket.sla_paused_seconds == 3 * 3600
    # 23 working hours were left at the pause: Sunday 6, Monday 8, Tuesday 8, Wednesday 1.
    assert ticket.resolution_due_at == riyadh(2026, 12, 9, 9, 0)


def test_the_committee_decision_date_skips_the_weekend_and_eid(make_user, make_ticket):
    eid = Hijri(1448, 10, 1).to_gregorian()
    eid_days = {h.day for h in saudi_public_holidays(eid.year) if h.key == "eid_al_fitr"}
    start = date(eid.year, eid.month, eid.day) - timedelta(days=3)
    expected, day = [], start
    while len(expected) < 10:
        day += timedelta(days=1)
        if day.weekday() not in (4, 5) and day not in eid_days:
            expected.append(day)
    ticket = make_ticket(kind="support_request")
    assert services.decision_due_on(ticket, start) == expected[-1]
    assert services.decision_due_on(ticket, start) > start + timedelta(days=14)


def test_sending_to_the_committee_promises_a_date_ten_working_days_on(make_user,
                                                                     make_ticket):
    agent = make_user("manager")
    with simulated_time(SUNDAY_MORNING):
        ticket = make_ticket(kind="support_request")
        ticket = services.start(ticket, actor=agent, expected_version=None)
        ticket = services.send_to_committee(ticket, actor=agent, expected_version=None)
    ticket = fresh(ticket)
    assert ticket.decision_due_on == date(2026, 12, 13)  # two working weeks, Sunday
    assert ticket.resolution_due_at is None  # the committee has its own clock
    clocks = ticket_clocks(ticket, SUNDAY_MORNING)
    assert clocks[0].clock == "decision" and clocks[0].state == "on_track"
    late = ticket_clocks(ticket, riyadh(2026, 12, 14, 9, 0))
    assert late[0].state == "breached"


def test_a_ticket_is_at_risk_then_breached_as_time_passes(make_ticket):
    with simulated_time(SUNDAY_MORNING):
        ticket = fresh(make_ticket(kind="inquiry"))
    due = ticket.resolution_due_at
    assert sla_status(ticket, SUNDAY_MORNING).state == "on_track"
    assert sla_status(ticket, ticket.at_risk_at).state == "at_risk"
    late = sla_status(ticket, due + timedelta(hours=1))
    assert late.state == "breached" and late.seconds_left == -3600


def test_the_at_risk_threshold_is_a_quarter_and_never_under_two_hours():
    assert at_risk_threshold_seconds(4 * 8 * 3600) == 8 * 3600
    assert at_risk_threshold_seconds(4 * 3600) == 2 * 3600
    assert at_risk_threshold_seconds(3600) == 3600


@pytest.mark.parametrize(("seconds", "words"), [
    (3 * 8 * 3600 + 2 * 3600, "3 أيام عمل وساعتان"),
    (8 * 3600, "يوم عمل واحد"),
    (2 * 3600 + 5 * 60, "ساعتان و5 دقائق"),
    (11 * 8 * 3600, "11 يوم عمل"),
    (20, "أقل من دقيقة"),
])
def test_time_left_reads_in_arabic_with_its_plural(app, seconds, words):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert working_time_words(seconds, 8 * 3600) == words


def test_a_resolved_ticket_has_no_running_clock_nor_risk(agent, make_ticket):
    with simulated_time(SUNDAY_MORNING):
        ticket = make_ticket(kind="inquiry")
        ticket = services.start(ticket, actor=agent, expected_version=None)
        ticket = services.resolve(ticket, actor=agent, expected_version=None)
    ticket = fresh(ticket)
    assert ticket.at_risk_at is None
    assert ticket.resolution_due_at is not None  # kept: it was met or not
    assert ticket_clocks(ticket, SUNDAY_MORNING + timedelta(days=30)) == []
