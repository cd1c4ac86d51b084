"""The website channel's contact form on the portal: a request becomes a ticket with a
number, a tracking link and an SMS receipt; robots are refused quietly but recorded; bad
input is refused beside the field with everything typed kept; floods are rate limited."""

from __future__ import annotations

import io
import re
import time

import pytest
from flask import url_for
from sqlalchemy import func, select

from helpdesk.channels.models import IntakeFailure
from helpdesk.extensions import db, limiter
from helpdesk.portal.submission import new_form_stamp
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage

PDF = b"%PDF-1.7\n% a rental contract\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def html(response) -> str:
    return response.get_data(as_text=True)


def stamp(seconds_ago: float = 60) -> str:
    """The stamp of a form shown ``seconds_ago`` (a person takes a while to fill it)."""
    return new_form_stamp(issued_at=time.time() - seconds_ago)


def form(**overrides) -> dict:
    data = {"form_stamp": stamp(), "kind": "complaint", "name": "هند العتيبي",
            "phone": "0512345678", "message": "تأخر الرد على طلبي أكثر من أسبوعين"}
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only_ticket() -> Ticket:
    return db.session.scalars(select(Ticket)).one()


# ---------------------------------------------------------------------------------------
# The form

def test_the_contact_form_is_drawn_from_the_website_channels_fields_and_needs_no_script(
        client):
    response = client.get("/contact")
    assert response.status_code == 200
    page = html(response)
    for name in ("kind", "name", "phone", "national_id", "email", "message", "attachments"):
        assert f'name="{name}"' in page
    assert 'enctype="multipart/form-data"' in page and 'action="/contact"' in page
    assert 'name="form_stamp"' in page and 'class="portal-hp"' in page
    # The one script only words the file picker in the page's language; the form posts
    # without it.
    scripts = re.findall(r"<script[^>]*>", page)
    assert len(scripts) == 1 and "js/file-inputs.js" in scripts[0]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_portal_home_links_to_the_contact_form_while_the_website_channel_is_on(
        client, make_user):
    from helpdesk.channels.services import set_channel_active

    assert 'href="/contact"' in html(client.get("/portal"))
    set_channel_active("website", False, make_user("admin"))
    assert 'href="/contact"' not in html(client.get("/portal"))
    closed = client.get("/contact")
    assert closed.status_code == 404
    assert 'data-testid="portal-message"' in html(closed)
    assert client.post("/contact", data=form()).status_code == 404
    assert count(Ticket) == 0


def test_support_requests_and_volunteering_are_sent_to_their_own_forms(app, client):
    for kind, endpoint in (("support_request", "applications.apply"),
                           ("volunteering", "volunteers.apply")):
        response = client.post("/contact", data=form(kind=kind))
        if endpoint in app.view_functions:
            with app.test_request_context():
                target = url_for(endpoint)
            assert response.status_code == 303
            assert response.headers["Location"] == target
            assert f'href="{target}"' in html(client.get("/contact"))
        else:  # not installed here: the contact form takes the request itself
            assert response.status_code == 303
    if "applications.apply" in app.view_functions:
        assert count(Ticket) == 0


# ---------------------------------------------------------------------------------------
# A request received

def test_a_request_becomes_a_ticket_with_a_number_a_tracking_link_and_an_sms_receipt(client):
    response = client.post("/contact", data=form(email="hind@example.org",
                                                 national_id="1234567897"))
    assert response.status_code == 303
    ticket = only_ticket()
    assert (ticket.channel_key, ticket.kind, ticket.status) == ("website", "complaint", "new")
    assert ticket.contact.phone == "+966512345678"
    assert ticket.contact.national_id == "1234567897"
    assert ticket.contact.email == "hind@example.org"
    assert ticket.channel_data["form"] == "contact"
    created = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                    Event.type == "created"))
    assert created.body == "تأخر الرد على طلبي أكثر من أسبوعين"

    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200 and receipt.headers["Cache-Control"] == "no-store"
    page = html(receipt)
    number = page.split('data-testid="receipt-number">', 1)[1].split("<", 1)[0]
    assert number == ticket.number
    link = re.search(r'data-testid="tracking-link">([^<]+)<', page).group(1)
    assert "5678" in page.split('data-testid="receipt-sms"', 1)[1].split("</p>", 1)[0]
    tracked = client.get(link.replace("http://localhost", ""))
    assert tracked.status_code == 200 and ticket.number in html(tracked)

    sms = db.session.scalars(select(OutboxMessage)).one()
    assert (sms.purpose, sms.transport, sms.to_phone) == ("receipt", "sms", "+966512345678")
    assert ticket.number in sms.body
    sms_link = re.search(r"http://localhost(/t/\S+)", sms.body).group(1)
    assert ticket.number in html(client.get(sms_link))


