"""The lifecycle use cases on a real database (SQLite and PostgreSQL): every table row,
the refusals, referral, committee, closure, audit, clocks and hooks."""

from __future__ import annotations

import types
from datetime import timedelta
from typing import Any

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from helpdesk.accounts.models import Team
from helpdesk.admin.models import Association
from helpdesk.calendar.services import calendar_for
from helpdesk.committee.models import CommitteeDecision
from helpdesk.committee.services import AgendaDecision, decide, decide_in_sitting, open_sitting
from helpdesk.extensions import db
from helpdesk.plugin_api.hookspecs import hookimpl
from helpdesk.services_catalog.models import Service
from helpdesk.tickets import services
from helpdesk.tickets.actions import available_actions, perform
from helpdesk.tickets.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleTicket,
    TicketNotFound,
)
from helpdesk.tickets.models import Event, Referral, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.queries import referral_chain, ticket_tag_names
from helpdesk.tickets.states import FULL_PATH, TRANSITIONS, VOLUNTEERING
from helpdesk.tickets.vocabulary import STATUSES
from helpdesk.validation import ValidationError

# ---------------------------------------------------------------------------------------
# The people of a small association


class Crew:
    def __init__(self, make_user):
        self.relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
        self.research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Research")
        db.session.add_all([self.relations, self.research])
        db.session.commit()
        self.agent = make_user("agent")
        self.other_agent = make_user("agent")
        self.officer = make_user("research_officer")
        self.second_officer = make_user("research_officer")
        self.member = make_user("committee_member")
        self.second_member = make_user("committee_member")
        self.coordinator = make_user("volunteer_coordinator")
        self.manager = make_user("manager")
        self.relations.members.extend([self.agent, self.other_agent, self.coordinator])
        self.research.members.extend([self.officer, self.second_officer])
        db.session.commit()

    def actor_for(self, permission: str):
        return {
            "committee.decide": self.member,
            "volunteers.decide": self.coordinator,
            "tickets.answer_referral": self.officer,
        }.get(permission, self.agent)


@pytest.fixture
def crew(app, make_user) -> Crew:
    return Crew(make_user)


@pytest.fixture
def new_ticket(crew, make_ticket):
    def factory(kind: str = "inquiry", **kwargs: Any) -> Ticket:
        kwargs.setdefault("team_id", crew.relations.id)
        return make_ticket(kind=kind, **kwargs)

    return factory


# What each action needs to be done, and the path from "new" to each status per kind.
FIELDS = {
    "request_information": {"missing": ["صورة الهوية الوطنية", "عقد الإيجار"]},
    "refer": {"question": "هل الأسرة مسجلة لدينا سابقاً؟"},
    "return_referral": {"answer": "نعم، مسجلة منذ عام 1445 هـ."},
    "approve": {"reason": "الحالة مستوفية للشروط."},
    "reject": {"reason": "الدخل يتجاوز الحد المعتمد."},
    "defer": {"reason": "تحتاج الحالة إلى زيارة ميدانية."},
    "close": {"resolution_code": "answered", "resolution_note": "أُجيب المستفيد هاتفياً."},
    "cancel": {"reason_code": "duplicate"},
    "reopen": {"reason": "عاود المستفيد التواصل."},
}


def path_to(status: str, kind: str) -> list[str]:
    full, volunteering = kind in FULL_PATH, kind in VOLUNTEERING
    decided = ["start", "send_to_committee"] if full else ["start"]
    closed = (decided + ["reject", "close"] if full
              else ["start", "approve", "close"] if volunteering
              else ["start", "resolve", "close"])
    return {
        "new": [],
        "in_progress": ["start"],
        "awaiting_information": ["request_information"],
        "referred": ["refer"],
        "committee": ["start", "send_to_committee"],
        "approved": decided + ["approve"],
        "rejected": decided + ["reject"],
        "registration": decided + ["approve", "register"],
        "service_delivered": decided + ["approve", "register", "deliver"],
        "resolved": ["start", "resolve"],
        "closed": closed,
        "reopened": closed + ["reopen"],
    }[status]


