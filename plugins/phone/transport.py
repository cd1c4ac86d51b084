"""The SMS gateway call behind the phone channel's answers (HTTP, JSON, idempotency key).

Injectable: the channel takes any object with ``post``; tests run the real one against a
local fake gateway. Speaks the same gateway contract as the core's SMS sender: JSON
``{"to", "from", "body", "reference"}``, a bearer API key and an ``Idempotency-Key`` header;
a 2xx answer carries ``{"id": ...}``.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from helpdesk.plugin_api import DeliveryResult

# Busy, rate-limited, or a key the operator can still fix: worth another attempt.
RETRYABLE = frozenset({401, 403, 408, 425, 429})


class SmsGatewayTransport:
    def __init__(self, timeout: float = 15.0):
        self.timeout = timeout

    def post(self, url: str, payload: Mapping[str, Any], *, api_key: str | None,
             idempotency_key: str) -> DeliveryResult:
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json", "Idempotency-Key": idempotency_key}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        data = json.dumps(dict(payload), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                detail = exc.read(300).decode("utf-8", "replace").strip()
            return DeliveryResult(ok=False, retryable=exc.code >= 500 or exc.code in RETRYABLE,
                                  error=f"SMS gateway answered {exc.code}: {detail}".strip())
        except (OSError, http.client.HTTPException) as exc:
            return DeliveryResult(ok=False, retryable=True,
                                  error=f"SMS gateway unreachable: {getattr(exc, 'reason', exc)}")
        try:
            message_id = json.loads(body or b"{}").get("id")
        except (ValueError, AttributeError):
            message_id = None
        return DeliveryResult(ok=True, provider_id=str(message_id) if message_id else None)
