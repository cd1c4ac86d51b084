"""The plumbing the fake servers share: a socketserver on a free port, served from a thread.

``ThreadedServer(server, name)`` starts serving at once; ``stop()`` shuts the server down,
closes its socket and waits for the thread. ``json_post_handler(answer)`` is the request
handler of the small HTTP fakes: every POST goes to ``answer(path, headers, body)`` (header
names lower-cased), which returns the status and a JSON-able body, or None for no body.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

Answer = Callable[[str, dict[str, str], bytes], tuple[int, Any]]


class ThreadedServer:
    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        server.daemon_threads = True  # a client left hanging never blocks stop()
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name,
                                        daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return self.server.server_address[0]

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


def json_post_handler(answer: Answer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = answer(self.path, headers, body)
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
