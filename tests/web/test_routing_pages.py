"""The teams page, people away and the routing rules pages: refusals at the field, the
"try this rule" box, reordering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.accounts.models import Team, User
from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.routing.models import RoutingRule
from helpdesk.tickets.models import Ticket


@pytest.fixture
def admin_client(make_user, login):
    admin = make_user("admin")
    return login(admin)


def test_a_rule_with_nothing_is_refused_at_the_field_and_keeps_what_was_typed(admin_client):
    response = admin_client.post("/admin/routing/new", data={"name": "قاعدة فارغة"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-name"' in page
    assert "بلا شروط ولا إجراءات" in page
    assert 'value="قاعدة فارغة"' in page
    assert db.session.scalar(select(RoutingRule.id)) is None


def test_assigning_to_someone_away_is_refused_with_their_name(admin_client, make_user):
    away = make_user("agent", name="سارة الغامدي")
    away.away = True
    db.session.commit()
    response = admin_client.post("/admin/routing/new", data={
        "name": "شكاوى", "kinds": "complaint", "assign": str(away.id), "words": "جدة"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-assign"' in page and "سارة الغامدي في إجازة" in page
    assert "جدة" in page  # the words stay as typed


def test_a_saved_rule_is_listed_and_can_be_moved_disabled_and_deleted(admin_client, htmx):
    for name in ("الأولى", "الثانية"):
        response = admin_client.post("/admin/routing/new", data={
            "name": name, "kinds": "complaint", "tag": "شكوى", "stop": "1", "enabled": "1"})
        assert response.status_code == 302
    second = db.session.scalar(select(RoutingRule).where(RoutingRule.name == "الثانية"))
    answer = htmx.post(f"/admin/routing/{second.id}/move", data={"direction": "up"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert page.index("الثانية") < page.index("الأولى")
    assert page.count(" disabled>") == 2  # the first cannot go up, the last cannot go down
    htmx.post(f"/admin/routing/{second.id}/enabled", data={"enabled": "0"})
    db.session.expire_all()
    assert db.session.get(RoutingRule, second.id).enabled is False
    htmx.post(f"/admin/routing/{second.id}/delete")
    db.session.expire_all()
    assert db.session.get(RoutingRule, second.id) is None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "routing_rule").order_by(AuditEntry.id)).all()
    assert actions == ["routing_rule.created", "routing_rule.created", "routing_rule.moved",
                       "routing_rule.disabled", "routing_rule.deleted"]


def test_try_shows_the_recent_tickets_the_unsaved_rule_would_match(admin_client, htmx,
                                                                    make_ticket):
    hit = make_ticket(kind="complaint", subject="شكوى من فرع جدّة")
    make_ticket(kind="complaint", subject="شكوى من فرع مكة")
    old = make_ticket(kind="complaint", subject="شكوى قديمة من جدة")
    old.created_at = old.created_at - timedelta(days=40)
    db.session.commit()
    answer = htmx.post("/admin/routing/try", data={"kinds": "complaint", "words": "جده"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert hit.number in page and old.number not in page
    assert "تنطبق على تذكرة واحدة" in page
    assert db.session.scalar(select(RoutingRule.id)) is None  # nothing was saved


def test_try_refuses_a_wrong_condition(admin_client, htmx):
    answer = htmx.post("/admin/routing/try", data={"kinds": "nonsense"})
    assert answer.status_code == 422
    assert "اختر من القائمة" in answer.get_data(as_text=True)


def test_a_team_is_created_with_members_and_a_mode(admin_client, make_user):
    member = make_user("agent")
    response = admin_client.post("/admin/teams/new", data={
        "key": "jeddah", "name_ar": "فريق جدة", "name_en": "Jeddah team",
        "member_ids": [str(member.id)], "lead_id": str(member.id),
        "assignment_mode": "round_robin", "max_open_per_member": "٥", "active": "1"})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.key == "jeddah"))
    assert team.members == [member] and team.lead_id == member.id
    assert (team.assignment_mode, team.max_open_per_member) == ("round_robin", 5)


def test_a_team_form_with_wrong_values_is_refused_at_each_field(admin_client, make_user):
    away = make_user("agent")
    away.away = True
    db.session.commit()
    response = admin_client.post("/admin/teams/new", data={
        "key": "1bad key", "name_ar": "", "name_en": "Team", "member_ids": [str(away.id)],
        "assignment_mode": "round_robin", "max_open_per_member": "0", "active": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for name in ("key", "name_ar", "max_open_per_member", "member_ids"):
        assert f'data-testid="error-{name}"' in page, name
    assert 'value="Team"' in page


def test_an_admin_marks_someone_away_and_back(admin_client, htmx, make_user):
    person = make_user("agent")
    answer = htmx.post(f"/admin/people/{person.id}/away", data={"away": "1"})
    assert answer.status_code == 200 and "في إجازة" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).away is True
    htmx.post(f"/admin/people/{person.id}/away", data={"away": "0"})
    db.session.expire_all()
    assert db.session.get(User, person.id).away is False


def test_staff_mark_themselves_away_from_the_menu(client, make_user, login):
    agent = make_user("agent")
    login(agent)
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="my-away"' in page
    response = client.post("/me/away", data={"away": "1", "next": "/tickets"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tickets")
    db.session.expire_all()
    assert db.session.get(User, agent.id).away is True


def test_an_agent_cannot_mark_someone_else_away(client, make_user, login):
    other = make_user("agent")
    login(make_user("agent"))
    assert client.post(f"/admin/people/{other.id}/away", data={"away": "1"}).status_code == 403


def test_a_ticket_routed_by_a_rule_names_the_rule_on_its_timeline(admin_client, make_user,
                                                                   make_ticket):
    person = make_user("agent")
    team = Team(key="t", name_ar="فريق", name_en="Team", assignment_mode="round_robin",
                members=[person])
    db.session.add(team)
    db.session.commit()
    admin_client.post("/admin/routing/new", data={
        "name": "شكاوى جدة", "kinds": "complaint", "team_id": str(team.id), "stop": "1",
        "enabled": "1"})
    ticket = make_ticket(kind="complaint")
    assert db.session.get(Ticket, ticket.id).assignee_id == person.id
    page = admin_client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "بقاعدة التوجيه" in page and "شكاوى جدة" in page
    assert "أُسندت تلقائيًا" in page


def test_a_support_request_sent_from_the_portal_is_routed_like_any_intake(client, make_user):
    """Portal applications used to open unrouted: the rules apply to them too."""
    from helpdesk.routing.services import RuleInput, save_rule
    from helpdesk.services_catalog.services import create_service

    service = create_service({
        "key": "rent_support", "name_ar": "دعم الإيجار", "name_en": "Rent support",
        "fields": [{"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                    "min": 1, "max": 30}],
        "documents": [], "rules": []}, actor=None)
    officer = make_user("research_officer")
    team = Team(key="research", name_ar="البحث الاجتماعي", name_en="Research",
                assignment_mode="least_open", members=[officer])
    db.session.add(team)
    db.session.commit()
    data = RuleInput.blank()
    data.values.update({"name": "طلبات الدعم", "kinds": ["support_request"],
                        "service_ids": [str(service.id)], "team_id": str(team.id)})
    save_rule(data, actor=make_user("admin"))
    response = client.post("/apply/rent_support", data={
        "applicant-name": "نورة محمد العتيبي", "applicant-national_id": "1234567897",
        "applicant-phone": "0551234567", "answer-family_size": "5", "declaration": "on"})
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)[:300]
    ticket = db.session.scalar(select(Ticket).where(Ticket.kind == "support_request"))
    assert (ticket.team_id, ticket.assignee_id) == (team.id, officer.id)
