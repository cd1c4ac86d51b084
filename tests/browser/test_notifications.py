"""The bell: a manager assigns a ticket in one browser; the agent, whose page is open in
another, sees the count rise and the notification in the bell's menu without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpdesk.accounts.models import User
from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.tickets.services import open_ticket
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

SUBJECT = "طلب مساعدة في سداد الإيجار"
POLL_SECONDS = 1


@pytest.fixture
def desk(live_server):
    live_server.app.config["NOTIFICATIONS_POLL_SECONDS"] = POLL_SECONDS
    live_server.create_user("manager", "fahad@example.org", "فهد الغامدي")
    live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    with live_server.app.app_context():
        contact = Contact(name="أم محمد", phone="+966551234567")
        db.session.add(contact)
        db.session.commit()
        number = open_ticket(channel_key="phone", kind="inquiry", subject=SUBJECT,
                             contact=contact).number
        agent_id = db.session.scalar(db.select(User.id).filter_by(email="reem@example.org"))
        db.session.remove()
    return number, agent_id


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_assignee_sees_the_bell_count_and_the_item_without_reloading(
        new_context, live_server, desk, viewport):
    number, agent_id = desk
    agent = signed_in_page(new_context, live_server, "reem@example.org", viewport)
    expect(agent.get_by_test_id("notification-count")).to_have_attribute("data-unread", "0")
    mark(agent)

    manager = signed_in_page(new_context, live_server, "fahad@example.org", DESKTOP)
    manager.goto(f"{live_server.url}/tickets/{number}")
    manager.locator("#field-assign-assignee_id").select_option(str(agent_id))
    manager.get_by_test_id("submit-assign").click()
    expect(manager.get_by_test_id("panel-assignee")).to_have_text("ريم العتيبي")

    # Within a few polling intervals, the badge rises on the page that stayed open.
    count = agent.get_by_test_id("notification-count")
    expect(count).to_have_attribute("data-unread", "1", timeout=POLL_SECONDS * 5000)
    expect(count).to_contain_text("1")
    assert_not_reloaded(agent)

    agent.get_by_test_id("notification-toggle").click()
    item = agent.get_by_test_id("notification-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("أُسندت إليك")
    expect(item).to_contain_text(number)
    expect(item).to_contain_text("فهد الغامدي")
    expect(item).to_contain_text("هـ")  # the Hijri date beside the Gregorian
    assert_not_reloaded(agent)
    wait_until_settled(agent)
    shoot(agent, f"notifications-menu-{viewport['width']}", full_page=False)
    if viewport is PHONE:
        assert_no_horizontal_scroll(agent)

    item.get_by_test_id("mark-read").click()
    expect(agent.get_by_test_id("notification-item")).to_have_attribute("data-read", "true")
    expect(count).to_have_attribute("data-unread", "0", timeout=POLL_SECONDS * 5000)
    assert_not_reloaded(agent)

    agent.goto(f"{live_server.url}/notifications")
    expect(agent.get_by_test_id("notification-list").get_by_test_id("notification-item")) \
        .to_have_count(1)
    shoot(agent, f"notifications-page-{viewport['width']}")
    if viewport is PHONE:
        assert_no_horizontal_scroll(agent)
    agent.get_by_test_id("notification-list").locator("a").first.click()
    agent.wait_for_url(re.compile(rf"/tickets/{number}$"))


def test_the_preferences_page_is_reached_from_the_bell_and_saves(new_context, live_server,
                                                                 desk):
    agent = signed_in_page(new_context, live_server, "reem@example.org", PHONE)
    agent.get_by_test_id("notification-toggle").click()
    agent.get_by_test_id("notification-preferences-link").click()
    agent.wait_for_url(re.compile(r"/notifications/preferences$"))
    agent.locator("#email-escalated").check()
    agent.locator("#in_app-reply").uncheck()
    agent.get_by_test_id("save-preferences").click()
    expect(agent.get_by_test_id("saved")).to_be_visible()
    expect(agent.locator("#email-escalated")).to_be_checked()
    expect(agent.locator("#in_app-reply")).not_to_be_checked()
    shoot(agent, "notifications-preferences-360")
    assert_no_horizontal_scroll(agent)
