"""The API's public tracking (the portal's answers, its rate limits), base64 attachments on
new tickets, and JSON answers for unknown URLs and wrong methods under /api/."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from helpdesk.api.services import SCOPES, create_token
from helpdesk.extensions import db, limiter
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.uploads import stored_path

PHONE = "+966512345678"
PDF = b"%PDF-1.7\n% a salary certificate\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def bearer(app, make_user):
    def factory(role: str = "manager", language: str | None = None):
        _token, secret = create_token(make_user(role), "الموقع الإلكتروني", SCOPES)
        headers = {"Authorization": f"Bearer {secret}"}
        if language:
            headers["Accept-Language"] = language
        return headers

    return factory


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)
    payload = response.get_json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}
    assert payload["error"]["code"] == code and payload["error"]["message"]
    return payload["error"]


def new_ticket(**overrides):
    body = {"channel": "website", "kind": "support_request", "subject": "دعم إيجار",
            "body": "أرفقت عقد الإيجار وتعريف الراتب.",
            "contact": {"name": "نورة القحطاني", "phone": "0512345678"}}
    body.update(overrides)
    return body


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ---------------------------------------------------------------------------------------
# Public tracking

@pytest.fixture
def filed(make_contact, make_ticket, make_user):
    ticket = make_ticket(contact=make_contact(phone=PHONE), kind="support_request",
                         body="أرغب في التسجيل في برنامج السلال الغذائية")
    manager = make_user("manager")
    tickets.add_note(ticket.number, actor=manager, expected_version=None, body="ملاحظة داخلية")
    tickets.start(ticket.number, actor=manager, expected_version=None)
    tickets.send_to_committee(ticket.number, actor=manager, expected_version=None)
    return db.session.get(Ticket, ticket.id, populate_existing=True)


def test_public_tracking_shows_what_the_portal_shows_and_nothing_more(client, filed):
    response = client.post("/api/v1/public/track",
                           json={"number": filed.number, "phone": "٠٥١٢٣٤٥٦٧٨"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(body) == {"number", "status", "status_label", "next_step",
                         "expected_decision_on", "timeline"}
    assert body["number"] == filed.number and body["status"] == "committee"
    assert body["status_label"] == "Your request is before the research committee"
    assert body["expected_decision_on"] == filed.decision_due_on.isoformat()
    types = [item["type"] for item in body["timeline"]]
    assert "note" not in types and "ملاحظة داخلية" not in response.get_data(as_text=True)
    assert types[0] == "created" and body["timeline"][0]["label"] == "Your request was received"
    assert "message_out" in types  # the committee notice the person was sent
    # The portal's page (Arabic, its default) says the same as the API in Arabic.
    arabic = client.post("/api/v1/public/track",
                         json={"number": filed.number, "phone": PHONE}).get_json()
    page = client.post("/track", data={"number": filed.number, "phone": PHONE})
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert arabic["status_label"] in html and arabic["next_step"] in html
    assert all(item["label"] in html for item in arabic["timeline"])
    assert arabic["status_label"] != body["status_label"]


def test_public_tracking_answers_in_arabic_by_default(client, filed):
    body = client.post("/api/v1/public/track",
                       json={"number": filed.number, "phone": PHONE}).get_json()
    assert body["status"] == "committee" and body["status_label"] != \
        "Your request is before the research committee"


def test_a_wrong_phone_and_an_unknown_number_get_the_portals_same_answer(client, filed):
    wrong = client.post("/api/v1/public/track",
                        json={"number": filed.number, "phone": "0598765432"})
    unknown = client.post("/api/v1/public/track",
                          json={"number": "2026-999999", "phone": "0598765432"})
    assert wrong.get_json() == unknown.get_json()
    error = assert_error(wrong, 404, "not_found")
    portal = client.post("/track", data={"number": "2026-999999", "phone": "0598765432"})
    assert error["message"] in portal.get_data(as_text=True)


def test_a_phone_that_cannot_be_a_phone_is_refused_at_its_field(client, filed):
    error = assert_error(client.post("/api/v1/public/track",
                                     json={"number": filed.number, "phone": "12"}),
                         422, "validation_failed")
    assert set(error["fields"]) == {"phone"}
    assert_error(client.post("/api/v1/public/track", json={"number": filed.number}),
                 422, "validation_failed")


def test_repeated_failed_lookups_on_one_number_from_one_address_are_refused(
        make_app, make_contact, make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_NUMBER_RATE_LIMIT="3 per hour",
                   PORTAL_LOOKUP_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        ticket = make_ticket(contact=make_contact(phone=PHONE))
        client = app.test_client()
        statuses = [client.post("/api/v1/public/track",
                                json={"number": ticket.number, "phone": f"05000000{n:02d}"},
                                environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
                    for n in range(1, 5)]
        assert statuses == [404, 404, 404, 429]
        # The guesses of one address never lock the rightful person out.
        right = client.post("/api/v1/public/track",
                            json={"number": ticket.number, "phone": PHONE},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert right.status_code == 200


def test_one_address_guessing_many_numbers_is_refused(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="5 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="100 per hour")
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        statuses = [client.post("/api/v1/public/track",
                                json={"number": f"2026-{n:06d}", "phone": "0512345678"}
                                ).status_code for n in range(1, 8)]
        assert statuses == [404] * 5 + [429, 429]


def test_a_person_who_finds_their_request_is_never_counted(make_app, make_contact,
                                                           make_ticket):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_RATE_LIMIT="2 per hour",
                   PORTAL_NUMBER_RATE_LIMIT="2 per hour")
    with app.app_context():
        limiter.reset()
        ticket = make_ticket(contact=make_contact(phone=PHONE))
        client = app.test_client()
        for _ in range(4):
            response = client.post("/api/v1/public/track",
                                   json={"number": ticket.number, "phone": PHONE})
            assert response.status_code == 200


# ---------------------------------------------------------------------------------------
# Attachments

def test_a_ticket_is_created_with_its_attachments(client, bearer):
    headers = bearer()
    response = client.post("/api/v1/tickets", headers=headers, json=new_ticket(attachments=[
        {"filename": "عقد الإيجار.pdf", "content_type": "application/pdf",
         "content_base64": b64(PDF)},
        {"filename": "صورة.png", "content_type": "image/png", "content_base64": b64(PNG)}]))
    assert response.status_code == 201, response.get_data(as_text=True)
    ticket = db.session.scalar(select(Ticket).where(
        Ticket.number == response.get_json()["number"]))
    files = list(db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                                    .order_by(Attachment.id)))
    assert [f.display_name for f in files] == ["عقد الإيجار.pdf", "صورة.png"]
    assert [f.content_type for f in files] == ["application/pdf", "image/png"]
    assert stored_path(files[0].stored_name).read_bytes() == PDF
    created = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                    Event.type == "created"))
    assert all(f.event_id == created.id for f in files)
    assert created.data["attachments"] == [f.id for f in files]


def test_a_repeat_with_the_same_key_stores_no_second_copy(client, bearer):
    headers = {**bearer(), "Idempotency-Key": "with-files-1"}
    body = new_ticket(attachments=[{"filename": "a.pdf", "content_type": "application/pdf",
                                    "content_base64": b64(PDF)}])
    first = client.post("/api/v1/tickets", headers=headers, json=body)
    again = client.post("/api/v1/tickets", headers=headers, json=body)
    assert first.get_json()["number"] == again.get_json()["number"]
    assert len(list(db.session.scalars(select(Attachment)))) == 1


@pytest.mark.parametrize(("attachment", "field", "fragment"), [
    ({"filename": "x.pdf", "content_type": "application/pdf", "content_base64": "%%%"},
     "attachments[0].content_base64", "base64"),
    ({"filename": "x.exe", "content_type": "application/pdf",
      "content_base64": b64(b"MZ\x90\x00 not a document")},
     "attachments[0].content_base64", "PDF, JPEG or PNG"),
    ({"filename": "x.png", "content_type": "application/pdf", "content_base64": b64(PNG)},
     "attachments[0].content_type", "type"),
    ({"filename": "x.pdf", "content_type": "text/plain", "content_base64": b64(PDF)},
     "attachments[0].content_type", "application/pdf"),
    ({"filename": "x.pdf", "content_type": "application/pdf"},
     "attachments[0].content_base64", "required"),
])
def test_a_bad_attachment_is_refused_at_its_field_and_no_ticket_is_opened(
        client, bearer, attachment, field, fragment):
    error = assert_error(client.post("/api/v1/tickets", headers=bearer(language="en"),
                                     json=new_ticket(attachments=[attachment])),
                         422, "validation_failed")
    assert field in error["fields"] and fragment in error["fields"][field]
    assert db.session.scalar(select(Ticket.id)) is None


def test_an_attachment_over_the_portals_size_limit_is_refused(make_app, make_user):
    app = make_app(PORTAL_DOCUMENT_MAX_BYTES=1024 * 1024)
    with app.app_context():
        _token, secret = create_token(make_user("manager"), "x", SCOPES)
        big = PDF + b"0" * (1024 * 1024)
        error = assert_error(app.test_client().post(
            "/api/v1/tickets", headers={"Authorization": f"Bearer {secret}",
                                        "Accept-Language": "en"},
            json=new_ticket(attachments=[{"filename": "big.pdf",
                                          "content_type": "application/pdf",
                                          "content_base64": b64(big)}])),
            422, "validation_failed")
        assert "too large" in error["fields"]["attachments[0].content_base64"]


def test_more_than_five_attachments_are_refused(client, bearer):
    one = {"filename": "a.pdf", "content_type": "application/pdf",
           "content_base64": b64(PDF)}
    error = assert_error(client.post("/api/v1/tickets", headers=bearer(language="en"),
                                     json=new_ticket(attachments=[one] * 6)),
                         422, "validation_failed")
    assert error["fields"] == {"attachments": "Send at most 5 items."}
    assert db.session.scalar(select(Ticket.id)) is None


# ---------------------------------------------------------------------------------------
# Unknown URLs and wrong methods

def test_an_unknown_api_url_answers_404_in_the_json_shape_in_the_requests_language(client):
    arabic = assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    english = assert_error(client.get("/api/v1/nothing-here",
                                      headers={"Accept-Language": "en"}), 404, "not_found")
    assert english["message"] == "Not found, or out of your reach."
    assert arabic["message"] != english["message"] and arabic["fields"] == {}
    assert_error(client.post("/api/v2/tickets"), 404, "not_found")
    assert client.get("/api/v1/nothing-here").content_type == "application/json"


def test_a_wrong_method_under_the_api_answers_405_in_the_json_shape(client):
    response = client.delete("/api/v1/tickets", headers={"Accept-Language": "en"})
    error = assert_error(response, 405, "method_not_allowed")
    assert error["message"] == "This method is not allowed here."
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert_error(client.get("/api/v1/public/track"), 405, "method_not_allowed")


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_the_openapi_document_declares_the_new_operations(client):
    document = client.get("/api/openapi.json").get_json()
    track = document["paths"]["/api/v1/public/track"]["post"]
    assert "security" not in track
    assert set(track["responses"]) >= {"200", "404", "422", "429"}
    new = document["components"]["schemas"]["NewTicket"]["properties"]["attachments"]
    assert new["maxItems"] == 5
    assert "NewAttachment" in document["components"]["schemas"]
