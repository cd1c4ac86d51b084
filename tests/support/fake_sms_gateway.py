"""A fake SMS gateway: a real HTTP server on 127.0.0.1 that dedupes on the idempotency key.

It speaks the contract of helpdesk.plugin_api.sms (the core's and the phone channel's client), and
keeps what a provider would: every request it answered, and every SMS it actually sent (one
per idempotency key, however often the key is posted).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.support.threaded_server import ThreadedServer, json_post_handler


@dataclass
class SentSms:
    id: str
    idempotency_key: str
    payload: dict[str, Any]


@dataclass
class FakeSmsGateway:
    api_key: str = "gateway-test-key"
    requests: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentSms] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: deque[int] = deque()
        self._always: int | None = None
        self._ids = itertools.count(1)
        self._by_key: dict[str, SentSms] = {}
        self._server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}/v1/messages"

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these HTTP statuses, then work normally."""
        with self._lock:
            self._failures.extend(statuses)

    def fail_always(self, status: int) -> None:
        with self._lock:
            self._always = status

    def sent_to(self, phone: str) -> list[SentSms]:
        with self._lock:
            return [sms for sms in self.sent if sms.payload.get("to") == phone]

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append({"headers": headers, "body": body})
            if headers.get("authorization") != f"Bearer {self.api_key}":
                return 401, {"error": "bad api key"}
            key = headers.get("idempotency-key")
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"error": "body is not JSON"}
            if not key or not payload.get("to") or not payload.get("body"):
                return 400, {"error": "to, body and Idempotency-Key are required"}
            if self._failures:
                return self._failures.popleft(), {"error": "failing as told"}
            if self._always is not None:
                return self._always, {"error": "failing as told"}
            if key in self._by_key:  # a retry of a message already sent: same id, no new SMS
                return 200, {"id": self._by_key[key].id, "duplicate": True}
            sms = SentSms(id=f"sms-{next(self._ids)}", idempotency_key=key, payload=payload)
            self._by_key[key] = sms
            self.sent.append(sms)
            return 201, {"id": sms.id}

    def start(self) -> FakeSmsGateway:
        handler = json_post_handler(lambda path, headers, body: self.answer(headers, body))
        self._server = ThreadedServer(ThreadingHTTPServer(("127.0.0.1", 0), handler),
                                      "fake-sms-gateway")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
