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
