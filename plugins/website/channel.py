"""The website channel: the public contact form on the association's site."""

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api import (
    BaseChannel,
    Capability,
    ChannelMeta,
    DeliveryResult,
    FieldSpec,
    OutboundMessage,
    Reach,
    SmtpClient,
)


class WebsiteChannel(BaseChannel):
    meta = ChannelMeta(
        key="website",
        label=_l("Website"),
        icon="globe2",
        kinds=("inquiry", "support_request", "complaint", "suggestion", "volunteering",
               "appreciation", "other"),
        capabilities=frozenset({Capability.PUBLIC_INTAKE, Capability.ATTACHMENTS,
                                Capability.OUTBOUND, Capability.CONTACT_FORM}),
        description=_l("Requests sent through the contact form on the association's website."),
        position=70,
        reach=Reach.CONTACT_FORM,
    )
    sending_settings = ("smtp_host", "from_address")

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout

    def intake_fields(self):
        """The contact form's own fields; the core adds the kind, the attachments and the
        spam checks, and opens the ticket."""
        return (
            FieldSpec("name", _l("Your name"), required=True, max_length=160),
            FieldSpec("phone", _l("Mobile number"), type="phone", required=True,
                      help=_l("We send your request number to this number.")),
            FieldSpec("national_id", _l("National ID or iqama (optional)"),
                      type="national_id"),
            FieldSpec("email", _l("Email (optional)"), type="email"),
            FieldSpec("message", _l("Your message"), type="textarea", required=True,
                      max_length=4000),
        )

    def settings_fields(self):
        return (
            FieldSpec("smtp_host", _l("SMTP server")),
            FieldSpec("smtp_port", _l("SMTP port"), type="number"),
            FieldSpec("smtp_username", _l("SMTP user name")),
            FieldSpec("smtp_password", _l("SMTP password"), type="secret"),
            FieldSpec("from_address", _l("Sender address"), type="email"),
        )

    def send(self, message: OutboundMessage, settings: Mapping[str, Any]) -> DeliveryResult:
        """Answer the person who wrote through the form by email, with this channel's SMTP."""
        if not settings.get("smtp_host") or not settings.get("from_address"):
            # Retryable: the message waits (with backoff) for an admin to set up SMTP.
            return DeliveryResult(ok=False, retryable=True, unconfigured=True,
                                  error="the website channel has no SMTP server or sender "
                                        "address in its settings")
        if not message.to_email:
            return DeliveryResult(ok=False, retryable=False,
                                  error="the person left no email address")
        # Port 465 is implicit TLS; any other upgrades with STARTTLS when the server offers it.
        client = SmtpClient(str(settings["smtp_host"]), int(settings.get("smtp_port") or 587),
                            str(settings["from_address"]),
                            username=str(settings.get("smtp_username") or "") or None,
                            password=str(settings.get("smtp_password") or "") or None,
                            security="auto", timeout=self.timeout)
        return client.send(message)
