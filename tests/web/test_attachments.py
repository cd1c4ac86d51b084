"""A ticket's files: staff download them through the access rule, the ticket page lists
them, and the person downloads what they sent from their tracking page."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.portal import services as portal
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.uploads import CheckedUpload, store_checked
from helpdesk.web.downloads import content_disposition
from tests.web.crew import Crew

PDF = b"%PDF-1.7\n% a salary certificate\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
ARABIC_NAME = "تعريف بالراتب.pdf"


@pytest.fixture
def crew(app, make_user, make_ticket, client) -> Crew:
    return Crew(make_user, make_ticket, client)


def sign_in(crew: Crew, user) -> None:
    crew.client.post("/login", data={"email": user.email, "password": "correct horse battery"})


def sent_by_the_person(client, ticket: Ticket, data: bytes = PDF,
                       name: str = ARABIC_NAME) -> Attachment:
    """The person attaches a file from their tracking page, as they would."""
    response = client.post(f"/t/{tracking_token(ticket)}/reply",
                           data={"body": "أرفقت المستند", "document": (io.BytesIO(data), name)})
    assert response.status_code == 302
    return db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id)
                             .order_by(Attachment.id.desc()))


def stored_file(ticket: Ticket, *, data: bytes, content_type: str, name: str,
                event: Event | None = None) -> Attachment:
    stored = store_checked(CheckedUpload(data, content_type, ".bin", name))
    attachment = Attachment(ticket_id=ticket.id, event_id=event.id if event else None,
                            display_name=name, stored_name=stored.stored_name,
                            content_type=content_type, size=stored.size, sha256=stored.sha256)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def url(ticket: Ticket, attachment: Attachment, **args) -> str:
    query = "".join(f"&{k}={v}" for k, v in args.items()).replace("&", "?", 1)
    return f"/tickets/{ticket.number}/attachments/{attachment.id}{query}"


# ---------------------------------------------------------------------------------------
# Staff download

def test_a_team_member_downloads_the_file_the_person_sent_with_safe_headers(crew):
    ticket = crew.inquiry()
    attachment = sent_by_the_person(crew.client, ticket)
    sign_in(crew, crew.agent)

    response = crew.client.get(url(ticket, attachment))

    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(ARABIC_NAME)}" in disposition
    assert f'filename="attachment-{attachment.id}.pdf"' in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_image_or_pdf_opens_inline_only_when_asked(crew):
    ticket = crew.inquiry()
    attachment = sent_by_the_person(crew.client, ticket, data=PNG, name="صورة الهوية.png")
    sign_in(crew, crew.agent)

    response = crew.client.get(url(ticket, attachment, inline=1))

    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_file_of_another_type_is_served_as_opaque_bytes_and_never_inline(crew):
    ticket = crew.inquiry()
    page = b"<html><script>alert(1)</script></html>"
    attachment = stored_file(ticket, data=page, content_type="text/html", name="page.html")
    sign_in(crew, crew.agent)

    response = crew.client.get(url(ticket, attachment, inline=1))

    assert response.status_code == 200 and response.get_data() == page
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_ticket_out_of_reach_answers_not_found_and_never_the_file(crew):
    ticket = crew.out_of_reach()
    attachment = sent_by_the_person(crew.client, ticket)
    sign_in(crew, crew.agent)

    response = crew.client.get(url(ticket, attachment))

    assert response.status_code == 404
    assert PDF not in response.get_data()
    manager = crew.client.application.test_client()
    manager.post("/login", data={"email": crew.manager.email,
                                 "password": "correct horse battery"})
    assert manager.get(url(ticket, attachment)).get_data() == PDF


def test_a_file_of_another_ticket_is_not_found_under_a_ticket_the_user_sees(crew):
    mine = crew.inquiry()
    secret = crew.out_of_reach()
    attachment = sent_by_the_person(crew.client, secret)
    sign_in(crew, crew.agent)

    response = crew.client.get(url(mine, attachment))

    assert response.status_code == 404
    assert PDF not in response.get_data()


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(crew):
    ticket = crew.inquiry()
    attachment = sent_by_the_person(crew.client, ticket)

    response = crew.client.get(url(ticket, attachment))

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_file_missing_from_the_disk_is_not_found(crew, app):
    ticket = crew.inquiry()
    attachment = sent_by_the_person(crew.client, ticket)
    from helpdesk.uploads import stored_path

    stored_path(attachment.stored_name).unlink()
    sign_in(crew, crew.agent)

    assert crew.client.get(url(ticket, attachment)).status_code == 404


# ---------------------------------------------------------------------------------------
# The ticket page

def test_the_ticket_page_lists_the_files_in_a_panel_and_on_the_event_that_carried_them(crew):
    ticket = crew.inquiry()
    attachment = sent_by_the_person(crew.client, ticket)
    sign_in(crew, crew.agent)

    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)

    panel = page.split('data-testid="panel-attachments"', 1)[1].split("</section>", 1)[0]
    assert ARABIC_NAME in panel and "PDF" in panel
    assert f'data-size="{len(PDF)}"' in panel
    assert url(ticket, attachment) in panel
    event = page.split(f'id="event-{attachment.event_id}"', 1)[1]
    event = event.split('<li class="sila-event', 1)[0]
    assert 'data-testid="event-attachments"' in event and url(ticket, attachment) in event
    assert 'data-testid="no-attachments"' not in page


def test_files_sent_with_a_new_ticket_through_the_api_show_on_its_first_event(crew):
    import base64

    from helpdesk.api.services import SCOPES, create_token

    api_user = crew.manager
    _token, secret = create_token(api_user, "الموقع الإلكتروني", SCOPES)
    response = crew.client.post("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"},
                                json={"channel": "website", "kind": "inquiry",
                                      "subject": "استفسار", "body": "أرفقت صورة.",
                                      "contact": {"name": "نورة", "phone": "0512345678"},
                                      "attachments": [{
                                          "filename": "صورة.png", "content_type": "image/png",
                                          "content_base64": base64.b64encode(PNG).decode()}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    ticket = db.session.scalar(select(Ticket).where(
        Ticket.number == response.get_json()["number"]))
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id))
    sign_in(crew, crew.manager)

    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)

    created = page.split('data-event-type="created"', 1)[1].split('<li class="sila-event', 1)[0]
    assert url(ticket, attachment) in created
    panel = page.split('data-testid="panel-attachments"', 1)[1].split("</section>", 1)[0]
    assert "صورة.png" in panel and api_user.name in panel
    assert crew.client.get(url(ticket, attachment)).get_data() == PNG


def test_the_ticket_page_says_when_there_are_no_files(crew):
    ticket = crew.inquiry()
    sign_in(crew, crew.agent)

    page = crew.client.get(f"/tickets/{ticket.number}").get_data(as_text=True)

    assert 'data-testid="no-attachments"' in page


# ---------------------------------------------------------------------------------------
# The person's download

def test_the_person_downloads_the_file_they_sent_from_their_tracking_page(client,
                                                                          make_ticket):
    ticket = make_ticket()
    attachment = sent_by_the_person(client, ticket)
    token = tracking_token(ticket)
    link = f"/t/{token}/attachments/{attachment.id}"
    assert link in client.get(f"/t/{token}").get_data(as_text=True)

    response = client.get(link)

    assert response.status_code == 200 and response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert f"filename*=UTF-8''{quote(ARABIC_NAME)}" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_another_tickets_link_does_not_reach_the_file(client, make_ticket):
    theirs = make_ticket()
    attachment = sent_by_the_person(client, theirs)
    other = make_ticket()

    response = client.get(f"/t/{tracking_token(other)}/attachments/{attachment.id}")

    assert response.status_code == 404 and PDF not in response.get_data()


def test_a_forged_or_revoked_link_does_not_reach_the_file(client, make_ticket, make_user):
    ticket = make_ticket()
    attachment = sent_by_the_person(client, ticket)
    old_token = tracking_token(ticket)
    portal.revoke_tracking_link(ticket, make_user("manager"))

    assert client.get(f"/t/{old_token}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/t/forged/attachments/{attachment.id}").status_code == 404


def test_a_staff_only_file_is_never_given_to_the_person(client, make_ticket, make_user):
    ticket = make_ticket()
    note = Event(ticket_id=ticket.id, type="note", visibility="internal", body="تقرير داخلي")
    db.session.add(note)
    db.session.commit()
    internal = stored_file(ticket, data=PDF, content_type="application/pdf",
                           name="تقرير.pdf", event=note)
    loose = stored_file(ticket, data=PDF, content_type="application/pdf", name="ملف.pdf")
    token = tracking_token(ticket)

    for attachment in (internal, loose):
        response = client.get(f"/t/{token}/attachments/{attachment.id}")
        assert response.status_code == 404 and PDF not in response.get_data()


# ---------------------------------------------------------------------------------------
# The header itself

@pytest.mark.parametrize(("name", "expected"), [
    ("report 2026.pdf", 'attachment; filename="report 2026.pdf"'),
    ("هوية.pdf", "attachment; filename=\"attachment-7.pdf\"; filename*=UTF-8''"
                 + quote("هوية.pdf")),
    ('a"b.pdf', "attachment; filename=\"attachment-7.pdf\"; filename*=UTF-8''a%22b.pdf"),
])
def test_the_file_name_is_sent_plain_when_it_can_be_and_encoded_otherwise(name, expected):
    assert content_disposition("attachment", name, "attachment-7") == expected
