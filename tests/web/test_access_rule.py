"""The one access rule: who sees which ticket, and who may change it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team
from helpdesk.committee.queries import agenda
from helpdesk.committee.services import decide
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import (
    get_visible_ticket,
    referred_to_clause,
    ticket_access,
    visible_tickets_clause,
)


@pytest.fixture
def org(app, make_user):
    class Org:
        pass

    org = Org()
    org.relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
    org.research = Team(key="research", name_ar="البحث", name_en="Research")
    org.riyadh = Branch(code="RUH", name_ar="فرع الرياض", name_en="Riyadh branch")
    org.jeddah = Branch(code="JED", name_ar="فرع جدة", name_en="Jeddah branch")
    db.session.add_all([org.relations, org.research, org.riyadh, org.jeddah])
    db.session.commit()
    org.agent = make_user("agent")
    org.outsider = make_user("agent")
    org.officer = make_user("research_officer")
    org.second_officer = make_user("research_officer")
    org.member = make_user("committee_member")
    org.rep = make_user("branch_rep")
    org.rep.branch_id = org.riyadh.id
    org.manager = make_user("manager")
    org.admin = make_user("admin")
    org.relations.members.append(org.agent)
    org.research.members.extend([org.officer, org.second_officer])
    db.session.commit()
    return org


def visible_ids(user) -> set[int]:
    return set(db.session.scalars(select(Ticket.id).where(visible_tickets_clause(user))))


def test_an_agent_outside_the_team_gets_nothing(org, make_ticket):
    ticket = make_ticket(team_id=org.relations.id)
    assert get_visible_ticket(org.agent, ticket.number).id == ticket.id
    assert get_visible_ticket(org.outsider, ticket.number) is None
    assert get_visible_ticket(org.outsider, ticket.id) is None
    assert ticket.id not in visible_ids(org.outsider)


def test_the_assignee_sees_the_ticket_even_outside_its_team(org, make_ticket):
    ticket = make_ticket(team_id=org.research.id)
    ticket = services.assign(ticket.id, actor=org.manager, expected_version=ticket.version,
                             assignee_id=org.outsider.id)
    access = ticket_access(org.outsider, ticket.number)
    assert access is not None and access.can_work


def test_tickets_not_yet_routed_are_seen_by_relations_agents_only(org, make_ticket):
    ticket = make_ticket(team_id=None)
    assert get_visible_ticket(org.outsider, ticket.number) is not None
    assert get_visible_ticket(org.officer, ticket.number) is None
    assert get_visible_ticket(org.member, ticket.number) is None


def test_an_open_referral_grants_view_and_notes_until_it_is_returned(org, make_ticket):
    ticket = make_ticket(kind="support_request", team_id=org.relations.id)
    assert get_visible_ticket(org.officer, ticket.number) is None
    ticket = services.refer(ticket.id, actor=org.agent, expected_version=ticket.version,
                            question="هل الأسرة مستحقة؟", to_team_id=org.research.id)

    for referee in (org.officer, org.second_officer):
        access = ticket_access(referee, ticket.number)
        assert access is not None and access.is_referee and not access.can_work
        assert ticket.id in set(db.session.scalars(
            select(Ticket.id).where(referred_to_clause(referee))))
    ticket = services.add_note(ticket.id, actor=org.officer, expected_version=ticket.version,
                               body="سأزور الأسرة غداً.")
    ticket = services.return_referral(ticket.id, actor=org.officer,
                                      expected_version=ticket.version, answer="مستحقة.")

    assert get_visible_ticket(org.officer, ticket.number) is None
    assert get_visible_ticket(org.agent, ticket.number) is not None


def test_a_branch_representative_sees_their_branch_only(org, make_ticket, make_contact):
    riyadh = make_ticket(team_id=org.relations.id,
                         contact=make_contact(branch_id=org.riyadh.id))
    jeddah = make_ticket(team_id=org.relations.id, branch_id=org.jeddah.id)
    assert riyadh.branch_id == org.riyadh.id
    assert get_visible_ticket(org.rep, riyadh.number) is not None
    assert get_visible_ticket(org.rep, jeddah.number) is None
    assert visible_ids(org.rep) == {riyadh.id}


def test_managers_and_admins_see_every_ticket(org, make_ticket):
    tickets = [make_ticket(team_id=org.research.id), make_ticket(team_id=None),
               make_ticket(team_id=org.relations.id, branch_id=org.jeddah.id)]
    for user in (org.manager, org.admin):
        assert visible_ids(user) == {t.id for t in tickets}
        assert all(ticket_access(user, t.id).can_work for t in tickets)


def test_committee_members_see_the_agenda_and_nothing_else(org, make_ticket):
    waiting = make_ticket(kind="support_request", team_id=org.relations.id)
    other = make_ticket(kind="support_request", team_id=org.relations.id)
    waiting = services.start(waiting.id, actor=org.agent, expected_version=waiting.version)
    waiting = services.send_to_committee(waiting.id, actor=org.agent,
                                         expected_version=waiting.version)
    assert [t.id for t in agenda(org.member)] == [waiting.id]
    assert get_visible_ticket(org.member, other.number) is None
    access = ticket_access(org.member, waiting.number)
    assert access.is_committee and not access.can_work

    decide(waiting.id, actor=org.member, expected_version=waiting.version,
           decision="approve", reason="مستوفية")
    assert get_visible_ticket(org.member, waiting.number) is None
    assert agenda(org.member) == []


def test_inactive_and_anonymous_users_see_nothing(org, make_ticket):
    ticket = make_ticket(team_id=org.relations.id)
    org.agent.active = False
    db.session.commit()
    assert get_visible_ticket(org.agent, ticket.number) is None
    assert get_visible_ticket(None, ticket.number) is None
    assert visible_ids(None) == set()


def test_the_clause_and_the_single_lookup_agree_for_everyone(org, make_ticket):
    tickets = [make_ticket(team_id=org.relations.id), make_ticket(team_id=org.research.id),
               make_ticket(team_id=None, branch_id=org.riyadh.id)]
    referred = services.refer(tickets[0].id, actor=org.agent,
                              expected_version=tickets[0].version, question="؟",
                              to_user_id=org.officer.id)
    assert referred.status == "referred"
    people = [org.agent, org.outsider, org.officer, org.second_officer, org.member, org.rep,
              org.manager]
    for user in people:
        listed = visible_ids(user)
        for ticket in tickets:
            found = get_visible_ticket(user, ticket.number) is not None
            assert found == (ticket.id in listed), (user.role, ticket.number)