def act(crew: Crew, ticket: Ticket, action: str, actor=None, **fields: Any) -> Ticket:
    row = next(r for r in TRANSITIONS if r.action == action and r.from_status == ticket.status
               and ticket.kind in r.kinds)
    actor = actor or crew.actor_for(row.permission)
    values = dict(FIELDS.get(action, {}))
    if action == "refer":
        values["to_user_id"] = crew.officer.id
    values.update(fields)
    return perform(ticket.number, action, actor=actor, expected_version=ticket.version,
                   **values)


def walk(crew: Crew, ticket: Ticket, status: str) -> Ticket:
    for action in path_to(status, ticket.kind):
        ticket = act(crew, ticket, action)
    assert ticket.status == status
    return ticket


def events_of(ticket: Ticket, type: str | None = None) -> list[Event]:
    query = select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
    if type:
        query = query.where(Event.type == type)
    return list(db.session.scalars(query))


def outbox_of(ticket: Ticket, purpose: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id) \
        .order_by(OutboxMessage.id)
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    return list(db.session.scalars(query))


def footprint(ticket: Ticket) -> tuple:
    """What a refused action must leave exactly as it was."""
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    return (fresh.status, fresh.version, len(events_of(fresh)), len(outbox_of(fresh)),
            db.session.scalar(select(func.count()).select_from(Referral)),
            db.session.scalar(select(func.count()).select_from(CommitteeDecision)))


# ---------------------------------------------------------------------------------------
# Every row of the table, through the services


def _row_id(row) -> str:
    return f"{row.from_status}-{row.action}-{row.to_status}"


@pytest.mark.parametrize("row", TRANSITIONS, ids=_row_id)
def test_each_transition_row_works_through_its_service(crew, new_ticket, row):
    kind = sorted(row.kinds)[0]
    ticket = walk(crew, new_ticket(kind), row.from_status)
    version, actor = ticket.version, crew.actor_for(row.permission)
    assert row.action in available_actions(actor, ticket)

    ticket = act(crew, ticket, row.action)

    assert ticket.status == row.to_status
    assert ticket.version == version + 1
    event = events_of(ticket, "status_changed")[-1]
    assert (event.data["action"], event.data["from"], event.data["to"]) == \
        (row.action, row.from_status, row.to_status)
    assert event.actor_id == actor.id and event.visibility == "internal"
    if row.from_status != row.to_status:
        assert event.data["before"]["status"] == row.from_status
        assert event.data["after"]["status"] == row.to_status


# ---------------------------------------------------------------------------------------
# Refusals: a clear error, and nothing written


def test_an_inquiry_cannot_go_to_the_committee(crew, new_ticket):
    ticket = walk(crew, new_ticket("inquiry"), "in_progress")
    before = footprint(ticket)
    with pytest.raises(InvalidTransition) as caught:
        services.send_to_committee(ticket.id, actor=crew.agent, expected_version=ticket.version)
    assert str(STATUSES["in_progress"]) in caught.value.message
    assert footprint(ticket) == before


def test_a_new_ticket_cannot_be_closed(crew, new_ticket):
    ticket = new_ticket("complaint")
    before = footprint(ticket)
    with pytest.raises(InvalidTransition):
        services.close(ticket, actor=crew.agent, expected_version=ticket.version,
                       **FIELDS["close"])
    assert footprint(ticket) == before


def test_an_agent_cannot_take_the_committees_decision(crew, new_ticket):
    ticket = walk(crew, new_ticket("support_request"), "committee")
    before = footprint(ticket)
    with pytest.raises(PermissionDenied) as caught:
        decide(ticket.id, actor=crew.agent, expected_version=ticket.version,
               decision="approve", reason="مستوفية")
    with force_locale("en"):
        assert caught.value.message == "You do not have permission to do this on this ticket."
    assert footprint(ticket) == before


