"""The service catalogue in the interface: defining services, refusals, eligibility checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.services import check_documents, create_service
from helpdesk.tickets.models import Event

NEW_SERVICE = {
    "key": "rent_support", "name_ar": "دعم الإيجار", "name_en": "Rent support",
    "description_ar": "المساهمة في سداد إيجار المسكن.", "decision_window_days": "10",
    "needs_committee": "1", "active": "1",
    "fields-0-label_ar": "دخل الأسرة الشهري", "fields-0-label_en": "Monthly family income",
    "fields-0-name": "monthly_income", "fields-0-type": "number", "fields-0-min": "0",
    "fields-0-required": "1",
    "fields-1-label_ar": "عدد أفراد الأسرة", "fields-1-name": "family_size",
    "fields-1-type": "integer", "fields-1-min": "1", "fields-1-required": "1",
    "fields-2-label_ar": "المنطقة", "fields-2-name": "region", "fields-2-type": "choice",
    "fields-2-options": "riyadh | الرياض | Riyadh\nkharj | الخرج", "fields-2-required": "1",
    "fields-3-label_ar": "", "fields-3-name": "", "fields-3-type": "",  # the spare row
    "documents-0-label_ar": "عقد الإيجار", "documents-0-key": "lease",
    "documents-0-types": ["pdf", "png"], "documents-0-max_mb": "4", "documents-0-required": "1",
    "rules-0-type": "max_per_member", "rules-0-field": "monthly_income",
    "rules-0-per": "family_size", "rules-0-value": "1500",
    "rules-1-type": "in_list", "rules-1-field": "region", "rules-1-values": "riyadh\nkharj",
}


def _admin(make_user, login):
    return login(make_user("admin"))


def test_an_admin_defines_a_service_with_fields_documents_and_two_rules(client, make_user,
                                                                        login):
    _admin(make_user, login)
    assert client.get("/admin/services/new").status_code == 200
    response = client.post("/admin/services/new", data=NEW_SERVICE)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    service = db.session.scalar(select(Service).where(Service.key == "rent_support"))
    assert service.decision_window_days == 10 and service.needs_committee and service.active
    assert [f["name"] for f in service.fields] == ["monthly_income", "family_size", "region"]
    assert service.fields[2]["options"] == [
        {"value": "riyadh", "label_ar": "الرياض", "label_en": "Riyadh"},
        {"value": "kharj", "label_ar": "الخرج", "label_en": ""}]
    assert service.documents == [{"key": "lease", "label_ar": "عقد الإيجار", "label_en": "",
                                  "required": True, "types": ["pdf", "png"], "max_mb": 4}]
    assert service.rules == [
        {"type": "max_per_member", "field": "monthly_income", "per": "family_size",
         "value": 1500},
        {"type": "in_list", "field": "region", "values": ["riyadh", "kharj"]}]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "service.created"))
    assert entry.after["rules"] == service.rules
    listing = client.get("/admin/services").get_data(as_text=True)
    assert "دعم الإيجار" in listing and "/admin/services/rent_support/edit" in listing


def test_a_bad_rule_is_refused_at_its_row_and_everything_typed_is_kept(client, make_user,
                                                                      login):
    _admin(make_user, login)
    typed = {**NEW_SERVICE, "rules-1-field": "city"}
    response = client.post("/admin/services/new", data=typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    row = html[html.index('data-row="rules-1"'):]
    row = row[:row.index("</fieldset>")]
    error = row[row.index('data-testid="error-rules-1"'):]
    error = error[:error.index("</div>")]
    assert "city" in error and "does not declare" not in error  # the reason, in Arabic
    assert 'data-testid="error-rules-0"' not in html
    for value in ("دعم الإيجار", "دخل الأسرة الشهري", "riyadh | الرياض | Riyadh", "عقد الإيجار",
                  'value="1500"', 'value="family_size"', 'value="city"'):
        assert value in html
    assert re.search(r'name="documents-0-types" value="png"\s+checked', html)
    assert not re.search(r'name="documents-0-types" value="jpeg"\s+checked', html)
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_add_another_row_keeps_the_typed_rows_without_javascript(client, make_user, login):
    _admin(make_user, login)
    response = client.post("/admin/services/new", data={**NEW_SERVICE, "add": "rules"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="monthly_income"' in html and "<html" in html
    # The two typed conditions (the second filled the spare row) and one new blank row.
    assert html.count('data-row="rules-') == 3
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_add_another_row_adds_one_blank_to_the_blanks_already_there(client, make_user, login):
    _admin(make_user, login)
    blank_spare = {"rules-9-type": "", "rules-9-field": "", "rules-9-value": ""}
    response = client.post("/admin/services/new",
                           data={**NEW_SERVICE, **blank_spare, "add": "rules"})
    html = response.get_data(as_text=True)
    assert html.count('data-row="rules-') == 4  # two typed, the blank spare, one added


def test_add_another_row_with_htmx_returns_only_that_section(htmx, make_user, login):
    _admin(make_user, login)
    response = htmx.post("/admin/services/new", data={**NEW_SERVICE, "add": "fields"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="fields-editor"')
    # Three typed fields, the blank spare that was posted, and the one just added.
    assert html.count('data-row="fields-') == 5 and 'value="family_size"' in html


def test_editing_a_service_shows_its_rows_and_audits_before_and_after(client, make_user,
                                                                      login):
    admin = make_user("admin")
    login(admin)
    client.post("/admin/services/new", data=NEW_SERVICE)
    page = client.get("/admin/services/rent_support/edit").get_data(as_text=True)
    assert "riyadh | الرياض | Riyadh\nkharj | الخرج" in page
    assert 'value="max_per_member" selected' in page
    changed = {**NEW_SERVICE, "key": "ignored", "name_ar": "دعم إيجار المسكن",
               "rules-1-remove": "1"}
    response = client.post("/admin/services/rent_support/edit", data=changed)
    assert response.status_code == 302
    service = db.session.scalar(select(Service))
    assert service.key == "rent_support" and service.name_ar == "دعم إيجار المسكن"
    assert [rule["type"] for rule in service.rules] == ["max_per_member"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "service.updated"))
    assert entry.actor_id == admin.id
    assert len(entry.before["rules"]) == 2 and len(entry.after["rules"]) == 1


def test_the_services_page_is_in_the_navigation_of_managers_only(client, make_user, login):
    login(make_user("manager"))
    assert 'href="/admin/services"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user("agent"))
    assert 'href="/admin/services"' not in client.get("/").get_data(as_text=True)


# -- eligibility --------------------------------------------------------------------------

def _service(**overrides):
    values = {
        "key": "food_basket", "name_ar": "السلة الغذائية", "name_en": "Food basket",
        "active": True, "needs_committee": True,
        "fields": [
            {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري"},
            {"name": "family_size", "type": "integer", "label_ar": "عدد أفراد الأسرة"}],
        "rules": [{"type": "max_per_member", "field": "monthly_income", "per": "family_size",
                   "value": 1500},
                  {"type": "not_served_within_months", "months": 6}],
    }
    values.update(overrides)
    return create_service(values, actor=None)


def test_the_eligibility_fragment_says_eligible_or_not_with_the_reason(htmx, app):
    _service(rules=[{"type": "max_per_member", "field": "monthly_income",
                     "per": "family_size", "value": 1500}])
    eligible = htmx.post("/services/food_basket/eligibility",
                         data={"answer-monthly_income": "٤٥٠٠", "answer-family_size": "3"})
    html = eligible.get_data(as_text=True)
    assert eligible.status_code == 200 and "<html" not in html
    assert 'data-status="eligible"' in html
    refused = htmx.post("/services/food_basket/eligibility",
                        data={"answer-monthly_income": "6000", "answer-family_size": "3"})
    html = refused.get_data(as_text=True)
    assert 'data-status="not_eligible"' in html
    reasons = html[html.index('data-testid="eligibility-reasons"'):]
    assert "دخل الأسرة الشهري" in reasons and "عدد أفراد الأسرة" in reasons
    assert "2,000" in reasons and "1,500" in reasons
    assert "divided by" not in reasons  # the catalog's Arabic, not the English msgid


def test_a_plain_form_post_gets_a_whole_page_in_arabic(client, app):
    _service()
    response = client.post("/services/food_basket/eligibility",
                           data={"answer-monthly_income": "3000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html and 'lang="ar' in html
    assert 'data-status="needs_review"' in html
    # A field left empty is named, with the catalog's Arabic message for a required field.
    errors = html[html.index('data-testid="eligibility-errors"'):]
    assert "عدد أفراد الأسرة" in errors and "This field is required" not in errors


def test_not_served_within_months_counts_an_approved_ticket_of_the_same_contact(
        client, make_user, login, make_contact, make_ticket):
    service = _service()
    served, other = make_contact(), make_contact()
    two_months_ago = datetime.now(UTC) - timedelta(days=60)
    approved = make_ticket(kind="support_request", service_id=service.id, contact=served)
    approved.status = "approved"
    db.session.add(Event(ticket_id=approved.id, type="status_changed", visibility="public",
                         data={"from": "committee", "to": "approved", "action": "approve"},
                         created_at=two_months_ago))
    # Closed after a rejection: not a service given.
    rejected = make_ticket(kind="support_request", service_id=service.id, contact=other)
    rejected.status = "closed"
    for moved in ("rejected", "closed"):
        db.session.add(Event(ticket_id=rejected.id, type="status_changed",
                             visibility="public", data={"to": moved},
                             created_at=two_months_ago))
    db.session.commit()
    answers = {"answer-monthly_income": "3000", "answer-family_size": "4"}
    login(make_user("agent"))

    def check(contact):
        html = client.post("/services/food_basket/eligibility",
                           data={**answers, "contact_id": str(contact.id)}).get_data(
                               as_text=True)
        return re.search(r'data-status="(\w+)"', html).group(1), html

    status, html = check(served)
    assert status == "not_eligible"
    assert str((two_months_ago + timedelta(hours=3)).year) in html
    assert check(other)[0] == "eligible"


def test_an_anonymous_check_never_reads_a_contacts_history(client, app, make_contact,
                                                           make_ticket):
    service = _service()
    contact = make_contact()
    ticket = make_ticket(kind="support_request", service_id=service.id, contact=contact)
    ticket.status = "service_delivered"
    db.session.commit()
    html = client.post("/services/food_basket/eligibility", data={
        "answer-monthly_income": "3000", "answer-family_size": "4",
        "contact_id": str(contact.id)}).get_data(as_text=True)
    assert 'data-status="needs_review"' in html


def test_an_inactive_or_unknown_service_has_no_eligibility_check(client, app):
    _service(active=False)
    assert client.post("/services/food_basket/eligibility").status_code == 404
    assert client.post("/services/nothing/eligibility").status_code == 404


def test_the_public_eligibility_check_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, ELIGIBILITY_RATE_LIMIT="2 per minute")
    with app.app_context():
        _service()
        client = app.test_client()
        statuses = [client.post("/services/food_basket/eligibility").status_code
                    for _ in range(3)]
    assert statuses == [200, 200, 429]


# -- documents ----------------------------------------------------------------------------

PDF = b"%PDF-1.7\n% a small document\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=name)


def test_documents_are_limited_to_their_declared_types_and_size(app):
    service = _service(documents=[
        {"key": "lease", "label_ar": "عقد الإيجار", "types": ["pdf"], "max_mb": 1},
        {"key": "id_copy", "label_ar": "صورة الهوية"},
        {"key": "extra", "label_ar": "مستندات أخرى", "required": False}])
    checked, errors = check_documents(service, {"lease": _upload(PDF, "عقد.pdf"),
                                                "id_copy": _upload(PNG, "هوية.png")})
    assert set(checked) == {"lease", "id_copy"} and errors == {}
    assert checked["lease"].display_name == "عقد.pdf"
    checked, errors = check_documents(service, {
        "lease": _upload(PNG, "lease.png"),
        "id_copy": _upload(b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf")})
    assert set(errors) == {"lease", "id_copy"} and checked == {}
    assert "PDF" in errors["lease"] and "5" in errors["id_copy"]
    _checked, errors = check_documents(service, {})
    assert set(errors) == {"lease", "id_copy"}


def test_the_answer_fields_macro_names_inputs_for_the_eligibility_check(app):
    from flask import render_template_string

    from helpdesk.services_catalog.schema import parse_field

    fields = [parse_field(raw) for raw in (
        {"name": "monthly_income", "type": "number", "label_ar": "دخل الأسرة الشهري"},
        {"name": "region", "type": "choice", "label_ar": "المنطقة",
         "options": [{"value": "riyadh", "label_ar": "الرياض"}]},
        {"name": "insured", "type": "boolean", "label_ar": "التأمين الطبي"},
        {"name": "birth_date", "type": "date", "label_ar": "تاريخ الميلاد"},
        {"name": "notes", "type": "textarea", "label_ar": "ملاحظات", "required": False})]
    with app.test_request_context():
        html = render_template_string(
            '{% from "services_catalog/_answers.html" import answer_fields %}'
            '{{ answer_fields(fields, values, errors, "/services/food_basket/eligibility") }}',
            fields=fields, values={"monthly_income": "٤٥٠٠", "region": "riyadh",
                                   "insured": "no"},
            errors={"birth_date": "أدخل تاريخًا ميلاديًا بالصيغة YYYY-MM-DD."})
    assert 'name="answer-monthly_income"' in html and 'value="٤٥٠٠"' in html
    assert '<option value="riyadh" selected>الرياض</option>' in html
    assert re.search(r'id="field-answer-insured-no"[^>]*value="no"\s+checked', html)
    assert 'data-testid="error-answer-birth_date"' in html and 'type="date"' in html
    assert html.count('hx-post="/services/food_basket/eligibility"') == 6


def test_the_team_must_be_one_of_the_associations_teams(client, make_user, login):
    from helpdesk.accounts.models import Team

    _admin(make_user, login)
    team = Team(key="social_research", name_ar="البحث الاجتماعي", name_en="Social research")
    db.session.add(team)
    db.session.commit()
    for unknown in ("99999999999", str(team.id + 1), "الأول"):
        response = client.post("/admin/services/new", data={**NEW_SERVICE, "team_id": unknown})
        assert response.status_code == 422
        assert 'data-testid="error-team_id"' in response.get_data(as_text=True)
    response = client.post("/admin/services/new", data={**NEW_SERVICE, "team_id": str(team.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(Service)).team_id == team.id


def test_a_staff_check_naming_no_real_contact_needs_review(client, make_user, login):
    _service()
    login(make_user("agent"))
    for contact_id in ("99999999999", "0", "x"):
        html = client.post("/services/food_basket/eligibility", data={
            "answer-monthly_income": "3000", "answer-family_size": "4",
            "contact_id": contact_id}).get_data(as_text=True)
        assert 'data-status="needs_review"' in html
