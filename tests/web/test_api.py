"""The JSON API: tokens and scopes, every endpoint, one error shape in Arabic and English,
idempotent creation under concurrent repeats, keyset pages, stale versions."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from helpdesk.api.models import ApiToken
from helpdesk.api.services import SCOPES, create_token, revoke_token
from helpdesk.channels.services import set_channel_active
from helpdesk.extensions import db
from helpdesk.services_catalog.services import create_service
from helpdesk.tickets.models import Ticket

ALL = list(SCOPES)


@pytest.fixture
def bearer(app, make_user):
    """``bearer(role="manager", scopes=ALL)`` → request headers carrying a new token."""

    def factory(role: str = "manager", scopes=ALL, user=None, language: str | None = None):
        user = user or make_user(role)
        _token, secret = create_token(user, "الموقع الإلكتروني", scopes)
        headers = {"Authorization": f"Bearer {secret}"}
        if language:
            headers["Accept-Language"] = language
        return headers

    return factory


def new_ticket(**overrides):
    body = {"channel": "website", "kind": "inquiry", "subject": "موعد توزيع السلال",
            "body": "متى يبدأ توزيع السلال الغذائية هذا الشهر؟",
            "contact": {"name": "نورة القحطاني", "phone": "0512345678"}}
    body.update(overrides)
    return body


def ticket_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Ticket))


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)
    payload = response.get_json()
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"code", "message", "fields"}
    assert payload["error"]["code"] == code
    assert payload["error"]["message"]
    return payload["error"]


# ---------------------------------------------------------------------------------------
# Tokens and authentication

def test_a_token_is_stored_hashed_and_its_secret_is_shown_once(app, make_user):
    user = make_user("agent")
    token, secret = create_token(user, "مركز الاتصال", ["tickets:read"])
    stored = db.session.get(ApiToken, token.id)
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    assert len(stored.token_hash) == 64 and secret.startswith(f"sila_{stored.prefix}_")
    assert stored.scopes == ["tickets:read"]


def test_a_token_with_an_unknown_scope_is_refused(app, make_user):
    from helpdesk.validation import ValidationError

    with pytest.raises(ValidationError) as refused:
        create_token(make_user("agent"), "x", ["tickets:read", "everything"])
    assert "scopes" in refused.value.errors


def test_a_request_without_a_token_answers_401(client):
    error = assert_error(client.get("/api/v1/tickets"), 401, "unauthenticated")
    assert error["fields"] == {}


def test_a_bad_or_revoked_token_answers_401(client, app, make_user):
    assert_error(client.get("/api/v1/tickets", headers={"Authorization": "Bearer sila_x_y"}),
                 401, "invalid_token")
    token, secret = create_token(make_user("manager"), "قديم", ALL)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    revoke_token(token)
    assert_error(client.get("/api/v1/tickets", headers=headers), 401, "invalid_token")


def test_a_deactivated_users_token_stops_working(client, app, make_user):
    user = make_user("manager")
    _token, secret = create_token(user, "نظام", ALL)
    user.active = False
    db.session.commit()
    assert_error(client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"}),
                 401, "invalid_token")


def test_a_browser_session_is_not_accepted_as_api_authentication(client, make_user, login):
    login(make_user("admin"))
    assert_error(client.get("/api/v1/tickets"), 401, "unauthenticated")


def test_a_token_without_the_endpoints_scope_answers_403(client, bearer):
    headers = bearer(scopes=["tickets:read"])
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(), headers=headers),
                         403, "insufficient_scope")
    assert "tickets:write" in error["message"]
    assert_error(client.get("/api/v1/contacts", headers=headers), 403, "insufficient_scope")


def test_the_create_token_command_prints_the_secret_once(app, make_user):
    user = make_user("agent")
    result = app.test_cli_runner().invoke(args=["helpdesk", "create-token", "--user", user.email,
                                                "--scopes", "tickets:read,tickets:write"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/tickets",
                                     headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_the_create_token_command_refuses_an_unknown_user_or_scope(app, make_user):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["helpdesk", "create-token", "--user", "nobody@example.org",
                                  "--scopes", "tickets:read"])
    assert missing.exit_code == 1
    user = make_user("agent")
    bad = runner.invoke(args=["helpdesk", "create-token", "--user", user.email,
                              "--scopes", "root"])
    assert bad.exit_code == 1 and "scopes" in bad.output


def test_tokens_are_rate_limited_each_on_its_own(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    with app.app_context():
        from helpdesk.accounts.services import create_user

        user = create_user(email="limit@example.org", name="محدود", role="manager",
                           password="kalimat-sirr-tawila-1")
        first = {"Authorization": f"Bearer {create_token(user, 'a', ALL)[1]}"}
        second = {"Authorization": f"Bearer {create_token(user, 'b', ALL)[1]}"}
        client = app.test_client()
        assert [client.get("/api/v1/channels", headers=first).status_code
                for _ in range(3)] == [200, 200, 429]
        assert_error(client.get("/api/v1/channels", headers=first), 429, "too_many_requests")
        assert client.get("/api/v1/channels", headers=second).status_code == 200


# ---------------------------------------------------------------------------------------
# Errors: one shape, the request's language, never a 500

def test_errors_speak_english_when_the_request_asks_for_it(client, bearer):
    arabic = assert_error(client.post("/api/v1/tickets", json={"channel": "website"},
                                      headers=bearer()), 422, "validation_failed")
    english = assert_error(client.post("/api/v1/tickets", json={"channel": "website"},
                                       headers=bearer(language="en-GB,en;q=0.8")),
                           422, "validation_failed")
    assert english["message"] == "Some fields need correcting."
    assert set(english["fields"]) == {"kind", "body"} == set(arabic["fields"])
    assert english["fields"]["body"] == "This field is required."
    assert arabic["fields"]["body"] == "هذا الحقل مطلوب."


def test_malformed_json_answers_400(client, bearer):
    headers = {**bearer(), "Content-Type": "application/json"}
    assert_error(client.post("/api/v1/tickets", data="{not json", headers=headers),
                 400, "malformed_json")
    assert_error(client.post("/api/v1/tickets", data="", headers=headers),
                 400, "malformed_json")


def test_a_body_of_the_wrong_shape_answers_422_per_field(client, bearer):
    headers = bearer()
    error = assert_error(client.post("/api/v1/tickets", json=[1, 2], headers=headers),
                         422, "validation_failed")
    assert "body" in error["fields"]
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(
        kind="wish", contact={"name": 5}, colour="blue"), headers=headers),
        422, "validation_failed")
    assert set(error["fields"]) == {"kind", "contact.name", "colour"}


def test_an_unknown_or_inactive_channel_is_a_field_error(client, app, bearer):
    headers = bearer()
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(channel="fax"),
                                     headers=headers), 422, "validation_failed")
    assert "channel" in error["fields"]
    set_channel_active("website", False, actor=None)
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(), headers=headers),
                         422, "validation_failed")
    assert "channel" in error["fields"]
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(
        channel="help_requests", kind="inquiry"), headers=headers), 422, "validation_failed")
    assert "kind" in error["fields"]


def test_an_invalid_contact_detail_is_reported_under_contact(client, bearer):
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(
        contact={"name": "سعد", "national_id": "1234567890"}), headers=bearer()),
        422, "validation_failed")
    assert set(error["fields"]) == {"contact.national_id"}
    assert ticket_count() == 0


# ---------------------------------------------------------------------------------------
# Creating tickets

def test_creating_a_ticket_answers_201_with_its_number_and_tracking_link(client, bearer):
    response = client.post("/api/v1/tickets", json=new_ticket(), headers=bearer())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    ticket = db.session.scalars(select(Ticket)).one()
    assert body["number"] == ticket.number
    assert "/t/" in body["tracking_url"]
    assert ticket.channel_key == "website" and ticket.contact.phone == "+966512345678"
    assert client.get(body["tracking_url"]).status_code == 200


def test_a_ticket_may_name_a_service(client, app, bearer):
    create_service({"key": "food_basket", "name_ar": "السلة الغذائية", "name_en": "Food basket",
                    "active": True, "needs_committee": True}, actor=None)
    headers = bearer()
    response = client.post("/api/v1/tickets", json=new_ticket(
        kind="support_request", service="food_basket"), headers=headers)
    assert response.status_code == 201
    shown = client.get(f"/api/v1/tickets/{response.get_json()['number']}", headers=headers)
    assert shown.get_json()["service"] == "food_basket"
    error = assert_error(client.post("/api/v1/tickets", json=new_ticket(service="unknown"),
                                     headers=headers), 422, "validation_failed")
    assert "service" in error["fields"]


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_ticket(client, bearer):
    headers = {**bearer(), "Idempotency-Key": "order-7781"}
    first = client.post("/api/v1/tickets", json=new_ticket(), headers=headers)
    again = client.post("/api/v1/tickets", json=new_ticket(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["number"] == again.get_json()["number"]
    assert ticket_count() == 1
    other = client.post("/api/v1/tickets", json=new_ticket(),
                        headers={**headers, "Idempotency-Key": "order-7782"})
    assert other.get_json()["number"] != first.get_json()["number"]


def test_a_repeat_with_the_same_external_id_returns_the_first_ticket(client, bearer):
    headers = bearer()
    first = client.post("/api/v1/tickets", json=new_ticket(external_id="crm-55"),
                        headers=headers)
    again = client.post("/api/v1/tickets", json=new_ticket(external_id="crm-55"),
                        headers=headers)
    assert first.get_json() == again.get_json() or \
        first.get_json()["number"] == again.get_json()["number"]
    assert again.status_code == 201 and ticket_count() == 1


def test_twenty_concurrent_repeats_of_one_idempotency_key_make_one_ticket(app, bearer):
    headers = {**bearer(), "Idempotency-Key": "donation-2026-11-23-0001"}
    body = new_ticket(contact={"name": "عبدالله الشهري", "national_id": "1234567897",
                               "phone": "0551234567"})
    results: list[tuple[int, str | None]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(20)

    def post() -> None:
        try:
            client = app.test_client()
            barrier.wait(timeout=30)
            response = client.post("/api/v1/tickets", json=body, headers=headers)
            results.append((response.status_code,
                            (response.get_json() or {}).get("number")))
        except BaseException as exc:  # reported below: a thread cannot fail the test
            failures.append(exc)

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(results) == 20
    assert {status for status, _number in results} == {201}, results
    assert len({number for _status, number in results}) == 1
    assert ticket_count() == 1


def test_a_role_that_may_not_record_contacts_cannot_create_tickets(client, bearer):
    assert_error(client.post("/api/v1/tickets", json=new_ticket(),
                             headers=bearer("committee_member")), 403, "forbidden")


@pytest.mark.parametrize("language", [None, "ar-SA,ar;q=0.9,en;q=0.8"])
def test_refusals_from_the_ticket_rules_are_written_in_arabic_for_an_arabic_client(
        client, bearer, make_ticket, language):
    ticket = make_ticket()
    forbidden = assert_error(client.post("/api/v1/tickets", json=new_ticket(),
                                         headers=bearer("committee_member", language=language)),
                             403, "forbidden")
    assert forbidden["message"] == "ليست لديك صلاحية للقيام بذلك على هذه التذكرة."
    out_of_reach = assert_error(client.post(
        f"/api/v1/tickets/{ticket.number}/actions",
        json={"action": "assign", "version": ticket.version, "assignee_id": None},
        headers=bearer("research_officer", language=language)), 404, "not_found")
    assert out_of_reach["message"] == "لم يُعثر على التذكرة."
    stale = assert_error(client.post(
        f"/api/v1/tickets/{ticket.number}/actions",
        json={"action": "start", "version": ticket.version - 1},
        headers=bearer("manager", language=language)), 409, "stale_version")
    assert stale["message"].startswith("غيّر شخص آخر هذه التذكرة")


def test_refusals_from_the_ticket_rules_are_in_english_for_an_english_client(client, bearer):
    forbidden = assert_error(client.post("/api/v1/tickets", json=new_ticket(),
                                         headers=bearer("committee_member", language="en")),
                             403, "forbidden")
    assert forbidden["message"] == "You do not have permission to do this on this ticket."


# ---------------------------------------------------------------------------------------
# Reading tickets

def test_a_ticket_shows_status_version_allowed_actions_and_timeline(client, bearer,
                                                                     make_ticket):
    ticket = make_ticket(kind="complaint", body="تأخر وصول السلة")
    response = client.get(f"/api/v1/tickets/{ticket.number}", headers=bearer("manager"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == ticket.number and body["status"] == "new"
    assert body["version"] == ticket.version
    assert "start" in body["allowed_actions"] and "cancel" in body["allowed_actions"]
    assert [event["type"] for event in body["timeline"]] == ["created"]
    assert body["timeline"][0]["body"] == "تأخر وصول السلة"


def test_a_ticket_out_of_the_callers_reach_is_404(client, app, bearer, make_ticket):
    from helpdesk.accounts.models import Team

    team = Team(key="finance", name_ar="المالية", name_en="Finance")
    db.session.add(team)
    db.session.commit()
    ticket = make_ticket(team_id=team.id)
    headers = bearer("research_officer")
    assert_error(client.get(f"/api/v1/tickets/{ticket.number}", headers=headers),
                 404, "not_found")
    assert_error(client.get("/api/v1/tickets/2026-999999", headers=headers), 404, "not_found")
    assert_error(client.post(f"/api/v1/tickets/{ticket.number}/actions",
                             json={"action": "start", "version": ticket.version},
                             headers=headers), 404, "not_found")
    listed = client.get("/api/v1/tickets", headers=headers).get_json()["tickets"]
    assert ticket.number not in [t["number"] for t in listed]


def test_the_ticket_list_pages_with_a_keyset_cursor(client, bearer, make_ticket):
    numbers = [make_ticket().number for _ in range(5)]
    headers = bearer()
    seen, url = [], "/api/v1/tickets?limit=2"
    while url:
        page = client.get(url, headers=headers).get_json()
        seen.extend(t["number"] for t in page["tickets"])
        url = f"/api/v1/tickets?limit=2&after={page['next_cursor']}" \
            if page["next_cursor"] else None
    assert seen == list(reversed(numbers))
    oldest = client.get("/api/v1/tickets?sort=oldest&limit=10", headers=headers).get_json()
    assert [t["number"] for t in oldest["tickets"]] == numbers
    assert oldest["next_cursor"] is None


def test_the_ticket_list_filters_as_the_queue_does(client, bearer, make_ticket):
    make_ticket(kind="complaint")
    make_ticket(kind="inquiry", channel_key="social")
    headers = bearer()
    complaints = client.get("/api/v1/tickets?kind=complaint", headers=headers).get_json()
    assert [t["kind"] for t in complaints["tickets"]] == ["complaint"]
    social = client.get("/api/v1/tickets?channel=social&status=new", headers=headers)
    assert [t["channel"] for t in social.get_json()["tickets"]] == ["social"]


def test_bad_filters_and_cursors_answer_422(client, bearer):
    headers = bearer()
    for query in ("kind=wish", "status=lost", "limit=0", "limit=abc", "created_from=yesterday",
                  "after=garbage", "sort=random", "team=abc"):
        assert_error(client.get(f"/api/v1/tickets?{query}", headers=headers),
                     422, "validation_failed")


# ---------------------------------------------------------------------------------------
# Messages and actions

def test_a_reply_and_a_note_join_the_timeline(client, bearer, make_ticket):
    ticket = make_ticket()
    headers = bearer("manager")
    reply = client.post(f"/api/v1/tickets/{ticket.number}/messages",
                        json={"type": "reply", "body": "سيبدأ التوزيع يوم الأحد."},
                        headers=headers)
    assert reply.status_code == 201, reply.get_data(as_text=True)
    note = client.post(f"/api/v1/tickets/{ticket.number}/messages",
                       json={"type": "note", "body": "تواصلت مع المستودع.",
                             "version": reply.get_json()["version"]}, headers=headers)
    assert note.status_code == 201
    timeline = note.get_json()["timeline"]
    assert [e["visibility"] for e in timeline if e["type"] == "note"] == ["internal"]
    assert "سيبدأ التوزيع يوم الأحد." in [e["body"] for e in timeline]
    stale = client.post(f"/api/v1/tickets/{ticket.number}/messages",
                        json={"type": "note", "body": "متأخرة", "version": 1},
                        headers=headers)
    assert_error(stale, 409, "stale_version")


def test_an_action_with_the_current_version_changes_the_status(client, bearer, make_ticket):
    ticket = make_ticket()
    number, version = ticket.number, ticket.version
    headers = bearer("manager")
    response = client.post(f"/api/v1/tickets/{number}/actions",
                           json={"action": "start", "version": version}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "in_progress" and body["version"] == version + 1
    resolved = client.post(f"/api/v1/tickets/{number}/actions", json={
        "action": "resolve", "version": body["version"], "note": "أُجيب."}, headers=headers)
    assert resolved.get_json()["status"] == "resolved"
    closed = client.post(f"/api/v1/tickets/{number}/actions", json={
        "action": "close", "version": resolved.get_json()["version"],
        "resolution_code": "answered",
        "resolution_note": "أُجيب عن الاستفسار هاتفيًا."}, headers=headers)
    assert closed.status_code == 200, closed.get_data(as_text=True)
    assert closed.get_json()["status"] == "closed"


def test_an_action_with_a_stale_version_answers_409(client, bearer, make_ticket):
    ticket = make_ticket()
    headers = bearer("manager", language="en")
    error = assert_error(client.post(f"/api/v1/tickets/{ticket.number}/actions",
                                     json={"action": "start", "version": ticket.version + 5},
                                     headers=headers), 409, "stale_version")
    assert error["message"].startswith("Someone else changed this ticket")


def test_an_action_not_available_now_answers_409(client, bearer, make_ticket):
    ticket = make_ticket()
    assert_error(client.post(f"/api/v1/tickets/{ticket.number}/actions",
                             json={"action": "deliver", "version": ticket.version},
                             headers=bearer("manager")), 409, "invalid_transition")


def test_an_actions_own_fields_are_checked(client, bearer, make_ticket):
    ticket = make_ticket()
    headers = bearer("manager")
    url = f"/api/v1/tickets/{ticket.number}/actions"
    error = assert_error(client.post(url, json={"action": "close", "version": ticket.version},
                                     headers=headers), 422, "validation_failed")
    assert {"resolution_code", "resolution_note"} <= set(error["fields"])
    error = assert_error(client.post(url, json={"action": "start", "version": ticket.version,
                                                "colour": "red"}, headers=headers),
                         422, "validation_failed")
    assert set(error["fields"]) == {"colour"}
    error = assert_error(client.post(url, json={"action": "assign", "version": ticket.version,
                                                "assignee_id": "me"}, headers=headers),
                         422, "validation_failed")
    assert set(error["fields"]) == {"assignee_id"}


def test_assigning_through_the_api(client, bearer, make_ticket, make_user):
    ticket = make_ticket()
    agent = make_user("agent")
    response = client.post(f"/api/v1/tickets/{ticket.number}/actions", json={
        "action": "assign", "version": ticket.version, "assignee_id": agent.id},
        headers=bearer("manager"))
    assert response.status_code == 200
    assert response.get_json()["assignee_id"] == agent.id


def test_a_role_without_the_permission_gets_403_on_an_action(client, bearer, make_ticket):
    ticket = make_ticket()
    assert_error(client.post(f"/api/v1/tickets/{ticket.number}/actions", json={
        "action": "assign", "version": ticket.version, "assignee_id": None},
        headers=bearer("research_officer")), 404, "not_found")
    headers = bearer("committee_member")
    response = client.post(f"/api/v1/tickets/{ticket.number}/messages",
                           json={"type": "reply", "body": "مرحبًا"}, headers=headers)
    assert response.status_code in (403, 404)
    assert_error(response, response.status_code, response.get_json()["error"]["code"])


# ---------------------------------------------------------------------------------------
# Contacts, services, channels

def test_contacts_are_listed_with_masked_ids_and_found_or_registered(client, bearer):
    headers = bearer("agent")
    created = client.post("/api/v1/contacts", json={"name": "هند العتيبي",
                                                    "national_id": "1234567897",
                                                    "phone": "0598765432"}, headers=headers)
    assert created.status_code == 200, created.get_data(as_text=True)
    contact = created.get_json()
    assert contact["national_id"] != "1234567897" and contact["national_id"].endswith("97")
    again = client.post("/api/v1/contacts", json={"national_id": "1234567897"},
                        headers=headers)
    assert again.get_json()["id"] == contact["id"]
    listed = client.get("/api/v1/contacts", headers=headers).get_json()
    assert [c["id"] for c in listed["contacts"]] == [contact["id"]]
    assert_error(client.post("/api/v1/contacts", json={"phone": "12"}, headers=headers),
                 422, "validation_failed")


def test_services_and_channels_are_listed_in_the_requests_language(client, app, bearer):
    create_service({"key": "food_basket", "name_ar": "السلة الغذائية", "name_en": "Food basket",
                    "active": True, "needs_committee": True}, actor=None)
    set_channel_active("social", False, actor=None)
    english = bearer(language="en")
    services = client.get("/api/v1/services", headers=english).get_json()["services"]
    assert services == [{"key": "food_basket", "name": "Food basket", "description": None,
                         "needs_committee": True}]
    arabic = client.get("/api/v1/services", headers=bearer()).get_json()["services"]
    assert arabic[0]["name"] == "السلة الغذائية"
    channels = client.get("/api/v1/channels", headers=english).get_json()["channels"]
    keys = [c["key"] for c in channels]
    assert "website" in keys and "social" not in keys


# ---------------------------------------------------------------------------------------
# The OpenAPI document

def test_the_openapi_document_lists_every_api_route_with_its_schemas(client, app):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    operations = {(path, method) for path, methods in document["paths"].items()
                  for method in methods}
    routes = {(rule.rule.replace("<", "{").replace(">", "}"), method.lower())
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert operations == routes
    create = document["paths"]["/api/v1/tickets"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/NewTicket"
    assert document["components"]["schemas"]["NewTicket"]["required"] == \
        ["channel", "kind", "body"]


def test_an_optional_field_sent_as_null_is_documented_and_taken_as_absent(client, bearer):
    # Found by the stateful schemathesis run: the API took `"national_id": null` while
    # the document allowed only a string.
    new_contact = client.get("/api/openapi.json").get_json()["components"]["schemas"][
        "NewContact"]["properties"]
    assert new_contact["national_id"]["type"] == ["string", "null"]
    assert new_contact["kind"]["enum"][-1] is None
    created = client.post("/api/v1/contacts", json={
        "name": "هند العتيبي", "phone": "0598765432", "national_id": None, "email": None},
        headers=bearer("agent"))
    assert created.status_code == 200, created.get_data(as_text=True)
    assert created.get_json()["national_id"] is None


def test_the_api_documentation_page_renders_without_scripts(client):
    response = client.get("/api/docs", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/tickets/{number}/actions" in html and "NewTicket" in html
    assert '<a href="#take_action" title="Take an action on the version seen.">TakeAction</a>' \
        in html


# ---------------------------------------------------------------------------------------
# Idempotency keys belong to their caller

def test_two_callers_with_the_same_key_each_get_their_own_ticket(client, bearer):
    website, call_centre = bearer(), bearer()
    for field in ({"headers": {"Idempotency-Key": "order-1"}},
                  {"json": {"external_id": "crm-1"}}):
        extra_headers = field.get("headers", {})
        body = new_ticket(**field.get("json", {}))
        first = client.post("/api/v1/tickets", json=body,
                            headers={**website, **extra_headers})
        second = client.post("/api/v1/tickets", json=body,
                             headers={**call_centre, **extra_headers})
        assert first.status_code == second.status_code == 201
        assert first.get_json()["number"] != second.get_json()["number"]
        assert first.get_json()["tracking_url"] != second.get_json()["tracking_url"]
        # Each caller's own repeat still returns its own first answer.
        again = client.post("/api/v1/tickets", json=body,
                            headers={**call_centre, **extra_headers})
        assert again.get_json()["number"] == second.get_json()["number"]
    assert ticket_count() == 4


def test_a_caller_cannot_reach_a_channels_message_by_its_external_id(client, bearer, app):
    from helpdesk.plugin_api.types import InboundMessage
    from helpdesk.tickets.intake import receive

    provider = receive("website", InboundMessage(external_id="wamid.42", body="رسالة خاصة",
                                                 sender_phone="+966512345670"))
    response = client.post("/api/v1/tickets", json=new_ticket(external_id="wamid.42"),
                           headers=bearer("agent"))
    assert response.status_code == 201
    assert response.get_json()["number"] != provider.ticket.number


def test_a_key_reused_with_a_different_body_answers_422(client, bearer):
    headers = {**bearer(), "Idempotency-Key": "order-9"}
    first = client.post("/api/v1/tickets", json=new_ticket(), headers=headers)
    assert first.status_code == 201
    changed = client.post("/api/v1/tickets", json=new_ticket(subject="موضوع آخر"),
                          headers=headers)
    error = assert_error(changed, 422, "idempotency_conflict")
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert first.get_json()["number"] not in changed.get_data(as_text=True)
    # The same body in another key order and spacing is the same request.
    import json as json_module
    reordered = json_module.dumps(dict(reversed(list(new_ticket().items()))), indent=2)
    same = client.post("/api/v1/tickets", data=reordered, content_type="application/json",
                       headers=headers)
    assert same.status_code == 201
    assert same.get_json()["number"] == first.get_json()["number"]

    ext = bearer()
    client.post("/api/v1/tickets", json=new_ticket(external_id="crm-9"), headers=ext)
    error = assert_error(client.post("/api/v1/tickets", headers=ext,
                                     json=new_ticket(external_id="crm-9", channel="phone")),
                         422, "idempotency_conflict")
    assert list(error["fields"]) == ["external_id"]
    assert ticket_count() == 2