def test_a_committee_member_cannot_work_a_ticket_outside_the_agenda(crew, new_ticket):
    ticket = new_ticket("support_request")
    with pytest.raises(TicketNotFound):
        services.start(ticket.id, actor=crew.member, expected_version=ticket.version)
    assert footprint(ticket)[0] == "new"


def test_an_agent_outside_the_team_is_told_the_ticket_does_not_exist(crew, new_ticket):
    ticket = new_ticket("inquiry", team_id=crew.research.id)
    before = footprint(ticket)
    with pytest.raises(TicketNotFound):
        services.start(ticket.number, actor=crew.agent, expected_version=ticket.version)
    assert footprint(ticket) == before


def test_a_stale_version_is_refused_with_the_fresh_ticket(crew, new_ticket):
    ticket = new_ticket("inquiry")
    seen = ticket.version
    services.set_priority(ticket.id, actor=crew.other_agent, expected_version=seen,
                          priority="high")
    before = footprint(ticket)
    with pytest.raises(StaleTicket) as caught:
        services.start(ticket.id, actor=crew.agent, expected_version=seen)
    assert caught.value.ticket.version == seen + 1
    assert caught.value.ticket.priority == "high"
    with force_locale("en"):
        assert "Someone else changed this ticket" in caught.value.message
    assert footprint(ticket) == before


def test_closing_needs_a_resolution_code_and_a_note(crew, new_ticket):
    ticket = walk(crew, new_ticket("inquiry"), "resolved")
    before = footprint(ticket)
    with pytest.raises(ValidationError) as caught:
        services.close(ticket.id, actor=crew.agent, expected_version=ticket.version,
                       resolution_code="", resolution_note="  ")
    assert set(caught.value.errors) == {"resolution_code", "resolution_note"}
    assert footprint(ticket) == before


def test_asking_for_information_needs_at_least_one_item(crew, new_ticket):
    ticket = new_ticket("support_request")
    with pytest.raises(ValidationError) as caught:
        services.request_information(ticket.id, actor=crew.agent,
                                     expected_version=ticket.version, missing=["", "  "])
    assert set(caught.value.errors) == {"missing"}


def test_a_referral_goes_to_a_team_or_a_person_never_both(crew, new_ticket):
    ticket = new_ticket("support_request")
    with pytest.raises(ValidationError) as caught:
        services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                       question="سؤال", to_user_id=crew.officer.id, to_team_id=crew.research.id)
    assert "to_user_id" in caught.value.errors
    with pytest.raises(ValidationError) as caught:
        services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                       question="سؤال", to_user_id=crew.member.id)
    assert caught.value.errors == {"to_user_id": gettext("This person cannot receive referrals.")}


def test_a_volunteering_decision_is_not_a_committee_decision(crew, new_ticket):
    ticket = walk(crew, new_ticket("support_request"), "committee")
    with pytest.raises(InvalidTransition):
        services.decide_application(ticket.id, actor=crew.manager,
                                    expected_version=ticket.version, decision="approve",
                                    reason="x")


# ---------------------------------------------------------------------------------------
# Asking for information, and the clocks


def test_asking_for_information_tells_the_person_what_is_missing_in_arabic(crew, new_ticket):
    ticket = new_ticket("support_request")
    ticket = act(crew, ticket, "request_information", note="ملاحظة داخلية")
    message, = outbox_of(ticket, "missing_information")
    assert message.locale == "ar"
    assert ticket.number in message.body
    assert "• صورة الهوية الوطنية" in message.body and "• عقد الإيجار" in message.body
    assert "ملاحظة داخلية" not in message.body
    public = events_of(ticket, "message_out")[-1]
    assert message.event_id == public.id and public.visibility == "public"
    assert events_of(ticket, "status_changed")[-1].data["missing"] == \
        ["صورة الهوية الوطنية", "عقد الإيجار"]


