"""Bulk synthetic data for benchmarks: ``flask helpdesk seed --tickets N``.

Contacts (about N/5), then tickets spread over the last two years with realistic mixes of
channels, kinds, statuses, priorities, teams, assignees, branches and services, each with a
``created`` event and, for a share of them, a message (and an open referral when referred).
Rows are generated in batches, in a thread that runs ahead of the database, and written by
one ``BulkWriter`` per backend (Core executemany on SQLite, COPY on PostgreSQL), one
transaction per batch, with explicit ids. Ticket numbers are reserved from
``ticket_sequences`` up front, one block per year, so they stay unique and sequential per
year and the application continues numbering after the seed.

``ticket_batch_rows`` is the one place that says what a batch of tickets writes: a table
kept in sync with tickets (a search index, say) joins there.

Why bulk inserts and not the use cases, unlike the demo: the benchmarks need up to a million
tickets, and one use case per ticket (a unit of work, a flush per event, a commit) runs at a
few hundred tickets a second, days for a million. The seed measures reads (queues, search,
pages), so it writes the rows the use cases would leave behind, not their story.
"""

from __future__ import annotations

import json
import logging
import queue
import random
import secrets
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import JSON, Connection, Date, Table, create_engine, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import NullPool

from helpdesk.calendar.services import calendar_for
from helpdesk.calendar.working import WorkingCalendar
from helpdesk.channels.registry import registered_channels
from helpdesk.contacts.models import Contact
from helpdesk.database import configure_sqlite
from helpdesk.db_types import UTCDateTime, utcnow
from helpdesk.devdata.content import (
    PROCESS_TEXTS,
    mobile_from,
    national_id_from,
    random_person_name,
)
from helpdesk.devdata.demo import channel_samples, is_staff_intake
from helpdesk.devdata.organisation import Organisation, ensure_organisation
from helpdesk.devdata.paths import PATHS, path_group, team_key_for
from helpdesk.extensions import db
from helpdesk.i18n.normalise import search_document
from helpdesk.search.index import INDEXES as SEARCH_INDEXES
from helpdesk.search.index import (
    build_contact_search_rows,
    build_search_rows,
    install_search_ddl,
)
from helpdesk.search.models import ContactSearchDocument, TicketSearchDocument
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.sla.clocks import clock_columns
from helpdesk.sla.targets import targets_for
from helpdesk.tickets.models import Event, Referral, Ticket, TicketSequence
from helpdesk.tickets.numbering import format_ticket_number
from helpdesk.tickets.states import SLA_PAUSED_STATUSES, TERMINAL_STATUSES
from helpdesk.tickets.vocabulary import KINDS

log = logging.getLogger(__name__)

# Timeline event types, as the ticket services write them.
CREATED, MESSAGE_IN, MESSAGE_OUT = "created", "message_in", "message_out"

SEED = 2026
DEFAULT_BATCH = 20_000
HISTORY_DAYS = 730
CONTACTS_PER_TICKET = 0.2
MESSAGE_SHARE = 0.35
TRACKING_SECRET_BYTES = 24

CHANNEL_WEIGHTS = {"phone": 25, "social": 18, "website": 15, "interview": 12,
                   "help_requests": 12, "branch_visits": 8, "letters": 5, "volunteering": 5}
