"""In Arabic, in a real browser: a support request from intake to closure, step by step.

An agent takes an unassigned support request, asks for missing information, refers it to
the research officer, who answers and returns it; the agent sends it to the committee; a
committee member approves it on the agenda page; the agent registers, delivers and closes
it. Every step goes through htmx: the status badge changes in place and the page is never
reloaded (a marker set on ``window`` survives each step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.support.browser import assert_not_reloaded, mark

pytestmark = pytest.mark.browser

# The Arabic status badges (translations/ar), as a person reads them.
NEW = "جديدة"
AWAITING_INFORMATION = "بانتظار المعلومات"
IN_PROGRESS = "قيد المعالجة"
REFERRED = "محالة"
AT_COMMITTEE = "لدى لجنة البحث"
APPROVED = "مقبولة"
REGISTRATION = "قيد التسجيل"
SERVICE_DELIVERED = "تم تقديم الخدمة"
CLOSED = "مغلقة"


@dataclass
class Association:
    agent: str
    officer: str
    member: str
    officer_id: int
    ticket_id: int
    number: str


@pytest.fixture
def association(live_server) -> Association:
    """The people and the request, created through the services in the server's app."""
    from helpdesk.accounts.models import Team, User
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    agent = live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    officer = live_server.create_user("research_officer", "noura@example.org", "نورة القحطاني")
    member = live_server.create_user("committee_member", "abdullah@example.org",
                                     "عبدالله الدوسري")
    with live_server.app.app_context():
        research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Social research")
        research.members.append(db.session.scalar(db.select(User).filter_by(email=officer)))
        contact = Contact(name="أم محمد", phone="+966551234567", national_id="1234567897")
        db.session.add_all([research, contact])
        db.session.commit()
        ticket = open_ticket(channel_key="help_requests", kind="support_request",
                             subject="طلب مساعدة في سداد الإيجار", contact=contact,
                             body="أسرة من ستة أفراد متأخرة في سداد إيجار ثلاثة أشهر.")
        officer_id = db.session.scalar(db.select(User.id).filter_by(email=officer))
        association = Association(agent, officer, member, officer_id, ticket.id, ticket.number)
        db.session.remove()
    return association


def expect_status(page: Page, label: str, scope: str = "#ticket") -> None:
    expect(page.locator(f"{scope} .sila-status").first).to_have_text(label)


def register_deliver_and_close(page: Page, note: str) -> None:
    """The policy's last steps on an approved request's page: registration, delivery, closure."""
    page.get_by_test_id("action-register").click()
    expect_status(page, REGISTRATION)
    page.get_by_test_id("action-deliver").click()
    expect_status(page, SERVICE_DELIVERED)
    page.get_by_test_id("action-close").click()
    page.locator("#field-close-resolution_code").select_option("service_provided")
    page.locator("#field-close-resolution_note").fill(note)
    page.get_by_test_id("submit-close").click()
    expect_status(page, CLOSED)


def switch_to(page: Page, live_server, sign_in, email: str) -> None:
    if page.locator("[data-testid=current-user]").count():
        page.locator("nav form[action='/logout'] button").click()
        page.wait_for_url(f"{live_server.url}/login*")
    sign_in(email)