def test_messages_follow_the_persons_locale(crew, new_ticket, make_contact):
    ticket = new_ticket("support_request", contact=make_contact(data={"locale": "en"}))
    ticket = act(crew, ticket, "request_information", missing=["ID copy"])
    message, = outbox_of(ticket, "missing_information")
    assert message.locale == "en"
    assert message.body.startswith(f"To continue with your request {ticket.number}, "
                                   "we need one more item:")


def test_the_resolution_clock_stops_while_waiting_for_the_person(crew, new_ticket):
    # The working-time arithmetic of the pause is tested in tests/web/test_sla_clocks.py.
    ticket = new_ticket("inquiry")
    assert ticket.resolution_due_at is not None
    ticket = act(crew, ticket, "request_information")
    assert ticket.resolution_due_at is None and ticket.sla_paused_at is not None

    ticket = act(crew, ticket, "information_received")
    assert ticket.sla_paused_at is None
    assert ticket.resolution_due_at is not None


def test_closing_and_reopening_set_and_clear_the_closing_time(crew, new_ticket):
    ticket = walk(crew, new_ticket("suggestion"), "closed")
    assert ticket.closed_at is not None
    ticket = act(crew, ticket, "reopen")
    assert ticket.closed_at is None and ticket.status == "reopened"
    assert events_of(ticket, "status_changed")[-1].body == FIELDS["reopen"]["reason"]


# ---------------------------------------------------------------------------------------
# Referral


def test_a_referral_chain_is_kept_and_the_owner_keeps_the_ticket(crew, new_ticket):
    ticket = new_ticket("support_request")
    ticket = services.take(ticket.id, actor=crew.agent, expected_version=ticket.version)
    ticket = services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            question="هل سبق خدمة الأسرة؟", to_user_id=crew.officer.id)
    assert ticket.status == "referred" and ticket.assignee_id == crew.agent.id
    assert "return_referral" in available_actions(crew.officer, ticket)
    assert "return_referral" not in available_actions(crew.agent, ticket)
    ticket = services.return_referral(ticket.id, actor=crew.officer,
                                      expected_version=ticket.version, answer="لم يسبق.")
    assert ticket.status == "in_progress"

    ticket = services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            question="نحتاج زيارة ميدانية", to_team_id=crew.research.id)
    ticket = services.return_referral(ticket.id, actor=crew.second_officer,
                                      expected_version=ticket.version,
                                      answer="تمت الزيارة والحالة مستحقة.")

    chain = referral_chain(ticket)
    assert [(r.to_user_id, r.to_team_id, r.status) for r in chain] == [
        (crew.officer.id, None, "answered"), (None, crew.research.id, "answered")]
    assert [r.answered_by_id for r in chain] == [crew.officer.id, crew.second_officer.id]
    assert chain[1].answer == "تمت الزيارة والحالة مستحقة."
    assert ticket.assignee_id == crew.agent.id and ticket.team_id == crew.relations.id
    returned = [e for e in events_of(ticket, "status_changed")
                if e.data["action"] == "return_referral"]
    assert [e.data["question"] for e in returned] == ["هل سبق خدمة الأسرة؟",
                                                       "نحتاج زيارة ميدانية"]


def test_only_the_referee_answers_a_referral(crew, new_ticket, make_user):
    ticket = new_ticket("complaint")
    ticket = services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            question="؟", to_user_id=crew.officer.id)
    before = footprint(ticket)
    with pytest.raises(TicketNotFound):  # another officer: the ticket is out of reach
        services.return_referral(ticket.id, actor=crew.second_officer,
                                 expected_version=ticket.version, answer="x")
    with pytest.raises(PermissionDenied):  # the owner sees it but is not the referee
        services.return_referral(ticket.id, actor=crew.agent,
                                 expected_version=ticket.version, answer="x")
    assert footprint(ticket) == before