def test_the_same_form_sent_twice_opens_one_ticket_and_sends_one_receipt(client):
    data = form()
    first = client.post("/contact", data=data)
    second = client.post("/contact", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Ticket) == 1 and count(OutboxMessage) == 1


def test_the_person_tracks_the_request_with_the_phone_typed_on_the_form(client,
                                                                        make_contact):
    # Known by national ID with an older number: the form's number still finds the request
    # and receives the receipt.
    make_contact(national_id="1234567897", phone="+966598765432")
    client.post("/contact", data=form(national_id="1234567897", phone="0551112222"))
    ticket = only_ticket()
    assert ticket.contact.phone == "+966598765432"
    found = client.post("/track", data={"number": ticket.number, "phone": "0551112222"})
    assert found.status_code == 302
    assert db.session.scalar(select(OutboxMessage.to_phone)) == "+966551112222"


def test_attached_documents_join_the_request_and_show_on_its_tracking_page(client):
    response = client.post("/contact", data=form(attachments=[
        (io.BytesIO(PDF), "عقد الإيجار.pdf"), (io.BytesIO(PNG), "صورة.png")]))
    assert response.status_code == 303
    ticket = only_ticket()
    attachments = list(db.session.scalars(select(Attachment).where(
        Attachment.ticket_id == ticket.id).order_by(Attachment.id)))
    assert [(a.display_name, a.content_type) for a in attachments] == [
        ("عقد الإيجار.pdf", "application/pdf"), ("صورة.png", "image/png")]
    created = db.session.get(Event, attachments[0].event_id)
    assert created.type == "created"
    assert created.data["attachments"] == [a.id for a in attachments]
    page = html(client.get(client.get(response.headers["Location"]).get_data(as_text=True)
                           .split('data-testid="tracking-link">', 1)[1].split("<", 1)[0]
                           .replace("http://localhost", "")))
    assert "عقد الإيجار.pdf" in page and "صورة.png" in page


def test_an_attachment_that_is_not_a_document_is_refused_and_nothing_is_opened(client):
    response = client.post("/contact", data=form(attachments=[
        (io.BytesIO(b"MZ\x90\x00 a program"), "invoice.exe")]))
    assert response.status_code == 422
    page = html(response)
    assert 'data-testid="error-attachments"' in page and 'data-testid="files-lost"' in page
    assert count(Ticket) == 0 and count(Attachment) == 0


def test_more_files_than_allowed_are_refused(client):
    files = [(io.BytesIO(PDF), f"{n}.pdf") for n in range(4)]
    response = client.post("/contact", data=form(attachments=files))
    assert response.status_code == 422
    assert 'data-testid="error-attachments"' in html(response)
    assert count(Ticket) == 0


def test_a_file_over_the_size_limit_is_refused(make_app):
    app = make_app(PORTAL_DOCUMENT_MAX_BYTES=1024)
    with app.app_context():
        client = app.test_client()
        response = client.post("/contact", data=form(attachments=[
            (io.BytesIO(b"%PDF-" + b"0" * 2048), "big.pdf")]))
        assert response.status_code == 422
        assert "big.pdf" in html(response).split('data-testid="error-attachments"', 1)[1]
        assert count(Ticket) == 0


# ---------------------------------------------------------------------------------------
# Bad input

def test_missing_and_invalid_fields_are_refused_beside_each_field_keeping_what_was_typed(
        client):
    response = client.post("/contact", data=form(
        name="", phone="12345", email="not-an-email", national_id="1234567890",
        message="رسالتي كما كتبتها", kind="suggestion"))
    assert response.status_code == 422
    page = html(response)
    for name in ("name", "phone", "email", "national_id"):
        assert f'data-testid="error-{name}"' in page, name
    assert 'data-testid="error-message"' not in page
    assert 'value="12345"' in page and 'value="not-an-email"' in page
    assert ">رسالتي كما كتبتها</textarea>" in page
    assert '<option value="suggestion" selected>' in page
    assert count(Ticket) == 0 and count(IntakeFailure) == 0


def test_a_kind_the_form_does_not_offer_is_refused(client):
    response = client.post("/contact", data=form(kind="hacking"))
    assert response.status_code == 422
    assert 'data-testid="error-kind"' in html(response)


