"""The search index: one normalised document per ticket and per contact, kept in step with
every change in the same transaction, and indexed by the database's own full-text engine.

Tickets, messages and contacts are written by many use cases (intake from every channel,
replies, notes, merges, imports) owned by different people: the unit of work turns every ORM
insert, update and delete of a Ticket, Event or Contact into an event, and the handlers here
(registered in ``configure_events``, run as each flush is written) rewrite the affected
documents on the same connection, so a rollback takes the index entries with it.
Bulk Core writes that bypass the ORM (the benchmark seeder) call ``build_search_rows`` or
``refresh_ticket_documents`` themselves.

SQLite: an external-content FTS5 table over the document table, kept in sync by triggers.
PostgreSQL: a generated ``tsvector`` column (parser 'simple': no stemming, no stop words; the
text is normalised by us) with a GIN index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, event, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.i18n.normalise import search_document
from helpdesk.search.models import ContactSearchDocument, TicketSearchDocument
from helpdesk.tickets.events import (
    ContactChanged,
    TicketChanged,
    TimelineEntryEdited,
    TimelineEvent,
)
from helpdesk.tickets.models import Event, Ticket

CHUNK = 500  # ids per IN (…) when documents are rebuilt


@dataclass(frozen=True)
class SearchIndex:
    """Names of one document table and its full-text machinery on each database."""

    docs: Table
    key: str                # the primary key column, also the FTS5 rowid
    fts: str                # the FTS5 virtual table (SQLite)
    vector_index: str       # the GIN index over the generated tsvector (PostgreSQL)

    @property
    def key_column(self):
        return self.docs.c[self.key]


VECTOR_COLUMN = "search_vector"
TICKETS = SearchIndex(TicketSearchDocument.__table__, "ticket_id", "ticket_search_fts",
                      "ix_ticket_search_documents_search_vector")
CONTACTS = SearchIndex(ContactSearchDocument.__table__, "contact_id", "contact_search_fts",
                       "ix_contact_search_documents_search_vector")
INDEXES = (TICKETS, CONTACTS)
_FTS5_SHADOW_SUFFIXES = ("", "_data", "_idx", "_docsize", "_config", "_content")


# ---------------------------------------------------------------------------------------
# DDL (also run by the migration)


def sqlite_ddl(index: SearchIndex) -> list[str]:
    table, key, fts = index.docs.name, index.key, index.fts
    return [
        # remove_diacritics 0: documents and queries are already normalised by us, and
        # PostgreSQL's 'simple' configuration does not fold Latin accents either.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(document, content='{table}', "
        f"content_rowid='{key}', tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, document) VALUES (new.{key}, new.document); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, document) VALUES ('delete', old.{key}, old.document); "
        f"END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, document) VALUES ('delete', old.{key}, old.document); "
        f"INSERT INTO {fts}(rowid, document) VALUES (new.{key}, new.document); END",
        # Documents written before the FTS table existed (a migration over existing rows).
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def postgresql_ddl(index: SearchIndex) -> list[str]:
    table = index.docs.name
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED",
        f"CREATE INDEX IF NOT EXISTS {index.vector_index} ON {table} "
        f"USING gin ({VECTOR_COLUMN})",
    ]


def _selected(tables: Iterable[str] | None) -> list[SearchIndex]:
    if tables is None:
        return list(INDEXES)
    names = set(tables)
    return [index for index in INDEXES if index.docs.name in names]


def install_search_ddl(connection: Connection, tables: Iterable[str] | None = None) -> None:
    """Create the full-text index over the document tables (idempotent).

    Called after ``db.create_all()`` (automatically, through the tables' ``after_create``
    event) and by the migration that creates ``ticket_search_documents`` and
    ``contact_search_documents``: ``install_search_ddl(op.get_bind())``.
    """
    dialect = connection.dialect.name
    for index in _selected(tables):
        if dialect == "sqlite":
            statements = sqlite_ddl(index)
        elif dialect == "postgresql":
            statements = postgresql_ddl(index)
        else:  # pragma: no cover - config.py accepts only these two
            raise RuntimeError(f"no search index for the {dialect} dialect")
        for statement in statements:
            connection.execute(text(statement))


def drop_search_ddl(connection: Connection, tables: Iterable[str] | None = None) -> None:
    """Undo ``install_search_ddl`` (for a downgrade, and before the tables are dropped)."""
    dialect = connection.dialect.name
    for index in _selected(tables):
        if dialect == "sqlite":
            connection.execute(text(f"DROP TABLE IF EXISTS {index.fts}"))
        elif dialect == "postgresql":
            connection.execute(text(f"DROP INDEX IF EXISTS {index.vector_index}"))
            connection.execute(text(
                f"ALTER TABLE IF EXISTS {index.docs.name} DROP COLUMN IF EXISTS {VECTOR_COLUMN}"))


# The database's own full-text machinery follows its document table: created right after it
# (db.create_all, tests) and dropped right before it. Migrations call the same functions.
# Registered here, where the DDL is, when the app (or a migration) imports the index.
def _after_create(target, connection, **kw):
    install_search_ddl(connection, tables=[target.name])


def _before_drop(target, connection, **kw):
    drop_search_ddl(connection, tables=[target.name])


for _table in (TicketSearchDocument.__table__, ContactSearchDocument.__table__):
    event.listen(_table, "after_create", _after_create)
    event.listen(_table, "before_drop", _before_drop)


def is_search_object(name: str | None, type_: str | None = None) -> bool:
    """Whether a database object belongs to the full-text index rather than the models:
    for Alembic's ``include_object`` (autogenerate and the drift test must ignore them)."""
    if not name:
        return False
    if type_ in (None, "table"):
        for index in INDEXES:
            if name in {index.fts + suffix for suffix in _FTS5_SHADOW_SUFFIXES}:
                return True
    if type_ in (None, "index") and name in {index.vector_index for index in INDEXES}:
        return True
    return type_ in (None, "column") and name == VECTOR_COLUMN