OTHER_CHANNEL_WEIGHT = 3
CONTACT_KIND_WEIGHTS = {"beneficiary": 75, "supporter": 10, "volunteer": 10, "organisation": 5}
PRIORITY_WEIGHTS = {"low": 8, "normal": 72, "high": 15, "urgent": 5}
# Riyadh office hours carry most of the traffic (UTC hours 0-23); Friday and Saturday are quiet.
HOUR_WEIGHTS = (1, 1, 1, 1, 2, 8, 12, 14, 14, 13, 12, 10, 8, 6, 5, 5, 5, 6, 6, 5, 4, 3, 2, 1)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.35, 0.5, 1.0)  # Monday … Sunday
# Status mixes by path (helpdesk.devdata.demo.PATHS) and age: recent tickets are mostly open, older
# ones mostly closed.
STATUS_MIX = {
    ("short", "recent"): {"new": 25, "awaiting_information": 10, "in_progress": 28,
                          "referred": 3, "resolved": 15, "closed": 14, "reopened": 2,
                          "cancelled": 3},
    ("short", "month"): {"new": 2, "awaiting_information": 5, "in_progress": 9, "referred": 2,
                         "resolved": 15, "closed": 59, "reopened": 3, "cancelled": 5},
    ("short", "old"): {"awaiting_information": 1, "in_progress": 1, "resolved": 3,
                       "closed": 88, "reopened": 1, "cancelled": 6},
    ("full", "recent"): {"new": 18, "awaiting_information": 16, "in_progress": 12,
                         "referred": 14, "committee": 14, "approved": 5, "rejected": 3,
                         "registration": 3, "service_delivered": 4, "closed": 6,
                         "reopened": 1, "cancelled": 4},
    ("full", "month"): {"new": 2, "awaiting_information": 8, "in_progress": 6, "referred": 6,
                        "committee": 12, "approved": 8, "rejected": 8, "registration": 8,
                        "service_delivered": 10, "closed": 25, "reopened": 2, "cancelled": 5},
    ("full", "old"): {"awaiting_information": 1, "committee": 1, "rejected": 6,
                      "registration": 1, "service_delivered": 4, "closed": 78, "reopened": 1,
                      "cancelled": 8},
    ("volunteering", "recent"): {"new": 25, "awaiting_information": 8, "in_progress": 25,
                                 "referred": 2, "approved": 20, "rejected": 5, "closed": 10,
                                 "cancelled": 5},
    ("volunteering", "month"): {"new": 2, "awaiting_information": 4, "in_progress": 8,
                                "approved": 25, "rejected": 10, "closed": 45, "reopened": 1,
                                "cancelled": 5},
    ("volunteering", "old"): {"approved": 5, "rejected": 8, "closed": 80, "reopened": 1,
                              "cancelled": 6},
}
FALLBACK_SAMPLE = {"subject": "تواصل من أحد المستفيدين", "body": "تواصل بشأن طلب لدى الجمعية."}


class Choice:
    """Fast repeated weighted choice (cumulative weights computed once)."""

    def __init__(self, weights: dict[Any, float]):
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


# --- writing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """Rows of one table converted to driver values, ready to be written."""

    table: Table
    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]


class BulkWriter:
    """Writes lists of row dicts (all with the same keys) into one table.

    ``prepare`` is pure (it may run in the generating thread); ``write`` runs in the caller's
    transaction on ``connection``. Values are converted once per column type rather than by
    SQLAlchemy's per-row bind processing, which would cost more than the insert itself.
    Datetimes are aware (UTC), JSON columns take dicts or lists.
    """

    def __init__(self, connection: Connection):
        self.connection = connection
        self._plans: dict[tuple[str, tuple[str, ...]], list[Callable[[Any], Any] | None]] = {}

    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        if isinstance(type_, JSON):
            return _json_text
        return None

    def _converters(self, table: Table, columns: tuple[str, ...]
                    ) -> list[Callable[[Any], Any] | None]:
        key = (table.name, columns)
        if key not in self._plans:
            self._plans[key] = [self.converter(table.c[name].type) for name in columns]
        return self._plans[key]

    def prepare(self, table: Table, rows: list[dict[str, Any]]) -> Prepared:
        columns = tuple(rows[0]) if rows else ()
        converted = [(index, function) for index, function
                     in enumerate(self._converters(table, columns)) if function is not None]
        shared: dict[int, Any] = {}  # rows share dicts (a sample's data): encode each once
        values = []
        for row in rows:
            items = [row[name] for name in columns]
            for index, function in converted:
                value = items[index]
                if value is None:
                    continue
                if isinstance(value, dict):
                    key = id(value)
                    if key not in shared:
                        shared[key] = function(value)
                    items[index] = shared[key]
                else:
                    items[index] = function(value)
            values.append(tuple(items))
        return Prepared(table, columns, values)

    def write(self, prepared: Prepared) -> None:
        raise NotImplementedError

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        self.write(self.prepare(table, rows))

    def set_identity(self, table: Table) -> None:
        """After explicit ids, make the database's own id counter continue after them."""

    def start(self, tables: Iterable[Table]) -> None:
        """Before the load: set aside what is faster built once at the end."""

    def finish(self, tables: Iterable[Table]) -> None:
        """After the load (also after a failed one): leave the database as the app expects."""


