"""In a real browser, in Arabic, on a 360-pixel phone: a person checks whether they are
eligible, applies, fills the form (saved as they type), leaves a document out, sends it and
gets their request number."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_until_settled

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32


def _rent_support(live_server) -> None:
    from helpdesk.services_catalog.services import create_service

    with live_server.app.app_context():
        create_service({
            "key": "rent_support", "name_ar": "دعم الإيجار", "decision_window_days": 10,
            "fields": [
                {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري"},
                {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة"},
                {"name": "housing", "type": "textarea", "label_ar": "وصف السكن"}],
            "documents": [
                {"key": "id_copy", "label_ar": "صورة الهوية", "types": ["png", "pdf"]},
                {"key": "lease", "label_ar": "عقد الإيجار", "types": ["pdf"]}],
            "rules": [{"type": "max_per_member", "field": "monthly_income",
                       "per": "family_size", "value": 1500}],
        }, actor=None)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _stored_request(live_server, number):
    from sqlalchemy import select

    from helpdesk.casework.models import ChecklistItem
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Attachment, Ticket

    with live_server.app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        attachments = [a.display_name for a in db.session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket.id))]
        missing = [i.key for i in db.session.scalars(
            select(ChecklistItem).where(ChecklistItem.ticket_id == ticket.id,
                                        ChecklistItem.state == "missing"))]
        return ticket.channel_key, ticket.contact.phone, attachments, missing


def test_a_person_checks_eligibility_applies_and_gets_a_number_on_a_phone(
        page, live_server, tmp_path):
    _rent_support(live_server)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/portal")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.get_by_test_id("am-i-eligible").click()

    # Am I eligible? Choose the service, answer its conditions' questions.
    page.locator("#field-service").select_option("rent_support")
    page.get_by_test_id("choose-service").click()
    page.locator("#field-answer-monthly_income").fill("٣٠٠٠")
    page.locator("#field-answer-family_size").fill("4")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("eligibility-verdict")).to_have_attribute(
        "data-status", "eligible")
    _fits(page)
    page.get_by_test_id("apply-now").click()

    # The form opens with the answers carried over and the verdict beside them.
    form = page.get_by_test_id("application-form")
    expect(form.locator("#field-answer-family_size")).to_have_value("4")
    expect(page.get_by_test_id("eligibility-verdict")).to_have_attribute(
        "data-status", "eligible")
    _fits(page)
    form.locator("#field-applicant-name").fill("نورة محمد العتيبي")
    form.locator("#field-applicant-national_id").fill("1234567897")
    form.locator("#field-applicant-phone").fill("0551234567")
    form.locator("#field-answer-housing").fill("شقة من غرفتين في حي النسيم")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-saved", "true")

    # A larger income changes the verdict as it is typed; the person may still apply.
    form.locator("#field-answer-monthly_income").fill("9000")
    expect(page.get_by_test_id("eligibility-verdict")).to_have_attribute(
        "data-status", "not_eligible")
    form.locator("#field-answer-monthly_income").fill("3000")
    expect(page.get_by_test_id("eligibility-verdict")).to_have_attribute(
        "data-status", "eligible")

    # A wrong file is refused at its place; the right one is kept at once.
    wrong = tmp_path / "هوية.gif"
    wrong.write_bytes(b"GIF89a")
    form.locator("#field-document-id_copy").set_input_files(str(wrong))
    expect(page.get_by_test_id("error-document-id_copy")).to_be_visible()
    wait_until_settled(page)
    right = tmp_path / "هوية.png"
    right.write_bytes(PNG)
    form.locator("#field-document-id_copy").set_input_files(str(right))
    expect(page.get_by_test_id("stored-id_copy")).to_contain_text("هوية.png")
    expect(form.locator("#field-applicant-name")).to_have_value("نورة محمد العتيبي")
    _fits(page)

    # The lease is left out; the declaration is forgotten first.
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("error-declaration")).to_be_visible()
    expect(page.get_by_test_id("stored-id_copy")).to_be_visible()
    expect(page.locator("#field-answer-housing")).to_have_value("شقة من غرفتين في حي النسيم")
    page.locator("#field-declaration").check()
    page.get_by_test_id("submit-application").click()

    expect(page.get_by_test_id("application-received")).to_be_visible()
    number = page.get_by_test_id("ticket-number").inner_text().strip()
    expect(page.get_by_test_id("committee-window")).to_contain_text("10")
    _fits(page)
    channel, phone, attachments, missing = _stored_request(live_server, number)
    assert channel == "help_requests" and phone == "+966551234567"
    assert attachments == ["هوية.png"] and missing == ["lease"]
    page.get_by_test_id("tracking-link").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)


def test_without_scripts_the_form_keeps_the_file_through_a_refusal_and_is_sent(
        new_context, live_server, tmp_path):
    _rent_support(live_server)
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/apply")
    page.locator("[data-service=rent_support]").click()
    form = page.get_by_test_id("application-form")
    form.locator("#field-applicant-name").fill("سعد الدوسري")
    form.locator("#field-applicant-national_id").fill("2345678904")
    form.locator("#field-applicant-phone").fill("0551234567")
    form.locator("#field-answer-monthly_income").fill("4000")
    form.locator("#field-answer-family_size").fill("3")
    form.locator("#field-answer-housing").fill("بيت شعبي")
    lease = tmp_path / "عقد.pdf"
    lease.write_bytes(b"%PDF-1.7\n% lease\n")
    form.locator("#field-document-lease").set_input_files(str(lease))
    page.get_by_test_id("submit-application").click()
    # The declaration was forgotten: the file is already kept with the draft.
    expect(page.get_by_test_id("error-declaration")).to_be_visible()
    expect(page.get_by_test_id("stored-lease")).to_contain_text("عقد.pdf")
    _fits(page)
    page.locator("#field-declaration").check()
    page.get_by_test_id("submit-application").click()
    number = page.get_by_test_id("ticket-number").inner_text().strip()
    _channel, _phone, attachments, missing = _stored_request(live_server, number)
    assert attachments == ["عقد.pdf"] and missing == ["id_copy"]
