"""The support request form (portal and staff), its draft, and the "Am I eligible?" page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.applications.models import ApplicationDraft, DraftDocument
from helpdesk.casework.models import Case, ChecklistItem, Declaration
from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets.models import Attachment, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage

PDF = b"%PDF-1.7\n% a scanned lease\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
GIF = b"GIF89a not accepted"


@pytest.fixture
def service(app):
    return create_service({
        "key": "rent_support", "name_ar": "دعم الإيجار", "name_en": "Rent support",
        "decision_window_days": 10,
        "fields": [
            {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري",
             "min": 0},
            {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
             "min": 1, "max": 30},
            {"name": "city", "type": "choice", "label_ar": "المدينة",
             "options": [{"value": "riyadh", "label_ar": "الرياض"},
                         {"value": "kharj", "label_ar": "الخرج"}]},
            {"name": "notes", "type": "textarea", "label_ar": "ملاحظات", "required": False}],
        "documents": [
            {"key": "lease", "label_ar": "عقد الإيجار", "types": ["pdf"], "max_mb": 1},
            {"key": "id_copy", "label_ar": "صورة الهوية", "types": ["pdf", "png"]}],
        "rules": [{"type": "max_per_member", "field": "monthly_income", "per": "family_size",
                   "value": 1500},
                  {"type": "in_list", "field": "city", "values": ["riyadh"]}],
    }, actor=None)


def html(response) -> str:
    return response.get_data(as_text=True)


def person(**overrides):
    data = {"applicant-name": "نورة محمد العتيبي", "applicant-national_id": "1234567897",
            "applicant-phone": "0551234567", "answer-monthly_income": "3000",
            "answer-family_size": "5", "answer-city": "riyadh", "declaration": "on",
            # at the desk: the applicant types their name and signs the printed form
            "declaration-name": "نورة محمد العتيبي", "declaration-paper": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def only_draft() -> ApplicationDraft:
    drafts = list(db.session.scalars(select(ApplicationDraft)))
    assert len(drafts) == 1
    db.session.refresh(drafts[0])
    return drafts[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- the form -----------------------------------------------------------------------------

def test_the_portal_lists_the_active_services_and_opens_the_chosen_form(client, service):
    page = client.get("/apply")
    assert page.status_code == 200 and "دعم الإيجار" in html(page)
    assert client.post("/apply", data={"service": "rent_support"}).headers["Location"] \
        .endswith("/apply/rent_support")
    assert client.post("/apply", data={}).status_code == 422
    form = client.get("/apply/rent_support")
    assert form.status_code == 200
    for name in ("applicant-name", "answer-monthly_income", "document-lease", "declaration"):
        assert f'name="{name}"' in html(form)
    assert client.get("/apply/nothing").status_code == 404


def test_a_form_with_mistakes_comes_back_with_each_message_at_its_field_and_what_was_typed(
        client, service):
    response = client.post("/apply/rent_support", data=person(**{
        "applicant-national_id": "1234567890", "applicant-phone": "0112345678",
        "answer-family_size": "2.5", "answer-city": None, "declaration": None}))
    assert response.status_code == 422
    page = html(response)
    assert 'data-testid="error-applicant-national_id"' in page
    assert 'data-testid="error-applicant-phone"' in page
    assert 'data-testid="error-answer-family_size"' in page
    assert 'data-testid="error-answer-city"' in page
    assert 'data-testid="error-declaration"' in page
    assert 'value="نورة محمد العتيبي"' in page and 'value="3000"' in page
    assert count(Ticket) == 0
    # The draft keeps what was typed; its token is in the page for the next post.
    draft = only_draft()
    assert draft.answers["answer-monthly_income"] == "3000"
    assert f'value="{draft.token}"' in page


def test_autosave_keeps_the_answers_and_a_reopened_draft_restores_them_and_its_documents(
        client, htmx, service):
    saved = htmx.post("/apply/rent_support/autosave", data={
        "applicant-name": "نورة", "answer-monthly_income": "2000", "answer-family_size": "4",
        "answer-city": "riyadh"})
    assert saved.status_code == 200 and "<html" not in html(saved)
    assert 'data-testid="draft-status"' in html(saved)
    # The verdict for the answers so far comes with it, and the new draft's token.
    assert 'data-status="eligible"' in html(saved)
    draft = only_draft()
    assert len(draft.token) >= 22  # at least 128 random bits, URL-safe
    assert f'value="{draft.token}"' in html(saved)
    assert saved.headers["HX-Replace-Url"].endswith(f"draft={draft.token}")
    assert saved.headers["Cache-Control"] == "no-store"

    uploaded = htmx.post("/apply/rent_support/documents/lease", data={
        "draft": draft.token, "answer-monthly_income": "2500",
        "document-lease": (io.BytesIO(PDF), "عقد الإيجار.pdf")})
    assert uploaded.status_code == 200
    assert 'data-testid="stored-lease"' in html(uploaded)
    assert "عقد الإيجار.pdf" in html(uploaded)

    # The tab is closed; the cookie brings the person back to their draft.
    back = client.get("/apply/rent_support")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"draft={draft.token}")
    page = html(client.get(back.headers["Location"]))
    assert 'value="نورة"' in page and 'value="2500"' in page
    assert 'data-testid="stored-lease"' in page


def test_a_refused_upload_is_named_at_its_place_and_loses_nothing(htmx, client, service):
    htmx.post("/apply/rent_support/autosave", data={"answer-monthly_income": "1800"})
    draft = only_draft()
    htmx.post("/apply/rent_support/documents/id_copy", data={
        "draft": draft.token, "document-id_copy": (io.BytesIO(PNG), "هوية.png")})
    wrong = htmx.post("/apply/rent_support/documents/lease", data={
        "draft": draft.token, "document-lease": (io.BytesIO(GIF), "عقد.gif")})
    assert wrong.status_code == 422
    assert wrong.headers["HX-Retarget"] == "#document-lease"
    assert 'data-testid="error-document-lease"' in html(wrong) and "PDF" in html(wrong)
    large = htmx.post("/apply/rent_support/documents/lease", data={
        "draft": draft.token,
        "document-lease": (io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024)), "big.pdf")})
    # Werkzeug spooled the large body to a temporary file: close it here.
    large.request.environ["wsgi.input"].close()
    assert large.status_code == 422
    message = html(large).split('data-testid="error-document-lease"', 1)[1][:200]
    assert "ميجابايت" in message or "MB" in message
    draft = only_draft()
    assert draft.answers["answer-monthly_income"] == "1800"
    assert [d.document_key for d in draft.documents] == ["id_copy"]


def test_without_scripts_files_sent_with_a_refused_form_stay_in_the_draft(client, service,
                                                                          app):
    response = client.post("/apply/rent_support", data=person(**{
        "applicant-name": "", "document-lease": (io.BytesIO(PDF), "عقد.pdf")}))
    assert response.status_code == 422
    assert 'data-testid="stored-lease"' in html(response)
    draft = only_draft()
    stored = draft.documents[0]
    assert (Path(app.config["UPLOAD_DIR"]) / stored.stored_name).read_bytes() == PDF
    # Sent again, corrected, without choosing the file again: it goes with the request.
    done = client.post("/apply/rent_support", data=person(draft=draft.token))
    assert done.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id))
    assert attachment.stored_name == stored.stored_name and attachment.size == len(PDF)


def test_a_document_can_be_removed_from_the_draft(htmx, service):
    htmx.post("/apply/rent_support/documents/lease", data={
        "document-lease": (io.BytesIO(PDF), "عقد.pdf")})
    draft = only_draft()
    removed = htmx.post("/apply/rent_support/documents/lease/remove",
                        data={"draft": draft.token})
    assert removed.status_code == 200 and 'data-testid="stored-lease"' not in html(removed)
    assert count(DraftDocument) == 0


def test_sending_the_form_opens_one_support_request_with_its_documents_and_case(
        client, service):
    first = client.post("/apply/rent_support", data=person(**{
        "document-lease": (io.BytesIO(PDF), "عقد الإيجار.pdf")}))
    assert first.status_code == 302 and "/apply/done/" in first.headers["Location"]
    ticket = db.session.scalar(select(Ticket))
    assert (ticket.channel_key, ticket.kind, ticket.service_id) == \
        ("help_requests", "support_request", service.id)
    assert ticket.contact.national_id == "1234567897"
    assert ticket.contact.phone == "+966551234567"
    attachments = list(db.session.scalars(select(Attachment)
                                          .where(Attachment.ticket_id == ticket.id)))
    assert [a.display_name for a in attachments] == ["عقد الإيجار.pdf"]
    assert attachments[0].event_id is not None

    # open_case: the answers and verdict, the checklist, the declaration, what is missing.
    case = db.session.scalar(select(Case).where(Case.ticket_id == ticket.id))
    assert case.answers["monthly_income"] == 3000 and case.eligibility == "eligible"
    items = {i.key: i for i in db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.ticket_id == ticket.id))}
    assert items["lease"].state == "received"
    assert items["lease"].attachment_ids == [attachments[0].id]
    assert items["id_copy"].state == "missing"
    assert count(Declaration) == 1
    assert ticket.status == "awaiting_information"
    # One message: the receipt heading the list of what is missing.
    sms, = db.session.scalars(select(OutboxMessage)
                              .where(OutboxMessage.ticket_id == ticket.id))
    assert sms.purpose == "missing_information"
    assert ticket.number in sms.body and "/t/" in sms.body and "صورة الهوية" in sms.body
    assert sms.transport == "sms" and sms.to_phone == "+966551234567"

    # The draft is gone; the receipt shows the number, the window and the tracking link.
    assert count(ApplicationDraft) == 0 and count(DraftDocument) == 0
    receipt = client.get(first.headers["Location"])
    page = html(receipt)
    assert receipt.status_code == 200 and ticket.number in page
    assert 'data-testid="tracking-link"' in page and 'data-testid="committee-window"' in page
    assert "10" in page.split('data-testid="committee-window"')[1][:300]
    assert receipt.headers["Cache-Control"] == "no-store"
    assert set_cookie_cleared(first)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_incomplete_application_sends_one_message_with_the_receipt_and_what_is_missing(
        client, service):
    from helpdesk.tickets.models import Event

    client.post("/apply/rent_support", data=person(**{
        "document-lease": (io.BytesIO(PDF), "عقد.pdf")}))
    ticket = db.session.scalar(select(Ticket))
    assert ticket.status == "awaiting_information"
    message, = outbox()
    assert message.purpose == "missing_information" and message.locale == "ar"
    assert message.to_phone == "+966551234567"
    receipt, _newline, missing = message.body.partition("\n")
    assert ticket.number in receipt and "/t/" in receipt
    # Exactly what is missing: the ID copy, not the lease sent nor the optional notes.
    assert [line for line in missing.splitlines() if line.startswith("• ")] == \
        ["• صورة الهوية"]
    assert "عقد الإيجار" not in message.body and "ملاحظات" not in message.body
    # The timeline shows the list the person was sent, never their private link.
    told, = db.session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                   Event.type == "message_out"))
    assert told.body == missing and "/t/" not in told.body
    assert told.id == message.event_id


def test_a_complete_application_sends_only_the_receipt(client, service):
    client.post("/apply/rent_support", data=person(**{
        "document-lease": (io.BytesIO(PDF), "عقد.pdf"),
        "document-id_copy": (io.BytesIO(PNG), "هوية.png")}))
    ticket = db.session.scalar(select(Ticket))
    assert ticket.status == "new"
    message, = outbox()
    assert (message.purpose, message.transport) == ("receipt", "sms")
    assert ticket.number in message.body and "/t/" in message.body


def test_the_one_message_is_written_in_the_applicants_language(client, service,
                                                               make_contact):
    make_contact(name="Noura", phone="+966551234567", national_id="1234567897",
                 data={"locale": "en"})
    client.post("/apply/rent_support", data=person(**{
        "document-lease": (io.BytesIO(PDF), "عقد.pdf")}))
    message, = outbox()
    assert message.locale == "en"
    assert message.body.startswith("We received your support request ")
    assert "Rent support" in message.body
    assert "To continue with your request" in message.body and "صورة الهوية" in message.body


def set_cookie_cleared(response) -> bool:
    return any("sila_draft_rent_support=;" in value
               for value in response.headers.getlist("Set-Cookie"))


def test_a_declaration_ticked_under_an_older_wording_must_be_made_again(client, service):
    from helpdesk.casework.services import current_declaration_text

    refused = client.post("/apply/rent_support", data=person(declaration_version="2001-v0"))
    assert refused.status_code == 422 and 'data-testid="error-declaration"' in html(refused)
    assert 'name="declaration" value="on" checked' not in html(refused)
    token = only_draft().token
    done = client.post("/apply/rent_support", data=person(
        draft=token, declaration_version=current_declaration_text()[0]))
    assert done.status_code == 302
    assert db.session.scalar(select(Declaration)).text_version == \
        current_declaration_text()[0]


def test_the_same_draft_sent_twice_opens_one_ticket(client, htmx, service):
    htmx.post("/apply/rent_support/autosave", data=person())
    token = only_draft().token
    first = client.post("/apply/rent_support", data=person(draft=token))
    assert first.status_code == 302
    again = client.post("/apply/rent_support", data=person(draft=token))
    assert again.status_code == 302 and "/apply/done/" in again.headers["Location"]
    assert count(Ticket) == 1
    number = db.session.scalar(select(Ticket.number))
    assert number in html(client.get(again.headers["Location"]))
    # An autosave that arrives late keeps nothing and makes no new draft.
    late = htmx.post("/apply/rent_support/autosave", data=person(draft=token))
    assert late.status_code == 204 and count(ApplicationDraft) == 0


def test_an_expired_draft_posted_again_keeps_what_was_typed_in_a_new_draft(client, service):
    expired = client.post("/apply/rent_support", data={
        "draft": "y" * 32, "applicant-name": "سعد", "answer-family_size": "3"})
    assert expired.status_code == 422
    draft = only_draft()
    assert draft.token != "y" * 32 and draft.answers["answer-family_size"] == "3"
    assert 'value="سعد"' in html(expired)


def test_an_ineligible_person_is_told_so_and_can_still_send_their_request(client, htmx,
                                                                          service):
    saved = htmx.post("/apply/rent_support/autosave", data=person(**{
        "answer-monthly_income": "20000", "answer-city": "kharj"}))
    assert 'data-status="not_eligible"' in html(saved)
    assert "You can still submit your request" in html(saved) or "يمكنك" in html(saved)
    token = only_draft().token
    assert client.post("/apply/rent_support", data=person(**{
        "answer-monthly_income": "20000", "answer-city": "kharj", "draft": token})
    ).status_code == 302
    case = db.session.scalar(select(Case))
    assert case.eligibility == "not_eligible" and case.eligibility_reasons


def test_no_request_is_taken_while_the_help_requests_channel_is_off(client, make_user,
                                                                   service):
    from helpdesk.channels.services import set_channel_active

    set_channel_active("help_requests", False, make_user("admin"))
    assert client.get("/apply/rent_support").status_code == 404
    assert client.post("/apply/rent_support", data=person()).status_code == 404
    assert 'data-testid="no-services"' in html(client.get("/apply"))
    assert count(Ticket) == 0


def test_an_unknown_or_expired_draft_is_not_shown(client, service):
    response = client.get("/apply/rent_support?draft=" + "x" * 32)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/apply/rent_support")


def test_expired_drafts_are_purged_with_their_files(htmx, app, service):
    from datetime import timedelta

    from helpdesk.applications.services import purge_expired_drafts
    from helpdesk.db_types import utcnow

    htmx.post("/apply/rent_support/documents/lease", data={
        "document-lease": (io.BytesIO(PDF), "عقد.pdf")})
    draft = only_draft()
    stored = Path(app.config["UPLOAD_DIR"]) / draft.documents[0].stored_name
    assert stored.exists()
    assert purge_expired_drafts() == 0
    assert purge_expired_drafts(now=utcnow() + timedelta(days=31)) == 1
    assert count(ApplicationDraft) == 0 and count(DraftDocument) == 0
    assert not stored.exists()


def test_the_public_posts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, APPLICATION_POST_RATE_LIMIT="2 per minute")
    with app.app_context():
        create_service({"key": "food", "name_ar": "السلة الغذائية"}, actor=None)
        client = app.test_client()
        statuses = [client.post("/apply/food", data={}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


# -- staff --------------------------------------------------------------------------------

def test_staff_record_a_support_request_for_a_contact_they_pick(client, login, make_user,
                                                                 make_contact, service):
    agent = make_user("agent")
    contact = make_contact(name="سارة الحربي", national_id="2345678904")
    login(agent)
    picker = client.get("/tickets/new/support-request?q=سارة")
    assert picker.status_code == 200
    opened = client.get(f"/tickets/new/support-request/rent_support?contact={contact.id}")
    assert opened.status_code == 302
    token = opened.headers["Location"].split("draft=")[1]
    page = html(client.get(opened.headers["Location"]))
    assert 'data-testid="picked-contact"' in page and "سارة الحربي" in page
    refused = client.post("/tickets/new/support-request/rent_support", data={
        "draft": token, "answer-monthly_income": "1000", "answer-family_size": "3",
        "answer-city": "riyadh"})
    assert refused.status_code == 422 and 'data-testid="error-declaration"' in html(refused)
    done = client.post("/tickets/new/support-request/rent_support", data={
        "draft": token, "declaration": "on", "declaration-name": "سارة الحربي",
        "declaration-paper": "on", "document-id_copy": (io.BytesIO(PNG), "هوية.png")})
    assert done.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert done.headers["Location"].endswith(f"/tickets/{ticket.number}")
    assert ticket.contact_id == contact.id and ticket.channel_data["source"] == "office"
    assert count(Contact) == 1
    attachment = db.session.scalar(select(Attachment))
    assert attachment.uploaded_by_id == agent.id
    declaration = db.session.scalar(select(Declaration))
    assert declaration.ticket_id == ticket.id


def test_a_staff_draft_is_never_reachable_by_anyone_else(app, client, login, make_user,
                                                         service):
    login(make_user("agent"))
    token = client.get("/tickets/new/support-request/rent_support") \
        .headers["Location"].split("draft=")[1]
    stranger = app.test_client()
    assert stranger.get(f"/apply/rent_support?draft={token}").status_code == 302
    assert stranger.post("/apply/rent_support/documents/lease/remove",
                         data={"draft": token}).status_code == 404


def test_staff_register_a_new_contact_from_the_typed_details(client, login, make_user,
                                                             service):
    login(make_user("branch_rep"))
    location = client.get("/tickets/new/support-request/rent_support").headers["Location"]
    token = location.split("draft=")[1]
    done = client.post("/tickets/new/support-request/rent_support",
                       data=person(draft=token))
    assert done.status_code == 302
    assert db.session.scalar(select(Ticket)).contact.name == "نورة محمد العتيبي"


# -- am I eligible? -----------------------------------------------------------------------

def test_the_eligibility_page_asks_only_what_the_conditions_read(client, service):
    page = html(client.get("/eligibility?service=rent_support"))
    assert 'name="answer-monthly_income"' in page and 'name="answer-city"' in page
    assert 'name="answer-notes"' not in page
    assert 'data-testid="eligibility-verdict"' not in page


def test_the_eligibility_page_answers_with_the_reason(client, service):
    yes = html(client.get("/eligibility?service=rent_support&answer-monthly_income=3000"
                          "&answer-family_size=5&answer-city=riyadh&check=1"))
    assert 'data-status="eligible"' in yes
    no = html(client.get("/eligibility?service=rent_support&answer-monthly_income=9000"
                         "&answer-family_size=2&answer-city=kharj&check=1"))
    assert 'data-status="not_eligible"' in no
    reasons = no[no.index('data-testid="eligibility-reasons"'):]
    assert "الخرج" in reasons or "kharj" in reasons
    missing = client.get("/eligibility?service=rent_support&answer-family_size=x&check=1")
    assert 'data-testid="eligibility-errors"' in html(missing)
    assert client.get("/eligibility?service=nothing").status_code == 404


def test_apply_from_the_eligibility_page_carries_the_answers_to_the_form(client, service):
    response = client.post("/eligibility/apply", data={
        "service": "rent_support", "answer-monthly_income": "3000",
        "answer-family_size": "5", "answer-city": "riyadh"})
    assert response.status_code == 302
    draft = only_draft()
    assert response.headers["Location"].endswith(f"/apply/rent_support?draft={draft.token}")
    assert draft.answers["answer-family_size"] == "5"
    page = html(client.get(response.headers["Location"]))
    assert 'value="3000"' in page and 'data-status="eligible"' in page


def test_the_portal_home_links_to_the_form_and_the_eligibility_check(client, service):
    page = html(client.get("/portal"))
    assert 'href="/apply"' in page and 'href="/eligibility"' in page


def test_a_service_whose_only_condition_is_the_history_says_staff_check_it(client, app):
    create_service({"key": "eid_clothes", "name_ar": "كسوة العيد",
                    "rules": [{"type": "not_served_within_months", "months": 6}]}, actor=None)
    page = html(client.get("/eligibility?service=eid_clothes"))
    assert 'data-testid="no-conditions"' in page and 'data-testid="apply-now"' in page


def test_a_contact_page_leads_to_a_support_request_for_that_contact(client, login, make_user,
                                                                   make_contact, service):
    contact = make_contact(name="هند القحطاني")
    login(make_user("agent"))
    page = html(client.get(f"/contacts/{contact.id}"))
    assert f'href="/tickets/new/support-request?contact={contact.id}"' in page
    picker = html(client.get(f"/tickets/new/support-request?contact={contact.id}"))
    assert 'data-testid="picked-contact"' in picker and "هند القحطاني" in picker
    assert f"/tickets/new/support-request/rent_support?contact={contact.id}" in picker
