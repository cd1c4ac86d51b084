"""Configuration from the environment, and start-up failures that say one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.config import load_config, normalise_database_url, plugin_env_settings
from helpdesk.errors import StartupError

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(StartupError, match="SECRET_KEY is not set"):
        load_config({})


def test_debug_gets_a_development_secret_key():
    assert load_config({"FLASK_DEBUG": "1"})["SECRET_KEY"]


def test_the_default_database_is_a_sqlite_file_under_instance():
    config = load_config({"FLASK_DEBUG": "1"})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/sila.db")


@pytest.mark.parametrize("url, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_are_normalised_to_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_an_unsupported_database_is_refused():
    with pytest.raises(StartupError, match="mysql"):
        load_config({"FLASK_DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"})


@pytest.mark.parametrize("name, value", [
    ("FLASK_DEBUG", "maybe"),
    ("HELPDESK_DEFAULT_LOCALE", "fr"),
    ("REDIS_URL", "http://localhost:6379"),
    ("TRUSTED_PROXY_COUNT", "-1"),
    ("TRUSTED_PROXY_COUNT", "one"),
    ("TRUSTED_PROXY_COUNT", "9"),
])
def test_unknown_configuration_values_are_refused(name, value):
    env = {"SECRET_KEY": "s", name: value}
    with pytest.raises(StartupError):
        load_config(env)


def test_cookies_are_secure_outside_debug_and_always_http_only_and_lax():
    production = load_config({"SECRET_KEY": "s"})
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert load_config({"FLASK_DEBUG": "1"})["SESSION_COOKIE_SECURE"] is False


def test_redis_url_selects_redis_for_rate_limits():
    config = load_config({"SECRET_KEY": "s", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert load_config({"SECRET_KEY": "s"})["RATELIMIT_STORAGE_URI"] == "memory://"


def test_no_proxy_is_trusted_unless_the_operator_says_how_many_there_are():
    assert load_config({"SECRET_KEY": "s"})["TRUSTED_PROXY_COUNT"] == 0
    assert load_config({"SECRET_KEY": "s", "TRUSTED_PROXY_COUNT": "1"})[
        "TRUSTED_PROXY_COUNT"] == 1


def test_redis_rate_limits_fall_back_to_memory_with_short_timeouts():
    config = load_config({"SECRET_KEY": "s", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    assert config["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] <= 1


def test_plugin_settings_are_split_by_the_longest_matching_plugin_key():
    by_plugin, unknown = plugin_env_settings(
        {"HELPDESK_HELP_REQUESTS_FORM_TITLE": "a", "HELPDESK_SOCIAL_WHATSAPP_APP_SECRET": "b",
         "HELPDESK_PLUGINS": "social", "HELPDESK_NOPE": "c"},
        ["help_requests", "social"],
    )
    assert by_plugin == {"help_requests": {"form_title": "a"},
                         "social": {"whatsapp_app_secret": "b"}}
    assert unknown == ["HELPDESK_NOPE"]


def _start_wsgi(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("HELPDESK_", "FLASK_", "DATABASE_URL", "SECRET_KEY"))}
    clean.update(HELPDESK_INSTANCE_PATH=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_wsgi_without_a_secret_key_exits_with_one_clear_line(tmp_path):
    result = _start_wsgi(tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "sila: cannot start: SECRET_KEY is not set; production refuses to start without one "
        "(set FLASK_DEBUG=1 for a development key)"
    ]


def test_wsgi_with_an_unreachable_database_exits_with_one_clear_line(tmp_path):
    result = _start_wsgi(tmp_path, SECRET_KEY="s",
                         DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("sila: cannot start: the database is unreachable")


def test_wsgi_with_an_unknown_setting_exits_with_one_clear_line(tmp_path):
    result = _start_wsgi(tmp_path, SECRET_KEY="s", HELPDESK_PHONE_SMS_GATEWAY_URLL="x",
                         DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "sila: cannot start: unknown setting(s) in the environment: "
        "HELPDESK_PHONE_SMS_GATEWAY_URLL"
    )


def test_wsgi_starts_with_a_reachable_database(tmp_path):
    result = _start_wsgi(tmp_path, SECRET_KEY="s", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stderr


def test_a_form_stays_valid_for_a_working_day_not_flask_wtfs_hour():
    assert load_config({"FLASK_DEBUG": "1"})["WTF_CSRF_TIME_LIMIT"] == 12 * 3600


def test_the_public_address_for_links_the_worker_sends_is_checked():
    assert load_config({"FLASK_DEBUG": "1"})["PORTAL_BASE_URL"] is None
    config = load_config({"FLASK_DEBUG": "1", "PORTAL_BASE_URL": "https://sila.example.org/"})
    assert config["PORTAL_BASE_URL"] == "https://sila.example.org"
    for wrong in ("sila.example.org", "ftp://sila.example.org", "https://"):
        with pytest.raises(StartupError, match="PORTAL_BASE_URL"):
            load_config({"FLASK_DEBUG": "1", "PORTAL_BASE_URL": wrong})


def test_the_clocks_and_reports_settings_are_numbers_above_zero():
    config = load_config({"FLASK_DEBUG": "1", "NOTIFICATIONS_POLL_SECONDS": "5",
                          "MISSING_ITEMS_REMINDER_WORKING_DAYS": "2"})
    assert (config["NOTIFICATIONS_POLL_SECONDS"], config["MISSING_ITEMS_REMINDER_WORKING_DAYS"],
            config["REPORTS_ROLLUP_MIN_TICKETS"]) == (5.0, 2, 20000)
    with pytest.raises(StartupError, match="NOTIFICATIONS_POLL_SECONDS"):
        load_config({"FLASK_DEBUG": "1", "NOTIFICATIONS_POLL_SECONDS": "0"})
