"""In a real browser: an admin writes a routing rule in Arabic, tries it and saves it; then
WhatsApp complaints naming the branch reach that branch's team, assigned in turn."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.browser import (
    DESKTOP,
    PHONE,
    assert_no_horizontal_scroll,
    shoot,
    wait_until_settled,
)
from tests.support.whatsapp_webhook import SECRET, post_whatsapp_text

pytestmark = pytest.mark.browser

def test_an_admin_routes_whatsapp_complaints_naming_a_branch_to_its_team_in_turn(
        page, live_server, sign_in):
    from helpdesk.accounts.models import Branch, Team, User
    from helpdesk.channels.models import ChannelConfig
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket
    from helpdesk.tickets.services import open_ticket

    admin = live_server.create_user("admin", "admin@example.org", "نورة العتيبي")
    first = live_server.create_user("agent", "reem@example.org", "ريم الشهري")
    second = live_server.create_user("agent", "aziz@example.org", "عبدالعزيز الغامدي")
    with live_server.app.app_context():
        db.session.add(ChannelConfig(channel_key="social", active=True, settings={
            "whatsapp_app_secret": SECRET, "whatsapp_verify_token": "verify"}))
        branch = Branch(code="kharj", name_ar="فرع الخرج", name_en="Al-Kharj", city="الخرج")
        people = list(db.session.scalars(select(User).where(User.email.in_([first, second]))
                                         .order_by(User.id)))
        team = Team(key="kharj", name_ar="فريق فرع الخرج", name_en="Al-Kharj team",
                    branch=branch, assignment_mode="round_robin", members=people)
        db.session.add_all([branch, team])
        db.session.commit()
        earlier = open_ticket(channel_key="social", kind="inquiry", subject="رسالة سابقة",
                              body="تأخر الموعد في فرع الخرج").number
        team_id, member_ids = team.id, [p.id for p in people]

    page.set_viewport_size(PHONE)
    sign_in(admin)
    page.goto(f"{live_server.url}/admin/routing")
    page.get_by_test_id("new-rule").click()
    form = page.get_by_test_id("rule-form")
    form.locator("#field-name").fill("شكاوى فرع الخرج عبر واتساب")
    form.locator("#field-channels-social").check()
    form.locator("#field-words").fill("الخرج")
    page.get_by_test_id("try-rule").click()
    answer = page.get_by_test_id("try-answer")
    expect(answer).to_contain_text("تنطبق على تذكرة واحدة")
    expect(answer).to_contain_text(earlier)
    wait_until_settled(page)
    assert_no_horizontal_scroll(page)
    shoot(page, "routing-rule-try-360")

    # Saved without an action: refused at the field, with what was typed kept.
    page.get_by_test_id("save-rule").click()
    expect(page.get_by_test_id("error-team_id")).to_be_visible()
    expect(page.locator("#field-words")).to_have_value("الخرج")
    page.locator("#field-team_id").select_option(str(team_id))
    page.get_by_test_id("save-rule").click()
    expect(page.get_by_test_id("rules")).to_contain_text("شكاوى فرع الخرج عبر واتساب")
    assert_no_horizontal_scroll(page)
    shoot(page, "routing-rules-360")

    texts = ["عندي شكوى: تأخر صرف السلة الغذائية في فرع الخرج",
             "أشتكي من سوء التعامل في فرع الخرج",
             "شكوى ثالثة عن مواعيد فرع الخرج"]
    for n, text in enumerate(texts):
        sent = post_whatsapp_text(live_server.url, f"96655000000{n}", f"wamid.routing{n}", text)
        assert sent == 200
    with live_server.app.app_context():
        routed = list(db.session.scalars(select(Ticket).where(Ticket.channel_key == "social",
                                                              Ticket.number != earlier)
                                         .order_by(Ticket.id)))
        assert [t.team_id for t in routed] == [team_id] * 3
        assert [t.assignee_id for t in routed] == [member_ids[0], member_ids[1],
                                                   member_ids[0]]
        number = routed[0].number

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/tickets/{number}")
    expect(page.get_by_test_id("routing-rule").first).to_contain_text(
        "شكاوى فرع الخرج عبر واتساب")
    expect(page.locator("[data-event-type=assigned]")).to_contain_text("ريم الشهري")
    shoot(page, "routing-ticket-desktop")
    page.goto(f"{live_server.url}/admin/teams")
    expect(page.locator("[data-team=kharj]")).to_contain_text("فريق فرع الخرج")
    shoot(page, "routing-teams-desktop")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/teams")
    assert_no_horizontal_scroll(page)
    shoot(page, "routing-teams-360")
    # Mark the first member away in place (htmx), then the team's form at phone width.
    cell = page.get_by_test_id(f"away-{member_ids[0]}")
    cell.locator("button").click()
    expect(page.get_by_test_id(f"away-{member_ids[0]}")).to_contain_text("في إجازة")
    page.locator("[data-team=kharj] a").first.click()
    form = page.get_by_test_id("team-form")
    form.locator("#field-max_open_per_member").fill("صفر")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-max_open_per_member")).to_be_visible()
    assert_no_horizontal_scroll(page)
    shoot(page, "routing-team-form-360")
    page.locator("#field-max_open_per_member").fill("٣")
    page.locator("#field-assignment_mode").select_option("least_open")
    page.get_by_test_id("team-form").locator("button[type=submit]").click()
    expect(page.locator("[data-team=kharj]")).to_contain_text("أقل عدد")
    with live_server.app.app_context():
        saved = db.session.get(Team, team_id)
        assert (saved.assignment_mode, saved.max_open_per_member) == ("least_open", 3)
        assert db.session.get(User, member_ids[0]).away is True
