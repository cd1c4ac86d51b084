"""The development inbox: with DEV_INBOX on, every outgoing message is recorded, not sent.

A JSON-lines file in the instance folder (the web app and the worker share it), so the demo
shows deliveries working without an SMS gateway or a mail server. Never for production.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from helpdesk.db_types import utcnow
from helpdesk.plugin_api.types import DeliveryResult, OutboundMessage

FILENAME = "dev-inbox.jsonl"
_lock = threading.Lock()


@dataclass(frozen=True)
class DevInboxEntry:
    key: str
    transport: str          # sms, email, channel
    channel_key: str | None
    ticket_number: str
    to_phone: str | None
    to_email: str | None
    subject: str | None
    body: str
    recorded_at: str        # ISO 8601, UTC

    @property
    def recorded(self) -> datetime:
        return datetime.fromisoformat(self.recorded_at)


def inbox_path() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / FILENAME


def dev_inbox_enabled() -> bool:
    return bool(current_app.config.get("DEV_INBOX"))


def entries(path: Path | None = None) -> list[DevInboxEntry]:
    """What was recorded, newest first."""
    path = path or inbox_path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [DevInboxEntry(**json.loads(line)) for line in reversed(lines) if line.strip()]


class DevInboxSender:
    """Records the message under its idempotency key (once, however often it is retried)."""

    def __init__(self, path: Path, transport: str, channel_key: str | None = None):
        self.path = path
        self.transport = transport
        self.channel_key = channel_key

    def send(self, message: OutboundMessage) -> DeliveryResult:
        provider_id = f"dev-inbox-{message.idempotency_key}"
        with _lock:
            if any(entry.key == message.idempotency_key for entry in entries(self.path)):
                return DeliveryResult(ok=True, provider_id=provider_id)
            entry = DevInboxEntry(
                key=message.idempotency_key, transport=self.transport,
                channel_key=self.channel_key, ticket_number=message.ticket_number,
                to_phone=message.to_phone, to_email=message.to_email,
                subject=message.subject, body=message.body,
                recorded_at=utcnow().isoformat())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as inbox:
                inbox.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        return DeliveryResult(ok=True, provider_id=provider_id)
