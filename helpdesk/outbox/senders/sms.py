"""SMS for tickets whose channel cannot answer: the shared gateway client, set from the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpdesk.outbox.senders.base import Sender, Unconfigured
from helpdesk.plugin_api.sms import SmsGatewayClient
from helpdesk.plugin_api.types import DeliveryResult, OutboundMessage

HttpSmsGateway = SmsGatewayClient  # the name the core's tests and tools know it by


class SmsSender:
    """Sends an outbox message as SMS to ``message.to_phone``."""

    def __init__(self, gateway: SmsGatewayClient):
        self.gateway = gateway

    def send(self, message: OutboundMessage) -> DeliveryResult:
        if not message.to_phone:
            return DeliveryResult(ok=False, retryable=False,
                                  error="the contact has no mobile number for SMS")
        return self.gateway.send_sms(to=message.to_phone, body=message.body,
                                     idempotency_key=message.idempotency_key)


def sms_sender_from_config(config: Mapping[str, Any]) -> Sender:
    url = config.get("SMS_GATEWAY_URL")
    if not url:
        return Unconfigured("SMS is not configured: set SMS_GATEWAY_URL and SMS_API_KEY")
    return SmsSender(SmsGatewayClient(url, config.get("SMS_API_KEY"), config.get("SMS_SENDER"),
                                      float(config.get("SMS_TIMEOUT_SECONDS") or 15)))
