"""The SMS gateway client, one for the core and every plugin: JSON over HTTP(S).

The gateway contract: ``POST <url>`` with a JSON body ``{"to", "from", "body", "reference"}``,
``Authorization: Bearer <api key>`` and ``Idempotency-Key: <key>``; a 2xx answer carries the
provider's message id as ``{"id": ...}``. A gateway that has seen the key answers with the
same id and does not send again, which is what makes a retry after a crash safe.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from helpdesk.plugin_api.types import DeliveryResult

# Answers worth trying again: the gateway is busy, rate-limiting or broken for now.
# 401/403 are included because they end when the operator fixes the key.
RETRYABLE_STATUSES = frozenset({401, 403, 408, 425, 429})


class SmsGatewayClient:
    """Posts one JSON request per message to the gateway at ``url``."""

    def __init__(self, url: str, api_key: str | None = None, sender: str | None = None,
                 timeout: float = 15.0):
        self.url = url
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout

    def send_sms(self, *, to: str, body: str, idempotency_key: str) -> DeliveryResult:
        payload = {"to": to, "from": self.sender, "body": body, "reference": idempotency_key}
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json", "Idempotency-Key": idempotency_key}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                detail = exc.read(300).decode("utf-8", "replace").strip()
            retryable = exc.code >= 500 or exc.code in RETRYABLE_STATUSES
            return DeliveryResult(ok=False, retryable=retryable,
                                  error=f"SMS gateway answered {exc.code}: {detail}".strip())
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            reason = getattr(exc, "reason", exc)
            return DeliveryResult(ok=False, retryable=True,
                                  error=f"SMS gateway unreachable: {reason}")
        try:
            provider_id = json.loads(answer or b"{}").get("id")
        except (ValueError, AttributeError):
            provider_id = None
        return DeliveryResult(ok=True, provider_id=str(provider_id) if provider_id else None)