def include_in_autogenerate(object_, name, type_, reflected, compare_to) -> bool:
    """Leave out what the full-text index adds outside the models (FTS5 tables and their
    shadow tables, the tsvector column and its GIN index): created by raw DDL, neither
    dropped nor reported by autogenerate and the drift test."""
    return not is_search_object(name, type_)


# ---------------------------------------------------------------------------------------
# Documents (pure)


def ticket_document(number: str | None, subject: str | None, contact_name: str | None,
                    bodies: Iterable[str | None] = ()) -> str:
    """What a ticket is found by: its number, subject, contact's name, messages and notes."""
    return search_document(number, subject, contact_name, *bodies)


def contact_document(name: str | None, email: str | None, phone: str | None) -> str:
    """What a contact is found by in full text (national IDs are matched exactly, not here)."""
    local = None
    if phone and phone.startswith("+966"):
        local = "0" + phone[4:]
    return search_document(name, email, phone, local)


def build_search_rows(tickets: Iterable[Mapping[str, Any]],
                      events: Iterable[Mapping[str, Any]] = (),
                      contact_names: Mapping[int, str] | None = None) -> list[dict[str, Any]]:
    """Rows for ``ticket_search_documents`` from rows about to be bulk-inserted.

    ``tickets`` need ``id``, ``number``, ``subject`` and ``contact_id``; ``events`` need
    ``ticket_id`` and ``body`` (in timeline order); ``contact_names`` maps contact ids to
    names. Write the result in the same transaction as the tickets (the seeder's batches):
    ``connection.execute(insert(TicketSearchDocument.__table__), rows)``.
    """
    contact_names = contact_names or {}
    bodies: dict[int, list[str]] = {}
    for row in events:
        if row.get("body"):
            bodies.setdefault(row["ticket_id"], []).append(row["body"])
    return [{"ticket_id": row["id"],
             "document": ticket_document(row.get("number"), row.get("subject"),
                                         contact_names.get(row.get("contact_id")),
                                         bodies.get(row["id"], ()))}
            for row in tickets]


