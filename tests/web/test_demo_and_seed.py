"""The demo association and the benchmark seed, loaded through their `flask helpdesk` commands."""

from __future__ import annotations

import random
from collections import defaultdict

import phonenumbers
from sqlalchemy import func, inspect, select

from helpdesk.accounts.models import User
from helpdesk.accounts.roles import ROLES
from helpdesk.admin.models import Association
from helpdesk.committee import services as committee
from helpdesk.committee.models import CommitteeDecision
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.devdata.paths import PATHS, path_statuses
from helpdesk.extensions import db
from helpdesk.search.index import TICKETS
from helpdesk.search.models import ContactSearchDocument, TicketSearchDocument
from helpdesk.search.queries import matching_ids_subquery, query_terms
from helpdesk.services_catalog.models import Service
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Event, Rating, Referral, Ticket, TicketSequence
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.states import find_transition
from helpdesk.tickets.vocabulary import STATUSES
from tests.plugins.test_engine import BUILT_IN

DEMO_PASSWORD = "sila-demo-2026"


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["helpdesk", *args])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def luhn_valid(national_id: str) -> bool:
    total = 0
    for position, char in enumerate(national_id, start=1):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return total % 10 == 0


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Contact, Service, Ticket, Event, Association)}


def test_the_luhn_check_of_the_test_agrees_with_the_stack_notes():
    assert luhn_valid("1234567897") and luhn_valid("2345678904")
    assert not luhn_valid("1234567898")


def test_every_demo_path_is_a_path_through_the_lifecycle_table():
    kinds = {"short": ["inquiry", "complaint", "suggestion", "appreciation", "other"],
             "full": ["support_request"], "volunteering": ["volunteering"]}
    covered = set()
    for group, paths in PATHS.items():
        for status, actions in paths.items():
            for kind in kinds[group]:
                assert (path_statuses(kind, actions) or ["new"])[-1] == status
            covered.add(status)
    assert covered == set(STATUSES)


def test_each_channel_plugin_gives_demo_samples_for_its_own_channel_only(app):
    hook = app.extensions["helpdesk_plugins"].manager.hook.helpdesk_demo_data
    channels = app.extensions["helpdesk_plugins"].channels
    for key in BUILT_IN:
        samples = [s for result in hook(channel_key=key, rng=random.Random(1)) for s in result]
        assert len(samples) >= 5, key
        for sample in samples:
            assert sample["kind"] in channels[key].meta.kinds
            assert any("\u0600" <= ch <= "\u06ff" for ch in sample["subject"] + sample["body"])
    assert [s for r in hook(channel_key="no_such_channel", rng=random.Random(1)) for s in r] \
        == []


def check_staff_and_catalog(client) -> None:
    emails = {user.email: user.role for user in db.session.scalars(select(User))}
    for role in ROLES:
        assert emails.get(f"{role}@demo.sila.sa") == role
    response = client.post("/login", data={"email": "agent@demo.sila.sa",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302
    association = db.session.scalar(select(Association))
    assert association.name_ar == "جمعية البر الخيرية بحي النسيم"
    assert association.registration_number and association.city
    assert association.policy_board_meeting and association.policy_approved_on
    services = db.session.scalars(select(Service)).all()
    assert {s.key for s in services} >= {"food_basket", "rent_support", "medical_support",
                                         "legal_consultation", "training"}
    for service in services:
        assert service.fields and service.documents
        assert all({"name", "type", "label_ar", "label_en"} <= set(f) for f in service.fields)
        assert all({"key", "label_ar", "label_en"} <= set(d) for d in service.documents)
    food = next(s for s in services if s.key == "food_basket")
    assert {"type": "max_per_member", "field": "monthly_income", "per": "family_size",
            "value": 1500} in food.rules
    branch_rep = db.session.scalar(select(User).where(User.email == "branch_rep@demo.sila.sa"))
    assert branch_rep.branch is not None and branch_rep.teams


def check_contacts() -> None:
    contacts = db.session.scalars(select(Contact)).all()
    assert len(contacts) == 150
    assert {c.kind for c in contacts} == {"beneficiary", "supporter", "volunteer", "organisation"}
    ids = [c.national_id for c in contacts if c.national_id]
    assert len(ids) == len(set(ids)) and len(ids) > 100
    for national_id in ids:
        assert len(national_id) == 10 and national_id[0] in "12" and luhn_valid(national_id)
    for contact in contacts:
        number = phonenumbers.parse(contact.phone)
        assert phonenumbers.is_valid_number(number), contact.phone
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) \
            == contact.phone


def test_the_demo_loads_staff_for_every_role_a_catalog_and_valid_contacts_once(app, client):
    run(app, "demo")
    check_staff_and_catalog(client)
    check_contacts()
    before = counts()
    result = run(app, "demo", "--if-empty")
    assert "nothing loaded" in result.output
    assert counts() == before


def check_timelines() -> None:
    events = defaultdict(list)
    for event in db.session.scalars(select(Event).order_by(Event.ticket_id, Event.id)):
        events[event.ticket_id].append(event)
    now = utcnow()
    for ticket in db.session.scalars(select(Ticket)):
        timeline = events[ticket.id]
        assert timeline[0].type == "created"
        assert timeline[0].created_at == ticket.created_at
        times = [event.created_at for event in timeline]
        assert times == sorted(times) and times[-1] <= now
        assert ticket.updated_at == times[-1]
        status = "new"
        for event in timeline:
            if event.type == "status_changed":
                assert event.data["from"] == status, ticket.number
                row = find_transition(ticket.kind, status, event.data["action"])
                assert event.data["to"] == row.to_status, ticket.number
                status = row.to_status
        assert status == ticket.status, ticket.number
        if ticket.status != "new":
            assert ticket.assignee_id is not None
            assert any(event.type == "assigned" for event in timeline)
        assert (ticket.closed_at is not None) == (ticket.status in ("closed", "cancelled"))
        assert (now - ticket.created_at).days <= 61
        if ticket.status == "committee":
            assert ticket.decision_due_on is not None
        open_referrals = db.session.scalar(select(func.count()).select_from(Referral).where(
            Referral.ticket_id == ticket.id, Referral.status == "open"))
        assert open_referrals == (1 if ticket.status == "referred" else 0), ticket.number
    decisions = db.session.scalars(select(CommitteeDecision)).all()
    decision_events = {event.id: event for timeline in events.values() for event in timeline
                       if event.type == "status_changed"
                       and event.data["action"] in ("approve", "reject")
                       and event.data["from"] == "committee"}
    assert sorted(d.event_id for d in decisions) == sorted(decision_events)
    for decision in decisions:
        assert decision.decision == decision_events[decision.event_id].data["action"]


def check_numbering() -> None:
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.year, Ticket.sequence)).all()
    by_year = defaultdict(list)
    for ticket in tickets:
        by_year[ticket.year].append(ticket)
        assert ticket.number == f"{ticket.year}-{ticket.sequence:06d}"
    for year, numbered in by_year.items():
        assert [t.sequence for t in numbered] == list(range(1, len(numbered) + 1))
        opened = [t.created_at for t in numbered]
        assert opened == sorted(opened)  # numbers follow the order tickets were opened in
        assert db.session.get(TicketSequence, year).last_value == len(numbered)


