"""A tiny SMTP server on 127.0.0.1 for tests: enough of RFC 5321 for smtplib, no TLS.

Messages are kept parsed; a recipient whose address starts with "refuse" gets a 550.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from tests.support.threaded_server import ThreadedServer


@dataclass
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def handle(self) -> None:
        self.reply("220 sila-test ESMTP")
        mail_from, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sila-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 OK")
            elif verb == "RSET":
                mail_from, recipients = "", []
                self.reply("250 OK")
            elif command.upper().startswith("MAIL FROM:"):
                mail_from = command[10:].split()[0].strip("<>")
                self.reply("250 OK")
            elif command.upper().startswith("RCPT TO:"):
                address = command[8:].split()[0].strip("<>")
                if address.startswith("refuse"):
                    self.reply("550 No such mailbox")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message = email.message_from_bytes(self.read_data(), policy=email.policy.default)
                self.server.mailbox.add(ReceivedMail(mail_from, recipients, message))
                mail_from, recipients = "", []
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    mailbox: SmtpTestServer


@dataclass
class SmtpTestServer:
    received: list[ReceivedMail] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadedServer | None = None

    def add(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.received.append(mail)

    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self.received)

    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> SmtpTestServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.mailbox = self
        self._server = ThreadedServer(server, "smtp-test-server")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