def test_a_referee_may_add_internal_notes_but_not_reply_to_the_person(crew, new_ticket):
    ticket = new_ticket("complaint")
    ticket = services.refer(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            question="؟", to_user_id=crew.officer.id)
    ticket = services.add_note(ticket.id, actor=crew.officer, expected_version=ticket.version,
                               body="راجعت السجل.")
    assert events_of(ticket, "note")[-1].visibility == "internal"
    with pytest.raises(PermissionDenied):
        services.reply(ticket.id, actor=crew.officer, expected_version=ticket.version,
                       body="مرحباً")


# ---------------------------------------------------------------------------------------
# The committee


def working_days_after_today(days: int):
    """Decision windows are working days (weekends and holidays are skipped)."""
    return calendar_for().working_days_after(services.riyadh_today(), days)


def test_the_decision_is_due_within_the_services_window(crew, new_ticket):
    service = Service(key="rent", name_ar="دعم الإيجار", name_en="Rent support",
                      decision_window_days=10)
    db.session.add(service)
    db.session.commit()
    ticket = walk(crew, new_ticket("support_request", service_id=service.id), "committee")
    assert ticket.decision_due_on == working_days_after_today(10)
    notice, = outbox_of(ticket, "status_update")
    assert ticket.number in notice.body


def test_without_a_service_the_associations_window_applies(crew, new_ticket):
    db.session.add(Association(name_ar="جمعية البر", committee_window_days=21))
    db.session.commit()
    ticket = walk(crew, new_ticket("support_request"), "committee")
    assert ticket.decision_due_on == working_days_after_today(21)


def test_without_a_service_or_an_association_the_window_is_ten_working_days(crew,
                                                                           new_ticket):
    ticket = walk(crew, new_ticket("support_request"), "committee")
    assert ticket.decision_due_on == working_days_after_today(10)


def test_a_sitting_decides_several_requests_at_once(crew, new_ticket):
    first, second, third = (walk(crew, new_ticket("support_request"), "committee")
                            for _ in range(3))
    sitting = open_sitting(actor=crew.member, meeting_on=services.riyadh_today(),
                           member_ids=[crew.member.id, crew.second_member.id])
    new_due = services.riyadh_today() + timedelta(days=30)

    decided = decide_in_sitting(sitting.id, actor=crew.member, decisions=[
        AgendaDecision(first.id, first.version, "approve", "مستوفية للشروط"),
        AgendaDecision(second.id, second.version, "reject", "خارج النطاق الجغرافي"),
        AgendaDecision(third.id, third.version, "defer", "بانتظار تقرير الزيارة",
                       new_due_on=new_due),
    ])

    assert [t.status for t in decided] == ["approved", "rejected", "committee"]
    assert decided[2].decision_due_on == new_due
    records = db.session.scalars(select(CommitteeDecision).order_by(CommitteeDecision.id)).all()
    assert [(r.decision, r.sitting_id, r.decided_by_id) for r in records] == [
        ("approve", sitting.id, crew.member.id), ("reject", sitting.id, crew.member.id),
        ("defer", sitting.id, crew.member.id)]
    assert records[2].due_on_after == new_due
    assert {m.id for m in sitting.members} == {crew.member.id, crew.second_member.id}
    for ticket, record in zip(decided, records, strict=True):
        message, = outbox_of(ticket, "decision")
        assert ticket.number in message.body
        event = db.session.get(Event, record.event_id)
        assert event.data["sitting_id"] == sitting.id and event.body == record.reason


def test_a_sitting_records_nothing_when_one_request_changed_meanwhile(crew, new_ticket):
    first, second = (walk(crew, new_ticket("support_request"), "committee") for _ in range(2))
    seen = second.version
    services.add_note(second.id, actor=crew.agent, expected_version=seen, body="مستند جديد")
    sitting = open_sitting(actor=crew.member, meeting_on="2026-11-23",
                           member_ids=[crew.member.id])
    before = footprint(first)
    with pytest.raises(StaleTicket) as caught:
        decide_in_sitting(sitting.id, actor=crew.member, decisions=[
            AgendaDecision(first.id, first.version, "approve", "مستوفية"),
            AgendaDecision(second.id, seen, "approve", "مستوفية"),
        ])
    assert caught.value.ticket.id == second.id
    assert footprint(first) == before


