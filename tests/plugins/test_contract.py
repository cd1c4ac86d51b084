"""The channel contract, checked over every registered channel."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from helpdesk.db_types import utcnow
from helpdesk.plugin_api import (
    Channel,
    DeliveryResult,
    FieldSpec,
    OutboundMessage,
    PanelSpec,
    TicketSnapshot,
    WebhookRejected,
)
from helpdesk.plugin_api.types import TICKET_KINDS, Capability
from tests.plugins.test_engine import BUILT_IN

FIELD_TYPES = {"text", "textarea", "select", "phone", "national_id", "email", "date", "number",
               "secret", "multiselect"}


@pytest.fixture(params=BUILT_IN)
def channel(request, app) -> Channel:
    return app.extensions["helpdesk_plugins"].channels[request.param]


def test_a_channel_implements_the_protocol_and_its_key_is_its_folder(channel):
    assert isinstance(channel, Channel)
    assert type(channel).__module__ == f"plugins.{channel.meta.key}.channel"


def test_a_channel_has_distinct_arabic_and_english_names(app, channel):
    with app.test_request_context():
        with force_locale("ar"):
            arabic = str(channel.meta.label)
        with force_locale("en"):
            english = str(channel.meta.label)
    assert arabic != english
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic), arabic


def test_a_channel_declares_known_kinds_and_capabilities(channel):
    assert channel.meta.kinds and set(channel.meta.kinds) <= set(TICKET_KINDS)
    assert all(isinstance(c, Capability) for c in channel.meta.capabilities)
    assert channel.meta.icon


def test_a_channel_describes_its_forms_with_field_specs(app, channel):
    with app.test_request_context():
        for spec in (*channel.intake_fields(), *channel.settings_fields()):
            assert isinstance(spec, FieldSpec)
            assert spec.type in FIELD_TYPES
            assert str(spec.label)
            if spec.type in ("select", "multiselect"):
                assert spec.choices


def test_staff_intake_channels_refuse_an_empty_form_field_by_field(app, channel):
    required = [s.name for s in channel.intake_fields() if s.required]
    with app.test_request_context():
        errors = channel.validate_intake({})
    assert sorted(errors) == sorted(required)


def test_verify_webhook_raises_rather_than_returning_false(app, channel):
    if Capability.INBOUND_WEBHOOK in channel.meta.capabilities:
        pytest.skip("verified with recorded payloads in the channel's own tests")
    with pytest.raises(WebhookRejected):
        channel.verify_webhook({}, b"{}", {})


def test_send_returns_a_delivery_result(app, channel):
    """Without settings nothing can go out: a channel that cannot answer refuses for good;
    one that can waits (retryable) for an admin to fill in its settings. Actual sending is
    tested against a local fake provider in each channel's own tests."""
    message = OutboundMessage(idempotency_key="k1", ticket_number="2026-000001", body="مرحبا",
                              to_phone="+966512345678", to_email="person@example.org")
    result = channel.send(message, {})
    assert isinstance(result, DeliveryResult)
    assert result.ok is False and result.error
    assert result.retryable is (Capability.OUTBOUND in channel.meta.capabilities)


def test_a_ticket_panel_is_a_panel_spec_or_nothing(channel):
    snapshot = TicketSnapshot(id=1, number="2026-000001", channel_key=channel.meta.key,
                              kind=channel.meta.kinds[0], status="new", priority="normal",
                              subject="x", contact_name=None, contact_phone=None,
                              created_at=utcnow())
    panel = channel.ticket_panel(snapshot)
    assert panel is None or isinstance(panel, PanelSpec)