def test_the_demo_tickets_cover_every_channel_and_status_with_consistent_timelines(app):
    result = run(app, "demo")
    tickets = db.session.scalars(select(Ticket)).all()
    assert 200 <= len(tickets) <= 600
    assert f"{len(tickets)} tickets" in result.output
    assert {t.channel_key for t in tickets} == set(BUILT_IN)
    assert {t.status for t in tickets} == set(STATUSES)
    check_timelines()
    check_numbering()


def change_through_the_service(ticket: Ticket, action: str, actor: User, referee: User) -> None:
    """``action`` on ``ticket`` through its use case, as a person on the ticket page does it."""
    ref, common = ticket.id, {"actor": actor, "expected_version": ticket.version}
    if action in ("start", "information_received", "register", "deliver", "resolve"):
        getattr(tickets, action)(ref, **common)
    elif action == "request_information":
        tickets.request_information(ref, missing=["صورة الهوية الوطنية"], **common)
    elif action == "refer":
        tickets.refer(ref, question="ما رأيكم؟", to_user_id=referee.id, **common)
    elif action == "return_referral":
        tickets.return_referral(ref, answer="لا مانع.", **common)
    elif action == "send_to_committee":
        tickets.send_to_committee(ref, note="اكتمل الملف.", **common)
    elif action in ("approve", "reject") and ticket.kind == "support_request":
        committee.decide(ref, decision=action, reason="وفق الضوابط.", **common)
    elif action in ("approve", "reject"):
        tickets.decide_application(ref, decision=action, reason="وفق الحاجة.", **common)
    elif action == "close":
        tickets.close(ref, resolution_code="answered", resolution_note="أُجيب.", **common)
    elif action == "reopen":
        tickets.reopen(ref, reason="ما زال الأمر قائمًا.", **common)
    elif action == "cancel":
        tickets.cancel(ref, reason_code="other", note="لم تُستكمل المستندات.", **common)
    else:
        raise AssertionError(f"no service call for {action!r}")


def unit_of_work_shape(events: list[Event]) -> tuple:
    """What a status change writes, values aside: its event's fields and data keys, and the
    other events (messages by purpose) written in the same transaction."""
    change = next(event for event in events if event.type == "status_changed")
    data = {key: value for key, value in change.data.items() if key != "sla"}
    return (change.visibility, change.actor_id is not None, tuple(sorted(data)),
            tuple(sorted(data["before"])), tuple(sorted(data["after"])),
            tuple(sorted((event.type, (event.data or {}).get("purpose", ""))
                         for event in events)))


