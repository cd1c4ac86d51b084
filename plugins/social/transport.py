"""The WhatsApp Cloud API call behind the social channel's answers.

``POST {base}/{version}/{phone_number_id}/messages`` with a bearer access token and a JSON
text message; a 2xx answer carries ``{"messages": [{"id": "wamid..."}]}``. Injectable: the
channel takes any object with ``send_text``; tests run the real one against a local fake.

Meta's API takes no idempotency key, so the transport remembers (per process, bounded) the
message id each key was sent as: a retry of a delivered message returns that id instead of
sending again. The key also travels as ``biz_opaque_callback_data``, which Meta echoes in its
delivery receipts, so a send is traceable to its outbox row.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from typing import Any

from helpdesk.plugin_api import DeliveryResult

GRAPH_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
REMEMBERED_KEYS = 10_000
# Graph error codes worth another attempt even under a 4xx: rate limits and throttling
# (4, 80007, 130429, 131048, 131056), a temporary service error (2, 131000, 131016) and an
# expired or wrong token (190) that the operator can still replace.
RETRYABLE_CODES = frozenset({2, 4, 190, 80007, 130429, 131000, 131016, 131048, 131056})
RETRYABLE_STATUSES = frozenset({401, 408, 425, 429})


def _graph_error(body: bytes) -> tuple[int | None, str]:
    try:
        error = json.loads(body or b"{}").get("error") or {}
    except (ValueError, AttributeError):
        return None, body[:200].decode("utf-8", "replace")
    code = error.get("code")
    return (code if isinstance(code, int) else None), str(error.get("message") or "")[:200]


class WhatsAppCloudTransport:
    def __init__(self, base_url: str = GRAPH_URL, timeout: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._sent: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def _remembered(self, key: str) -> str | None:
        with self._lock:
            return self._sent.get(key)

    def _remember(self, key: str, message_id: str) -> None:
        with self._lock:
            self._sent[key] = message_id
            while len(self._sent) > REMEMBERED_KEYS:
                self._sent.popitem(last=False)

    def messages_url(self, phone_number_id: str, version: str) -> str:
        return (f"{self.base_url}/{urllib.parse.quote(version, safe='')}/"
                f"{urllib.parse.quote(phone_number_id, safe='')}/messages")

    def send_text(self, *, phone_number_id: str, access_token: str, to: str, body: str,
                  idempotency_key: str, version: str = DEFAULT_API_VERSION) -> DeliveryResult:
        already = self._remembered(idempotency_key)
        if already:
            return DeliveryResult(ok=True, provider_id=already)
        payload: dict[str, Any] = {
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "text", "text": {"preview_url": False, "body": body},
            "biz_opaque_callback_data": idempotency_key,
        }
        request = urllib.request.Request(
            self.messages_url(phone_number_id, version),
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Accept": "application/json",
                     "Authorization": f"Bearer {access_token}"},
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                code, detail = _graph_error(exc.read(2000))
            retryable = (exc.code >= 500 or exc.code in RETRYABLE_STATUSES
                         or code in RETRYABLE_CODES)
            where = f" (code {code})" if code is not None else ""
            return DeliveryResult(ok=False, retryable=retryable,
                                  error=f"WhatsApp answered {exc.code}{where}: {detail}".strip())
        except (OSError, http.client.HTTPException) as exc:
            return DeliveryResult(ok=False, retryable=True,
                                  error=f"WhatsApp unreachable: {getattr(exc, 'reason', exc)}")
        try:
            message_id = json.loads(answer or b"{}")["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            message_id = None
        if message_id:
            self._remember(idempotency_key, str(message_id))
        return DeliveryResult(ok=True, provider_id=str(message_id) if message_id else None)
