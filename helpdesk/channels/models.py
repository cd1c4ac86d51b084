"""Per-association channel configuration, and the deliveries that could not be taken in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db


class ChannelConfig(db.Model):
    __tablename__ = "channel_configs"

    channel_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IntakeFailure(db.Model):
    """A delivery that could not become a ticket, kept (bounded) for an admin to look at.

    ``reason`` is "signature" (verification failed), "parse" (the channel could not read
    the payload) or "intake" (a parsed message could not be stored).
    """

    __tablename__ = "intake_failures"
    __table_args__ = (
        Index("ix_intake_failures_resolved_received_at", "resolved", "received_at"),
        Index("ix_intake_failures_channel_key_received_at", "channel_key", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_key: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)           # the error, truncated
    headers: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    payload_excerpt: Mapped[str | None] = mapped_column(Text)  # the body's start, bounded
    payload_size: Mapped[int] = mapped_column(Integer, default=0)
    payload_sha256: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(255))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
