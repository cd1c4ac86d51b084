"""Routing rules at intake and on a change of kind or service, and sharing inside a team
(SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team
from helpdesk.extensions import db
from helpdesk.routing.models import RoutingRule
from helpdesk.routing.services import RuleInput, clean_rule, save_rule
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.services import assign, remove_tag
from helpdesk.validation import ValidationError


def _team(key: str, members=(), mode: str = "round_robin", limit: int | None = None,
          branch: Branch | None = None) -> Team:
    team = Team(key=key, name_ar=f"فريق {key}", name_en=f"Team {key}", assignment_mode=mode,
                max_open_per_member=limit, branch=branch, members=list(members))
    db.session.add(team)
    db.session.commit()
    return team


def _rule(admin, **values) -> RoutingRule:
    data = RuleInput.blank()
    data.values.update({"name": "قاعدة", **values})
    return save_rule(data, actor=admin)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_a_complaint_mentioning_a_city_goes_to_that_branch_team_in_turn(
        admin, make_user, make_ticket):
    first, second = make_user("agent"), make_user("agent")
    team = _team("jeddah", [first, second])
    _rule(admin, kinds=["complaint"], words="جدة", team_id=str(team.id))
    tickets = [make_ticket(kind="complaint", subject=f"شكوى {n}", body="تأخر الموعد في فرع جده")
               for n in range(4)]
    assert [t.team_id for t in tickets] == [team.id] * 4
    assert [t.assignee_id for t in tickets] == [first.id, second.id, first.id, second.id]
    types = db.session.scalars(select(Event.type).where(Event.ticket_id == tickets[0].id)
                               .order_by(Event.id)).all()
    assert types == ["created", "team_changed", "assigned"]
    assigned = db.session.scalars(select(Event).where(Event.ticket_id == tickets[0].id,
                                                      Event.type == "assigned")).one()
    assert assigned.data["names"]["after"] == first.name
    assert assigned.data["auto"] == "round_robin"


def test_a_rule_that_does_not_match_leaves_the_ticket_unrouted(admin, make_user,
                                                                make_ticket):
    team = _team("t1", [make_user("agent")])
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    ticket = make_ticket(kind="inquiry")
    assert ticket.team_id is None and ticket.assignee_id is None


@pytest.mark.parametrize("condition, matching, other", [
    ({"channels": ["phone"]}, {"channel_key": "phone"}, {"channel_key": "letters"}),
    ({"priorities": ["urgent"]}, {"priority": "urgent"}, {"priority": "low"}),
    ({"kinds": ["suggestion"]}, {"kind": "suggestion"}, {"kind": "inquiry"}),
    ({"words": "الإيجار"}, {"subject": "دعم الايجار"}, {"subject": "سلة غذائية"}),
    ({"words": "الرياض"}, {"body": "أسكن بالرياض"}, {"body": "أسكن في مكة"}),
])
def test_each_condition_matches_only_its_tickets(admin, make_ticket, condition, matching,
                                                  other):
    _rule(admin, tag="مفرز", **condition)
    assert _tags(make_ticket(**matching)) == ["مفرز"]
    assert _tags(make_ticket(**other)) == []


def test_service_branch_and_contact_kind_conditions(admin, make_ticket, make_contact):
    branch = Branch(code="dmm", name_ar="الدمام", name_en="Dammam")
    service = Service(key="rent", name_ar="إيجار", name_en="Rent")
    db.session.add_all([branch, service])
    db.session.commit()
    _rule(admin, tag="x", service_ids=[str(service.id)], branch_ids=[str(branch.id)],
          contact_kinds=["supporter"])
    supporter = make_contact(kind="supporter")
    assert _tags(make_ticket(service_id=service.id, branch_id=branch.id,
                             contact=supporter)) == ["x"]
    assert _tags(make_ticket(service_id=service.id, branch_id=branch.id)) == []
    assert _tags(make_ticket(service_id=service.id, contact=supporter)) == []


def _tags(ticket: Ticket) -> list[str]:
    return [data["tag"] for data in db.session.scalars(select(Event.data).where(
        Event.ticket_id == ticket.id, Event.type == "tag_added"))]


def test_rules_apply_in_order_and_stop_ends_the_list(admin, make_user, make_ticket):
    a, b = _team("a", [make_user("agent")], mode="manual"), \
        _team("b", [make_user("agent")], mode="manual")
    _rule(admin, kinds=["complaint"], team_id=str(a.id), stop=False, priority="high")
    _rule(admin, kinds=["complaint"], team_id=str(b.id), stop=True)
    _rule(admin, kinds=["complaint"], tag="never")
    ticket = make_ticket(kind="complaint")
    assert (ticket.team_id, ticket.priority) == (b.id, "high")
    assert _tags(ticket) == []


def test_a_disabled_rule_is_not_applied(admin, make_ticket):
    rule = _rule(admin, kinds=["complaint"], tag="x")
    rule.enabled = False
    db.session.commit()
    assert _tags(make_ticket(kind="complaint")) == []


def test_round_robin_skips_people_away_inactive_and_at_the_limit(admin, make_user,
                                                                 make_ticket):
    away, inactive, full, free = (make_user("agent") for _ in range(4))
    away.away = True
    inactive.active = False
    db.session.commit()
    team = _team("t", [away, inactive, full, free], limit=1)
    make_ticket(kind="inquiry")  # unrelated
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    # ``full`` reaches the limit with their first ticket; ``free`` then takes the next.
    first = make_ticket(kind="complaint")
    second = make_ticket(kind="complaint")
    third = make_ticket(kind="complaint")
    assert (first.assignee_id, second.assignee_id) == (full.id, free.id)
    assert third.team_id == team.id and third.assignee_id is None  # nobody left


def test_least_open_gives_the_ticket_to_whoever_has_fewest(admin, make_user, make_ticket):
    busy, idle = make_user("agent"), make_user("agent")
    for _ in range(2):
        ticket = make_ticket()
        assign(ticket, actor=admin, expected_version=None, assignee_id=busy.id)
    team = _team("t", [busy, idle], mode="least_open")
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    assert make_ticket(kind="complaint").assignee_id == idle.id
    assert make_ticket(kind="complaint").assignee_id == idle.id
    assert make_ticket(kind="complaint").assignee_id in (idle.id, busy.id)


def test_a_manual_team_leaves_the_ticket_unassigned_and_a_named_person_gets_it(
        admin, make_user, make_ticket):
    person = make_user("agent")
    team = _team("t", [person], mode="manual")
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    _rule(admin, kinds=["suggestion"], team_id=str(team.id), assign=str(person.id))
    assert make_ticket(kind="complaint").assignee_id is None
    assert make_ticket(kind="suggestion").assignee_id == person.id


def test_changing_the_kind_routes_the_ticket_again(admin, make_user, make_ticket):
    team = _team("t", [make_user("agent")], mode="manual")
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    ticket = make_ticket(kind="inquiry")
    assert ticket.team_id is None
    ticket.kind = "complaint"  # what a change of kind writes
    db.session.commit()
    assert db.session.get(Ticket, ticket.id).team_id == team.id


def test_a_kind_changed_back_and_forth_is_routed_each_time(admin, make_ticket):
    _rule(admin, kinds=["complaint"], tag="شكوى")
    ticket = make_ticket(kind="complaint")
    remove_tag(ticket, actor=admin, expected_version=None, name="شكوى")
    for kind in ("inquiry", "complaint"):
        db.session.get(Ticket, ticket.id).kind = kind
        db.session.commit()
    assert _tags(ticket) == ["شكوى", "شكوى"]


def test_a_ticket_moved_to_a_team_without_an_assignee_is_shared(admin, make_user,
                                                                 make_ticket):
    from helpdesk.tickets.services import change_team
    person = make_user("agent")
    team = _team("t", [person])
    ticket = make_ticket()
    change_team(ticket, actor=admin, expected_version=None, team_id=team.id)
    assert db.session.get(Ticket, ticket.id).assignee_id == person.id


# ---------------------------------------------------------------------------------------
# Refused rules


def _refused(**values) -> dict[str, str]:
    data = RuleInput.blank()
    data.values.update({"name": "قاعدة", **values})
    with pytest.raises(ValidationError) as caught:
        clean_rule(data)
    return caught.value.errors


def test_a_rule_with_no_conditions_and_no_actions_is_refused(app):
    assert "name" in _refused()


def test_a_rule_with_conditions_but_no_action_is_refused(app):
    assert "team_id" in _refused(kinds=["complaint"])


def test_assigning_to_someone_away_inactive_or_outside_the_team_is_refused(make_user):
    away, inactive, outsider, member = (make_user("agent") for _ in range(4))
    away.away = True
    inactive.active = False
    db.session.commit()
    team = _team("t", [member])
    assert away.name in _refused(kinds=["complaint"], assign=str(away.id))["assign"]
    assert _refused(kinds=["complaint"], assign=str(inactive.id))["assign"]
    assert _refused(kinds=["complaint"], team_id=str(team.id),
                    assign=str(outsider.id))["assign"]


def test_sharing_in_a_team_without_an_active_member_is_refused(make_user):
    away = make_user("agent")
    away.away = True
    db.session.commit()
    team = _team("t", [away], mode="manual")
    assert _refused(kinds=["complaint"], team_id=str(team.id), assign="team")["assign"]


def test_a_rule_that_would_change_nothing_is_refused(app):
    assert _refused(priorities=["urgent"], priority="urgent")["priority"]


def test_words_without_letters_are_refused(app):
    assert _refused(words="!!! ،،", tag="x")["words"]


# ---------------------------------------------------------------------------------------
# Two intakes at once (PostgreSQL: two sessions, the turn row locked)


def test_two_intakes_at_once_take_turns(app, backend, admin, make_user):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: two intakes cannot overlap")
    from helpdesk.tickets.services import open_ticket
    members = [make_user("agent") for _ in range(2)]
    team = _team("t", members)
    _rule(admin, kinds=["complaint"], team_id=str(team.id))
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def intake() -> None:
        try:
            with app.app_context():
                barrier.wait()
                ticket = open_ticket(channel_key="phone", kind="complaint", subject="شكوى")
                numbers.append(ticket.number)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=intake) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    db.session.expire_all()
    assignees = sorted(db.session.scalars(select(Ticket.assignee_id)
                                          .where(Ticket.number.in_(numbers))))
    assert assignees == sorted(m.id for m in members)


def test_the_demo_routes_a_complaint_naming_a_branch_city_to_that_branch_team(app):
    from helpdesk.devdata.organisation import ensure_organisation
    from helpdesk.devdata.routing import create_demo_routing
    from helpdesk.tickets.services import open_ticket

    ensure_organisation()
    create_demo_routing()
    team = db.session.scalar(select(Team).where(Team.key == "kharj_team"))
    assert team.assignment_mode == "round_robin" and team.lead_id is not None
    urgent = open_ticket(channel_key="phone", kind="complaint", subject="شكوى عاجلة",
                         body="تأخر صرف السلة في فرع الخرج")
    assert urgent.team_id == team.id and urgent.priority == "urgent"
    ticket = open_ticket(channel_key="social", kind="inquiry", subject="رسالة واتساب",
                         body="عندي شكوى على فرع الخرج")
    assert ticket.team_id == team.id
    assert ticket.assignee_id in {m.id for m in team.members}


@pytest.mark.parametrize("text, found", [
    ("طلب عاجلة", True), ("حالات طارئة", True), ("بالرياض", True), ("الرياضيات", False),
    ("عاجل", True), ("عجل", False),
])
def test_a_word_matches_its_spellings_and_endings_not_other_words(text, found):
    from helpdesk.routing.services import Facts, clean_words, matches

    facts = Facts(channel=None, kind=None, service_id=None, branch_id=None,
                  contact_kind=None, priority=None, text=text)
    words = clean_words("عاجل، طارئ\nالرياض")
    assert matches({"words": words}, facts) is found