class SQLiteWriter(BulkWriter):
    """Core executemany with the values in SQLAlchemy's SQLite storage formats."""

    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        if isinstance(type_, UTCDateTime):
            return _sqlite_datetime
        if isinstance(type_, Date):
            return date.isoformat
        return super().converter(type_)

    def write(self, prepared: Prepared) -> None:
        if not prepared.values:
            return
        names = ", ".join(f'"{name}"' for name in prepared.columns)
        marks = ", ".join("?" for _ in prepared.columns)
        self.connection.exec_driver_sql(
            f'INSERT INTO "{prepared.table.name}" ({names}) VALUES ({marks})', prepared.values)

    def finish(self, tables: Iterable[Table]) -> None:
        # No ANALYZE: the app's database has no statistics unless the app gathers them, and
        # with them the planner takes other paths (status is skewed: most tickets are
        # closed), so a bench on an analysed copy would measure another application.
        self.connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresWriter(BulkWriter):
    """COPY … FROM STDIN through psycopg: several times faster than INSERT for big batches."""

    def __init__(self, connection: Connection):
        super().__init__(connection)
        self._full_text: list[Any] = []  # the search indexes set aside for the load

    def converter(self, type_: Any) -> Callable[[Any], Any] | None:
        if isinstance(type_, UTCDateTime):
            return _naive_utc
        return super().converter(type_)

    def write(self, prepared: Prepared) -> None:
        if not prepared.values:
            return
        names = ", ".join(f'"{name}"' for name in prepared.columns)
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            with cursor.copy(f'COPY "{prepared.table.name}" ({names}) FROM STDIN') as copy:
                for row in prepared.values:
                    copy.write_row(row)
        finally:
            cursor.close()

    def set_identity(self, table: Table) -> None:
        if "id" not in table.c:
            return
        self.connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))"))

    def start(self, tables: Iterable[Table]) -> None:
        # A GIN index grows slowly row by row and builds fast in one go: the full-text index
        # is dropped for the load and rebuilt by the search module's own DDL at the end
        # (searches miss the new rows meanwhile; this is a benchmark tool).
        names = {table.name for table in tables}
        self._full_text = [index for index in SEARCH_INDEXES if index.docs.name in names]
        for index in self._full_text:
            self.connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.vector_index}"')
        self.connection.commit()

    def finish(self, tables: Iterable[Table]) -> None:
        self.connection.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        install_search_ddl(self.connection,
                           tables=[index.docs.name for index in self._full_text])
        self.connection.commit()
        # Autovacuum would vacuum and analyse the new rows within minutes (the visibility map
        # is what lets index-only scans skip the table); do it now so that the bench does not
        # depend on when it starts. VACUUM cannot run inside a transaction.
        autocommit = self.connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            autocommit.exec_driver_sql(f'VACUUM (ANALYZE) "{table.name}"')


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (naive UTC, always with microseconds)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _json_text(value: Any) -> str:
    return json.dumps(value)


def open_seed_connection() -> tuple[Any, Connection, BulkWriter]:
    """A connection of its own for the load, with settings that last only as long as it."""
    engine = create_engine(db.engine.url, poolclass=NullPool)
    configure_sqlite(engine)
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        # Durability is pointless while loading generated data; these die with the connection.
        connection.exec_driver_sql("PRAGMA journal_mode = WAL")
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB
        connection.exec_driver_sql("PRAGMA temp_store = MEMORY")
        connection.commit()
        return engine, connection, SQLiteWriter(connection)
    connection.exec_driver_sql("SET synchronous_commit TO off")
    connection.commit()
    return engine, connection, PostgresWriter(connection)


def reserve_numbers(connection: Connection, year: int, count: int) -> int:
    """Reserve ``count`` consecutive sequences of ``year``; return the first one."""
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = TicketSequence.__table__
    connection.execute(insert(table).values(year=year, last_value=0)
                       .on_conflict_do_nothing(index_elements=["year"]))
    last = connection.execute(
        update(table).where(table.c.year == year)
        .values(last_value=table.c.last_value + count).returning(table.c.last_value)
    ).scalar_one()
    return last - count + 1


@dataclass
class TicketBatch:
    tickets: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    contact_names: dict[int, str] = field(default_factory=dict)


def ticket_batch_rows(batch: TicketBatch) -> list[tuple[Table, list[dict[str, Any]]]]:
    """The one place that says what a batch of seeded tickets writes, table by table, in
    order: tables kept in sync with tickets (the search documents) are built here."""
    return [(Ticket.__table__, batch.tickets), (Event.__table__, batch.events),
            (Referral.__table__, batch.referrals),
            (TicketSearchDocument.__table__, ticket_search_rows(batch))]


