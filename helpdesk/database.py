"""Per-connection settings for the embedded SQLite database."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_sqlite(engine: Engine) -> None:
    """WAL for readers beside a writer, a busy timeout instead of instant 'database is locked',
    and enforced foreign keys (SQLite leaves them off unless asked)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL stays consistent after a crash and skips a disk sync per
            # commit; only the last commits before a power loss can be lost.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def include_in_autogenerate(object_, name, type_, reflected, compare_to) -> bool:
    """Leave out what the full-text index adds outside the models (FTS5 tables and their
    shadow tables, the tsvector column and its GIN index): created by raw DDL, neither
    dropped nor reported by autogenerate and the drift test."""
    from helpdesk.search.index import is_search_object

    return not is_search_object(name, type_)
