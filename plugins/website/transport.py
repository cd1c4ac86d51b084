"""Email answers for the website channel: SMTP with the channel's own settings."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from helpdesk.plugin_api import DeliveryResult, OutboundMessage


class SmtpTransport:
    """One SMTP session per message. Port 465 is implicit TLS; any other port upgrades with
    STARTTLS when the server offers it (a local relay on port 25 may not)."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout

    def compose(self, message: OutboundMessage, from_address: str) -> EmailMessage:
        email = EmailMessage()
        email["From"] = from_address
        email["To"] = message.to_email
        email["Subject"] = message.subject or message.ticket_number
        email["Date"] = formatdate(localtime=False)
        # Stable across retries, so that a duplicate after a crash can be recognised.
        domain = parseaddr(from_address)[1].rpartition("@")[2] or "sila.invalid"
        email["Message-ID"] = f"<{message.idempotency_key}@{domain}>"
        email["Content-Language"] = message.locale
        if message.thread_id:
            email["In-Reply-To"] = email["References"] = message.thread_id
        email.set_content(message.body)
        return email

    def send(self, email: EmailMessage, settings: Mapping[str, Any]) -> DeliveryResult:
        host = str(settings["smtp_host"])
        port = int(settings.get("smtp_port") or 587)
        try:
            if port == 465:
                client = smtplib.SMTP_SSL(host, port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(host, port, timeout=self.timeout)
            with client:
                if port != 465:
                    client.ehlo()
                    if client.has_extn("starttls"):
                        client.starttls(context=ssl.create_default_context())
                if settings.get("smtp_username"):
                    client.login(str(settings["smtp_username"]),
                                 str(settings.get("smtp_password") or ""))
                client.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            permanent = all(code >= 500 for code, _ in exc.recipients.values())
            return DeliveryResult(ok=False, retryable=not permanent,
                                  error=f"SMTP refused the recipient: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") \
                if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            retryable = exc.smtp_code < 500 or isinstance(exc, smtplib.SMTPAuthenticationError)
            return DeliveryResult(ok=False, retryable=retryable,
                                  error=f"SMTP answered {exc.smtp_code}: {text}")
        except (smtplib.SMTPException, OSError) as exc:
            return DeliveryResult(ok=False, retryable=True, error=f"SMTP failed: {exc}")
        return DeliveryResult(ok=True, provider_id=email["Message-ID"])
