"""A branch representative's day and visit form: a visit with photos opens one ticket
however often it is sent, the photos lose their location unless kept on purpose, bad input
is named at its field; managers plan visits and list them by branch, representative and day."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.accounts.models import Branch
from helpdesk.extensions import db
from helpdesk.image_metadata import strip_metadata
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.uploads import stored_path
from plugins.branch_visits.models import VisitPlan
from plugins.branch_visits.visits import today

JSON = {"Accept": "application/json"}
GPS = b"Exif\x00\x00GPS 24.7136 N 46.6753 E"
JPEG = (b"\xff\xd8" + b"\xff\xe1" + (len(GPS) + 2).to_bytes(2, "big") + GPS
        + b"\xff\xdb\x00\x04\x00\x00" + b"\xff\xda\x00\x02" + b"\x11" * 32 + b"\xff\xd9")


def visit(**fields):
    data = {"client_id": str(uuid.uuid4()), "name": "أم خالد", "phone": "0551234567",
            "purpose": "متابعة حالة الأسرة", "findings": "السقف يحتاج إلى ترميم.",
            "needs": "سلة غذائية شهرية", "kind": "support_request", "latitude": "18.2164",
            "longitude": "42.5053"}
    data.update(fields)
    return data


@pytest.fixture
def branch():
    branch = Branch(code="abha", name_ar="فرع أبها", name_en="Abha branch")
    db.session.add(branch)
    db.session.commit()
    return branch


@pytest.fixture
def rep(make_user, login, branch):
    user = make_user("branch_rep", name="سلطان الشمري")
    user.branch_id = branch.id
    db.session.commit()
    login(user)
    return user


def tickets() -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket)))


def send(client, data, photos=(), headers=JSON):
    payload = dict(data)
    payload["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return client.post("/channels/branch_visits/visits", data=payload, headers=headers,
                       content_type="multipart/form-data")


def test_the_day_page_is_arabic_with_the_form_its_script_and_a_client_made_id(client, rep):
    page = client.get("/channels/branch_visits/").get_data(as_text=True)
    assert "زياراتي الميدانية" in page and "زيارة جديدة" in page
    assert "/channels/branch_visits/visits.js" in page
    assert 'data-sw="/channels/branch_visits/sw.js"' in page
    assert 'name="client_id"' in page and "data-pending" in page


def test_a_visit_with_a_photo_opens_one_ticket_however_often_it_is_sent(client, rep):
    data = visit()
    first = send(client, data, [(JPEG, "بيت.jpg")])
    again = send(client, data, [(JPEG, "بيت.jpg")])
    assert first.status_code == 200 and first.get_json()["duplicate"] is False
    assert again.get_json() == {**first.get_json(), "duplicate": True,
                                "message": again.get_json()["message"]}
    assert "أُرسلت هذه الزيارة من قبل" in again.get_json()["message"]
    [ticket] = tickets()
    assert ticket.channel_key == "branch_visits" and ticket.kind == "support_request"
    assert ticket.branch_id == rep.branch_id
    assert ticket.channel_data["representative_id"] == rep.id
    assert ticket.channel_data["branch_name"] == "فرع أبها"
    assert ticket.channel_data["location"] == {"latitude": 18.2164, "longitude": 42.5053}
    assert ticket.channel_data["client_id"] == data["client_id"]
    assert "السقف يحتاج إلى ترميم" in ticket.channel_data.get("needs", "") + \
        db.session.scalar(select(Event.body).where(Event.ticket_id == ticket.id)
                          .order_by(Event.id).limit(1))
    [photo] = db.session.scalars(select(Attachment)).all()
    assert photo.ticket_id == ticket.id and photo.display_name == "بيت.jpg"
    assert b"GPS" not in stored_path(photo.stored_name).read_bytes()


def test_a_photo_keeps_its_location_only_when_asked(client, rep):
    send(client, visit(keep_location="1"), [(JPEG, "kept.jpg")])
    [photo] = db.session.scalars(select(Attachment)).all()
    assert stored_path(photo.stored_name).read_bytes() == JPEG


def test_stripping_keeps_the_picture_and_leaves_other_files_alone():
    stripped = strip_metadata(JPEG, "image/jpeg")
    assert b"GPS" not in stripped and stripped.endswith(b"\x11" * 32 + b"\xff\xd9")
    assert strip_metadata(b"\x89PNG\r\n\x1a\n", "image/jpeg") == b"\x89PNG\r\n\x1a\n"
    assert strip_metadata(b"\xff\xd8\xff\xe1\xff\xff", "image/jpeg") == b"\xff\xd8\xff\xe1\xff\xff"


def test_an_oversized_or_non_image_photo_is_refused_with_the_limit(client, rep):
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    response = send(client, visit(), [(big, "big.jpg")])
    # Werkzeug spooled the large body to a temporary file: close it here.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 422
    assert "5" in response.get_json()["errors"]["photos"]
    assert "ميجابايت" in response.get_json()["errors"]["photos"]
    response = send(client, visit(), [(b"%PDF-1.4 not a photo", "letter.pdf")])
    assert "أرفق صورة" in response.get_json()["errors"]["photos"]
    assert tickets() == []


def test_bad_input_is_named_at_each_field_in_arabic(client, rep):
    response = send(client, visit(client_id="mine", name="", phone="0551", national_id="1234567890",
                                  findings=""))
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert set(errors) == {"client_id", "name", "phone", "national_id", "findings"}
    assert "الهوية" in errors["national_id"]
    plain = send(client, visit(name="", national_id="1234567890"), headers={})
    page = plain.get_data(as_text=True)
    assert plain.status_code == 422
    assert 'data-testid="error-national_id"' in page and "متابعة حالة الأسرة" in page


def test_a_plain_form_post_works_without_the_script(client, rep):
    response = send(client, visit(), headers={})
    assert response.status_code == 302
    page = client.get("/channels/branch_visits/").get_data(as_text=True)
    [ticket] = tickets()
    assert ticket.number in page   # among the visits recorded today


def test_a_visit_can_join_an_open_ticket(client, rep, make_ticket):
    ticket = make_ticket(channel_key="branch_visits", branch_id=rep.branch_id)
    response = send(client, visit(ticket=ticket.number), [(JPEG, "a.jpg")])
    assert response.get_json()["ticket"] == ticket.number
    assert len(tickets()) == 1
    note = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                 Event.type == "note"))
    assert "السقف" in note.body and note.data["attachments"]


def test_a_manager_plans_a_visit_that_the_representative_sees_and_records(
        app, client, rep, make_user):
    manager = app.test_client()
    boss = make_user("manager")
    manager.post("/login", data={"email": boss.email, "password": "correct horse battery"})
    refused = manager.post("/channels/branch_visits/plans", data={
        "representative_id": str(rep.id), "planned_on": "2020-01-01", "person_name": "",
        "phone": "123", "purpose": ""})
    assert refused.status_code == 422
    assert "اختر اليوم أو يومًا بعده" in refused.get_data(as_text=True)
    day = today() + timedelta(days=1)
    response = manager.post("/channels/branch_visits/plans", data={
        "representative_id": str(rep.id), "planned_on": day.isoformat(),
        "person_name": "أبو سلمان", "address": "حي المنسك", "purpose": "دراسة حالة"})
    assert response.status_code == 302
    plan = db.session.scalar(select(VisitPlan))
    page = client.get("/channels/branch_visits/").get_data(as_text=True)
    assert "أبو سلمان" in page and "حي المنسك" in page
    form = client.get(f"/channels/branch_visits/?plan={plan.id}").get_data(as_text=True)
    assert 'value="أبو سلمان"' in form and 'value="دراسة حالة"' in form
    send(client, visit(plan_id=str(plan.id), name="أبو سلمان"))
    db.session.expire_all()
    [ticket] = tickets()
    assert db.session.get(VisitPlan, plan.id).ticket_number == ticket.number
    listing = manager.get(f"/channels/branch_visits/manage?day={day.isoformat()}")
    assert "أبو سلمان" in listing.get_data(as_text=True)


def test_managers_list_visits_by_branch_representative_and_day(app, client, rep, make_user,
                                                             branch):
    send(client, visit(name="أم خالد"))
    other_branch = Branch(code="najran", name_ar="فرع نجران", name_en="Najran branch")
    db.session.add(other_branch)
    db.session.commit()
    manager = app.test_client()
    boss = make_user("manager")
    manager.post("/login", data={"email": boss.email, "password": "correct horse battery"})
    url = "/channels/branch_visits/manage"
    assert "أم خالد" in manager.get(url).get_data(as_text=True)
    assert "أم خالد" in manager.get(f"{url}?branch={branch.id}&representative={rep.id}") \
        .get_data(as_text=True)
    assert "أم خالد" not in manager.get(f"{url}?branch={other_branch.id}").get_data(
        as_text=True)
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert "أم خالد" not in manager.get(f"{url}?day={yesterday}").get_data(as_text=True)


def test_the_scripts_are_served_as_javascript(client):
    for name in ("visits.js", "sw.js"):
        response = client.get(f"/channels/branch_visits/{name}")
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
    assert b"indexedDB" in client.get("/channels/branch_visits/visits.js").data


def count_visits() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_the_ticket_page_shows_the_visit_s_details_and_where_it_was(client, rep):
    send(client, visit())
    [ticket] = tickets()
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    panel = page.split('data-testid="visit-panel"', 1)[1].split("</dl>", 1)[0]
    assert "سلطان الشمري" in panel and "فرع أبها" in panel
    assert "سلة غذائية شهرية" in panel and "متابعة حالة الأسرة" in panel
    assert "mlat=18.2164" in panel and "هـ" in panel


def test_the_phone_finds_the_person_and_their_open_tickets(client, rep, make_contact,
                                                           make_ticket):
    person = make_contact(name="أم خالد", phone="+966551234567", branch_id=rep.branch_id)
    ticket = make_ticket(contact=person, branch_id=rep.branch_id)
    answer = client.get("/channels/branch_visits/lookup?phone=0551234567").get_json()
    assert answer == {"found": True, "name": "أم خالد",
                      "tickets": [{"number": ticket.number, "subject": ticket.subject}]}
    assert client.get("/channels/branch_visits/lookup?phone=0559999999").get_json() == \
        {"found": False}