def test_errors_are_written_in_english_for_an_english_reader(client):
    client.post("/locale", data={"locale": "en", "next": "/contact"})
    page = html(client.post("/contact", data=form(message="")))
    assert "This field is required." in page.split('data-testid="error-message"', 1)[1]


# ---------------------------------------------------------------------------------------
# Robots

def test_a_filled_hidden_field_is_thanked_but_nothing_is_opened_and_it_is_recorded(client):
    response = client.post("/contact", data=form(website="http://spam.example"))
    assert response.status_code == 200
    assert 'data-testid="portal-message"' in html(response)
    assert "receipt-number" not in html(response)
    assert count(Ticket) == 0 and count(OutboxMessage) == 0
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert (failure.channel_key, failure.reason) == ("website", "intake")
    assert "hidden field" in failure.detail
    assert "spam.example" in failure.payload_excerpt


@pytest.mark.parametrize("bad_stamp, why", [
    (lambda: new_form_stamp(issued_at=time.time()), "too fast"),
    (lambda: new_form_stamp(issued_at=time.time() - 3 * 24 * 3600), "expired"),
    (lambda: new_form_stamp()[:-3] + "abc", "forged"),
    (lambda: "", "missing"),
])
def test_a_form_sent_too_fast_or_with_a_bad_stamp_is_shown_again_and_recorded(
        client, bad_stamp, why):
    response = client.post("/contact", data=form(form_stamp=bad_stamp(),
                                                 message="رسالة محفوظة"))
    assert response.status_code == 422
    page = html(response)
    assert 'data-testid="form-refused"' in page
    assert ">رسالة محفوظة</textarea>" in page
    fresh = re.search(r'name="form_stamp" value="([^"]+)"', page).group(1)
    assert count(Ticket) == 0
    failure = db.session.scalars(select(IntakeFailure)).one()
    assert why in failure.detail and "رسالة" not in failure.detail
    # The person sends it again a little later: received.
    client.application.config["PORTAL_CONTACT_MIN_SECONDS"] = 0
    assert client.post("/contact", data=form(form_stamp=fresh)).status_code == 303


# ---------------------------------------------------------------------------------------
# Floods

def test_one_address_sending_many_forms_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_CONTACT_IP_RATE_LIMIT="3 per hour",
                   PORTAL_CONTACT_PHONE_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        statuses = [client.post("/contact", data=form(phone=f"05000000{n:02d}")).status_code
                    for n in range(1, 6)]
        assert statuses == [303, 303, 303, 429, 429]
        assert 'data-testid="portal-message"' in html(
            client.post("/contact", data=form(phone="0500000099")))
        assert count(Ticket) == 3


def test_one_phone_sending_many_requests_is_rate_limited_from_any_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_CONTACT_IP_RATE_LIMIT="100 per hour",
                   PORTAL_CONTACT_PHONE_RATE_LIMIT="2 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()

        def send(phone, n, **extra):
            return client.post("/contact", data=form(phone=phone, **extra),
                               environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code

        # A form refused for a missing field does not count against the person.
        assert send("0512345678", 1, name="") == 422
        assert send("0512345678", 2) == 303
        assert send("+966512345678", 3) == 303
        assert send("٠٥١٢٣٤٥٦٧٨", 4) == 429
        assert send("0598765432", 5) == 303
        assert count(Ticket) == 3


def test_staff_read_the_message_sent_through_the_form_on_the_ticket_page(client, make_user, login):
    client.post("/contact", data=form(attachments=[(io.BytesIO(PDF), "عقد الإيجار.pdf")]))
    ticket = only_ticket()
    login(make_user("manager"))
    response = client.get(f"/tickets/{ticket.number}")
    assert response.status_code == 200
    assert "تأخر الرد على طلبي أكثر من أسبوعين" in html(response)


def test_a_request_that_cannot_be_stored_is_recorded_and_the_person_asked_to_retry(
        make_app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the upload folder's path is taken by a file")
    app = make_app(UPLOAD_DIR=str(blocked))
    with app.app_context():
        response = app.test_client().post("/contact", data=form(
            attachments=[(io.BytesIO(PDF), "عقد.pdf")]))
        assert response.status_code == 503
        assert 'data-testid="portal-message"' in html(response)
        assert count(Ticket) == 0
        failure = db.session.scalars(select(IntakeFailure)).one()
        assert failure.channel_key == "website" and failure.external_id.startswith("contact:")
        assert "هند العتيبي" in failure.payload_excerpt
