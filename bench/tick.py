"""One periodic pass over a big database: ``python -m bench.tick [--tickets N] [--backend …]``.

Seeds its own database as bench/run.py does (``flask helpdesk seed``; reused while it holds
exactly ``--tickets`` tickets), gives it what the tick reads and the seed leaves out (team
leads, a service that closes after silence, the status change that started each wait for
the person), then, in-process:

1. writes, with a few INSERT … SELECT, what earlier passes would have left on a database
   that has been live for two years (the seed has no such history: its tens of thousands of
   overdue tickets would otherwise all be escalated, one transaction each, by the first
   passes): the breach entries, the escalations and breach notices done, the reminders
   sent for waits older than a week, and closed the silent waits of the closing service,
2. times the first pass and drains what is left with further passes (at most
   ``--max-drain`` passes of ``--drain-batch`` actions of each kind),
3. times ``--repeat`` idle passes (nothing due: the cost of finding nothing to do),
4. makes ``--due`` open tickets pass their resolution time a minute ago and times the pass
   that warns nobody but escalates them, as a minute's worth of work in production.

Prints a table and writes bench/results/<timestamp>-tick-<backend>.json (git-ignored).
The passes write (actions, notifications, timeline entries, reminders, closings): the
database is the bench's own, never bench.run's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bench.run import (
    RESULTS,
    ROOT,
    build_schema,
    count_tickets,
    database_exists,
    flask,
    git_commit,
    percentile,
    reset_database,
)
from helpdesk.config import normalise_database_url

log = logging.getLogger("bench.tick")

DEFAULT_URLS = {
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench' / 'sila-bench-tick.db'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/sila_bench_tick",
}
SILENCE_DAYS = 10


def prepare_database(url: str, tickets: int, env: dict[str, str], create_all: bool
                     ) -> tuple[bool, float | None]:
    if database_exists(url):
        build_schema(env, create_all)
        if count_tickets(url) == tickets:
            return True, None
    reset_database(url)
    build_schema(env, create_all)
    started = time.perf_counter()
    flask(["helpdesk", "seed", "--tickets", str(tickets)], env)
    return False, time.perf_counter() - started


def complete_the_seed() -> dict[str, int]:
    """What the tick reads and the bulk seed does not write (idempotent)."""
    from helpdesk.accounts.models import Team, team_members
    from helpdesk.db_types import PortableJSON
    from helpdesk.extensions import db
    from helpdesk.services_catalog.models import Service
    from helpdesk.tickets.models import Event, Ticket

    first_member = (select(func.min(team_members.c.user_id))
                    .where(team_members.c.team_id == Team.id).scalar_subquery())
    db.session.execute(update(Team).where(Team.lead_id.is_(None)).values(lead_id=first_member))
    closing = db.session.scalar(select(func.min(Service.id)))
    db.session.execute(update(Service).where(Service.id == closing)
                       .values(close_after_silent_days=SILENCE_DAYS))
    started = exists().where(Event.ticket_id == Ticket.id, Event.type == "status_changed")
    data = {"action": "request_information", "from": "in_progress",
            "to": "awaiting_information", "missing": ["صورة الهوية الوطنية"]}
    waits = db.session.execute(
        Event.__table__.insert().from_select(
            ["ticket_id", "type", "visibility", "data", "created_at"],
            select(Ticket.id, literal("status_changed"), literal("internal"),
                   literal(data, type_=PortableJSON), Ticket.updated_at)
            .where(Ticket.status == "awaiting_information", ~started))).rowcount
    db.session.commit()
    open_count = db.session.scalar(text(
        "SELECT count(*) FROM tickets WHERE status NOT IN ('cancelled', 'closed')"))
    waiting = db.session.scalar(select(func.count()).select_from(Ticket)
                                .where(Ticket.status == "awaiting_information"))
    return {"open_tickets": open_count, "waiting_tickets": waiting, "waits_added": waits}


def write_history(now: datetime) -> dict[str, int]:
    """What the passes of the last two years would have left (idempotent)."""
    from helpdesk.db_types import PortableJSON
    from helpdesk.extensions import db
    from helpdesk.notifications.models import TicketAction
    from helpdesk.notifications.tick import (
        ESCALATE,
        MISSING_REMINDER,
        RUNNING,
        WAITING,
        waiting_tickets,
    )
    from helpdesk.sla.breaches import BREACH_EVENT
    from helpdesk.tickets.models import Event, Ticket
    from helpdesk.tickets.queries import open_ticket_clause

    written: dict[str, int] = {}
    overdue = (open_ticket_clause(), Ticket.status.in_(RUNNING), Ticket.resolution_due_at < now)
    marked = exists().where(Event.ticket_id == Ticket.id, Event.type == BREACH_EVENT)
    written["breach entries"] = db.session.execute(Event.__table__.insert().from_select(
        ["ticket_id", "type", "visibility", "data", "created_at"],
        select(Ticket.id, literal(BREACH_EVENT), literal("internal"),
               literal({"clock": "resolution"}, type_=PortableJSON), Ticket.resolution_due_at)
        .where(*overdue, ~marked))).rowcount
    for action in (ESCALATE, "breach_notice"):
        done = exists().where(TicketAction.ticket_id == Ticket.id,
                              TicketAction.action == action,
                              TicketAction.due_at == Ticket.resolution_due_at)
        written[action] = db.session.execute(TicketAction.__table__.insert().from_select(
            ["ticket_id", "action", "due_at", "done_at"],
            select(Ticket.id, literal(action), Ticket.resolution_due_at, literal(now))
            .where(*overdue, ~done))).rowcount
    db.session.commit()
    old, silent = [], []
    for wait in waiting_tickets(now, 7):
        old.append({"ticket_id": wait.ticket_id, "action": MISSING_REMINDER,
                    "due_at": wait.since, "done_at": now})
        if wait.close_after and wait.since < now - timedelta(days=3 * SILENCE_DAYS):
            silent.append(wait.ticket_id)
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(old), 5000):  # a reused database has some already
        db.session.execute(insert(TicketAction).on_conflict_do_nothing(
            index_elements=["ticket_id", "action", "due_at"]), old[start:start + 5000])
    written[MISSING_REMINDER] = len(old)
    for start in range(0, len(silent), 900):
        db.session.execute(update(Ticket).where(Ticket.id.in_(silent[start:start + 900]),
                                                Ticket.status == WAITING)
                           .values(status="closed", closed_at=now)
                           .execution_options(synchronize_session=False))
    written["silent waits closed"] = len(silent)
    db.session.commit()
    return written


def timed_pass(now: datetime, batch: int) -> tuple[float, dict[str, int]]:
    from helpdesk.extensions import db
    from helpdesk.notifications.tick import tick

    started = time.perf_counter()
    report = tick(now, batch=batch)
    seconds = time.perf_counter() - started
    db.session.remove()
    return seconds, report.as_dict()


def make_due(now: datetime, count: int) -> int:
    """``count`` open, running, assigned tickets of a team with a lead become due a minute
    ago (the newest, whose due time lies ahead)."""
    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db
    from helpdesk.notifications.tick import RUNNING
    from helpdesk.tickets.models import Ticket

    ids = list(db.session.scalars(
        select(Ticket.id).join(Team, Team.id == Ticket.team_id)
        .where(Ticket.status.in_(RUNNING), Ticket.assignee_id.is_not(None),
               Team.lead_id.is_not(None), Ticket.resolution_due_at > now)
        .order_by(Ticket.id.desc()).limit(count)))
    db.session.execute(update(Ticket).where(Ticket.id.in_(ids))
                       .values(resolution_due_at=now - timedelta(minutes=1))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return len(ids)


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'pass':<34} {'seconds':>9}  actions"]
    for row in rows:
        done = ", ".join(f"{k} {v}" for k, v in row["actions"].items() if v) or "none"
        lines.append(f"{row['name']:<34} {row['seconds']:>9.3f}  {done}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tick", description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=sorted(DEFAULT_URLS), default="sqlite")
    parser.add_argument("--database-url", help="instead of the backend's tick database")
    parser.add_argument("--repeat", type=int, default=5, help="idle passes timed")
    parser.add_argument("--due", type=int, default=100,
                        help="tickets made due for the last timed pass")
    parser.add_argument("--drain-batch", type=int, default=5000)
    parser.add_argument("--max-drain", type=int, default=20)
    parser.add_argument("--create-all", action="store_true",
                        help="build the schema from the models instead of the migrations")
    args = parser.parse_args(argv)
    if args.tickets < 1 or args.repeat < 1:
        parser.error("--tickets and --repeat must be positive")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    url = normalise_database_url(args.database_url or DEFAULT_URLS[args.backend])
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), PYTHONUNBUFFERED="1")
    reused, seed_seconds = prepare_database(url, args.tickets, env, args.create_all)

    from helpdesk import create_app
    from helpdesk.db_types import utcnow
    from helpdesk.extensions import db
    from helpdesk.notifications.tick import BATCH

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["SECRET_KEY"]})
    rows: list[dict[str, Any]] = []
    with app.app_context():
        shape = complete_the_seed()
        log.info("%s tickets, %s open, %s waiting for the person", f"{args.tickets:,}",
                 f"{shape['open_tickets']:,}", f"{shape['waiting_tickets']:,}")
        now = utcnow()
        history = write_history(now)
        log.info("history written: %s", history)
        shape["open_after_history"] = db.session.scalar(text(
            "SELECT count(*) FROM tickets WHERE status NOT IN ('cancelled', 'closed')"))
        seconds, done = timed_pass(now, BATCH)
        rows.append({"name": f"first pass (batch {BATCH})", "seconds": seconds,
                     "actions": done})
        drained, drain_seconds, totals = 0, 0.0, dict.fromkeys(done, 0)
        for _ in range(args.max_drain):
            seconds, done = timed_pass(now, args.drain_batch)
            drained += 1
            drain_seconds += seconds
            totals = {k: totals[k] + v for k, v in done.items()}
            if not any(done.values()):
                break
        rows.append({"name": f"backlog: {drained} passes", "seconds": drain_seconds,
                     "actions": totals})
        idle = []
        for _ in range(args.repeat):
            seconds, done = timed_pass(now + timedelta(seconds=1), BATCH)
            idle.append(seconds)
        idle.sort()
        rows.append({"name": f"idle pass, p50 of {args.repeat}",
                     "seconds": percentile(idle, 0.5), "actions": {}})
        rows.append({"name": f"idle pass, max of {args.repeat}", "seconds": idle[-1],
                     "actions": {}})
        later = now + timedelta(seconds=2)
        made = make_due(later, args.due)
        seconds, done = timed_pass(later, BATCH)
        rows.append({"name": f"pass with {made} newly due", "seconds": seconds,
                     "actions": done})

    log.info("\n%s tickets (%s open) on %s\n%s", f"{args.tickets:,}",
             f"{shape['open_after_history']:,}", args.backend, table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = RESULTS / f"{stamp}-tick-{args.backend}.json"
    output.write_text(json.dumps({
        "backend": args.backend, "tickets": args.tickets, **shape,
        "history": history,
        "database_reused": reused, "seed_seconds": seed_seconds, "started_at": stamp,
        "git_commit": git_commit(), "python": platform.python_version(),
        "cpu_count": os.cpu_count(), "passes": rows,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("results written to %s", output.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
