"""The normalised search documents of tickets and contacts (one row each).

The full-text index over them is the database's own and lives outside the ORM metadata:
an FTS5 table on SQLite, a generated tsvector column with a GIN index on PostgreSQL
(see ``helpdesk.search.index.install_search_ddl``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db


class TicketSearchDocument(db.Model):
    """Number, subject, contact name and every message and note of a ticket, normalised."""

    __tablename__ = "ticket_search_documents"

    # On SQLite an INTEGER primary key is the rowid, which the FTS5 table points at.
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text, default="")


class ContactSearchDocument(db.Model):
    """Name, email and phone of a contact, normalised (national IDs are looked up exactly)."""

    __tablename__ = "contact_search_documents"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text, default="")
