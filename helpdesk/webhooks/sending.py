"""One webhook POST: signed, to the checked address, a short timeout, no redirects.

http.client (what urllib, the outbox senders' client, is built on) rather than urllib:
urllib follows redirects and resolves the host again on connect, while here the socket goes
to the address the SSRF guard checked and a 3xx is an answer, never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
from dataclasses import dataclass

from helpdesk.webhooks.addresses import IPAddress, Target

USER_AGENT = "Sila-Webhooks/1"
ERROR_BODY_BYTES = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "timestamp.body">`` under the subscription's secret."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                   hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(*, secret: str, event_type: str, delivery_key: str, timestamp: str,
                   body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Sila-Event": event_type,
        "X-Sila-Delivery": delivery_key,
        "X-Sila-Timestamp": timestamp,
        "X-Sila-Signature": signature(secret, timestamp, body),
    }


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    retryable: bool = True


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((str(self._address), self.port), self.timeout)
        # SNI and the certificate check use the name as written, not the address.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def post(target: Target, headers: dict[str, str], body: bytes, timeout: float) -> SendResult:
    """POST ``body`` to the first of the target's checked addresses that accepts a
    connection; the outcome as a SendResult (never raises for network trouble)."""
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    last_error = "no address"
    for address in target.addresses:
        connection = connection_class(target.host, target.port, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                last_error = f"cannot connect to {address}: {exc}"
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read(ERROR_BODY_BYTES).decode("utf-8", "replace").strip()
            status = response.status
        except ssl.SSLError as exc:
            return SendResult(False, error=f"TLS failed: {exc}")
        except (OSError, http.client.HTTPException) as exc:
            return SendResult(False, error=f"request failed: {exc}")
        finally:
            connection.close()
        if 200 <= status < 300:
            return SendResult(True, status=status)
        if 300 <= status < 400:
            return SendResult(False, status=status, retryable=False,
                              error=f"answered {status}: redirects are not followed")
        detail = f"answered {status}: {text}".strip().rstrip(":")
        return SendResult(False, status=status, error=detail, retryable=status != 410)
    return SendResult(False, error=last_error)