def test_a_sitting_reports_every_missing_reason_by_request(crew, new_ticket):
    first, second = (walk(crew, new_ticket("support_request"), "committee") for _ in range(2))
    sitting = open_sitting(actor=crew.member, meeting_on="2026-11-23",
                           member_ids=[crew.member.id])
    with pytest.raises(ValidationError) as caught:
        decide_in_sitting(sitting.id, actor=crew.member, decisions=[
            AgendaDecision(first.id, first.version, "approve", ""),
            AgendaDecision(second.id, second.version, "maybe", "سبب"),
        ])
    assert set(caught.value.errors) == {f"reason-{first.id}", f"decision-{second.id}"}


def test_a_sitting_needs_its_date_and_committee_members(crew):
    with pytest.raises(ValidationError) as caught:
        open_sitting(actor=crew.member, meeting_on="", member_ids=[crew.agent.id])
    assert set(caught.value.errors) == {"meeting_on", "member_ids"}
    with pytest.raises(PermissionDenied):
        open_sitting(actor=crew.agent, meeting_on="2026-11-23", member_ids=[crew.member.id])


def test_a_volunteer_is_accepted_by_the_coordinator_and_told(crew, new_ticket):
    ticket = walk(crew, new_ticket("volunteering"), "approved")
    message, = outbox_of(ticket, "decision")
    assert ticket.number in message.body


# ---------------------------------------------------------------------------------------
# Closure, cancellation


def test_closing_tells_the_person_without_asking_for_a_rating_again(crew, new_ticket):
    ticket = walk(crew, new_ticket("support_request"), "service_delivered")
    invitations = len(outbox_of(ticket, "rating_invitation"))  # the survey after the decision
    ticket = services.close(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            resolution_code="service_provided",
                            resolution_note="سُلّمت السلة الغذائية.")
    closing = outbox_of(ticket)[-1]
    assert closing.purpose == "closing" and closing.locale == "ar"
    assert ticket.number in closing.body
    assert len(outbox_of(ticket, "rating_invitation")) == invitations
    event = events_of(ticket, "status_changed")[-1]
    assert event.data["resolution_code"] == "service_provided"
    assert event.body == "سُلّمت السلة الغذائية."


def test_a_closing_message_written_by_staff_replaces_the_standard_one(crew, new_ticket):
    ticket = walk(crew, new_ticket("inquiry"), "resolved")
    ticket = services.close(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            resolution_code="answered", resolution_note="تم",
                            message="شكراً لتواصلك، نتمنى لك التوفيق.")
    assert outbox_of(ticket, "closing")[0].body == "شكراً لتواصلك، نتمنى لك التوفيق."


def test_a_duplicate_is_cancelled_pointing_at_the_original(crew, new_ticket):
    original, duplicate = new_ticket("inquiry"), new_ticket("inquiry")
    ticket = services.cancel(duplicate.id, actor=crew.agent,
                             expected_version=duplicate.version, reason_code="duplicate",
                             duplicate_of=original.number)
    assert ticket.status == "cancelled" and ticket.closed_at is not None
    assert events_of(ticket, "status_changed")[-1].data["duplicate_of"] == original.number
    with pytest.raises(ValidationError) as caught:
        services.cancel(original.id, actor=crew.agent, expected_version=original.version,
                        reason_code="duplicate", duplicate_of=original.number)
    assert set(caught.value.errors) == {"duplicate_of"}


