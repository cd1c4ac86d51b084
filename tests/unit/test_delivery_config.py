"""The worker's and senders' settings: defaults, and refusals that say what is wrong."""

from __future__ import annotations

import pytest

from helpdesk.config import load_config
from helpdesk.errors import StartupError
from helpdesk.worker import build_huey, huey_path

DEV = {"FLASK_DEBUG": "1"}


def test_delivery_defaults_need_nothing_running():
    config = load_config(DEV)
    assert config["HUEY_PATH"] is None and config["REDIS_URL"] is None
    assert str(huey_path(config)).endswith("instance/huey.db")
    assert config["OUTBOX_MAX_ATTEMPTS"] == 8 and config["SMTP_SECURITY"] == "starttls"
    assert config["SMTP_PORT"] == 587 and config["SMS_GATEWAY_URL"] is None


def test_settings_are_read_from_the_environment():
    config = load_config({**DEV, "SMS_GATEWAY_URL": "https://sms.example.sa/v1/send",
                          "SMS_API_KEY": "k", "SMTP_HOST": "mail.example.sa",
                          "SMTP_FROM": "care@example.sa", "SMTP_SECURITY": "ssl",
                          "OUTBOX_MAX_ATTEMPTS": "5", "OUTBOX_RETRY_BASE_SECONDS": "2.5"})
    assert config["SMS_GATEWAY_URL"] == "https://sms.example.sa/v1/send"
    assert config["SMTP_PORT"] == 465  # implicit TLS's port unless told otherwise
    assert config["OUTBOX_MAX_ATTEMPTS"] == 5 and config["OUTBOX_RETRY_BASE_SECONDS"] == 2.5


@pytest.mark.parametrize("env, message", [
    ({"SMS_GATEWAY_URL": "ftp://sms.example.sa"}, "SMS_GATEWAY_URL must start with https://"),
    ({"SMTP_HOST": "mail.example.sa"}, "SMTP_FROM is required"),
    ({"SMTP_SECURITY": "tls13"}, "SMTP_SECURITY must be one of"),
    ({"SMTP_PORT": "smtp"}, "SMTP_PORT must be a number"),
    ({"SMTP_PORT": "70000"}, "SMTP_PORT must be at most 65535"),
    ({"OUTBOX_MAX_ATTEMPTS": "0"}, "OUTBOX_MAX_ATTEMPTS must be greater than zero"),
])
def test_wrong_delivery_settings_stop_the_start(env, message):
    with pytest.raises(StartupError, match=message):
        load_config({**DEV, **env})


def test_the_sqlite_queue_file_follows_huey_path(tmp_path):
    config = load_config({**DEV, "HUEY_PATH": str(tmp_path / "queues" / "sila.db")})
    huey = build_huey(config)
    try:
        assert huey.storage.filename == str(tmp_path / "queues" / "sila.db")
        assert (tmp_path / "queues" / "sila.db").exists()
    finally:
        huey.storage.close()
