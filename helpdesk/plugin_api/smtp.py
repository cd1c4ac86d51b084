"""The SMTP client, one for the core and every plugin: plain text, UTF-8, one session a message."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from helpdesk.plugin_api.types import DeliveryResult, OutboundMessage

# "auto": implicit TLS on port 465, else STARTTLS when the server offers it (a local relay
# on port 25 may not); the others are what the operator asked for, strictly.
SMTP_SECURITY = ("starttls", "ssl", "none", "auto")


def message_id_for(idempotency_key: str, from_address: str) -> str:
    """The same Message-ID on every attempt, so mail software can drop a duplicate.

    SMTP has no idempotency: a worker that dies after the server accepted the message and
    before recording it will send it again, with this same Message-ID.
    """
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "sila.invalid"
    return f"<{idempotency_key}@{domain}>"


class SmtpClient:
    """Sends an outbound message by email to ``message.to_email``."""

    def __init__(self, host: str, port: int, from_address: str, *, username: str | None = None,
                 password: str | None = None, security: str = "starttls",
                 timeout: float = 30.0):
        if security not in SMTP_SECURITY:
            raise ValueError(f"unknown SMTP security {security!r}")
        self.host = host
        self.port = port
        self.from_address = from_address
        self.username = username
        self.password = password
        self.security = "ssl" if security == "auto" and port == 465 else security
        self.timeout = timeout

    def build(self, message: OutboundMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = message.to_email
        email["Subject"] = message.subject or message.ticket_number
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = message_id_for(message.idempotency_key, self.from_address)
        email["Content-Language"] = message.locale
        if message.ticket_number:
            email["X-Sila-Ticket"] = message.ticket_number
        if message.thread_id:
            email["In-Reply-To"] = email["References"] = message.thread_id
        email.set_content(message.body)
        return email

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        elif self.security == "auto":
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: OutboundMessage) -> DeliveryResult:
        if not message.to_email:
            return DeliveryResult(ok=False, retryable=False,
                                  error="the contact has no email address")
        email = self.build(message)
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return DeliveryResult(ok=False, retryable=all(c < 500 for c in codes),
                                  error=f"SMTP refused the recipient: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") \
                if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            # A refused login ends when the operator fixes the password: worth retrying.
            retryable = exc.smtp_code < 500 or isinstance(exc, smtplib.SMTPAuthenticationError)
            return DeliveryResult(ok=False, retryable=retryable,
                                  error=f"SMTP answered {exc.smtp_code}: {text}")
        except (smtplib.SMTPException, OSError) as exc:
            return DeliveryResult(ok=False, retryable=True, error=f"SMTP failed: {exc}")
        return DeliveryResult(ok=True, provider_id=email["Message-ID"])
