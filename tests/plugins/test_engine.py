"""The plugin engine: discovery, selection, isolation of broken plugins, settings."""

from __future__ import annotations

import logging

import pytest

from helpdesk import create_app
from helpdesk.channels.services import effective_settings
from helpdesk.errors import StartupError
from helpdesk.extensions import db
from helpdesk.plugin_api.manager import installed_plugins
from tests.conftest import base_config

BUILT_IN = ["interview", "phone", "social", "letters", "help_requests", "volunteering",
            "website", "branch_visits"]


def _registry(app):
    return app.extensions["helpdesk_plugins"]


def test_the_eight_built_in_channels_are_declared_as_entry_points():
    assert sorted(installed_plugins()) == sorted(BUILT_IN)
    for name, module in installed_plugins().items():
        assert module == f"plugins.{name}"


def test_every_installed_plugin_is_loaded_by_default(app):
    registry = _registry(app)
    assert sorted(registry.channels) == sorted(BUILT_IN)
    assert registry.failures == []
    for key in BUILT_IN:
        assert registry.plugin_of_channel[key] == key


def test_a_plugin_can_be_disabled_by_configuration(make_app):
    app = make_app(HELPDESK_PLUGINS=["phone", "interview"])
    assert sorted(_registry(app).channels) == ["interview", "phone"]


def test_the_plugins_environment_variable_selects_plugins(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_PLUGINS", "letters, website")
    app = create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}",
                                 INSTANCE_PATH=str(tmp_path)))
    assert sorted(_registry(app).channels) == ["letters", "website"]


def test_naming_a_plugin_that_is_not_installed_refuses_to_start(tmp_path):
    with pytest.raises(StartupError, match="not installed: sms_magic"):
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", INSTANCE_PATH=str(tmp_path),
                               HELPDESK_PLUGINS=["phone", "sms_magic"]))


@pytest.mark.parametrize("broken, message", [
    ("broken_import", "ImportError: this plugin needs a library"),
    ("raising_hook", "RuntimeError: misconfigured plugin"),
    ("not_a_channel", "does not implement the Channel protocol"),
    ("duplicate_phone", "already registered by plugin 'phone'"),
])
def test_a_broken_plugin_is_reported_and_the_app_still_runs(make_app, make_user, login, caplog,
                                                            broken, message):
    with caplog.at_level(logging.ERROR):
        app = make_app(plugins=["plugins.phone", "plugins.interview",
                                (broken, f"tests.plugins.fixtures.{broken}")])
    registry = _registry(app)
    assert sorted(registry.channels) == ["interview", "phone"]
    assert [f.plugin for f in registry.failures] == [broken]
    assert message in registry.failures[0].error
    assert broken in caplog.text
    assert registry.manager.get_plugin(broken) is None
    with app.app_context():
        email = make_user("admin").email
    client = app.test_client()
    client.post("/login", data={"email": email, "password": "correct horse battery"})
    page = client.get("/channels")
    assert page.status_code == 200
    assert 'data-testid="plugin-failures"' in page.get_data(as_text=True)


def test_the_channels_command_lists_channels_and_broken_plugins(make_app):
    app = make_app(plugins=["plugins.phone", ("broken_import",
                                              "tests.plugins.fixtures.broken_import")])
    result = app.test_cli_runner().invoke(args=["helpdesk", "channels"])
    assert result.exit_code == 0
    assert "phone" in result.output and "الاتصالات الهاتفية" in result.output
    assert "active" in result.output
    assert "BROKEN broken_import" in result.output


def test_a_plugin_adds_a_blueprint_under_its_channel_path_with_its_templates(make_app):
    app = make_app(plugins=["plugins.phone", "tests.plugins.fixtures.with_blueprint"])
    response = app.test_client().get("/channels/kiosk/hello")
    assert response.status_code == 200
    assert 'data-testid="kiosk"' in response.get_data(as_text=True)


def test_event_hooks_reach_plugins_after_commit(make_app):
    from helpdesk.tickets.services import open_ticket
    from tests.plugins.fixtures import with_blueprint

    app = make_app(plugins=["plugins.phone", "tests.plugins.fixtures.with_blueprint"])
    with app.app_context():
        ticket = open_ticket(channel_key="kiosk", kind="inquiry", subject="سؤال عند الكشك")
        assert ticket.number in with_blueprint.created_tickets


def test_a_failing_event_hook_is_logged_and_does_not_break_the_change(make_app, caplog):
    from helpdesk.tickets.models import Ticket
    from helpdesk.tickets.services import open_ticket

    app = make_app(plugins=["plugins.phone", "tests.plugins.fixtures.failing_event_hook"])
    with app.app_context(), caplog.at_level(logging.ERROR):
        ticket = open_ticket(channel_key="phone", kind="inquiry", subject="سؤال")
        assert db.session.get(Ticket, ticket.id) is not None
    assert "failing_event_hook failed in helpdesk_ticket_created" in caplog.text


def test_a_plugin_setting_from_the_environment_wins_over_the_database(make_app):
    from helpdesk.channels.models import ChannelConfig

    app = make_app(HELPDESK_ENV={"HELPDESK_SOCIAL_WHATSAPP_APP_SECRET": "from-env"})
    with app.app_context():
        db.session.add(ChannelConfig(channel_key="social", active=True, settings={
            "whatsapp_app_secret": "from-admin", "whatsapp_verify_token": "kept"}))
        db.session.commit()
        settings = effective_settings("social")
    assert settings["whatsapp_app_secret"] == "from-env"
    assert settings["whatsapp_verify_token"] == "kept"


def test_an_environment_setting_for_help_requests_is_not_read_as_another_plugin(make_app):
    with pytest.raises(StartupError, match="HELPDESK_HELP_REQUESTS_COLOUR"):
        make_app(HELPDESK_ENV={"HELPDESK_HELP_REQUESTS_COLOUR": "green"})


def test_an_unknown_helpdesk_environment_variable_refuses_to_start(make_app):
    with pytest.raises(StartupError, match="HELPDESK_SOCIAL_WHATSAP_SECRET"):
        make_app(HELPDESK_ENV={"HELPDESK_SOCIAL_WHATSAP_SECRET": "typo"})