class _PartDocuments(dict):
    """Each text's search words, computed once: seeded subjects, bodies and names repeat."""

    def __missing__(self, text: str) -> str:
        value = self[text] = search_document(text)
        return value


_part_documents = _PartDocuments()


def ticket_search_rows(batch: TicketBatch) -> list[dict[str, Any]]:
    """``build_search_rows`` for the batch, from each text's words computed once. The first
    ticket of every batch is checked against ``build_search_rows`` itself; if the two ever
    differ (the document's recipe changed), the batch is built the slow, sure way."""
    bodies: dict[int, list[str]] = {}
    for event in batch.events:
        if event["body"]:
            bodies.setdefault(event["ticket_id"], []).append(event["body"])
    names, parts = batch.contact_names, _part_documents
    rows = []
    for ticket in batch.tickets:
        texts = [parts[ticket["subject"]], parts[names.get(ticket["contact_id"]) or ""],
                 *(parts[body] for body in bodies.get(ticket["id"], ()))]
        words = " ".join(text for text in (search_document(ticket["number"]), *texts) if text)
        rows.append({"ticket_id": ticket["id"], "document": words})
    if rows:
        first = batch.tickets[0]
        expected = build_search_rows(
            [first], [e for e in batch.events if e["ticket_id"] == first["id"]], names)
        if expected[0]["document"] != rows[0]["document"]:
            log.warning("seed: search documents built the slow way (the recipe changed)")
            return build_search_rows(batch.tickets, batch.events, names)
    return rows


def contact_batch_rows(contacts: list[dict[str, Any]]) -> list[tuple[Table, list[dict[str, Any]]]]:
    """The same for a batch of seeded contacts."""
    return [(Contact.__table__, contacts),
            (ContactSearchDocument.__table__, build_contact_search_rows(contacts))]


TICKET_TABLES = [table for table, _rows in ticket_batch_rows(TicketBatch())]
CONTACT_TABLES = [table for table, _rows in contact_batch_rows([])]