def test_a_support_request_goes_from_intake_to_closure_in_arabic(page, live_server, sign_in,
                                                                 association):
    people = association
    ticket_url = f"{live_server.url}/tickets/{people.number}"

    # -- Step 1: the agent finds the unassigned request and takes it --------------------
    sign_in(people.agent)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^ar\b"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{live_server.url}/tickets?view=unassigned")
    page.locator(f"tr[data-ticket='{people.number}'] a").click()
    page.wait_for_url(ticket_url)
    expect_status(page, NEW)
    mark(page)
    page.get_by_test_id("action-take").click()
    expect(page.get_by_test_id("panel-assignee")).to_have_text("ريم العتيبي")
    expect(page.get_by_test_id("action-take")).to_have_count(0)
    expect_status(page, NEW)
    assert_not_reloaded(page)

    # -- Step 2: she asks for the missing documents ------------------------------------
    page.get_by_test_id("action-request_information").click()
    page.locator("#field-request_information-missing").fill("صورة الهوية الوطنية\nعقد الإيجار")
    page.get_by_test_id("submit-request_information").click()
    expect_status(page, AWAITING_INFORMATION)
    expect(page.locator("#ticket-timeline li[data-event-type=message_out]")).to_have_count(1)
    assert_not_reloaded(page)

    # -- Step 3: the documents arrive; she refers the request to the research officer --
    page.get_by_test_id("action-information_received").click()
    expect_status(page, IN_PROGRESS)
    page.get_by_test_id("action-refer").click()
    page.locator("#field-refer-to_user_id").select_option(str(people.officer_id))
    page.locator("#field-refer-question").fill("هل الأسرة مسجلة لدينا سابقاً؟")
    page.get_by_test_id("submit-refer").click()
    expect_status(page, REFERRED)
    expect(page.locator("#panel-referrals [data-referral-status=open]")).to_have_count(1)
    assert_not_reloaded(page)

    # -- Step 4: the officer finds it in "referred to me", answers and returns it ------
    switch_to(page, live_server, sign_in, people.officer)
    page.goto(f"{live_server.url}/tickets?view=referred")
    page.locator(f"tr[data-ticket='{people.number}'] a").click()
    page.wait_for_url(ticket_url)
    expect_status(page, REFERRED)
    mark(page)
    page.get_by_test_id("action-return_referral").click()
    expect(page.get_by_test_id("referral-question")).to_contain_text("هل الأسرة مسجلة")
    page.locator("#field-return_referral-answer").fill("نعم، مسجلة منذ عام 1445 هـ.")
    page.get_by_test_id("submit-return_referral").click()
    expect(page.get_by_test_id("ticket-gone")).to_be_visible()
    expect_status(page, IN_PROGRESS)
    assert_not_reloaded(page)

    # -- Step 5: the agent sends it to the committee -----------------------------------
    switch_to(page, live_server, sign_in, people.agent)
    page.goto(ticket_url)
    expect(page.locator("#panel-referrals [data-referral-status=answered]")).to_have_count(1)
    mark(page)
    page.get_by_test_id("action-send_to_committee").click()
    page.get_by_test_id("submit-send_to_committee").click()
    expect_status(page, AT_COMMITTEE)
    expect(page.get_by_test_id("decision-due")).to_contain_text("هـ")
    assert_not_reloaded(page)

    # -- Step 6: a committee member approves it on the agenda page ---------------------
    switch_to(page, live_server, sign_in, people.member)
    page.locator("[data-testid=main-nav] a[href='/committee']").click()
    page.wait_for_url(f"{live_server.url}/committee")
    card = f"#agenda-{people.ticket_id}"
    expect_status(page, AT_COMMITTEE, scope=card)
    mark(page)
    page.get_by_test_id(f"decide-{people.ticket_id}").click()
    page.locator(f"#field-decision-{people.ticket_id}").select_option("approve")
    page.locator(f"#field-reason-{people.ticket_id}").fill("الحالة مستوفية لشروط الإعانة.")
    page.get_by_test_id(f"submit-decision-{people.ticket_id}").click()
    expect_status(page, APPROVED, scope=card)
    assert_not_reloaded(page)

    # -- Step 7: the agent registers, delivers and closes it ---------------------------
    switch_to(page, live_server, sign_in, people.agent)
    page.goto(ticket_url)
    expect_status(page, APPROVED)
    mark(page)
    register_deliver_and_close(page, "سُلّمت الإعانة للأسرة.")
    expect(page.get_by_test_id("action-reopen")).to_be_visible()  # all that is left
    assert_not_reloaded(page)


def test_an_agent_tags_two_requests_at_once_without_leaving_the_queue(page, live_server,
                                                                      sign_in, association):
    from helpdesk.extensions import db
    from helpdesk.tickets.queries import ticket_tag_names
    from helpdesk.tickets.services import open_ticket

    with live_server.app.app_context():
        second = open_ticket(channel_key="help_requests", kind="support_request",
                             subject="طلب سلة غذائية").number
        db.session.remove()
    sign_in(association.agent)
    page.goto(f"{live_server.url}/tickets?view=unassigned")
    mark(page)
    for number in (association.number, second):
        page.locator(f"tr[data-ticket='{number}'] [data-testid=select-ticket]").check()
    page.locator("#field-bulk-tag").fill("حملة الشتاء")
    page.get_by_test_id("bulk-add_tag").click()
    expect(page.get_by_test_id("bulk-summary")).to_be_visible()
    # The list is redrawn: the boxes are clear again.
    expect(page.locator("[data-testid=select-ticket]:checked")).to_have_count(0)
    assert_not_reloaded(page)
    with live_server.app.app_context():
        assert ticket_tag_names(association.ticket_id) == ["حملة الشتاء"]
        db.session.remove()


