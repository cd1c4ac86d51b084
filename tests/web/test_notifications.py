"""Notifications to staff: who is told of what, never the actor, preferences, e-mails at most
hourly; and the pages: the bell's count and menu, marking read, the list, the preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.notifications.models import Notification, NotificationPreference
from helpdesk.notifications.services import notify
from helpdesk.notifications.tick import tick
from helpdesk.plugin_api import InboundMessage
from helpdesk.services_catalog.models import Service
from helpdesk.tickets import services
from helpdesk.tickets.intake import receive
from helpdesk.tickets.outbox_models import OutboxMessage
from tests.web.crew import HTMX, Crew


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def told(user, kind: str | None = None) -> list[Notification]:
    db.session.expire_all()
    statement = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        statement = statement.where(Notification.kind == kind)
    return list(db.session.scalars(statement.order_by(Notification.id)))


def staff_emails(to) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.purpose == "staff_notification", OutboxMessage.to_email == to.email)))


def choose(user, kind: str, *, in_app: bool = True, email: bool = False) -> None:
    db.session.merge(NotificationPreference(user_id=user.id, kind=kind, in_app=in_app,
                                            email=email))
    db.session.commit()


# -- who is told of what -----------------------------------------------------------------

def test_the_assignee_is_told_who_assigned_the_ticket_and_the_assigner_is_not(crew):
    ticket = crew.inquiry()
    services.assign(ticket, actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    [note] = told(crew.agent)
    assert (note.kind, note.ticket_id, note.actor_id) == ("assigned", ticket.id,
                                                          crew.manager.id)
    assert note.read_at is None
    assert told(crew.manager) == []


def test_taking_a_ticket_oneself_tells_nobody(crew):
    ticket = crew.inquiry()
    services.take(ticket, actor=crew.agent, expected_version=None)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_person_referred_to_is_told(crew):
    ticket = crew.inquiry()
    services.refer(ticket, actor=crew.agent, expected_version=None, question="هل يستحق؟",
                   to_user_id=crew.officer.id)
    [note] = told(crew.officer)
    assert (note.kind, note.actor_id) == ("referred", crew.agent.id)
    assert told(crew.agent) == []


def test_every_member_of_a_team_referred_to_is_told_but_not_the_referrer(crew):
    ticket = crew.inquiry()
    services.refer(ticket, actor=crew.agent, expected_version=None, question="من يتابع؟",
                   to_team_id=crew.relations.id)
    assert [n.kind for n in told(crew.other_agent)] == ["referred"]
    assert [n.kind for n in told(crew.coordinator)] == ["referred"]
    assert told(crew.agent) == [] and told(crew.officer) == []


def test_a_message_from_the_person_tells_the_assignee(crew):
    first = receive("social", InboundMessage(external_id="w-1", body="السلام عليكم",
                                             sender_name="فاطمة", sender_phone="+966512345678"))
    services.assign(first.ticket, actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    again = receive("social", InboundMessage(external_id="w-2", body="هل من جديد؟",
                                             sender_name="فاطمة", sender_phone="+966512345678"))
    assert again.ticket.id == first.ticket.id and not again.created
    assert [(n.kind, n.actor_id) for n in told(crew.agent)] == [("assigned", crew.manager.id),
                                                               ("reply", None)]


def test_a_message_on_an_unassigned_ticket_tells_nobody(crew):
    receive("social", InboundMessage(external_id="w-1", body="السلام عليكم",
                                     sender_name="فاطمة", sender_phone="+966512345678"))
    receive("social", InboundMessage(external_id="w-2", body="هل من جديد؟",
                                     sender_name="فاطمة", sender_phone="+966512345678"))
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_committee_members_are_told_of_a_request_put_on_the_agenda(crew):
    ticket = crew.request()
    crew.at_committee(ticket)
    assert [n.kind for n in told(crew.member)] == ["agenda"]
    assert [n.kind for n in told(crew.second_member)] == ["agenda"]
    assert told(crew.agent) == [] and told(crew.manager) == []


def test_the_assignee_is_told_when_the_resolution_time_passes(crew):
    ticket = crew.inquiry()
    services.take(ticket, actor=crew.agent, expected_version=None)
    ticket.resolution_due_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    tick()
    tick()
    assert [n.kind for n in told(crew.agent)] == ["breached"]


def test_a_change_that_fails_tells_nobody(crew):
    ticket = crew.inquiry()
    with pytest.raises(Exception):  # noqa: B017  (a stale version: StaleTicket)
        services.assign(ticket, actor=crew.manager, expected_version=99,
                        assignee_id=crew.agent.id)
    assert told(crew.agent) == []


# -- preferences and e-mail ---------------------------------------------------------------

def test_a_kind_turned_off_in_the_app_is_not_shown(crew):
    choose(crew.agent, "assigned", in_app=False)
    services.assign(crew.inquiry(), actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    assert told(crew.agent) == []
    assert staff_emails(crew.agent) == []


def test_nobody_is_emailed_by_default(crew):
    services.assign(crew.inquiry(), actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    assert staff_emails(crew.agent) == []


def test_an_email_goes_through_the_outbox_at_most_once_an_hour_per_ticket_and_kind(crew):
    choose(crew.agent, "assigned", email=True)
    ticket, other = crew.inquiry(), crew.inquiry()
    for assignee in (crew.agent, crew.other_agent, crew.agent):
        services.assign(ticket, actor=crew.manager, expected_version=None,
                        assignee_id=assignee.id)
    [email] = staff_emails(crew.agent)
    assert len(told(crew.agent)) == 2  # the app shows both; the e-mail went once
    assert email.transport == "email" and email.ticket_id is None and email.status == "pending"
    assert ticket.number in email.subject and ticket.number in email.body
    assert "/tickets/" in email.body

    services.assign(other, actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    assert len(staff_emails(crew.agent)) == 2  # another ticket: its own hour

    later = utcnow() + timedelta(minutes=59)
    notify("assigned", ticket.id, [crew.agent.id], now=later)
    db.session.commit()
    assert len(staff_emails(crew.agent)) == 2
    notify("assigned", ticket.id, [crew.agent.id], now=utcnow() + timedelta(minutes=61))
    db.session.commit()
    assert len(staff_emails(crew.agent)) == 3


def test_an_email_only_preference_sends_the_email_without_the_bell(crew):
    choose(crew.member, "agenda", in_app=False, email=True)
    crew.at_committee(crew.request())
    assert told(crew.member) == []
    [email] = staff_emails(crew.member)
    assert email.locale == "ar"


def test_an_inactive_person_is_not_told(crew):
    crew.second_member.active = False
    db.session.commit()
    crew.at_committee(crew.request())
    assert told(crew.second_member) == []


# -- the pages ----------------------------------------------------------------------------

def test_the_bell_count_is_a_small_fragment_that_polls(crew, htmx):
    services.assign(crew.inquiry(), actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    crew.sign_in(crew.agent)
    response = htmx.get("/notifications/count")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-unread="1"' in html and 'hx-trigger="every 20' in html
    assert "<html" not in html


def test_a_signed_out_bell_stops_polling_instead_of_showing_the_login_page(client, htmx):
    response = htmx.get("/notifications/count")
    assert response.status_code == 286 and response.get_data(as_text=True) == ""


def test_the_poll_interval_is_configurable(make_app, make_user):
    app = make_app(NOTIFICATIONS_POLL_SECONDS=1)
    with app.app_context():
        user = make_user("agent")
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        html = client.get("/notifications/count", headers=HTMX).get_data(as_text=True)
    assert 'hx-trigger="every 1.0s"' in html


def test_every_staff_page_carries_the_bell(crew):
    crew.sign_in(crew.officer)
    html = crew.client.get("/tickets").get_data(as_text=True)
    assert 'data-testid="notification-bell"' in html and 'id="notification-count"' in html


def test_the_menu_lists_recent_notifications_each_a_link_to_its_ticket(crew, htmx):
    ticket = crew.inquiry()
    services.assign(ticket, actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    crew.sign_in(crew.agent)
    html = htmx.get("/notifications/recent").get_data(as_text=True)
    [note] = told(crew.agent)
    assert f"/notifications/{note.id}/open" in html and ticket.number in html
    assert "أسندت إليك" in html or "أُسندت إليك" in html
    assert 'hx-swap-oob="true"' in html  # the badge follows the menu
    response = crew.client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.location.endswith(
        f"/tickets/{ticket.number}")
    assert told(crew.agent)[0].read_at is not None


def test_marking_one_read_returns_the_item_and_lowers_the_count(crew, htmx):
    ticket = crew.inquiry()
    services.assign(ticket, actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    services.refer(ticket, actor=crew.manager, expected_version=None, question="سؤال؟",
                   to_user_id=crew.agent.id)
    crew.sign_in(crew.agent)
    first, second = told(crew.agent)
    response = htmx.post(f"/notifications/{first.id}/read")
    assert response.status_code == 200 and 'data-read="true"' in response.get_data(as_text=True)
    assert 'data-unread="1"' in htmx.get("/notifications/count").get_data(as_text=True)
    assert htmx.post("/notifications/read-all").status_code == 200
    assert 'data-unread="0"' in htmx.get("/notifications/count").get_data(as_text=True)
    assert all(n.read_at is not None for n in told(crew.agent))


def test_nobody_reads_or_opens_another_persons_notification(crew):
    services.assign(crew.inquiry(), actor=crew.manager, expected_version=None,
                    assignee_id=crew.agent.id)
    [note] = told(crew.agent)
    crew.sign_in(crew.other_agent)
    assert crew.client.post(f"/notifications/{note.id}/read").status_code == 404
    assert crew.client.get(f"/notifications/{note.id}/open").status_code == 404
    assert told(crew.agent)[0].read_at is None


def test_the_full_list_pages_by_twenty(crew, htmx):
    ticket = crew.inquiry()
    for _ in range(25):
        notify("assigned", ticket.id, [crew.agent.id])
    db.session.commit()
    crew.sign_in(crew.agent)
    page = crew.client.get("/notifications").get_data(as_text=True)
    assert page.count('data-testid="notification-item"') == 20
    notes = told(crew.agent)
    assert f"before={notes[5].id}" in page
    more = htmx.get(f"/notifications?before={notes[5].id}").get_data(as_text=True)
    assert more.count('data-testid="notification-item"') == 5 and "<html" not in more


def test_preferences_are_saved_per_kind_and_shown_back(crew):
    crew.sign_in(crew.agent)
    page = crew.client.get("/notifications/preferences").get_data(as_text=True)
    assert 'name="in_app-escalated" value="1" checked' in page
    assert 'name="email-escalated" value="1">' in page
    response = crew.client.post("/notifications/preferences",
                                data={"in_app-assigned": "1", "email-escalated": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="saved"' in html
    assert 'name="email-escalated" value="1" checked' in html
    assert 'name="in_app-referred" value="1">' in html
    rows = {row.kind: (row.in_app, row.email) for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == crew.agent.id))}
    assert rows["assigned"] == (True, False) and rows["escalated"] == (False, True)
    assert rows["referred"] == (False, False)


# -- the service's days of silence (the tick closes after them) -----------------------------

def test_an_admin_sets_the_days_of_silence_and_a_bad_number_is_refused_at_the_field(
        client, make_user, login):
    from tests.web.test_services_admin import NEW_SERVICE

    login(make_user("admin"))
    for bad in ("0", "91", "ثلاثة", "2.5"):
        response = client.post("/admin/services/new",
                               data={**NEW_SERVICE, "close_after_silent_days": bad})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'data-testid="error-close_after_silent_days"' in html
        assert f'value="{bad}"' in html  # what was typed stays
        assert "أدخل عدد أيام عمل من 1 إلى 90" in html
    response = client.post("/admin/services/new",
                           data={**NEW_SERVICE, "close_after_silent_days": "10"})
    assert response.status_code == 302
    assert db.session.scalar(select(Service)).close_after_silent_days == 10
    service = db.session.scalar(select(Service))
    page = client.get(f"/admin/services/{service.key}/edit").get_data(as_text=True)
    assert 'name="close_after_silent_days"' in page and 'value="10"' in page
