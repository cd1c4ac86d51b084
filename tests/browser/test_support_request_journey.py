"""Issue #4, end to end in a real browser and in Arabic: a service defined in the interface
carries a person's request from the portal to the committee's approval.

An administrator defines a new service with two questions, two documents and two
eligibility conditions, decided by the committee. A person on a 360-pixel phone applies,
sees the live verdict "eligible", attaches one document of two and sends the request: the
association's automatic message names the missing document and the tracking page shows the
request waiting for it. The person sends the missing document through the tracking page.
An agent verifies the checklist, moves the request on and refers it to the research
officer, who records the study and returns it; the agent sends it to the committee, and a
committee member approves it on the agenda page. The agent then registers it, delivers the
service and closes it, with no manager's help (issue #10), and the person reads each of
those steps on the tracking page.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lifecycle import (
    APPROVED,
    AT_COMMITTEE,
    IN_PROGRESS,
    REFERRED,
    expect_status,
    register_deliver_and_close,
    switch_to,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32
PDF = b"%PDF-1.7\n% a signed lease\n"
SERVICE = "family_rent"
SERVICE_NAME = "دعم إيجار الأسر"
LEASE = "عقد الإيجار"

# The Arabic the person and the staff read (translations/ar).
ELIGIBLE = "مستحق"
WAITING_FOR_YOU = "ننتظر منك معلومات"
YOUR_REQUEST_APPROVED = "تمت الموافقة على طلبك"


def fill_row(page: Page, section: str, index: int, **inputs: str) -> None:
    """Fill one row of the service editor; a `type` is chosen from its select."""
    for name, value in inputs.items():
        target = page.locator(f"#{section}-{index}-{name}")
        if name == "type":
            target.select_option(value)
        else:
            target.fill(value)


def add_row(page: Page, section: str, index: int) -> None:
    """Press the section's "add another" button and wait for the new row."""
    page.get_by_test_id(f"add-{section}").click()
    expect(page.locator(f"[data-row={section}-{index}]")).to_be_visible()


def define_service(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/services/new")
    page.locator("#field-name_ar").fill(SERVICE_NAME)
    page.locator("#field-key").fill(SERVICE)
    page.locator("#field-decision_window_days").fill("10")
    page.locator("#field-needs_committee").check()
    page.locator("#field-active").check()

    fill_row(page, "fields", 0, label_ar="عدد أفراد الأسرة", name="family_size",
             type="integer", min="1")
    add_row(page, "fields", 1)
    fill_row(page, "fields", 1, label_ar="دخل الأسرة الشهري", name="monthly_income",
             type="number", min="0")

    fill_row(page, "documents", 0, label_ar="صورة الهوية الوطنية", key="id_copy")
    add_row(page, "documents", 1)
    fill_row(page, "documents", 1, label_ar=LEASE, key="lease")

    fill_row(page, "rules", 0, type="min", field="family_size", value="3")
    add_row(page, "rules", 1)
    fill_row(page, "rules", 1, type="max_per_member", field="monthly_income",
             per="family_size", value="1500")
    # What was typed before each "add" survived the section's redraw.
    expect(page.locator("#fields-0-name")).to_have_value("family_size")
    expect(page.locator("#documents-0-key")).to_have_value("id_copy")
    expect(page.locator("#rules-0-value")).to_have_value("3")

    page.get_by_test_id("service-form").locator("button[type=submit]:not([name])").click()
    page.wait_for_url(f"{base_url}/admin/services")
    row = page.locator(f"[data-testid=services-table] tr[data-service={SERVICE}]")
    expect(row).to_contain_text(SERVICE_NAME)
    expect(page.locator(".alert-success")).to_contain_text(f"تمت إضافة الخدمة {SERVICE_NAME}")


def missing_information_messages(live_server, number: str) -> list[tuple[str, str]]:
    """The automatic messages listing what is missing, as queued in the outbox."""
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket
    from helpdesk.tickets.outbox_models import OutboxMessage

    with live_server.app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.to_phone, OutboxMessage.body)
            .join(Ticket, Ticket.id == OutboxMessage.ticket_id)
            .where(Ticket.number == number, OutboxMessage.purpose == "missing_information"))
        found = [tuple(row) for row in rows]
        db.session.remove()
    return found


