"""The phone channel's table: one row per call the call system told us about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.plugin_api.core import Model, PortableJSON, UTCDateTime, utcnow


class PhoneCall(Model):
    """A call's state as its events arrive; ``events`` lists those seen (each once)."""

    __tablename__ = "phone_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(128), unique=True)
    caller: Mapped[str] = mapped_column(String(32))
    agent: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    events: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    ticket_number: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
