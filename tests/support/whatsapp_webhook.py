"""Posting a signed WhatsApp Cloud API notification to a running Sila, as Meta does."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from pathlib import Path

PAYLOAD = Path(__file__).resolve().parents[1] / "plugins" / "payloads" / "whatsapp_text.json"
SECRET = "app-secret-for-tests"


def post_whatsapp_text(url: str, sender: str, message_id: str, text: str, *,
                       secret: str = SECRET) -> int:
    """A text message from ``sender`` to the social channel's webhook; the answer's status."""
    body = json.loads(PAYLOAD.read_text())
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    value["messages"][0].update({"from": sender, "id": message_id, "text": {"body": text}})
    raw = json.dumps(body, ensure_ascii=False).encode()
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{url}/channels/social/webhook", data=raw, method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own test server)
        return response.status
