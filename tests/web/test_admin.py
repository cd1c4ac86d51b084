"""Administration forms: bad input comes back with every typed value and an Arabic message."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.admin.models import Association
from helpdesk.audit.models import AuditEntry
from helpdesk.channels.services import is_channel_active
from helpdesk.extensions import db


def test_a_half_filled_association_form_keeps_what_was_typed(client, make_user, login):
    login(make_user("manager"))
    typed = {"name_ar": "", "name_en": "Al-Birr Society", "registration_number": "12ab",
             "city": "الرياض", "committee_window_days": "200", "policy_approved_on": "1448-06-13",
             "policy_board_meeting": "الاجتماع الثالث"}
    response = client.post("/admin/association", data=typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for value in ("Al-Birr Society", "12ab", "الرياض", "200", "الاجتماع الثالث"):
        assert f'value="{value}"' in html
    for field in ("name_ar", "registration_number", "committee_window_days",
                  "policy_approved_on"):
        assert f'data-testid="error-{field}"' in html
    assert 'lang="ar"' in html and "Enter the association" not in html
    assert db.session.scalar(select(Association)) is None


def test_saving_the_profile_records_the_board_approval_in_both_calendars(client, make_user,
                                                                         login):
    login(make_user("manager"))
    response = client.post("/admin/association", data={
        "name_ar": "جمعية البر الخيرية", "committee_window_days": "10",
        "policy_board_meeting": "الاجتماع الثالث", "policy_approved_on": "2026-11-23"})
    assert response.status_code == 302
    association = db.session.scalar(select(Association))
    assert association.committee_window_days == 10
    assert association.policy_approved_on == date(2026, 11, 23)
    html = client.get("/admin/association").get_data(as_text=True)
    assert "1448" in html and "2026" in html
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "association.updated"))
    assert entry.after["name_ar"] == "جمعية البر الخيرية"


def test_creating_a_user_with_bad_input_keeps_the_values_and_explains(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/users", data={"name": "خالد", "email": "not-an-email",
                                                 "role": "agent", "password": "short"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="خالد"' in html and 'value="not-an-email"' in html
    assert 'data-testid="error-email"' in html and 'data-testid="error-password"' in html
    assert 'value="short"' not in html  # passwords are never echoed back


def test_an_admin_creates_a_user_who_can_then_sign_in(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/users", data={
        "name": "خالد العتيبي", "email": "Khalid@Example.org", "role": "research_officer",
        "password": "a long enough password"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "khalid@example.org"))
    assert user.role == "research_officer"
    client.post("/logout")
    assert client.post("/login", data={"email": "khalid@example.org",
                                       "password": "a long enough password"}).status_code == 302


def test_a_manager_deactivates_a_channel_in_place_with_htmx(htmx, make_user, login):
    login(make_user("manager"))
    response = htmx.post("/admin/channels/letters/active", data={"active": "0"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="channel-settings"')
    assert "<html" not in html
    assert is_channel_active("letters") is False


def test_activating_an_unknown_channel_is_not_found(client, make_user, login):
    login(make_user("manager"))
    assert client.post("/admin/channels/fax/active", data={"active": "1"}).status_code == 404


def test_the_create_user_command_makes_a_user_and_refuses_bad_input(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["helpdesk", "create-user", "--email", "a@b.sa", "--name", "أمل",
                             "--role", "agent", "--password", "long enough pass"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(args=["helpdesk", "create-user", "--email", "a@b.sa", "--name", "أمل",
                              "--role", "agent", "--password", "long enough pass"])
    assert bad.exit_code == 1
    assert "email" in bad.output


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c40000000049454e44ae426082")


def test_a_logo_is_uploaded_with_the_profile_and_served_publicly(client, make_user, login):
    from io import BytesIO

    login(make_user("manager"))
    response = client.post("/admin/association", data={
        "name_ar": "جمعية البر", "committee_window_days": "14",
        "logo": (BytesIO(PNG_1PX), "شعار الجمعية.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    client.post("/logout")
    logo = client.get("/association/logo")
    assert logo.status_code == 200 and logo.data == PNG_1PX
    assert logo.mimetype == "image/png"
    logo.close()


def test_a_logo_that_is_not_an_image_is_refused_beside_the_other_errors(client, make_user,
                                                                        login):
    from io import BytesIO

    login(make_user("manager"))
    response = client.post("/admin/association", data={
        "name_ar": "", "city": "جدة", "committee_window_days": "14",
        "logo": (BytesIO(b"<svg onload=alert(1)>"), "logo.svg")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-logo"' in html and 'data-testid="error-name_ar"' in html
    assert 'value="جدة"' in html