def test_cancelling_for_another_reason_needs_a_note(crew, new_ticket):
    ticket = new_ticket("inquiry")
    with pytest.raises(ValidationError) as caught:
        services.cancel(ticket.id, actor=crew.agent, expected_version=ticket.version,
                        reason_code="other")
    assert set(caught.value.errors) == {"note"}


# ---------------------------------------------------------------------------------------
# Changes that keep the status: audited on the timeline with before and after


def test_assignment_records_who_it_was_and_who_it_is(crew, new_ticket):
    ticket = new_ticket("inquiry")
    ticket = services.take(ticket.id, actor=crew.agent, expected_version=ticket.version)
    ticket = services.assign(ticket.id, actor=crew.manager, expected_version=ticket.version,
                             assignee_id=crew.other_agent.id)
    took, reassigned = events_of(ticket, "assigned")
    assert took.data["took"] and took.actor_id == crew.agent.id
    assert reassigned.data["before"] == {"assignee_id": crew.agent.id}
    assert reassigned.data["after"] == {"assignee_id": crew.other_agent.id}
    assert reassigned.data["names"] == {"before": crew.agent.name,
                                        "after": crew.other_agent.name}
    assert reassigned.actor_id == crew.manager.id


def test_taking_a_ticket_someone_else_holds_is_refused(crew, new_ticket):
    ticket = new_ticket("inquiry")
    ticket = services.take(ticket.id, actor=crew.agent, expected_version=ticket.version)
    with pytest.raises(ValidationError) as caught:
        services.take(ticket.id, actor=crew.other_agent, expected_version=ticket.version)
    assert crew.agent.name in caught.value.errors["assignee_id"]


def test_team_priority_and_tags_are_changed_with_events(crew, new_ticket):
    ticket = new_ticket("complaint")
    ticket = services.set_priority(ticket.id, actor=crew.agent,
                                   expected_version=ticket.version, priority="urgent")
    ticket = services.add_tag(ticket.id, actor=crew.agent, expected_version=ticket.version,
                              name="  رمضان  ")
    ticket = services.add_tag(ticket.id, actor=crew.agent, expected_version=ticket.version,
                              name="رمضان")  # already there: nothing new
    ticket = services.change_team(ticket.id, actor=crew.agent,
                                  expected_version=ticket.version, team_id=crew.research.id)
    assert ticket_tag_names(ticket) == ["رمضان"]
    assert [e.type for e in events_of(ticket)][1:] == ["priority_changed", "tag_added",
                                                       "team_changed"]
    assert events_of(ticket, "priority_changed")[0].data == {
        "before": {"priority": "normal"}, "after": {"priority": "urgent"}}
    assert events_of(ticket, "team_changed")[0].data["keys"] == {"before": "relations",
                                                                "after": "research"}
    # The agent moved it out of their team's reach: now it is gone for them.
    with pytest.raises(TicketNotFound):
        services.remove_tag(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            name="رمضان")
    ticket = services.remove_tag(ticket.id, actor=crew.officer,
                                 expected_version=ticket.version, name="رمضان")
    assert ticket_tag_names(ticket) == []


def test_a_reply_goes_to_the_outbox_and_the_public_timeline(crew, new_ticket):
    ticket = new_ticket("inquiry")
    ticket = services.reply(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            body="موعد التوزيع يوم الأحد القادم.")
    message, = outbox_of(ticket, "reply")
    event = events_of(ticket, "message_out")[-1]
    assert message.body == event.body == "موعد التوزيع يوم الأحد القادم."
    assert event.visibility == "public" and event.actor_id == crew.agent.id


def test_every_change_bumps_the_version_once(crew, new_ticket):
    ticket = new_ticket("support_request")
    versions = [ticket.version]
    for step in ("request_information", "information_received", "refer", "return_referral",
                 "send_to_committee"):
        ticket = act(crew, ticket, step)
        versions.append(ticket.version)
    assert versions == list(range(versions[0], versions[0] + 6))


# ---------------------------------------------------------------------------------------
# Plugins hear about it after commit


