"""The walk-in desk: a support request recorded with the applicant present (checklist,
typed name and drawn signature), staff files and the receipt sent at once at intake."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from helpdesk.casework.models import ChecklistItem, Declaration
from helpdesk.extensions import db
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage
from helpdesk.uploads import UploadRejected, check_png_data_url
from tests.conftest import PASSWORD
from tests.support.png import data_url, png

ALL_PLUGINS = ["plugins.interview", "plugins.phone", "plugins.social", "plugins.letters",
               "plugins.help_requests", "plugins.volunteering", "plugins.website",
               "plugins.branch_visits"]


def html(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def service(app):
    return create_service({
        "key": "food_basket", "name_ar": "السلة الغذائية", "decision_window_days": 10,
        "fields": [{"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة",
                    "min": 1, "max": 30}],
        "documents": [{"key": "id_copy", "label_ar": "صورة الهوية", "types": ["pdf", "png"]},
                      {"key": "lease", "label_ar": "عقد الإيجار", "types": ["pdf"]}],
    }, actor=None)


def desk_form(client, **fields):
    location = client.get("/tickets/new/support-request/food_basket?channel=interview") \
        .headers["Location"]
    data = {"draft": location.split("draft=")[1].split("&")[0],
            "applicant-name": "نورة محمد العتيبي", "applicant-national_id": "1234567897",
            "applicant-phone": "0551234567", "answer-family_size": "5",
            "desk-channel": "interview", "declaration": "on",
            "declaration-name": "نورة محمد العتيبي",
            "declaration-signature": data_url(png()),
            "verify-field-family_size": "on", "verify-document-id_copy": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# -- the signature -----------------------------------------------------------------------

def test_a_real_png_signature_is_accepted():
    checked = check_png_data_url(data_url(png()), max_bytes=10_000, display_name="s.png")
    assert checked.content_type == "image/png" and checked.data == png()


@pytest.mark.parametrize("text", [
    data_url(b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg"),
    "data:image/png;base64,not base64!",
    data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 60),       # a PNG's signature, no PNG behind
    data_url(png()[:-12]),                                 # cut short: no IEND
    data_url(png(5000, 1)),                                # wider than any canvas
    "javascript:alert(1)",
])
def test_anything_but_a_real_png_is_refused_as_a_signature(text):
    with pytest.raises(UploadRejected) as refused:
        check_png_data_url(text, max_bytes=100_000, display_name="s.png")
    assert refused.value.reason == "type"


def test_an_oversized_signature_is_refused_before_it_is_decoded():
    with pytest.raises(UploadRejected) as refused:
        check_png_data_url(data_url(png(padding=5000)), max_bytes=2000, display_name="s.png")
    assert refused.value.reason == "size"


# -- the walk-in support request -----------------------------------------------------------

def test_a_walk_in_support_request_is_recorded_with_checklist_signature_and_receipt(
        client, login, make_user, service):
    agent = make_user("agent")
    login(agent)
    done = client.post("/tickets/new/support-request/food_basket", data=desk_form(client))
    assert done.status_code == 302, html(done)[:2000]
    ticket = db.session.scalar(select(Ticket))
    assert ticket.channel_key == "interview" and ticket.kind == "support_request"
    items = {item.key: item for item in db.session.scalars(select(ChecklistItem))}
    assert items["family_size"].state == "verified"
    assert items["family_size"].verified_by_id == agent.id
    assert items["id_copy"].state == "verified"      # the original was seen at the desk
    assert items["lease"].state == "missing"         # not seen: still asked for
    declaration = db.session.scalar(select(Declaration))
    assert declaration.channel_key == "in_person" and declaration.recorded_by_id == agent.id
    event = db.session.scalar(select(Event).where(Event.type == "declaration_recorded"))
    assert event.data["signed_name"] == "نورة محمد العتيبي"
    assert event.data["signature"] == "drawn"
    signature = db.session.get(Attachment, event.data["attachments"][0])
    assert signature.event_id == event.id and signature.content_type == "image/png"
    assert signature.uploaded_by_id == agent.id
    # The signature is on the timeline and served through the ticket's access rule.
    page = html(client.get(f"/tickets/{ticket.number}"))
    assert 'data-testid="signature-image"' in page and "نورة محمد العتيبي" in page
    image = client.get(f"/tickets/{ticket.number}/attachments/{signature.id}?inline=1")
    assert image.status_code == 200 and image.data == png()
    # The number and tracking link go to the person at once, by SMS (heading the list of
    # what is still missing).
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.transport == "sms" and message.to_phone == "+966551234567"
    assert ticket.number in message.body and "http://localhost/" in message.body
    assert "عقد الإيجار" in message.body
    printed = client.get(f"/tickets/{ticket.number}/receipt")
    assert printed.status_code == 200 and 'data-testid="receipt-decision-due"' in html(printed)


def test_the_signature_on_paper_is_the_alternative(client, login, make_user, service):
    login(make_user("agent"))
    done = client.post("/tickets/new/support-request/food_basket", data=desk_form(
        client, **{"declaration-signature": None, "declaration-paper": "on"}))
    assert done.status_code == 302
    event = db.session.scalar(select(Event).where(Event.type == "declaration_recorded"))
    assert event.data["signature"] == "on_paper" and "attachments" not in event.data


def test_without_a_name_or_a_signature_the_desk_is_told_at_each_field(client, login,
                                                                     make_user, service):
    login(make_user("agent"))
    refused = client.post("/tickets/new/support-request/food_basket", data=desk_form(
        client, **{"declaration-name": " ", "declaration-signature": None}))
    assert refused.status_code == 422
    page = html(refused)
    assert 'data-testid="error-declaration-name"' in page
    assert 'data-testid="error-declaration-signature"' in page
    assert "اطلب من مقدّم الطلب كتابة اسمه الكامل." in page
    assert 'value="نورة محمد العتيبي"' in page   # what was typed is kept
    assert count(Ticket) == 0


def test_an_oversized_signature_is_refused_with_the_limit_stated(make_app):
    app = make_app(SIGNATURE_MAX_BYTES=2048)
    with app.app_context():
        create_service({"key": "food_basket", "name_ar": "السلة الغذائية",
                        "fields": []}, actor=None)
        from helpdesk.accounts.services import create_user
        create_user(role="agent", email="desk@example.org", name="موظف", password="x" * 12)
    client = app.test_client()
    client.post("/login", data={"email": "desk@example.org", "password": "x" * 12})
    refused = client.post("/tickets/new/support-request/food_basket", data=desk_form(
        client, **{"declaration-signature": data_url(png(padding=4000))}))
    assert refused.status_code == 422
    assert "الحد الأقصى 2 كيلوبايت" in html(refused) or "كيلوبايتان" in html(refused)


def test_a_walk_in_request_sent_twice_opens_one_ticket(client, login, make_user, service):
    login(make_user("agent"))
    form = desk_form(client)
    first = client.post("/tickets/new/support-request/food_basket", data=form)
    again = client.post("/tickets/new/support-request/food_basket", data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Ticket) == 1 and count(Declaration) == 1


def test_a_channel_that_is_not_at_the_desk_is_refused(client, login, make_user, service):
    login(make_user("agent"))
    refused = client.post("/tickets/new/support-request/food_basket",
                          data=desk_form(client, **{"desk-channel": "website"}))
    assert refused.status_code == 422
    assert 'data-testid="error-desk-channel"' in html(refused)


def test_the_contact_lookup_answers_as_the_agent_types(client, htmx, login, make_user,
                                                       make_contact):
    make_contact(name="سارة الحربي", national_id="2345678904")
    login(make_user("agent"))
    answer = htmx.get("/tickets/new/support-request?q=2345678904&channel=interview")
    assert answer.status_code == 200
    page = html(answer)
    assert "<html" not in page and "سارة الحربي" in page
    assert "channel=interview" in page
    nobody = html(htmx.get("/tickets/new/support-request?q=لا أحد"))
    assert 'data-testid="no-contact"' in nobody


def test_the_declaration_prints_for_a_handwritten_signature(app, client, login, make_user,
                                                            service):
    login(make_user("agent"))
    form = desk_form(client)
    client.post("/apply/food_basket/autosave", data=form)
    page = client.get(f"/tickets/new/support-request/food_basket/declaration"
                      f"?draft={form['draft']}")
    assert page.status_code == 200
    assert "نورة محمد العتيبي" in html(page) and 'data-testid="declaration-text"' in html(page)
    stranger = make_user("agent")
    other = app.test_client()
    other.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert other.get(f"/tickets/new/support-request/food_basket/declaration"
                     f"?draft={form['draft']}").status_code == 404


# -- staff intake: files and the receipt at once -------------------------------------------

def intake(**fields):
    data = {"channel": "interview", "kind": "inquiry", "priority": "normal",
            "intake_token": "walk-in-token-0001", "name": "خالد الدوسري",
            "phone": "0551234567", "summary": "يسأل عن مواعيد توزيع السلال"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_an_intake_with_consent_sends_the_number_and_link_at_once(client, login,
                                                                  make_user):
    login(make_user("agent"))
    done = client.post("/tickets/new", data=intake(send_receipt="on"))
    assert done.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    [receipt] = db.session.scalars(select(OutboxMessage)).all()
    assert receipt.purpose == "receipt" and receipt.transport == "sms"
    assert receipt.to_phone == "+966551234567" and ticket.number in receipt.body
    # Off the timeline: the tracking link is the person's secret.
    assert not any("portal" in (event.body or "") for event in
                   db.session.scalars(select(Event).where(Event.ticket_id == ticket.id)))


def test_an_intake_without_consent_sends_nothing(client, login, make_user):
    login(make_user("agent"))
    assert client.post("/tickets/new", data=intake()).status_code == 302
    assert count(OutboxMessage) == 0


def test_staff_attach_a_scan_at_intake(client, login, make_user):
    agent = make_user("agent")
    login(agent)
    done = client.post("/tickets/new", data=intake(
        attachment=(io.BytesIO(b"%PDF-1.7\n% a scan"), "خطاب.pdf")),
        content_type="multipart/form-data")
    assert done.status_code == 302
    attachment = db.session.scalar(select(Attachment))
    created = db.session.scalar(select(Event).where(Event.type == "created"))
    assert attachment.event_id == created.id and attachment.uploaded_by_id == agent.id
    assert attachment.content_type == "application/pdf"
    assert attachment.display_name == "خطاب.pdf"


def test_a_file_that_is_not_an_image_or_pdf_is_refused_at_intake(client, login, make_user):
    login(make_user("agent"))
    refused = client.post("/tickets/new", data=intake(
        attachment=(io.BytesIO(b"GIF89a..."), "photo.jpg")), content_type="multipart/form-data")
    assert refused.status_code == 422
    assert 'data-testid="error-attachment"' in html(refused)
    assert "خالد الدوسري" in html(refused)
    assert count(Ticket) == 0


def test_an_oversized_file_is_refused_at_intake_with_the_limit(make_app):
    app = make_app(STAFF_FILE_MAX_BYTES=1024 * 1024)
    with app.app_context():
        from helpdesk.accounts.services import create_user
        create_user(role="agent", email="desk@example.org", name="موظف", password="x" * 12)
    client = app.test_client()
    client.post("/login", data={"email": "desk@example.org", "password": "x" * 12})
    refused = client.post("/tickets/new", data=intake(
        attachment=(io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024)), "big.pdf")),
        content_type="multipart/form-data")
    # Werkzeug spooled the large body to a temporary file: close it here.
    refused.request.environ["wsgi.input"].close()
    assert refused.status_code == 422
    assert "ميغابايت" in html(refused) and 'data-testid="error-attachment"' in html(refused)


def test_an_invalid_national_id_is_told_at_its_field(client, login, make_user):
    login(make_user("agent"))
    refused = client.post("/tickets/new", data=intake(national_id="1234567890"))
    assert refused.status_code == 422
    assert 'data-testid="error-national_id"' in html(refused)


# -- without the walk-in channel ----------------------------------------------------------

def test_the_application_works_without_the_interview_plugin(make_app):
    app = make_app(plugins=[name for name in ALL_PLUGINS if name != "plugins.interview"])
    with app.app_context():
        from helpdesk.accounts.services import create_user
        from helpdesk.tickets.services import open_ticket
        create_user(role="agent", email="desk@example.org", name="موظف", password="x" * 12)
        ticket = open_ticket(channel_key="phone", kind="support_request", subject="طلب")
        number = ticket.number
    client = app.test_client()
    client.post("/login", data={"email": "desk@example.org", "password": "x" * 12})
    for url in ("/tickets/new", "/tickets/new/support-request", f"/tickets/{number}",
                f"/tickets/{number}/receipt", "/"):
        assert client.get(url).status_code == 200, url
    assert "channel=interview" not in html(client.get("/tickets/new"))


def test_the_intake_form_finds_a_registered_person_as_the_agent_types_and_fills_in(
        client, htmx, login, make_user, make_contact):
    contact = make_contact(name="سارة الحربي", national_id="2345678904",
                           phone="+966551234567")
    login(make_user("agent"))
    answer = htmx.get("/tickets/new?channel=interview&lookup=0551234567")
    assert answer.status_code == 200
    page = html(answer)
    assert "<html" not in page and "سارة الحربي" in page
    assert f"contact={contact.id}" in page
    filled = html(client.get(f"/tickets/new?channel=interview&contact={contact.id}"))
    assert 'value="سارة الحربي"' in filled and 'value="0551234567"' in filled
    assert "2345678904" not in filled     # the national ID is revealed only on purpose
    assert 'data-testid="intake-no-match"' in html(
        htmx.get("/tickets/new?channel=interview&lookup=لا أحد"))
