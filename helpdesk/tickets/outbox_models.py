"""Outgoing messages waiting for, or done with, delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.extensions import db

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "dead")
# Why the message is sent; the catalogue of templates and of what the portal shows.
OUTBOX_PURPOSES = ("reply", "status_update", "missing_information", "decision", "closing",
                   "rating_invitation", "receipt", "staff_notification")
# How it leaves: through the ticket's own channel, or the core's SMS / email senders.
TRANSPORTS = ("channel", "sms", "email")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt_at", "status",
                            "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across retries and worker restarts: handed to the sender so it never sends twice.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    transport: Mapped[str] = mapped_column(String(16))
    channel_key: Mapped[str | None] = mapped_column(String(32))
    to_phone: Mapped[str | None] = mapped_column(String(20))
    to_email: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8), default="ar")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a worker took it for sending; a stale claim means the worker died mid-send.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
