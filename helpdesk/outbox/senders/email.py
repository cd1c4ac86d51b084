"""Email for tickets whose channel cannot answer: the shared SMTP client, set from the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpdesk.outbox.senders.base import Sender, Unconfigured
from helpdesk.plugin_api.smtp import SmtpClient


def smtp_sender_from_config(config: Mapping[str, Any]) -> Sender:
    host = config.get("SMTP_HOST")
    if not host:
        return Unconfigured("email is not configured: set SMTP_HOST and SMTP_FROM")
    return SmtpClient(host, int(config.get("SMTP_PORT") or 587), config["SMTP_FROM"],
                      username=config.get("SMTP_USERNAME"), password=config.get("SMTP_PASSWORD"),
                      security=config.get("SMTP_SECURITY") or "starttls",
                      timeout=float(config.get("SMTP_TIMEOUT_SECONDS") or 30))
