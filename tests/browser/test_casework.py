"""In Arabic, in a real browser: a support request's case from the checklist to the committee.

The agent opens an application whose proof of income is missing, sees the checklist,
verifies the copy of the ID and marks the proof received; sending the request to the
committee is refused until a study exists; she refers it to the research officer, who
records the study and returns it; the agent then sends it to the committee, whose agenda
shows the study's recommendation. Every step goes through htmx: the page is never
reloaded (a marker set on ``window`` survives each step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lifecycle import (
    AT_COMMITTEE,
    IN_PROGRESS,
    REFERRED,
    assert_not_reloaded,
    expect_status,
    mark,
    switch_to,
)

pytestmark = pytest.mark.browser


@dataclass
class Case:
    agent: str
    officer: str
    member: str
    officer_id: int
    ticket_id: int
    number: str


@pytest.fixture
def case(live_server) -> Case:
    """The people and an application with one document missing, through the services."""
    from helpdesk.accounts.models import User
    from helpdesk.casework.services import DeclarationInput, current_declaration_text, open_case
    from helpdesk.contacts.models import Contact
    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service
    from helpdesk.tickets.models import Attachment
    from helpdesk.tickets.services import open_ticket

    agent = live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    officer = live_server.create_user("research_officer", "noura@example.org", "نورة القحطاني")
    member = live_server.create_user("committee_member", "abdullah@example.org",
                                     "عبدالله الدوسري")
    with live_server.app.app_context():
        service = Service(key="rent", name_ar="دعم الإيجار", name_en="Rent support",
                          fields=[{"name": "family_size", "type": "integer",
                                   "label_ar": "عدد أفراد الأسرة"}],
                          documents=[{"key": "id_copy", "label_ar": "صورة الهوية الوطنية"},
                                     {"key": "income_proof", "label_ar": "إثبات الدخل"}])
        contact = Contact(name="أم محمد", phone="+966551234567", national_id="1234567897")
        db.session.add_all([service, contact])
        db.session.commit()
        ticket = open_ticket(channel_key="help_requests", kind="support_request",
                             subject="طلب دعم الإيجار", contact=contact, service_id=service.id)
        scan = Attachment(ticket_id=ticket.id, display_name="هوية.pdf", stored_name="id-scan.pdf",
                          content_type="application/pdf", size=12, sha256="0" * 64)
        db.session.add(scan)
        db.session.flush()
        open_case(ticket, service=service, answers={"family_size": "6"},
                  documents={"id_copy": [scan]},
                  declaration=DeclarationInput(current_declaration_text()[0], True),
                  channel_key="help_requests")
        db.session.commit()
        officer_id = db.session.scalar(db.select(User.id).filter_by(email=officer))
        found = Case(agent, officer, member, officer_id, ticket.id, ticket.number)
        db.session.remove()
    return found


def item(page: Page, key: str):
    return page.locator(f"#panel-casework [data-testid=checklist-item][data-key={key}]")


def test_a_case_is_checked_studied_and_sent_to_the_committee_in_arabic(page, live_server,
                                                                       sign_in, case):
    ticket_url = f"{live_server.url}/tickets/{case.number}"

    # -- The agent opens the application and sees its checklist --------------------------
    sign_in(case.agent)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^ar\b"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(ticket_url)
    expect(page.get_by_test_id("checklist")).to_be_visible()
    expect(item(page, "id_copy")).to_contain_text("صورة الهوية الوطنية")
    expect(item(page, "income_proof")).to_have_attribute("data-state", "missing")
    expect(page.get_by_test_id("declaration")).to_have_count(1)
    mark(page)

    # -- She verifies the ID and marks the proof of income received ----------------------
    page.get_by_test_id("verify-id_copy").click()
    expect(item(page, "id_copy")).to_have_attribute("data-state", "verified")
    expect(item(page, "id_copy")).to_contain_text("ريم العتيبي")
    page.get_by_test_id("action-information_received").click()
    expect(page.get_by_test_id("ticket-alert")).to_contain_text("إثبات الدخل")
    page.get_by_test_id("verify-income_proof").click()
    expect(item(page, "income_proof")).to_have_attribute("data-state", "verified")
    expect(page.get_by_test_id("checklist-complete")).to_be_visible()
    page.get_by_test_id("action-information_received").click()
    expect_status(page, IN_PROGRESS)
    assert_not_reloaded(page)

    # -- Without a study the committee is out of reach; she refers it to the officer -----
    page.get_by_test_id("action-send_to_committee").click()
    page.get_by_test_id("submit-send_to_committee").click()
    expect(page.get_by_test_id("ticket-alert")).to_have_attribute("data-kind", "warning")
    expect_status(page, IN_PROGRESS)
    page.get_by_test_id("action-refer").click()
    page.locator("#field-refer-to_user_id").select_option(str(case.officer_id))
    page.locator("#field-refer-question").fill("نرجو زيارة الأسرة ودراسة حالتها.")
    page.get_by_test_id("submit-refer").click()
    expect_status(page, REFERRED)
    assert_not_reloaded(page)

    # -- The officer records the study and returns the request ---------------------------
    switch_to(page, live_server, sign_in, case.officer)
    page.goto(ticket_url)
    mark(page)
    expect(page.get_by_test_id("no-study")).to_be_visible()
    page.locator("#field-study-visit_date").fill("2026-11-20")
    page.locator("#field-study-findings").fill("أسرة من ستة أفراد في شقة مستأجرة، والدخل لا "
                                               "يغطي الإيجار.")
    page.locator("#field-study-recommendation").select_option("approve")
    page.get_by_test_id("submit-study").click()
    expect(page.get_by_test_id("study")).to_have_attribute("data-recommendation", "approve")
    expect(page.get_by_test_id("study")).to_contain_text("نورة القحطاني")
    page.get_by_test_id("action-return_referral").click()
    page.locator("#field-return_referral-answer").fill("تمت الدراسة والتوصية بالموافقة.")
    page.get_by_test_id("submit-return_referral").click()
    expect(page.get_by_test_id("ticket-gone")).to_be_visible()
    assert_not_reloaded(page)

    # -- The agent sends it to the committee; the agenda shows the study -----------------
    switch_to(page, live_server, sign_in, case.agent)
    page.goto(ticket_url)
    mark(page)
    page.get_by_test_id("action-send_to_committee").click()
    page.get_by_test_id("submit-send_to_committee").click()
    expect_status(page, AT_COMMITTEE)
    assert_not_reloaded(page)
    switch_to(page, live_server, sign_in, case.member)
    page.goto(f"{live_server.url}/committee")
    study = page.locator(f"#agenda-{case.ticket_id} [data-testid=agenda-study]")
    expect(study).to_have_attribute("data-recommendation", "approve")
    expect(study).to_contain_text("أسرة من ستة أفراد")
