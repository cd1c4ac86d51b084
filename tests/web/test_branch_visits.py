"""A branch representative's field visit reaches their branch's team, and they follow it up
with findings, photos and a reply (keyed on who records it, never on the channel's key)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team
from helpdesk.extensions import db
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage

HTMX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # recognised by its first bytes
VISIT = {"kind": "support_request", "priority": "normal", "name": "أبو سلمان",
         "phone": "0551234567", "visit_date": "2026-11-20", "location": "قرية آل مشرف",
         "summary": "أسرة من سبعة أفراد تحتاج ترميم سقف المنزل."}


@pytest.fixture
def representative(app, make_user):
    branch = Branch(code="abha", name_ar="فرع أبها", name_en="Abha branch")
    team = Team(key="branch_offices", name_ar="المكاتب الفرعية", name_en="Branch offices")
    db.session.add_all([branch, team])
    db.session.commit()
    rep = make_user("branch_rep", name="سلطان الشمري")
    rep.branch_id = branch.id
    team.members.append(rep)
    db.session.commit()
    return rep, team


def only_ticket() -> Ticket:
    db.session.expire_all()
    [ticket] = db.session.scalars(select(Ticket)).all()
    return ticket


def test_a_visit_reaches_the_representative_s_team_and_they_follow_it_up(
        client, login, representative):
    rep, team = representative
    login(rep)
    response = client.post("/tickets/new?channel=branch_visits", data=VISIT)
    assert response.status_code == 302
    ticket = only_ticket()
    assert ticket.team_id == team.id

    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="follow-up-hint"' in page
    assert 'id="reply-public"' in page and 'id="field-reply-file"' in page

    note = client.post(f"/tickets/{ticket.number}/actions/reply", headers=HTMX,
                       content_type="multipart/form-data", data={
                           "version": str(ticket.version), "reply-visibility": "internal",
                           "reply-body": "السقف متصدع في غرفتين.",
                           "reply-file": (io.BytesIO(PNG), "سقف الغرفة.png")})
    assert note.status_code == 200, note.get_data(as_text=True)
    [attachment] = db.session.scalars(select(Attachment)).all()
    finding = db.session.get(Event, attachment.event_id)
    assert (finding.type, finding.visibility, finding.body) == (
        "note", "internal", "السقف متصدع في غرفتين.")
    assert attachment.display_name == "سقف الغرفة.png"
    assert attachment.uploaded_by_id == rep.id
    assert "سقف الغرفة.png" in note.get_data(as_text=True)  # on the timeline at once

    ticket = only_ticket()
    answer = client.post(f"/tickets/{ticket.number}/actions/reply", headers=HTMX, data={
        "version": str(ticket.version), "reply-visibility": "public",
        "reply-body": "سنتواصل معكم لموعد الترميم."})
    assert answer.status_code == 200
    assert db.session.scalar(select(OutboxMessage.body).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.purpose == "reply")) \
        == "سنتواصل معكم لموعد الترميم."


def test_a_file_that_is_not_a_photo_or_a_pdf_is_refused_beside_the_field(
        client, login, representative):
    rep, _team = representative
    login(rep)
    client.post("/tickets/new?channel=branch_visits", data=VISIT)
    ticket = only_ticket()
    response = client.post(f"/tickets/{ticket.number}/actions/reply", headers=HTMX,
                           content_type="multipart/form-data", data={
                               "version": str(ticket.version),
                               "reply-visibility": "internal",
                               "reply-body": "ملاحظات الزيارة",
                               "reply-file": (io.BytesIO(b"MZ not a photo"), "visit.exe")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-reply-file"' in page
    assert "ملاحظات الزيارة" in page  # what was typed is kept
    assert db.session.scalars(select(Attachment)).all() == []


def test_an_agent_s_intake_still_waits_in_the_unrouted_pool(client, login, make_user):
    login(make_user("agent"))
    client.post("/tickets/new?channel=branch_visits", data=VISIT)
    assert only_ticket().team_id is None
