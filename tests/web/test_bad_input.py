"""Input no view can use — a NUL character, JSON nested without end, an id beyond the
database's integers — gets a clear 400 or 404 in the reader's language, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.api.services import SCOPES, create_token
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from tests.web.test_portal_contact import form

NUL_AR = "يحتوي الطلب على حرف غير مسموح به"
NUL_EN = "The request contains a character that is not allowed (NUL)"


@pytest.fixture
def api_headers(app, make_user):
    _token, secret = create_token(make_user("manager"), "الموقع", list(SCOPES))
    return {"Authorization": f"Bearer {secret}"}


def new_ticket(**overrides):
    body = {"channel": "website", "kind": "inquiry", "subject": "موعد التوزيع",
            "body": "متى يبدأ التوزيع؟", "contact": {"name": "نورة", "phone": "0512345678"}}
    body.update(overrides)
    return body


def tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


@pytest.mark.parametrize("body", [
    new_ticket(subject="موعد\x00التوزيع"),
    new_ticket(contact={"name": "نورة\x00", "phone": "0512345678"}),
    new_ticket(**{"note\x00": "x"}),
])
def test_a_nul_in_any_json_string_is_refused_with_400_naming_the_field(
        client, api_headers, body):
    response = client.post("/api/v1/tickets", json=body, headers=api_headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_character"
    assert NUL_AR in error["message"]
    assert tickets() == 0


def test_the_api_refusal_speaks_the_callers_language_and_names_the_path(client, api_headers):
    response = client.post("/api/v1/tickets", headers={**api_headers, "Accept-Language": "en"},
                           json=new_ticket(contact={"name": "x\x00", "phone": "0512345678"}))
    error = response.get_json()["error"]
    assert response.status_code == 400 and NUL_EN in error["message"]
    assert list(error["fields"]) == ["contact.name"]


def test_a_nul_on_the_public_tracking_api_is_refused(client):
    response = client.post("/api/v1/public/track",
                           json={"number": "2026-000001\x00", "phone": "0512345678"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_character"


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_refused_with_400(client, api_headers, depth):
    deep = "[" * depth + "]" * depth
    for url, headers in (("/api/v1/tickets", api_headers), ("/api/v1/public/track", {})):
        response = client.post(url, data=deep, content_type="application/json",
                               headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "too_deep"
    nested = new_ticket(subject="x")
    nested["contact"]["extra"] = {"a": [[[{"b": [[]]}]]]}  # shallow: the schema answers
    assert client.post("/api/v1/tickets", json=nested, headers=api_headers
                       ).status_code == 422


def test_a_nul_in_a_portal_form_is_refused_with_a_page_in_arabic(client):
    for url, data in (("/track", {"number": "2026-000001\x00", "phone": "0512345678"}),
                      ("/contact", form(name="هند\x00العتيبي")),
                      ("/contact", form(message="تأخر\x00الرد"))):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        page = response.get_data(as_text=True)
        assert NUL_AR in page and 'lang="ar' in page
    assert tickets() == 0


def test_a_nul_in_a_staff_form_or_a_search_is_refused(client, make_user, login, make_ticket):
    ticket = make_ticket()
    login(make_user("manager"))
    for response in (
            client.post(f"/tickets/{ticket.number}/actions/reply",
                        data={"reply-body": "ملاحظة\x00", "reply-visibility": "internal",
                              "version": ticket.version}),
            client.get("/tickets?q=%D9%86%00"),
            client.get("/contacts?q=%00"),
            client.get("/search?q=a%00b")):
        assert response.status_code == 400
        assert NUL_AR in response.get_data(as_text=True)


def test_an_htmx_refusal_is_a_fragment_that_swaps_nothing(client, make_user, login):
    login(make_user("manager"))
    response = client.get("/tickets?q=%00", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Reswap"] == "none"
    assert "<html" not in response.get_data(as_text=True)


def test_a_nul_in_a_url_is_refused(client, make_user, login):
    login(make_user("manager"))
    assert client.get("/tickets/2026-000001%00").status_code == 400


@pytest.mark.parametrize("url", [
    "/tickets/99999999999999999999", "/contacts/99999999999999999999",
    "/contacts/2147483648", "/volunteers/99999999999999999999",
    "/tickets/2026-000001/attachments/99999999999999999999",
    "/admin/webhooks/99999999999999999999"])
def test_an_id_beyond_the_integer_range_in_a_url_is_not_found(client, make_user, login, url):
    login(make_user("admin"))
    response = client.get(url)
    assert response.status_code == 404
    assert "الصفحة" in response.get_data(as_text=True)


def test_an_id_beyond_the_integer_range_in_an_api_url_is_not_found(client, api_headers):
    response = client.get("/api/v1/tickets/99999999999999999999", headers=api_headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_ordinary_input_with_brackets_and_backslashes_still_passes(client, api_headers):
    text = "طلب [عاجل] {مهم} \\u0000 ليس حرفًا فارغًا " + "[" * 40
    response = client.post("/api/v1/tickets", json=new_ticket(subject=text[:200]),
                           headers=api_headers)
    assert response.status_code == 201, response.get_data(as_text=True)


BIG = "99999999999999999999"
TOO_LARGE_AR = "إحدى القيم في الطلب كبيرة جدًا"


def test_an_id_beyond_the_integer_range_in_a_form_or_cursor_is_refused_not_a_500(
        client, make_user, login, make_ticket):
    ticket = make_ticket()
    login(make_user("admin"))
    for response in (
            client.post(f"/tickets/{ticket.number}/actions/assign",
                        data={"assign-assignee_id": BIG, "version": ticket.version}),
            client.post(f"/tickets/{ticket.number}/actions/change_team",
                        data={"change_team-team_id": BIG, "version": ticket.version}),
            client.get(f"/contacts?after={BIG}")):
        assert response.status_code == 400
        assert TOO_LARGE_AR in response.get_data(as_text=True)
    # The transaction was rolled back: the next request works.
    assert client.get(f"/tickets/{ticket.number}").status_code == 200


def test_an_api_cursor_beyond_the_integer_range_is_refused_in_json(client, api_headers):
    response = client.get(f"/api/v1/contacts?after={BIG}", headers=api_headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "out_of_range"
    assert client.get("/api/v1/contacts", headers=api_headers).status_code == 200
