"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that keeps every request.

It verifies nothing itself: tests check the signature as a receiver would, with the
subscription's secret. ``fail_next(500, 500)`` answers the next requests with those
statuses, then 200.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.support.threaded_server import ThreadedServer, json_post_handler


@dataclass
class ReceivedHook:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    host: str = "127.0.0.1"
    received: list[ReceivedHook] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: deque[int] = deque()
        self._server: ThreadedServer | None = None

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/hooks/sila?source=test"

    def fail_next(self, *statuses: int) -> None:
        with self._lock:
            self._failures.extend(statuses)

    def requests(self) -> list[ReceivedHook]:
        with self._lock:
            return list(self.received)

    def delivered(self) -> list[ReceivedHook]:
        """The requests answered 2xx."""
        return [hook for hook in self.requests() if 200 <= hook.status < 300]

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self._failures.popleft() if self._failures else 200
            self.received.append(ReceivedHook(path, headers, body, status))
            return status

    def start(self) -> WebhookReceiver:
        server_class = ThreadingHTTPServer
        if ":" in self.host:

            class IPv6Server(ThreadingHTTPServer):
                address_family = socket.AF_INET6

            server_class = IPv6Server
        handler = json_post_handler(lambda path, headers, body:
                                    (self._answer(path, headers, body), None))
        self._server = ThreadedServer(server_class((self.host, 0), handler), "webhook-receiver")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