@pytest.fixture
def relations_inquiry(live_server):
    """Two agents of the relations team (one also of research) and an inquiry of theirs."""
    from helpdesk.accounts.models import Team, User
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.tickets.services import open_ticket

    first = live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    second = live_server.create_user("agent", "sara@example.org", "سارة الحربي")
    with live_server.app.app_context():
        people = {email: db.session.scalar(db.select(User).filter_by(email=email))
                  for email in (first, second)}
        relations = Team(key="relations", name_ar="العلاقات", name_en="Relations")
        research = Team(key="research", name_ar="البحث الاجتماعي", name_en="Social research")
        relations.members.extend(people.values())
        research.members.append(people[first])
        contact = Contact(name="أم خالد", phone="+966551234568")
        db.session.add_all([relations, research, contact])
        db.session.commit()
        number = open_ticket(channel_key="phone", kind="inquiry", contact=contact,
                             subject="سؤال عن موعد التوزيع", team_id=relations.id).number
        research_id = research.id
        db.session.remove()
    return first, second, number, research_id


def every_version_on_the_page(page: Page) -> set[str]:
    return set(page.locator("#ticket input[name=version]").evaluate_all(
        "inputs => inputs.map(input => input.value)"))


def test_moving_a_ticket_to_a_team_then_starting_it_just_works(page, live_server, sign_in,
                                                               relations_inquiry):
    agent, _other, number, research_id = relations_inquiry
    sign_in(agent)
    page.goto(f"{live_server.url}/tickets/{number}")
    mark(page)
    page.locator("#field-change_team-team_id").select_option(str(research_id))
    page.get_by_test_id("submit-change_team").click()
    expect(page.locator("[data-testid=ticket-alert][data-kind=success]")).to_be_visible()
    expect(page.get_by_test_id("assignee")).to_contain_text("البحث الاجتماعي")
    # Every form on the page now carries the version the move made.
    assert every_version_on_the_page(page) == {
        page.locator("#ticket-header").get_attribute("data-version")}
    page.get_by_test_id("action-start").click()
    expect_status(page, IN_PROGRESS)
    expect(page.locator("[data-testid=ticket-alert][data-kind=success]")).to_be_visible()
    assert_not_reloaded(page)


def test_of_two_agents_on_one_ticket_the_second_is_told_in_arabic_what_changed(
        page, browser, live_server, sign_in, relations_inquiry):
    agent, other, number, _research_id = relations_inquiry
    ticket_url = f"{live_server.url}/tickets/{number}"
    sign_in(agent)
    page.goto(ticket_url)
    second_context = browser.new_context(locale="ar-SA")
    try:
        second = second_context.new_page()
        second.goto(f"{live_server.url}/login")
        second.locator("#field-email").fill(other)
        second.locator("#field-password").fill(PASSWORD)
        second.locator("main form button[type=submit]").click()
        second.wait_for_url(f"{live_server.url}/")
        second.goto(ticket_url)
        mark(second)

        page.get_by_test_id("action-start").click()
        expect_status(page, IN_PROGRESS)

        second.get_by_test_id("action-start").click()
        alert = second.locator("[data-testid=ticket-alert][data-kind=warning]")
        expect(alert).to_contain_text("غيّر شخص آخر هذه التذكرة")
        expect(alert.get_by_test_id("conflict-changes")).to_contain_text("ريم العتيبي")
        expect(alert.get_by_test_id("conflict-changes")).to_contain_text("هـ")
        expect_status(second, IN_PROGRESS)  # the fresh ticket, drawn in place
        assert_not_reloaded(second)
        alert.get_by_test_id("reload-ticket").click()
        second.wait_for_load_state()
        expect(second.get_by_test_id("ticket-alert")).to_have_count(0)
        expect_status(second, IN_PROGRESS)
    finally:
        second_context.close()
