"""A support request form being filled in: its draft answers and the documents kept with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.db_types import PortableJSON, UTCDateTime, utcnow
from helpdesk.extensions import db
from helpdesk.services_catalog.models import Service


class ApplicationDraft(db.Model):
    """The form as typed so far. Reached only by its random token (the person has no
    account); a staff member's draft also names them and stays theirs."""

    __tablename__ = "application_drafts"
    __table_args__ = (Index("ix_application_drafts_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    # Raw values by input name (answer-<field>, applicant-name …), as the person typed them.
    answers: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
    documents: Mapped[list[DraftDocument]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftDocument.id")


class DraftDocument(db.Model):
    """A document uploaded into a draft, stored under a generated name until the request
    is submitted (it then becomes the ticket's attachment) or the draft expires."""

    __tablename__ = "application_draft_documents"
    __table_args__ = (UniqueConstraint("draft_id", "document_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("application_drafts.id", ondelete="CASCADE"), index=True)
    document_key: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[ApplicationDraft] = relationship(back_populates="documents")
