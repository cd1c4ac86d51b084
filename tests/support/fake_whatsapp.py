"""A fake WhatsApp Cloud API: a real HTTP server on 127.0.0.1 speaking the Graph messages call.

``POST /<version>/<phone_number_id>/messages`` with a bearer token and a JSON text message;
answers ``{"messages": [{"id": "wamid.N"}]}`` like Meta, or a Graph error object
(``{"error": {"code": ..., "message": ...}}``) when told to fail. Like Meta it does NOT
deduplicate: every accepted request is a message sent, so tests can count duplicates.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.support.threaded_server import ThreadedServer, json_post_handler

PATH = re.compile(r"^/(v\d+\.\d+)/([^/]+)/messages$")


@dataclass
class SentWhatsApp:
    id: str
    version: str
    phone_number_id: str
    payload: dict[str, Any]


@dataclass
class FakeWhatsApp:
    access_token: str = "whatsapp-test-token"
    requests: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentWhatsApp] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: deque[tuple[int, int]] = deque()
        self._ids = itertools.count(1)
        self._server: ThreadedServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    def fail_next(self, status: int, code: int) -> None:
        """Answer the next request with this HTTP status and Graph error code."""
        with self._lock:
            self._failures.append((status, code))

    def answer(self, path: str, headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            match = PATH.match(path)
            if match is None:
                return 404, {"error": {"code": 803, "message": "Unknown path"}}
            if headers.get("authorization") != f"Bearer {self.access_token}":
                return 401, {"error": {"code": 190, "message": "Invalid OAuth access token"}}
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"error": {"code": 100, "message": "Invalid JSON"}}
            if payload.get("messaging_product") != "whatsapp" or not payload.get("to") \
                    or not (payload.get("text") or {}).get("body"):
                return 400, {"error": {"code": 100, "message": "Invalid parameter"}}
            if self._failures:
                status, code = self._failures.popleft()
                return status, {"error": {"code": code, "message": "failing as told"}}
            sent = SentWhatsApp(id=f"wamid.{next(self._ids)}", version=match.group(1),
                                phone_number_id=match.group(2), payload=payload)
            self.sent.append(sent)
            return 200, {"messaging_product": "whatsapp",
                         "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                         "messages": [{"id": sent.id}]}

    def start(self) -> FakeWhatsApp:
        server = ThreadingHTTPServer(("127.0.0.1", 0), json_post_handler(self.answer))
        self._server = ThreadedServer(server, "fake-whatsapp")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