def _recorder():
    calls: list[tuple[str, dict]] = []
    plugin = types.ModuleType("lifecycle_recorder")
    plugin.__file__ = __file__  # the registry looks beside a plugin for its templates

    @hookimpl
    def helpdesk_ticket_transitioned(ticket, from_status, to_status, action):
        with db.engine.connect() as connection:  # another connection sees only commits
            in_database = connection.scalar(select(Ticket.status)
                                            .where(Ticket.id == ticket.id))
        calls.append(("transitioned", {"status": ticket.status, "from": from_status,
                                       "to": to_status, "action": action,
                                       "committed": in_database}))

    @hookimpl
    def helpdesk_message_added(ticket, direction, body, visibility):
        calls.append(("message", {"direction": direction, "body": body,
                                  "visibility": visibility}))

    plugin.helpdesk_ticket_transitioned = helpdesk_ticket_transitioned
    plugin.helpdesk_message_added = helpdesk_message_added
    return plugin, calls


def test_plugins_hear_of_transitions_and_messages_after_commit(make_app, make_user):
    plugin, calls = _recorder()
    app = make_app(plugins=["plugins.phone", ("lifecycle_recorder", plugin)])
    with app.app_context():
        agent = make_user("agent")
        ticket = services.open_ticket(channel_key="phone", kind="inquiry", subject="سؤال")
        ticket = services.start(ticket.id, actor=agent, expected_version=ticket.version)
        ticket = services.add_note(ticket.id, actor=agent, expected_version=ticket.version,
                                   body="ملاحظة")
        with pytest.raises(InvalidTransition):
            services.close(ticket.id, actor=agent, expected_version=ticket.version,
                           **FIELDS["close"])
        db.session.remove()
    assert calls == [
        ("transitioned", {"status": "in_progress", "from": "new", "to": "in_progress",
                          "action": "start", "committed": "in_progress"}),
        ("message", {"direction": "internal", "body": "ملاحظة", "visibility": "internal"}),
    ]


def test_a_tag_longer_than_the_limit_is_refused(crew, new_ticket):
    ticket = new_ticket("inquiry")
    with pytest.raises(ValidationError) as caught:
        services.add_tag(ticket.id, actor=crew.agent, expected_version=ticket.version,
                         name="و" * (services.MAX_TAG + 1))
    assert set(caught.value.errors) == {"name"}
    assert ticket_tag_names(ticket) == []


def test_an_action_the_table_does_not_know_is_an_invalid_transition(crew, new_ticket):
    ticket = new_ticket("inquiry")
    with pytest.raises(InvalidTransition):
        perform(ticket.number, "teleport", actor=crew.agent, expected_version=ticket.version)


@pytest.mark.parametrize("closer", ["agent", "officer"])
def test_the_relations_agent_or_the_research_officer_closes_a_delivered_support_request(
        crew, new_ticket, closer):
    ticket = walk(crew, new_ticket("support_request"), "service_delivered")
    actor = getattr(crew, closer)
    if closer == "officer":  # the research officer who carried it
        ticket = services.assign(ticket, actor=crew.agent, expected_version=None,
                                 assignee_id=actor.id)
    assert "close" in available_actions(actor, ticket)
    closed = act(crew, ticket, "close", actor=actor, resolution_code="service_provided",
                 resolution_note="سُلّمت الإعانة للأسرة.")
    assert closed.status == "closed"
    assert events_of(closed, "status_changed")[-1].actor_id == actor.id


def test_only_a_delivered_support_request_may_be_closed_by_the_research_officer(
        crew, new_ticket):
    rejected = walk(crew, new_ticket("support_request"), "rejected")
    rejected = services.assign(rejected, actor=crew.agent, expected_version=None,
                               assignee_id=crew.officer.id)
    assert "close" not in available_actions(crew.officer, rejected)
    with pytest.raises(PermissionDenied):
        act(crew, rejected, "close", actor=crew.officer)
