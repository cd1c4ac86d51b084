"""Casework on a real database (SQLite and PostgreSQL): opening a case from an application,
the checklist and its verification, the declaration, the research study and the guards."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from helpdesk.casework import services as casework
from helpdesk.casework.models import CaseStudy, ChecklistItem
from helpdesk.committee.services import decide
from helpdesk.extensions import db
from helpdesk.portal.services import add_reply
from helpdesk.services_catalog.models import Service
from helpdesk.tickets import services as tickets
from helpdesk.tickets.errors import InvalidTransition, TicketNotFound
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.validation import ValidationError
from tests.web.crew import HTMX, Crew, status_of, version_of

FIELDS = [
    {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
     "label_en": "Family size", "min": 1},
    {"name": "monthly_income", "type": "number", "label_ar": "الدخل الشهري",
     "label_en": "Monthly income"},
    {"name": "notes", "type": "textarea", "label_ar": "ملاحظات", "required": False},
]
DOCUMENTS = [
    {"key": "id_copy", "label_ar": "صورة الهوية الوطنية", "label_en": "Copy of the ID"},
    {"key": "income_proof", "label_ar": "إثبات الدخل", "label_en": "Proof of income"},
]
RULES = [{"type": "max_per_member", "field": "monthly_income", "per": "family_size",
          "value": 1500}]


@pytest.fixture
def service(app) -> Service:
    row = Service(key="food_basket", name_ar="السلة الغذائية", name_en="Food basket",
                  fields=FIELDS, documents=DOCUMENTS, rules=RULES)
    db.session.add(row)
    db.session.commit()
    return row


def attach(ticket, name: str = "هوية.pdf") -> Attachment:
    attachment = Attachment(ticket_id=ticket.id, display_name=name,
                            stored_name=f"{ticket.id}-{name.encode().hex()[:40]}",
                            content_type="application/pdf", size=10, sha256="0" * 64)
    db.session.add(attachment)
    db.session.flush()
    return attachment


@pytest.fixture
def crew(make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


@pytest.fixture
def apply(crew, service):
    """An application as the form sends it: a support request, its case, one commit."""
    def submit(answers: dict[str, Any], documents: tuple[str, ...] = ("id_copy",
                                                                      "income_proof"),
               declared: bool = True, receipt: str | None = None, **ticket_kw: Any):
        ticket_kw.setdefault("channel_key", "phone")
        ticket = crew.request(service_id=service.id, **ticket_kw)
        files = {key: [attach(ticket, f"{key}.pdf")] for key in documents}
        version, _text = casework.current_declaration_text()
        case = casework.open_case(
            ticket, service=service, answers=answers, documents=files,
            declaration=casework.DeclarationInput(version, declared), channel_key="phone",
            receipt=(lambda: receipt) if receipt is not None else None)
        db.session.commit()
        return ticket, case
    return submit


def states(ticket) -> dict[str, str]:
    return {item.key: item.state for item in casework.checklist(ticket)}


def test_a_complete_application_opens_a_case_with_everything_received(apply):
    ticket, case = apply({"family_size": "5", "monthly_income": "4000"})
    assert ticket.status == "new"
    assert case.answers == {"family_size": 5, "monthly_income": 4000}
    assert case.eligibility == "eligible"
    assert states(ticket) == {"family_size": "received", "monthly_income": "received",
                              "notes": "missing", "id_copy": "received",
                              "income_proof": "received"}
    assert not casework.outstanding_items(ticket)
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id,
        OutboxMessage.purpose == "missing_information")) is None
    declaration, = casework.declarations(ticket)
    assert declaration.text_version == casework.DECLARATION_VERSION
    assert declaration.channel_key == "phone"
    assert "مسؤول" in declaration.text or "responsible" in declaration.text


def test_an_incomplete_application_waits_for_exactly_the_missing_items(apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",))
    assert ticket.status == "awaiting_information"
    assert states(ticket)["monthly_income"] == "missing"
    assert states(ticket)["income_proof"] == "missing"
    message, = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.purpose == "missing_information"))
    assert message.locale == "ar"
    assert "• الدخل الشهري" in message.body
    assert "• إثبات الدخل" in message.body
    assert "صورة الهوية" not in message.body
    assert "ملاحظات" not in message.body
    assert ticket.number in message.body


RECEIPT = "استلمنا طلبك، تابعه هنا: https://sila.example/t/secret-link"


def messages_to_the_person(ticket) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.ticket_id == ticket.id)
                                   .order_by(OutboxMessage.id)))


def test_with_its_receipt_an_incomplete_application_gets_one_message_listing_what_is_missing(
        apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",), receipt=RECEIPT)
    message, = messages_to_the_person(ticket)
    assert message.purpose == "missing_information"
    lines = message.body.splitlines()
    assert lines[0] == RECEIPT and ticket.number in lines[1]
    assert sorted(lines[2:]) == ["• إثبات الدخل", "• الدخل الشهري"]
    # The timeline keeps the list only: the receipt's link is the person's secret.
    told, = db.session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                   Event.type == "message_out"))
    assert told.body == "\n".join(lines[1:]) and told.data["prefaced"] is True


def test_with_its_receipt_a_complete_application_gets_the_receipt_alone(apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"}, receipt=RECEIPT)
    message, = messages_to_the_person(ticket)
    assert (message.purpose, message.body, message.locale) == ("receipt", RECEIPT, "ar")
    assert db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                 Event.type == "message_out")) is None


def test_an_ineligible_applicant_still_opens_a_case_with_the_reason_on_the_ticket(apply):
    ticket, case = apply({"family_size": "2", "monthly_income": "9000"})
    assert case.eligibility == "not_eligible"
    event = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                  Event.type == "eligibility_checked"))
    assert event.visibility == "internal"
    assert event.data["status"] == "not_eligible"
    assert event.body and event.body == "\n".join(case.eligibility_reasons)


# ---------------------------------------------------------------------------------------
# Verifying the checklist


def item(ticket, key: str) -> ChecklistItem:
    return db.session.scalar(select(ChecklistItem).where(ChecklistItem.ticket_id == ticket.id,
                                                         ChecklistItem.key == key))


def missing_messages(ticket) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.purpose == "missing_information")
        .order_by(OutboxMessage.id)))


def test_verifying_an_item_records_who_when_and_the_change_on_the_timeline(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    casework.set_item_state(ticket.id, actor=crew.agent, expected_version=ticket.version,
                            item_id=item(ticket, "id_copy").id, state="verified")
    verified = item(ticket, "id_copy")
    assert verified.state == "verified"
    assert verified.verified_by_id == crew.agent.id and verified.verified_at is not None
    event = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                  Event.type == "checklist_item_changed"))
    assert event.actor_id == crew.agent.id and event.visibility == "internal"
    assert event.data["before"]["state"] == "received"
    assert event.data["after"]["state"] == "verified"
    assert not missing_messages(ticket)


def test_rejecting_an_item_needs_a_reason_and_tells_the_applicant_again(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    tickets.start(ticket.id, actor=crew.agent, expected_version=None)
    target = item(ticket, "income_proof")
    with pytest.raises(ValidationError) as refused:
        casework.set_item_state(ticket.id, actor=crew.agent, expected_version=None,
                                item_id=target.id, state="rejected", note="  ")
    assert "note" in refused.value.errors
    casework.set_item_state(ticket.id, actor=crew.agent, expected_version=None,
                            item_id=target.id, state="rejected",
                            note="الصورة غير واضحة")
    assert status_of(ticket) == "awaiting_information"
    message, = missing_messages(ticket)
    assert "• إثبات الدخل (الصورة غير واضحة)" in message.body
    assert "صورة الهوية" not in message.body


def test_marking_an_item_missing_queues_the_missing_items_message(crew, apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",), receipt=RECEIPT)
    casework.set_item_state(ticket.id, actor=crew.agent, expected_version=None,
                            item_id=item(ticket, "id_copy").id, state="missing")
    first, second = messages_to_the_person(ticket)
    assert first.body.startswith(RECEIPT) and "صورة الهوية" not in first.body
    # A later list is the list alone: the receipt went with the first.
    assert second.purpose == "missing_information" and RECEIPT not in second.body
    assert "• صورة الهوية الوطنية" in second.body and "• الدخل الشهري" in second.body


def test_an_item_of_another_ticket_is_refused(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    other, _other_case = apply({"family_size": "5", "monthly_income": "4000"})
    with pytest.raises(ValidationError):
        casework.set_item_state(ticket.id, actor=crew.agent, expected_version=None,
                                item_id=item(other, "id_copy").id, state="verified")


# ---------------------------------------------------------------------------------------
# Waiting for information


def test_the_request_cannot_leave_awaiting_information_while_items_are_missing(crew, apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",))
    with pytest.raises(InvalidTransition) as refused:
        tickets.information_received(ticket.id, actor=crew.agent, expected_version=None)
    assert "إثبات الدخل" in refused.value.message
    assert "الدخل الشهري" in refused.value.message
    assert status_of(ticket) == "awaiting_information"
    for key in ("monthly_income", "income_proof"):
        casework.set_item_state(ticket.id, actor=crew.agent, expected_version=None,
                                item_id=item(ticket, key).id, state="received")
    tickets.information_received(ticket.id, actor=crew.agent, expected_version=None)
    assert status_of(ticket) == "in_progress"


def test_the_ticket_page_says_what_is_missing_when_moving_on_is_refused(crew, apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",))
    crew.sign_in(crew.agent)
    response = crew.client.post(f"/tickets/{ticket.number}/actions/information_received",
                                data={"version": version_of(ticket)}, headers=HTMX)
    assert response.status_code == 409
    assert "إثبات الدخل" in response.get_data(as_text=True)


PDF = b"%PDF-1.7\n% a scanned salary certificate\n"


def test_a_document_uploaded_through_the_portal_fills_its_checklist_item(crew, apply, client):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"},
                          documents=("id_copy",))
    token = tracking_token(ticket)
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert 'name="document_key"' in page and 'value="income_proof"' in page
    response = client.post(f"/t/{token}/reply", data={
        "body": "", "document_key": "income_proof",
        "document": (io.BytesIO(PDF), "تعريف بالراتب.pdf")})
    assert response.status_code == 302
    filled = item(ticket, "income_proof")
    db.session.refresh(filled)
    assert filled.state == "received" and len(filled.attachment_ids) == 1
    event = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                  Event.type == "checklist_item_changed"))
    assert event.data["via"] == "portal" and event.actor_id is None
    tickets.information_received(ticket.id, actor=crew.agent, expected_version=None)
    assert status_of(ticket) == "in_progress"


def test_the_portal_refuses_a_document_choice_that_is_not_awaited(apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"},
                          documents=("id_copy",))
    with pytest.raises(ValidationError) as refused:
        add_reply(ticket, body="", document_key="id_copy",
                  document=None)
    assert "document_key" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        add_reply(ticket, body="ها هو", document_key="income_proof", document=None)
    assert "document" in refused.value.errors
    assert item(ticket, "income_proof").state == "missing"


# ---------------------------------------------------------------------------------------
# Declaration and study


def test_staff_record_a_declaration_made_in_person(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"}, declared=False)
    assert casework.declarations(ticket) == []
    casework.record_declaration_in_person(ticket.id, actor=crew.agent, expected_version=None)
    declaration, = casework.declarations(ticket)
    assert declaration.channel_key == casework.IN_PERSON
    assert declaration.recorded_by_id == crew.agent.id
    assert declaration.text_version == casework.DECLARATION_VERSION
    assert db.session.scalar(select(func.count()).select_from(Event).where(
        Event.ticket_id == ticket.id, Event.type == "declaration_recorded")) == 1


def test_a_request_goes_to_the_committee_only_with_a_study(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    tickets.start(ticket.id, actor=crew.agent, expected_version=None)
    with pytest.raises(InvalidTransition) as refused:
        tickets.send_to_committee(ticket.id, actor=crew.agent, expected_version=None)
    assert "دراسة البحث الاجتماعي" in refused.value.message
    assert status_of(ticket) == "in_progress"
    tickets.refer(ticket.id, actor=crew.agent, expected_version=None,
                  question="نرجو دراسة حالة الأسرة وزيارتها", to_user_id=crew.officer.id)
    casework.record_study(ticket.id, actor=crew.officer, expected_version=None,
                          visit_date=tickets.riyadh_today().isoformat(),
                          findings="أسرة من خمسة أفراد، الدخل لا يكفي الإيجار",
                          recommendation="approve")
    tickets.return_referral(ticket.id, actor=crew.officer, expected_version=None,
                            answer="تمت الدراسة، التوصية بالموافقة")
    tickets.send_to_committee(ticket.id, actor=crew.agent, expected_version=None)
    assert status_of(ticket) == "committee"


def test_correcting_a_study_keeps_its_history_on_the_timeline(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"},
                          team_id=crew.research.id)
    today = tickets.riyadh_today()
    casework.record_study(ticket.id, actor=crew.officer, expected_version=None,
                          visit_date=today.isoformat(), findings="زيارة أولى",
                          recommendation="more_study")
    casework.record_study(ticket.id, actor=crew.officer, expected_version=None,
                          visit_date=today.isoformat(), findings="زيارة ثانية: الحاجة ثابتة",
                          recommendation="approve")
    assert [s.version for s in casework.study_history(ticket)] == [2, 1]
    assert casework.current_study(ticket).recommendation == "approve"
    corrected = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                      Event.type == "study_corrected"))
    assert corrected.data["before"]["recommendation"] == "more_study"
    assert corrected.data["after"]["recommendation"] == "approve"


def test_a_study_needs_a_past_visit_findings_and_a_recommendation(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"},
                          team_id=crew.research.id)
    with pytest.raises(ValidationError) as refused:
        casework.record_study(ticket.id, actor=crew.officer, expected_version=None,
                              visit_date=(tickets.riyadh_today() + timedelta(days=2))
                              .isoformat(), findings="", recommendation="maybe")
    assert set(refused.value.errors) == {"visit_date", "findings", "recommendation"}
    assert db.session.scalar(select(func.count()).select_from(CaseStudy)) == 0


# ---------------------------------------------------------------------------------------
# Through the ticket page


def test_the_ticket_page_shows_the_case_panel_only_on_support_requests(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    inquiry = crew.inquiry()
    crew.sign_in(crew.agent)
    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="panel-casework"' in page
    assert 'data-testid="verify-id_copy"' in page
    assert 'data-testid="submit-study"' in page
    assert 'data-testid="declaration"' in page
    other = crew.client.get(f"/tickets/{inquiry.number}").get_data(as_text=True)
    assert 'data-testid="panel-casework"' not in other


def test_verifying_with_htmx_returns_the_changed_panel(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    target = item(ticket, "id_copy")
    crew.sign_in(crew.agent)
    response = crew.client.post(f"/tickets/{ticket.number}/casework/items/{target.id}",
                                data={"version": version_of(ticket), "state": "verified"},
                                headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="panel-casework"' in body and 'hx-swap-oob="true"' in body
    assert 'data-key="id_copy" data-state="verified"' in body
    assert item(ticket, "id_copy").state == "verified"


def test_a_plain_post_verifies_and_comes_back_to_the_ticket(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    target = item(ticket, "income_proof")
    crew.sign_in(crew.agent)
    response = crew.client.post(f"/tickets/{ticket.number}/casework/items/{target.id}",
                                data={"version": version_of(ticket), "state": "verified"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/{ticket.number}")


def test_a_rejection_without_a_reason_comes_back_at_the_field_as_typed(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    target = item(ticket, "income_proof")
    crew.sign_in(crew.agent)
    response = crew.client.post(f"/tickets/{ticket.number}/casework/items/{target.id}",
                                data={"version": version_of(ticket), "state": "rejected",
                                      f"item-{target.id}-note": ""}, headers=HTMX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#panel-casework"
    assert f'data-testid="error-item-{target.id}-note"' in response.get_data(as_text=True)


def test_a_study_typed_with_an_error_is_kept_in_the_form(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    crew.sign_in(crew.officer)
    # The officer's team does not hold the ticket: give it to them to work on.
    tickets.assign(ticket.id, actor=crew.manager, expected_version=None,
                   assignee_id=crew.officer.id)
    response = crew.client.post(f"/tickets/{ticket.number}/casework/study", data={
        "version": version_of(ticket), "study-visit_date": "",
        "study-findings": "المنزل مستأجر", "study-recommendation": "approve"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "المنزل مستأجر" in body and 'data-testid="error-study-visit_date"' in body


@pytest.mark.parametrize("route", ["items/{item}", "declaration", "study"])
def test_the_casework_routes_answer_404_for_a_case_out_of_reach(crew, service, route):
    ticket = crew._make_ticket(kind="support_request", team_id=crew.finance.id,
                               service_id=service.id, subject="طلب لفريق المالية")
    case = casework.open_case(ticket, service=service, answers={}, documents={},
                              declaration=None, channel_key="phone")
    db.session.commit()
    crew.sign_in(crew.agent)
    url = f"/tickets/{ticket.number}/casework/" + route.format(
        item=item(ticket, "id_copy").id)
    response = crew.client.post(url, data={"state": "verified", "study-findings": "x",
                                           "study-recommendation": "approve",
                                           "study-visit_date": "2026-11-01"})
    assert response.status_code == 404
    with pytest.raises(TicketNotFound):
        casework.record_declaration_in_person(ticket.id, actor=crew.agent,
                                              expected_version=None)
    assert case.ticket_id == ticket.id and casework.declarations(ticket) == []


# ---------------------------------------------------------------------------------------
# The committee and the contact's history


def test_the_committee_agenda_shows_the_studys_recommendation_and_findings(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    tickets.start(ticket.id, actor=crew.agent, expected_version=None)
    casework.record_study(ticket.id, actor=crew.agent, expected_version=None,
                          visit_date=tickets.riyadh_today().isoformat(),
                          findings="الأسرة تسكن شقة مستأجرة والدخل محدود",
                          recommendation="approve")
    tickets.send_to_committee(ticket.id, actor=crew.agent, expected_version=None)
    crew.sign_in(crew.member)
    page = crew.client.get("/committee").get_data(as_text=True)
    assert 'data-testid="agenda-study" data-recommendation="approve"' in page
    assert "الأسرة تسكن شقة مستأجرة والدخل محدود" in page


def test_the_contacts_history_shows_the_service_and_the_committee_decision(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    tickets.start(ticket.id, actor=crew.agent, expected_version=None)
    casework.record_study(ticket.id, actor=crew.agent, expected_version=None,
                          visit_date=tickets.riyadh_today().isoformat(),
                          findings="مستحق", recommendation="approve")
    tickets.send_to_committee(ticket.id, actor=crew.agent, expected_version=None)
    decide(ticket.id, actor=crew.member, expected_version=None, decision="approve",
           reason="مستحق للدعم")
    contact_id = db.session.get(Ticket, ticket.id).contact_id
    crew.sign_in(crew.manager)
    page = crew.client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "السلة الغذائية" in page
    row = page[page.index(f'data-ticket="{ticket.number}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-testid="committee-outcome"' in row and "text-bg-success" in row


def test_the_research_officer_a_request_is_referred_to_records_the_study_on_the_page(
        crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"})
    tickets.start(ticket.id, actor=crew.agent, expected_version=None)
    tickets.refer(ticket.id, actor=crew.agent, expected_version=None,
                  question="نرجو دراسة الحالة", to_user_id=crew.officer.id)
    crew.sign_in(crew.officer)
    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="submit-study"' in page
    assert 'data-testid="verify-id_copy"' not in page  # a referee sees, the owner verifies
    response = crew.client.post(f"/tickets/{ticket.number}/casework/study", data={
        "version": version_of(ticket),
        "study-visit_date": tickets.riyadh_today().isoformat(),
        "study-findings": "زرنا الأسرة ووجدنا الحاجة قائمة",
        "study-recommendation": "approve"}, headers=HTMX)
    assert response.status_code == 200
    assert 'data-testid="study" data-recommendation="approve"' in response.get_data(
        as_text=True)
    assert casework.current_study(ticket).recorded_by_id == crew.officer.id


def test_the_missing_items_message_is_written_in_the_applicants_language(apply, make_contact):
    from helpdesk.contacts.models import Contact

    contact = make_contact(data={"locale": "en"})
    assert isinstance(contact, Contact)
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",), contact=contact)
    message, = missing_messages(ticket)
    assert message.locale == "en"
    assert message.body.startswith(f"To continue with your request {ticket.number}, we need "
                                   "2 more items:")
    assert "• Monthly income" in message.body and "• Proof of income" in message.body


def test_the_arabic_missing_items_message_reads_in_arabic_from_its_first_line(apply):
    ticket, _case = apply({"family_size": "5"}, documents=("id_copy",))
    message, = missing_messages(ticket)
    heading, *lines = message.body.splitlines()
    assert ticket.number in heading and "نحتاج" in heading
    assert lines == ["• الدخل الشهري", "• إثبات الدخل"]


def test_a_declaration_made_in_person_is_recorded_from_the_ticket_page(crew, apply):
    ticket, _case = apply({"family_size": "5", "monthly_income": "4000"}, declared=False)
    crew.sign_in(crew.agent)
    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="no-declaration"' in page
    response = crew.client.post(f"/tickets/{ticket.number}/casework/declaration",
                                data={"version": version_of(ticket)}, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count('data-testid="declaration"') == 1
    assert crew.agent.name in body.split('data-testid="declaration"', 1)[1]