def test_a_service_defined_in_the_interface_carries_a_request_to_the_committee_approval(
        page, browser, live_server, sign_in, tmp_path):
    admin = live_server.create_user("admin", "admin@example.org", "سارة المشرفة")
    agent = live_server.create_user("agent", "reem@example.org", "ريم العتيبي")
    officer = live_server.create_user("research_officer", "noura@example.org", "نورة القحطاني")
    member = live_server.create_user("committee_member", "abdullah@example.org",
                                     "عبدالله الدوسري")

    # -- 1. The administrator defines the service in the interface ---------------------
    sign_in(admin)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^ar\b"))
    define_service(page, live_server.url)

    # -- 2. A person applies on a phone, without an account --------------------------------
    context = browser.new_context(viewport=PHONE, locale="ar-SA")
    person = context.new_page()
    try:
        person.goto(f"{live_server.url}/apply")
        expect(person.locator("html")).to_have_attribute("lang", "ar")
        person.locator(f"[data-service={SERVICE}]").click()
        form = person.get_by_test_id("application-form")
        form.locator("#field-applicant-name").fill("نورة محمد العتيبي")
        form.locator("#field-applicant-national_id").fill("1234567897")
        form.locator("#field-applicant-phone").fill("0551234567")
        # The verdict follows the answers as they are typed.
        verdict = person.get_by_test_id("eligibility-verdict")
        expect(verdict).to_have_attribute("data-status", "needs_review")
        form.locator("#field-answer-family_size").fill("5")
        form.locator("#field-answer-monthly_income").fill("6000")
        expect(verdict).to_have_attribute("data-status", "eligible")
        expect(verdict.locator("p").first).to_have_text(ELIGIBLE)

        id_copy = tmp_path / "هوية.png"
        id_copy.write_bytes(PNG)
        form.locator("#field-document-id_copy").set_input_files(str(id_copy))
        expect(person.get_by_test_id("stored-id_copy")).to_contain_text("هوية.png")
        person.locator("#field-declaration").check()
        person.get_by_test_id("submit-application").click()
        expect(person.get_by_test_id("application-received")).to_be_visible()
        number = person.get_by_test_id("ticket-number").inner_text().strip()
        tracking = person.get_by_test_id("tracking-link")
        expect(tracking).to_have_attribute("href", re.compile(r"/t/"))

        # -- 3. The automatic message names the missing document; the request waits ----
        [(to_phone, body)] = missing_information_messages(live_server, number)
        assert to_phone == "+966551234567"
        assert number in body and LEASE in body and "صورة الهوية" not in body
        tracking.click()
        expect(person.get_by_test_id("ticket-number")).to_have_text(number)
        status = person.get_by_test_id("portal-status")
        expect(status).to_have_attribute("data-status", "awaiting_information")
        expect(status).to_contain_text(WAITING_FOR_YOU)
        tracking_url = person.url

        # -- 4. The person sends the missing lease from the tracking page ---------------
        lease = tmp_path / "عقد.pdf"
        lease.write_bytes(PDF)
        person.locator("#field-document_key").select_option(label=LEASE)
        person.locator("#field-document").set_input_files(str(lease))
        person.locator("#reply button[type=submit]").click()
        expect(person.locator(".alert-success")).to_be_visible()
        expect(person.get_by_test_id("attachment").filter(has_text="عقد.pdf")).to_be_visible()

        # -- 5. The agent checks the case and refers it to the research officer ---------
        ticket_url = f"{live_server.url}/tickets/{number}"
        switch_to(page, live_server, sign_in, agent)
        page.goto(ticket_url)
        items = page.locator("#panel-casework [data-testid=checklist-item]")
        expect(items).to_have_count(4)
        expect(page.locator("#panel-casework [data-key=lease]")).to_have_attribute(
            "data-state", "received")
        for key in ("family_size", "monthly_income", "id_copy", "lease"):
            page.get_by_test_id(f"verify-{key}").click()
            expect(page.locator(f"#panel-casework [data-key={key}]")).to_have_attribute(
                "data-state", "verified")
        expect(page.get_by_test_id("checklist-complete")).to_be_visible()
        page.get_by_test_id("action-information_received").click()
        expect_status(page, IN_PROGRESS)
        page.get_by_test_id("action-refer").click()
        page.locator("#field-refer-to_user_id").select_option(label="نورة القحطاني")
        page.locator("#field-refer-question").fill("نرجو زيارة الأسرة ودراسة حالتها.")
        page.get_by_test_id("submit-refer").click()
        expect_status(page, REFERRED)

        # -- The research officer records the study and returns the referral -----------
        switch_to(page, live_server, sign_in, officer)
        page.goto(ticket_url)
        page.locator("#field-study-visit_date").fill((date.today() - timedelta(days=3)).isoformat())
        page.locator("#field-study-findings").fill("أسرة من خمسة أفراد في شقة مستأجرة، "
                                                   "والدخل لا يغطي الإيجار.")
        page.locator("#field-study-recommendation").select_option("approve")
        page.get_by_test_id("submit-study").click()
        expect(page.get_by_test_id("study")).to_have_attribute("data-recommendation", "approve")
        page.get_by_test_id("action-return_referral").click()
        page.locator("#field-return_referral-answer").fill("تمت الدراسة والتوصية بالموافقة.")
        page.get_by_test_id("submit-return_referral").click()
        expect(page.get_by_test_id("ticket-gone")).to_be_visible()

        # -- The agent sends it to the committee ---------------------------------------
        switch_to(page, live_server, sign_in, agent)
        page.goto(ticket_url)
        page.get_by_test_id("action-send_to_committee").click()
        page.get_by_test_id("submit-send_to_committee").click()
        expect_status(page, AT_COMMITTEE)

        # -- A committee member approves it on the agenda page -------------------------
        switch_to(page, live_server, sign_in, member)
        page.goto(f"{live_server.url}/committee")
        card = page.locator(f"[data-testid=agenda-item][data-ticket='{number}']")
        expect(card).to_contain_text(SERVICE_NAME)
        expect(card.get_by_test_id("agenda-study")).to_have_attribute(
            "data-recommendation", "approve")
        card.locator("summary[data-testid^=decide-]").click()
        card.locator("select[name^=decision-]").select_option("approve")
        card.locator("textarea[name^=reason-]").fill("الأسرة مستوفية لشروط دعم الإيجار.")
        card.locator("[data-testid^=submit-decision-]").click()
        expect(card.locator(".sila-status").first).to_have_text(APPROVED)

        # The agent finds the request approved; the person reads it on the tracking page.
        switch_to(page, live_server, sign_in, agent)
        page.goto(ticket_url)
        expect_status(page, APPROVED)
        person.goto(tracking_url)
        expect(person.get_by_test_id("portal-status")).to_contain_text(YOUR_REQUEST_APPROVED)

        # -- The agent registers the request, delivers the service and closes it --------
        register_deliver_and_close(page, "سُلّم دعم الإيجار للأسرة.")
        # The person reads each step of the procedure on the tracking page.
        person.goto(tracking_url)
        for step in ("registration", "service_delivered"):
            expect(person.locator(f"[data-step={step}]")).to_be_visible()
    finally:
        context.close()
