"""In Arabic, on a 360 px phone and a 1366 px desktop: the staff pages fit the screen, the
menu folds behind its toggler, the queue is a list of cards and the ticket's actions sit
within a thumb's reach; the receipts' tracking links wrap instead of widening the page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, shoot

pytestmark = pytest.mark.browser

SUBJECT = "طلب مساعدة في سداد إيجار المنزل لثلاثة أشهر متأخرة مع فواتير الكهرباء"
AGENT_NAME = "ريم بنت عبدالرحمن العتيبي"


@dataclass
class Desk:
    admin: str
    number: str
    token: str


@pytest.fixture
def desk(live_server) -> Desk:
    """An administrator (the longest menu) and a ticket assigned to an agent."""
    from helpdesk.accounts.models import User
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import assign, open_ticket
    from helpdesk.tickets.tracking_links import tracking_token

    admin = live_server.create_user("admin", "admin@example.org", "مدير النظام")
    agent = live_server.create_user("agent", "reem@example.org", AGENT_NAME)
    with live_server.app.app_context():
        contact = Contact(name="أم محمد", phone="+966551234567")
        db.session.add(contact)
        db.session.commit()
        for index in range(3):
            open_ticket(channel_key="phone", kind="inquiry", subject=f"استفسار رقم {index}",
                        contact=contact)
        ticket = open_ticket(channel_key="help_requests", kind="support_request",
                             subject=SUBJECT, contact=contact, priority="high",
                             body="أسرة من ستة أفراد متأخرة في سداد الإيجار.\n" * 12)
        admin_user = db.session.scalar(db.select(User).filter_by(email=admin))
        agent_id = db.session.scalar(db.select(User.id).filter_by(email=agent))
        assign(ticket, actor=admin_user, expected_version=None, assignee_id=agent_id)
        desk = Desk(admin=admin, number=ticket.number, token=tracking_token(ticket))
        db.session.remove()
    return desk


def in_viewport(page: Page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
             return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
               && r.right <= window.innerWidth && r.bottom <= window.innerHeight; }""",
        selector)


def test_on_a_phone_no_staff_page_or_receipt_scrolls_sideways(page, live_server, sign_in,
                                                              desk):
    page.set_viewport_size(PHONE)
    sign_in(desk.admin)
    pages = {"home": "/", "queue": "/tickets", "ticket": f"/tickets/{desk.number}",
             "contact-receipt": f"/contact/received/{desk.token}",
             "application-receipt": f"/apply/done/{desk.token}"}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        shoot(page, f"phone-{name}")
        assert_no_horizontal_scroll(page)


def test_on_a_phone_the_menu_is_folded_until_the_toggler_opens_it(page, live_server, sign_in,
                                                                  desk):
    page.set_viewport_size(PHONE)
    sign_in(desk.admin)
    menu = page.get_by_test_id("main-nav")
    toggler = page.get_by_test_id("menu-toggler")
    expect(menu).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    assert page.locator("nav.sila-navbar").bounding_box()["height"] < 80
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    shoot(page, "phone-menu-open")
    menu.get_by_role("link", name="التذاكر").click()
    page.wait_for_url(f"{live_server.url}/tickets")
    expect(menu).to_be_hidden()


def test_on_a_desktop_the_menu_is_open_without_a_toggler(page, live_server, sign_in, desk):
    page.set_viewport_size(DESKTOP)
    sign_in(desk.admin)
    expect(page.get_by_test_id("main-nav")).to_be_visible()
    expect(page.get_by_test_id("menu-toggler")).to_be_hidden()
    shoot(page, "desktop-home")
    page.goto(f"{live_server.url}/tickets")
    expect(page.get_by_test_id("queue-table").locator("thead")).to_be_visible()
    shoot(page, "desktop-queue")
    page.goto(f"{live_server.url}/tickets/{desk.number}")
    shoot(page, "desktop-ticket")
    assert_no_horizontal_scroll(page)


def test_on_a_phone_a_queue_card_shows_status_priority_assignee_and_both_dates(
        page, live_server, sign_in, desk):
    page.set_viewport_size(PHONE)
    sign_in(desk.admin)
    page.goto(f"{live_server.url}/tickets")
    card = page.locator(f"#queue-rows tr[data-ticket='{desk.number}']")
    expect(page.get_by_test_id("queue-table").locator("thead")).to_be_hidden()
    card.scroll_into_view_if_needed()
    selector = f"#queue-rows tr[data-ticket='{desk.number}']"
    for cell in ("number", "summary", "status", "priority", "assignee", "updated"):
        located = f"{selector} [data-cell={cell}]"
        expect(page.locator(located)).to_be_visible()
        page.locator(located).scroll_into_view_if_needed()
        assert in_viewport(page, located), f"the {cell} is off screen"
    expect(card.locator("[data-cell=status]")).to_contain_text("جديدة")
    expect(card.locator("[data-cell=priority]")).to_contain_text("عالية")
    expect(card.locator("[data-cell=assignee]")).to_contain_text(AGENT_NAME)
    updated = card.locator("[data-cell=updated]")
    expect(updated).to_contain_text(re.compile(r"14\d\d هـ"))  # the Hijri year
    expect(updated).to_contain_text(re.compile(r"20\d\d"))  # and the Gregorian one
    shoot(page, "phone-queue-card")


def test_on_a_phone_the_ticket_actions_stay_within_thumb_reach(page, live_server, sign_in,
                                                               desk):
    page.set_viewport_size(PHONE)
    sign_in(desk.admin)
    page.goto(f"{live_server.url}/tickets/{desk.number}")
    bar = "[data-testid=action-bar]"
    for position in ("top", "middle"):
        if position == "middle":
            page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight / 2)")
        box = page.locator(bar).bounding_box()
        assert in_viewport(page, bar), f"the actions are off screen at the {position}"
        assert box["y"] >= PHONE["height"] / 2, f"the actions are out of reach at the {position}"
    shoot(page, "phone-ticket-middle", full_page=False)
