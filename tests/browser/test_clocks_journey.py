"""Issue #11's journey as a new user walks it, in Arabic: an admin sets a complaint's target
and a holiday; a WhatsApp complaint naming a branch is routed to that branch's team and
given to a member in turn; the member, whose page is open, sees the bell ring without a
reload; the ticket shows its working time left; and the periodic pass, run three times
after the due time, escalates to the team's lead exactly once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.calendar.services import calendar_for
from helpdesk.channels.models import ChannelConfig
from helpdesk.clock import simulated_time
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.notifications.models import Notification
from helpdesk.routing.services import ASSIGN_TEAM, RuleInput, save_rule
from helpdesk.tickets.models import Event, Ticket
from tests.support.browser import (
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    assert_not_reloaded,
    mark,
    shoot,
    signed_in_page,
    wait_until_settled,
)
from tests.support.whatsapp_webhook import SECRET, post_whatsapp_text

pytestmark = pytest.mark.browser

COMPLAINT = "عندي شكوى: تأخر صرف السلة الغذائية في فرع الخرج منذ أسبوعين"


def test_a_complaint_is_timed_routed_announced_and_escalated_once(new_context, live_server):
    app = live_server.app
    app.config["NOTIFICATIONS_POLL_SECONDS"] = 1
    live_server.create_user("admin", "admin@example.org", "نورة العتيبي")
    live_server.create_user("manager", "lead@example.org", "فهد الغامدي")
    live_server.create_user("agent", "reem@example.org", "ريم الشهري")
    live_server.create_user("agent", "aziz@example.org", "عبدالعزيز القحطاني")
    with app.app_context():
        db.session.add(ChannelConfig(channel_key="social", active=True, settings={
            "whatsapp_app_secret": SECRET, "whatsapp_verify_token": "verify"}))
        users = {u.email: u for u in db.session.scalars(select(User))}
        branch = Branch(code="kharj", name_ar="فرع الخرج", name_en="Al-Kharj", city="الخرج")
        team = Team(key="kharj", name_ar="فريق فرع الخرج", name_en="Al-Kharj team",
                    branch=branch, assignment_mode="round_robin",
                    lead=users["lead@example.org"],
                    members=[users["reem@example.org"], users["aziz@example.org"]])
        db.session.add_all([branch, team])
        db.session.commit()
        rule = MultiDict({"name": "شكاوى فرع الخرج", "words": "الخرج", "team_id": str(team.id),
                          "assign": ASSIGN_TEAM, "stop": "1", "enabled": "1"})
        save_rule(RuleInput.from_form(rule), actor=users["admin@example.org"])
        team_id, lead_id = team.id, team.lead_id
        reem_id = users["reem@example.org"].id
        db.session.remove()

    # The admin sets the targets of what WhatsApp brings (inquiries) and a holiday, on a phone.
    admin = signed_in_page(new_context, live_server, "admin@example.org", PHONE)
    admin.goto(f"{live_server.url}/admin/sla")
    card = admin.get_by_test_id("sla-kind-inquiry")
    card.locator("[name=first_response_days]").fill("0.5")
    card.locator("[name=resolution_days]").fill("2")
    card.get_by_role("button", name="حفظ").click()
    expect(admin.get_by_test_id("sla-kind-inquiry").get_by_test_id("saved")).to_be_visible()
    admin.goto(f"{live_server.url}/admin/calendar/")
    year = to_riyadh(utcnow()).year
    admin.locator("[data-testid=generate-form] #field-year").select_option(str(year))
    admin.locator("[data-testid=generate-form]").get_by_role("button").click()
    expect(admin.locator("[data-testid=calendar-saved]")).to_be_visible()
    wait_until_settled(admin)
    holiday = admin.locator("[data-testid=holiday-form]")
    holiday.locator("#field-holiday_name").fill("يوم تأسيس الجمعية")
    holiday.locator("#field-holiday_starts").fill(f"{year}-12-27")
    holiday.get_by_role("button").click()
    expect(admin.locator("[data-testid=calendar-saved]")).to_contain_text("أُضيفت العطلة")
    assert_no_horizontal_scroll(admin)

    # Reem's page is open before the complaint arrives.
    reem = signed_in_page(new_context, live_server, "reem@example.org", PHONE)
    mark(reem)
    assert post_whatsapp_text(live_server.url, "966550000001", "wamid.journey1", COMPLAINT) == 200

    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.channel_key == "social"))
        assert (ticket.team_id, ticket.assignee_id) == (team_id, reem_id)
        calendar = calendar_for(ticket.branch_id)
        expected_due = calendar.add_working_days(ticket.created_at, 2)
        assert ticket.resolution_due_at == expected_due
        number, due = ticket.number, ticket.resolution_due_at

    count = reem.get_by_test_id("notification-count")
    expect(count).to_have_attribute("data-unread", "1", timeout=10_000)
    assert_not_reloaded(reem)
    reem.get_by_test_id("notification-toggle").click()
    item = reem.get_by_test_id("notification-item")
    expect(item).to_contain_text("أُسندت إليك")
    expect(item).to_contain_text(number)
    assert_not_reloaded(reem)
    shoot(reem, "journey-bell-360", full_page=False)

    reem.set_viewport_size(DESKTOP)
    reem.goto(f"{live_server.url}/tickets/{number}")
    resolution = reem.get_by_test_id("sla-resolution")
    expect(resolution).to_contain_text("متبقٍ")
    expect(resolution).to_contain_text(re.compile(r"14\d\d هـ"))
    expect(reem.locator("[data-event-type=assigned]")).to_contain_text("ريم الشهري")
    shoot(reem, "journey-ticket-desktop")

    # Past the due time, the periodic pass runs three times: one escalation to the lead.
    runner = app.test_cli_runner()
    with app.app_context(), simulated_time(due + timedelta(minutes=5)):
        outputs = [runner.invoke(args=["helpdesk", "tick"]).output for _ in range(3)]
    assert "escalated=1" in outputs[0]
    assert "escalated=0" in outputs[1] and "escalated=0" in outputs[2]
    with app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.number == number))
        escalations = db.session.scalars(select(Event).where(
            Event.ticket_id == ticket_id, Event.type == "escalated")).all()
        assert len(escalations) == 1
        told = db.session.scalars(select(Notification).where(
            Notification.user_id == lead_id, Notification.kind == "escalated")).all()
        assert [n.ticket_id for n in told] == [ticket_id]