def test_the_demo_timelines_are_written_by_the_use_cases(app):
    run(app, "demo")
    by_ticket = defaultdict(list)
    for event in db.session.scalars(select(Event).order_by(Event.id)):
        by_ticket[event.ticket_id].append(event)
    demo_shapes = defaultdict(set)
    for ticket in db.session.scalars(select(Ticket)):
        moments = defaultdict(list)
        for event in by_ticket[ticket.id]:
            moments[event.created_at].append(event)
        # Each use case is one unit of work: one moment, one bump of the version.
        assert ticket.version == len(moments), ticket.number
        for events in moments.values():
            if any(event.type == "status_changed" for event in events):
                change = next(e for e in events if e.type == "status_changed")
                key = (ticket.kind, change.data["from"], change.data["action"])
                demo_shapes[key].add(unit_of_work_shape(events))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(Rating)) > 0

    manager = db.session.scalar(select(User).where(User.email == "manager@demo.sila.sa"))
    referee = db.session.scalar(select(User).where(User.email == "research_officer@demo.sila.sa"))
    used, compared = set(), set()
    for (kind, from_status, action), shapes in sorted(demo_shapes.items()):
        ticket = db.session.scalar(select(Ticket).where(
            Ticket.kind == kind, Ticket.status == from_status, Ticket.id.not_in(used or {0}))
            .order_by(Ticket.id).limit(1))
        if ticket is None:
            continue
        used.add(ticket.id)
        last = db.session.scalar(select(func.max(Event.id)))
        change_through_the_service(ticket, action, manager, referee)
        written = db.session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                         Event.id > last)).all()
        assert shapes == {unit_of_work_shape(written)}, (kind, from_status, action)
        compared.add(action)
    assert compared == {action for _kind, _from, action in demo_shapes}


def test_the_demo_without_if_empty_refuses_a_database_with_users(app, make_user):
    make_user("admin")
    result = app.test_cli_runner().invoke(args=["helpdesk", "demo"])
    assert result.exit_code != 0
    assert "already has users" in result.output
    assert counts()["Ticket"] == 0


def test_the_demo_with_if_empty_leaves_a_database_with_users_alone(app, make_user):
    make_user("admin")
    run(app, "demo", "--if-empty")
    assert counts()["Ticket"] == 0 and counts()["User"] == 1


def test_seeding_300_tickets_gives_each_a_unique_sequential_number_and_an_event(app):
    run(app, "seed", "--tickets", "300", "--batch", "100")
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert len(tickets) == 300
    assert len({t.number for t in tickets}) == 300
    by_year = defaultdict(list)
    for ticket in tickets:
        by_year[ticket.year].append(ticket.sequence)
        assert ticket.number == f"{ticket.year}-{ticket.sequence:06d}"
        assert ticket.contact_id is not None
    for year, sequences in by_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
        assert db.session.get(TicketSequence, year).last_value == len(sequences)
    created = db.session.scalar(select(func.count()).select_from(Event)
                                .where(Event.type == "created"))
    assert created == 300
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 60


def test_seeded_tickets_spread_over_channels_statuses_and_two_years(app):
    run(app, "seed", "--tickets", "300", "--batch", "100")
    tickets = db.session.scalars(select(Ticket)).all()
    assert len({t.channel_key for t in tickets}) >= 6
    assert len({t.status for t in tickets}) >= 5
    assert all(t.channel_key in BUILT_IN for t in tickets)
    ages = [(utcnow() - t.created_at).days for t in tickets]
    assert max(ages) > 365 and min(ages) < 60 and max(ages) <= 731


def test_seeded_tickets_are_found_by_the_search_index(app):
    run(app, "seed", "--tickets", "300", "--batch", "100")
    assert db.session.scalar(select(func.count()).select_from(TicketSearchDocument)) == 300
    assert db.session.scalar(select(func.count()).select_from(ContactSearchDocument)) == 60
    for ticket in db.session.scalars(select(Ticket).order_by(Ticket.id).limit(5)):
        terms = query_terms(ticket.subject)[:2]
        assert ticket.id in set(db.session.scalars(matching_ids_subquery(TICKETS, terms)))
    if db.engine.dialect.name == "postgresql":  # the GIN index set aside for the load is back
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("ticket_search_documents")}
        assert TICKETS.vector_index in indexes


def test_a_ticket_opened_after_the_seed_gets_the_next_number(app, make_ticket):
    run(app, "seed", "--tickets", "300", "--batch", "100")
    year = utcnow().year
    last = db.session.get(TicketSequence, year).last_value
    highest_id = db.session.scalar(select(func.max(Ticket.id)))
    ticket = make_ticket()
    assert ticket.number == f"{year}-{last + 1:06d}"
    assert ticket.id == highest_id + 1


def test_the_seed_adds_to_the_demo_and_numbering_continues(app):
    run(app, "demo")
    year = utcnow().year
    demo_last = db.session.get(TicketSequence, year).last_value
    run(app, "seed", "--tickets", "300", "--batch", "1000")
    this_year = db.session.scalars(select(Ticket.sequence).where(Ticket.year == year)).all()
    assert sorted(this_year) == list(range(1, len(this_year) + 1))
    assert len(this_year) > demo_last
    assert counts()["User"] == 11  # the demo staff are reused, not duplicated