def build_contact_search_rows(contacts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for ``contact_search_documents`` from contact rows (``id``, ``name``, ``email``,
    ``phone``) about to be bulk-inserted."""
    return [{"contact_id": row["id"],
             "document": contact_document(row.get("name"), row.get("email"), row.get("phone"))}
            for row in contacts if not row.get("merged_into_id")]


# ---------------------------------------------------------------------------------------
# Rebuilding documents from the database (inside the caller's transaction)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted({i for i in ids if i is not None})
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _upsert(connection: Connection, index: SearchIndex, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(index.docs)
    # Unchanged documents are left alone: an FTS5 update is a delete plus an insert.
    statement = statement.on_conflict_do_update(
        index_elements=[index.key],
        set_={"document": statement.excluded.document},
        where=index.docs.c.document != statement.excluded.document,
    )
    connection.execute(statement, rows)


def refresh_ticket_documents(connection: Connection, ticket_ids: Iterable[int]) -> int:
    """Rewrite the documents of these tickets from their rows; ids of deleted tickets are
    skipped (their documents went with them). Returns how many tickets were found."""
    tickets, events, contacts = Ticket.__table__, Event.__table__, Contact.__table__
    found = 0
    for chunk in _chunks(ticket_ids):
        rows = connection.execute(
            select(tickets.c.id, tickets.c.number, tickets.c.subject, contacts.c.name)
            .select_from(tickets.outerjoin(contacts, contacts.c.id == tickets.c.contact_id))
            .where(tickets.c.id.in_(chunk))
        ).all()
        bodies: dict[int, list[str]] = {}
        for ticket_id, body in connection.execute(
                select(events.c.ticket_id, events.c.body)
                .where(events.c.ticket_id.in_(chunk), events.c.body.is_not(None))
                .order_by(events.c.ticket_id, events.c.id)):
            bodies.setdefault(ticket_id, []).append(body)
        _upsert(connection, TICKETS, [
            {"ticket_id": ticket_id,
             "document": ticket_document(number, subject, name, bodies.get(ticket_id, ()))}
            for ticket_id, number, subject, name in rows])
        found += len(rows)
    return found


def refresh_contact_documents(connection: Connection, contact_ids: Iterable[int]) -> int:
    """Rewrite the documents of these contacts; merged contacts leave the index."""
    contacts = Contact.__table__
    found = 0
    for chunk in _chunks(contact_ids):
        rows = connection.execute(
            select(contacts.c.id, contacts.c.name, contacts.c.email, contacts.c.phone,
                   contacts.c.merged_into_id).where(contacts.c.id.in_(chunk))
        ).all()
        merged = [row.id for row in rows if row.merged_into_id is not None]
        if merged:
            connection.execute(CONTACTS.docs.delete().where(CONTACTS.key_column.in_(merged)))
        _upsert(connection, CONTACTS, [
            {"contact_id": row.id, "document": contact_document(row.name, row.email, row.phone)}
            for row in rows if row.merged_into_id is None])
        found += len(rows)
    return found


def rebuild_search_index(connection: Connection, batch: int = 5_000) -> dict[str, int]:
    """Rewrite every document (after a bulk load without documents, or to repair)."""
    counts = {}
    for name, table, refresh in (("tickets", Ticket.__table__, refresh_ticket_documents),
                                 ("contacts", Contact.__table__, refresh_contact_documents)):
        total, last = 0, 0
        while True:
            ids = list(connection.scalars(select(table.c.id).where(table.c.id > last)
                                          .order_by(table.c.id).limit(batch)))
            if not ids:
                break
            total += refresh(connection, ids)
            last = ids[-1]
        counts[name] = total
    return counts


# ---------------------------------------------------------------------------------------
# Keeping documents in step: handlers of the unit of work, run as each flush is written

TICKET_FIELDS = frozenset({"number", "subject", "contact_id", "contact"})
CONTACT_FIELDS = frozenset({"name", "email", "phone", "merged_into_id"})


def _connection() -> Connection:
    return db.session.connection()


def index_timeline_entry(event: TimelineEvent) -> None:
    """A new timeline row with text: its ticket is found by the words too."""
    if event.body:
        refresh_ticket_documents(_connection(), [event.ticket_id])


def index_edited_entry(event: TimelineEntryEdited) -> None:
    if event.fields & {"body", "ticket_id", "removed"}:
        refresh_ticket_documents(_connection(), [event.ticket_id])


def index_ticket(event: TicketChanged) -> None:
    if event.created or event.fields & TICKET_FIELDS:
        refresh_ticket_documents(_connection(), [event.ticket_id])


def index_contact(event: ContactChanged) -> None:
    """The contact's document; a new name also shows on each of the contact's tickets."""
    if not (event.created or event.fields & CONTACT_FIELDS):
        return
    connection = _connection()
    if not event.created and "name" in event.fields:
        table = Ticket.__table__
        refresh_ticket_documents(connection, connection.scalars(
            select(table.c.id).where(table.c.contact_id == event.contact_id)))
    refresh_contact_documents(connection, [event.contact_id])
