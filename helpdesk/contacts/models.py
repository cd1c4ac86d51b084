"""Contacts: beneficiaries, supporters, volunteers and organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.accounts.models import Branch
from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db

CONTACT_KINDS = ("beneficiary", "supporter", "volunteer", "organisation")


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="beneficiary")
    name: Mapped[str] = mapped_column(String(160))
    # National ID or iqama, checksum-validated, unique when known.
    national_id: Mapped[str | None] = mapped_column(String(10), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A duplicate merged into another contact stays as a pointer (old links and the audit
    # trail keep working) but owns no tickets and drops out of lists, search and matching.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch | None] = relationship()

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None