def pipelined(produce: Iterator[Any], consume: Callable[[Any], None]) -> None:
    """Generate the next batch in a thread while the database writes the current one (the
    driver releases the GIL while it works). At most two batches wait in memory."""
    waiting: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()
    done = object()

    def run() -> None:
        try:
            for item in produce:
                while not stop.is_set():
                    try:
                        waiting.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(done)
        except BaseException as exc:  # handed to the consuming thread, which re-raises it
            waiting.put(exc)

    thread = threading.Thread(target=run, name="seed-generator", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            consume(item)
    finally:
        stop.set()
        thread.join(timeout=5)


# --- generating -------------------------------------------------------------------------------

@dataclass
class ChannelPlan:
    key: str
    samples: list[dict[str, Any]]
    recorders: list[int | None]
    inbound_data: dict[str, Any] = field(default_factory=dict)

    created_data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:  # shared by every row of the channel: encoded once
        self.inbound_data = {"channel": self.key, "direction": "in"}
        self.created_data = {"channel": self.key}


class TicketFactory:
    """Generates ticket and event rows; everything it needs is read once, up front."""

    reply_data: dict[str, Any] = {"purpose": "reply"}  # shared: encoded once per batch

    def __init__(self, rng: random.Random, org: Organisation, now: datetime,
                 contact_ids: list[int], contact_branches: list[int | None],
                 contact_names: list[str], next_ids: dict[str, int]):
        self.rng = rng
        self.now = now
        self.contact_ids = contact_ids
        self.contact_branches = contact_branches
        self.contact_names = contact_names
        self.next_ids = next_ids  # table name → the next explicit id
        samples = channel_samples(SEED)
        recorders = [u.id for u in org.with_permission("tickets.create")] or [None]
        reps = [u.id for u in org.users if u.role == "branch_rep"] or recorders
        self.channels: dict[str, ChannelPlan] = {}
        for key, channel in registered_channels().items():
            usable = samples.get(key) or [dict(FALLBACK_SAMPLE, kind=channel.meta.kinds[0])]
            self.channels[key] = ChannelPlan(key, usable, (
                list(reps if key == "branch_visits" else recorders)
                if is_staff_intake(channel) else [None]))
        self.pick_channel = Choice({key: CHANNEL_WEIGHTS.get(key, OTHER_CHANNEL_WEIGHT)
                                    for key in self.channels})
        self.pick_priority = Choice(PRIORITY_WEIGHTS)
        self.pick_status = {key: Choice(mix) for key, mix in STATUS_MIX.items()}
        self.services = {key: (s.id, s.decision_window_days) for key, s in org.services.items()}
        # The service-level targets and calendars, read once: the due times are computed
        # as the live handlers compute them (helpdesk/sla/clocks.py).
        service_ids = [None, *(s.id for s in org.services.values())]
        self.targets = {(kind, service_id): targets_for(kind, service_id)
                        for kind in KINDS for service_id in service_ids}
        self.calendars: dict[int | None, WorkingCalendar] = {}
        self.teams = dict(org.teams)
        self.workers = {key: [u.id for u in org.workers(key)] or [None] for key in org.teams}
        self.anyone = [u.id for u in org.with_permission("tickets.work")] or [None]
        answerers = org.with_permission("tickets.answer_referral")
        self.referees = {
            group: [u.id for u in answerers if u.role == role] or [u.id for u in answerers]
            for group, role in (("full", "research_officer"), ("short", "manager"),
                                ("volunteering", "manager"))}

    def _next(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _contact(self) -> int:
        # A skew toward the first contacts: some families write often, most once or twice.
        return int(len(self.contact_ids) * self.rng.random() ** 1.6)

    def add(self, batch: TicketBatch, opened_at: datetime, sequence: int) -> None:
        """One ticket opened at ``opened_at`` with its number, and the rows that go with it."""
        rng = self.rng
        year = opened_at.year
        ticket_id = self._next("tickets")
        channel = self.channels[self.pick_channel(rng)]
        sample = channel.samples[int(rng.random() * len(channel.samples))]
        kind = sample["kind"]
        group = path_group(kind)
        age_days = (self.now - opened_at).total_seconds() / 86400
        bucket = "recent" if age_days < 14 else "month" if age_days < 60 else "old"
        status = self.pick_status[(group, bucket)](rng)
        service_id, window = self.services.get(sample.get("service") or "",
                                               (None, DEFAULT_DECISION_WINDOW_DAYS))
        team_key = team_key_for(kind)
        workers = self.workers.get(team_key) or self.anyone
        assignee = None if status == "new" else workers[int(rng.random() * len(workers))]
        index = self._contact()
        priority = sample.get("priority") or self.pick_priority(rng)
        updated_at = opened_at + timedelta(hours=rng.random() * min(age_days * 24, 240))
        closed_at = updated_at if status in TERMINAL_STATUSES else None
        branch_id = self.contact_branches[index]
        calendar = self.calendars.get(branch_id)
        if calendar is None:
            calendar = self.calendars[branch_id] = calendar_for(branch_id)
        decision_due_on: date | None = None
        if status == "committee":
            decision_due_on = calendar.working_days_after(opened_at.date(), window)
        paused = status in SLA_PAUSED_STATUSES
        clocks = clock_columns(opened_at, status, self.targets[(kind, service_id)], calendar,
                               paused=paused)
        ticket = {
            "id": ticket_id, "number": format_ticket_number(year, sequence), "year": year,
            "sequence": sequence, "channel_key": channel.key, "kind": kind, "status": status,
            "priority": priority, "subject": sample["subject"][:300], "service_id": service_id,
            "contact_id": self.contact_ids[index], "team_id": self.teams.get(team_key),
            "assignee_id": assignee, "branch_id": branch_id,
            **clocks, "decision_due_on": decision_due_on,
            "first_responded_at": None if status == "new" else updated_at,
            "sla_paused_at": updated_at if paused else None, "sla_paused_seconds": 0,
            # one version per change: the assignment and each step of the path
            "version": 1 + (assignee is not None) + len(PATHS[group][status]),
            "channel_data": sample.get("channel_data") or {},
            "tracking_secret": secrets.token_urlsafe(TRACKING_SECRET_BYTES),
            "created_at": opened_at, "updated_at": updated_at, "closed_at": closed_at,
        }
        batch.tickets.append(ticket)
        batch.contact_names[ticket["contact_id"]] = self.contact_names[index]
        recorder = channel.recorders[int(rng.random() * len(channel.recorders))]
        batch.events.append({
            "id": self._next("events"), "ticket_id": ticket_id, "type": CREATED,
            "visibility": "public", "actor_id": recorder, "body": sample["body"],
            "data": channel.created_data, "created_at": opened_at})
        if rng.random() < MESSAGE_SHARE:
            if assignee is not None:
                message = (MESSAGE_OUT, assignee,
                           sample.get("reply") or PROCESS_TEXTS["resolved_message"],
                           self.reply_data)
            else:
                message = (MESSAGE_IN, None,
                           sample.get("followup") or PROCESS_TEXTS["information_received"],
                           channel.inbound_data)
            batch.events.append({
                "id": self._next("events"), "ticket_id": ticket_id, "type": message[0],
                "visibility": "public", "actor_id": message[1], "body": message[2],
                "data": message[3], "created_at": opened_at + (updated_at - opened_at) / 2})
        if status == "referred":  # a referred ticket has its one open referral
            referees = [u for u in self.referees[group] if u != assignee] or [assignee]
            batch.referrals.append({
                "id": self._next("referrals"), "ticket_id": ticket_id,
                "referred_by_id": assignee, "to_user_id": referees[
                    int(rng.random() * len(referees))], "to_team_id": None,
                "question": PROCESS_TEXTS["referral_study" if group == "full"
                                          else "referral_opinion"],
                "status": "open", "answer": None, "answered_by_id": None,
                "created_at": updated_at, "answered_at": None})


def opening_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """``count`` sorted moments over the last two years: growing volume, office hours,
    quiet weekends."""
    first_day = (now - timedelta(days=HISTORY_DAYS)).date()
    days = [first_day + timedelta(days=i) for i in range(HISTORY_DAYS + 1)]
    weights = [(1 + i / HISTORY_DAYS) * WEEKDAY_WEIGHTS[day.weekday()]
               for i, day in enumerate(days)]
    pick_day = Choice(dict(enumerate(weights)))
    pick_hour = Choice(dict(enumerate(HOUR_WEIGHTS)))
    starts = [datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() for d in days]
    latest = now.timestamp() - 1
    stamps = []
    for _ in range(count):
        moment = starts[pick_day(rng)] + pick_hour(rng) * 3600 + rng.random() * 3600
        stamps.append(min(moment, latest - rng.random() * 3600))
    stamps.sort()
    return [datetime.fromtimestamp(stamp, UTC) for stamp in stamps]


def contact_rows(rng: random.Random, first_id: int, count: int, now: datetime,
                 branches: list[tuple[int, str | None]], taken_ids: set[str]
                 ) -> list[dict[str, Any]]:
    pick_kind = Choice(CONTACT_KIND_WEIGHTS)
    rows = []
    for contact_id in range(first_id, first_id + count):
        kind = pick_kind(rng)
        resident = kind == "beneficiary" and rng.random() < 0.2
        # A bijection of the id (7919 is prime to 10^8): unique without a lookup per row.
        body = (contact_id * 7919 + 10_000_019) % 100_000_000
        national_id = None
        if kind != "organisation":
            national_id = national_id_from(2 if resident else 1, body)
            if national_id in taken_ids:
                national_id = None
        branch_id, city = branches[int(rng.random() * len(branches))] if branches else (None,
                                                                                         None)
        data: dict[str, Any] = {}
        if kind == "beneficiary":
            data = {"family_size": rng.randint(1, 12),
                    "monthly_income": rng.randrange(0, 12001, 250)}
        rows.append({
            "id": contact_id, "kind": kind,
            "name": random_person_name(rng, resident=resident),
            "national_id": national_id, "phone": mobile_from(body),
            "email": f"c{contact_id}@example.com" if rng.random() < 0.15 else None,
            "city": city, "branch_id": branch_id, "data": data,
            "created_at": now - timedelta(days=HISTORY_DAYS + 365 * rng.random()),
        })
    return rows


# --- the command --------------------------------------------------------------------------------

def _max_id(connection: Connection, table: Table) -> int:
    return connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


def seed(tickets: int, *, batch: int = DEFAULT_BATCH, random_seed: int = SEED,
         now: datetime | None = None,
         progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Add ``tickets`` synthetic tickets (and about a fifth as many contacts).

    ``progress(stage, rows)`` is called after each committed batch (stage "contacts" or
    "tickets"). Returns the number of rows added per table.
    """
    rng = random.Random(random_seed)
    now = now or utcnow()
    org = ensure_organisation()
    branches = [(b.id, b.city) for b in org.branches.values()]
    taken_ids = set(db.session.scalars(select(Contact.national_id)
                                       .where(Contact.national_id.is_not(None))))
    db.session.commit()  # end the session's transaction before the load's own connection writes

    engine, connection, writer = open_seed_connection()
    contacts_table = Contact.__table__
    contact_count = max(1, int(tickets * CONTACTS_PER_TICKET))
    tables = (*CONTACT_TABLES, *TICKET_TABLES)
    written = {table.name: 0 for table in tables}
    try:
        writer.start(tables)
        first_contact = _max_id(connection, contacts_table) + 1
        next_ids = {table.name: _max_id(connection, table) + 1 for table in TICKET_TABLES
                    if "id" in table.c}
        times = opening_times(rng, tickets, now)
        per_year: dict[int, int] = {}
        for moment in times:
            per_year[moment.year] = per_year.get(moment.year, 0) + 1
        # Numbers are reserved up front: the app may open tickets while the seed runs, and an
        # interrupted seed only leaves a gap, as a rolled-back ticket does.
        next_sequence = {year: reserve_numbers(connection, year, count)
                         for year, count in sorted(per_year.items())}
        connection.commit()

        contact_ids: list[int] = []
        contact_branches: list[int | None] = []
        contact_names: list[str] = []

        def contact_batches() -> Iterator[list[Prepared]]:
            for start in range(0, contact_count, batch):
                rows = contact_rows(rng, first_contact + start,
                                    min(batch, contact_count - start), now, branches, taken_ids)
                contact_ids.extend(row["id"] for row in rows)
                contact_branches.extend(row["branch_id"] for row in rows)
                contact_names.extend(row["name"] for row in rows)
                yield [writer.prepare(table, table_rows)
                       for table, table_rows in contact_batch_rows(rows)]

        def write_batch(stage: str, prepared: list[Prepared]) -> None:
            with connection.begin():
                for part in prepared:
                    writer.write(part)
            for part in prepared:
                written[part.table.name] += len(part.values)
            if progress:
                progress(stage, len(prepared[0].values))

        pipelined(contact_batches(), lambda prepared: write_batch("contacts", prepared))

        factory = TicketFactory(rng, org, now, contact_ids, contact_branches, contact_names,
                                next_ids)

        def ticket_batches() -> Iterator[list[Prepared]]:
            for start in range(0, tickets, batch):
                rows = TicketBatch()
                for moment in times[start:start + batch]:
                    sequence = next_sequence[moment.year]
                    next_sequence[moment.year] += 1
                    factory.add(rows, moment, sequence)
                yield [writer.prepare(table, table_rows)
                       for table, table_rows in ticket_batch_rows(rows)]

        pipelined(ticket_batches(), lambda prepared: write_batch("tickets", prepared))

        with connection.begin():
            for table in tables:
                writer.set_identity(table)
    finally:
        try:
            if connection.in_transaction():
                connection.rollback()
            writer.finish(tables)
        finally:
            connection.close()
            engine.dispose()
    db.session.commit()
    log.debug("seeded %(contacts)d contacts, %(tickets)d tickets, %(events)d events", written)
    return written


@click.command("seed")
@click.option("--tickets", type=click.IntRange(1), required=True,
              help="How many tickets to add.")
@click.option("--batch", type=click.IntRange(100), default=DEFAULT_BATCH, show_default=True,
              help="Rows per transaction.")
@with_appcontext
def seed_command(tickets: int, batch: int) -> None:
    """Add synthetic contacts and tickets for benchmarks (not for a real association)."""
    totals = {"contacts": max(1, int(tickets * CONTACTS_PER_TICKET)), "tickets": tickets}
    with ExitStack() as stack:
        bars: dict[str, Any] = {}

        def progress(stage: str, rows: int) -> None:
            if stage not in bars:
                for bar in bars.values():
                    bar.render_finish()
                bars[stage] = stack.enter_context(
                    click.progressbar(length=totals[stage], label=f"{stage:<8}"))
            bars[stage].update(rows)

        result = seed(tickets, batch=batch, progress=progress)
    click.echo(f"seeded {result['contacts']} contacts, {result['tickets']} tickets and "
               f"{result['events']} events")
