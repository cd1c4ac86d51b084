"""The channel settings form: FieldSpecs rendered, saved on the config row, secrets kept
secret, server-set values read-only, every change audited without secret values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.accounts.services import create_user
from helpdesk.audit.models import AuditEntry
from helpdesk.channels.models import ChannelConfig
from helpdesk.channels.services import effective_settings
from helpdesk.extensions import db
from tests.conftest import PASSWORD

URL = "/admin/channels/social/settings"


@pytest.fixture
def manager_client(make_user, login):
    return login(make_user("manager"))


def _saved(key="social"):
    db.session.expire_all()
    config = db.session.get(ChannelConfig, key)
    return dict(config.settings) if config else {}


def _audits():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "channel.settings")
                              .order_by(AuditEntry.id)).all()


def test_the_form_shows_every_setting_of_the_channel(manager_client):
    html = manager_client.get(URL).get_data(as_text=True)

    for name in ("whatsapp_phone_number_id", "whatsapp_access_token", "whatsapp_app_secret",
                 "whatsapp_verify_token", "whatsapp_api_version"):
        assert f'name="{name}"' in html
    assert 'type="password"' in html


def test_the_channels_page_links_to_each_channels_settings(manager_client):
    html = manager_client.get("/admin/channels").get_data(as_text=True)
    assert f'href="{URL}"' in html
    assert 'href="/admin/channels/phone/settings"' in html


def test_saving_stores_the_values_the_channel_then_uses(manager_client):
    response = manager_client.post(URL, data={"whatsapp_phone_number_id": "106540352242922",
                                              "whatsapp_access_token": "EAAG-secret-token"})

    assert response.status_code == 302
    assert _saved() == {"whatsapp_phone_number_id": "106540352242922",
                        "whatsapp_access_token": "EAAG-secret-token"}
    assert effective_settings("social")["whatsapp_access_token"] == "EAAG-secret-token"


def test_a_saved_secret_is_never_shown_back_and_a_blank_one_keeps_it(manager_client):
    manager_client.post(URL, data={"whatsapp_access_token": "EAAG-secret-token"})

    html = manager_client.get(URL).get_data(as_text=True)
    assert "EAAG-secret-token" not in html
    assert 'placeholder="' in html

    manager_client.post(URL, data={"whatsapp_access_token": "",
                                   "whatsapp_phone_number_id": "42"})
    assert _saved()["whatsapp_access_token"] == "EAAG-secret-token"
    assert _saved()["whatsapp_phone_number_id"] == "42"


def test_a_saved_secret_can_be_removed_on_purpose(manager_client):
    manager_client.post(URL, data={"whatsapp_app_secret": "app-secret"})
    manager_client.post(URL, data={"whatsapp_app_secret": "",
                                   "whatsapp_app_secret__clear": "1"})
    assert "whatsapp_app_secret" not in _saved()


def test_every_change_is_audited_without_the_secret_values(manager_client):
    manager_client.post(URL, data={"whatsapp_phone_number_id": "42",
                                   "whatsapp_access_token": "EAAG-secret-token"})
    manager_client.post(URL, data={"whatsapp_phone_number_id": "43",
                                   "whatsapp_access_token": "EAAG-new-token"})

    first, second = _audits()
    assert first.target_id == "social"
    assert first.before == {"whatsapp_phone_number_id": None, "whatsapp_access_token": None}
    assert first.after == {"whatsapp_phone_number_id": "42",
                           "whatsapp_access_token": "[changed]"}
    assert second.before == {"whatsapp_phone_number_id": "42",
                             "whatsapp_access_token": "[set]"}
    for entry in (first, second):
        assert "token" not in str(entry.after).replace("whatsapp_access_token", "")


def test_saving_the_same_values_again_records_nothing(manager_client):
    manager_client.post(URL, data={"whatsapp_phone_number_id": "42"})
    response = manager_client.post(URL, data={"whatsapp_phone_number_id": "42"},
                                   follow_redirects=True)
    assert response.status_code == 200
    assert len(_audits()) == 1


def test_a_bad_value_is_refused_at_its_field_and_the_form_keeps_what_was_typed(
        make_user, login):
    client = login(make_user("admin"))
    response = client.post("/admin/channels/phone/settings",
                           data={"sms_gateway_url": "not a url", "sms_sender": "AlBir",
                                 "sms_api_key": "key-typed"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-sms_gateway_url"' in html
    assert 'value="not a url"' in html and 'value="AlBir"' in html
    assert "key-typed" not in html
    assert _saved("phone") == {}
    assert _audits() == []


def test_htmx_saves_and_returns_the_form_fragment(manager_client):
    response = manager_client.post(URL, data={"whatsapp_phone_number_id": "42"},
                                   headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="channel-settings-form">')
    assert 'data-testid="settings-saved"' in html and 'value="42"' in html
    assert _saved() == {"whatsapp_phone_number_id": "42"}


def test_htmx_shows_errors_in_the_fragment(make_user, login):
    client = login(make_user("manager"))
    response = client.post("/admin/channels/phone/settings",
                           data={"sms_gateway_url": "ftp://x"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'data-testid="error-sms_gateway_url"' in response.get_data(as_text=True)


def test_an_unknown_channel_is_not_found(manager_client):
    assert manager_client.get("/admin/channels/fax/settings").status_code == 404


def test_a_value_set_by_the_server_is_read_only_and_not_saved(make_app):
    app = make_app(HELPDESK_ENV={"HELPDESK_SOCIAL_WHATSAPP_PHONE_NUMBER_ID": "from-env",
                                 "HELPDESK_SOCIAL_WHATSAPP_ACCESS_TOKEN": "env-token"})
    with app.app_context():
        user = create_user(role="manager", email="env-manager@example.org", name="مدير",
                           password=PASSWORD)
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})

        html = client.get(URL).get_data(as_text=True)
        assert 'data-testid="env-whatsapp_phone_number_id"' in html
        assert 'value="from-env"' in html
        assert "HELPDESK_SOCIAL_WHATSAPP_PHONE_NUMBER_ID" in html
        assert 'name="whatsapp_phone_number_id"' not in html
        assert "env-token" not in html

        client.post(URL, data={"whatsapp_phone_number_id": "typed",
                               "whatsapp_access_token": "typed-token",
                               "whatsapp_verify_token": "verify"})
        config = db.session.get(ChannelConfig, "social")
        assert config.settings == {"whatsapp_verify_token": "verify"}
        assert effective_settings("social")["whatsapp_phone_number_id"] == "from-env"
