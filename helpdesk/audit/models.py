"""One row per change outside tickets, or per look at private data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The audit page lists newest first (by id) under one filter at a time.
    __table_args__ = (
        Index("ix_audit_entries_action_id", "action", "id"),
        Index("ix_audit_entries_target_type_id", "target_type", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # Named, not imported: the audit log sits below the accounts it records.
    actor = relationship("User")
