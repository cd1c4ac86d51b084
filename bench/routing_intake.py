"""What routing adds to an intake, timed in-process: ``python -m bench.routing_intake``.

Each round receives ``--repeat`` WhatsApp-like messages through the real intake
(``tickets.intake.receive``: contact, ticket, timeline, search index, unit of work, commit)
with 0 rules, then with N enabled rules (``--rules``) of which only the last matches (the
worst case: every rule is tried, the words of each compared), sending the ticket to a
round-robin team whose turn row is locked and whose members' open tickets are counted
against the limit. It prints p50 and p95 (ms) per round, the difference with no rules,
the SQL statements one intake runs (a count that load on the machine does not blur) and
the time trying the rules takes in memory.

    .venv/bin/python -m bench.routing_intake                       # a fresh SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sila_bench_routing \\
        .venv/bin/python -m bench.routing_intake --backend-ready   # an existing database

The database must be empty of rules (the script adds and removes its own); with no
DATABASE_URL a temporary SQLite file is built from the models. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, event, select

from helpdesk import create_app
from helpdesk.accounts.models import Team, User
from helpdesk.accounts.services import create_user
from helpdesk.extensions import db
from helpdesk.plugin_api import InboundMessage
from helpdesk.routing.models import RoutingRule, TeamTurn
from helpdesk.routing.services import RuleInput, enabled_rules, plan_for, save_rule
from helpdesk.tickets.intake import receive
from helpdesk.tickets.models import Ticket

log = logging.getLogger("bench.routing_intake")

CITIES = ("الرياض", "جدة", "مكة", "المدينة", "الدمام", "الخبر", "الطائف", "تبوك", "أبها",
          "حائل", "نجران", "جازان", "الباحة", "سكاكا", "عرعر", "بريدة", "عنيزة", "الخرج")
MATCHING_WORD = "الدوادمي"
CHANNEL = "social"
# Each run's senders are new people: a reused database's open tickets would otherwise take
# the messages as follow-ups (no intake, nothing routed).
RUN_BASE = random.randrange(10**7)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _rule(admin: User, name: str, **values) -> None:
    data = RuleInput.blank()
    data.values.update({"name": name, "enabled": True, "stop": True, **values})
    save_rule(data, actor=admin)


def set_rules(admin_id: int, team_id: int, count: int) -> None:
    """``count`` rules: the first count-1 never match these messages, the last one does."""
    admin, team = db.session.get(User, admin_id), db.session.get(Team, team_id)
    db.session.execute(delete(RoutingRule))
    db.session.commit()
    for n in range(max(count - 1, 0)):
        words = "\n".join(f"{CITIES[(n + k) % len(CITIES)]} {n}" for k in range(3))
        shape = n % 3
        if shape == 0:
            _rule(admin, f"قاعدة {n}", words=words, tag=f"وسم {n}")
        elif shape == 1:
            _rule(admin, f"قاعدة {n}", kinds=["complaint"], words=words, priority="high")
        else:
            _rule(admin, f"قاعدة {n}", channels=[CHANNEL], words=words,
                  team_id=str(team.id))
    if count:
        _rule(admin, "القاعدة المطابقة", words=MATCHING_WORD, team_id=str(team.id))


def measure(repeat: int, counter: itertools.count) -> tuple[list[float], list[int], int]:
    """Milliseconds and SQL statements per intake, and the last ticket's id."""
    times, statements = [], []
    executed = [0]

    def count(*_args) -> None:
        executed[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    ticket_id = 0
    for _ in range(repeat):
        n = next(counter)
        message = InboundMessage(
            external_id=f"bench-routing-{n}-{time.time_ns()}",
            body=f"السلام عليكم، عندي شكوى على فرع {MATCHING_WORD}: تأخر صرف السلة رقم {n}",
            sender_name=f"مراجع {n}", sender_phone=f"+96650{(RUN_BASE + n) % 10**7:07d}",
            received_at=datetime.now(UTC), data={"type": "text"})
        db.session.expunge_all()
        executed[0] = 0
        start = time.perf_counter()
        ticket_id = receive(CHANNEL, message).ticket.id
        times.append((time.perf_counter() - start) * 1000)
        statements.append(executed[0])
    event.remove(db.engine, "before_cursor_execute", count)
    return times, statements, ticket_id


def evaluation_microseconds(ticket_id: int, repeat: int) -> float:
    """Trying every enabled rule on one ticket, in memory (facts read once per try)."""
    ticket = db.session.get(Ticket, ticket_id)
    rules = enabled_rules()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        plan_for(ticket, rules)
        times.append((time.perf_counter() - start) * 1_000_000)
    return _percentile(times, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="*", default=[10, 50, 200])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--backend-ready", action="store_true",
                        help="DATABASE_URL already holds the schema (else: create_all)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = tempfile.mkdtemp(prefix="sila-bench-routing-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'routing.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": folder, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.test_request_context():
        if not args.backend_ready:
            db.create_all()
        admin = db.session.scalar(select(User).where(User.email == "bench-admin@example.org"))
        if admin is None:
            admin = create_user(email="bench-admin@example.org", name="مدير القياس",
                                role="admin", password="bench-password-2026")
        members = [create_user(email=f"bench-agent-{time.time_ns()}-{i}@example.org",
                               name=f"موظف {i}", role="agent",
                               password="bench-password-2026") for i in range(5)]
        team = Team(key=f"bench-{time.time_ns()}", name_ar="فريق القياس",
                    name_en="Bench team", assignment_mode="round_robin",
                    max_open_per_member=100_000, members=members)
        db.session.add(team)
        db.session.commit()
        admin_id, team_id = admin.id, team.id
        counter = itertools.count(1)
        measure(10, counter)  # warm-up: caches, first statements
        log.info("%-8s %8s %8s %10s %11s %14s", "rules", "p50 ms", "p95 ms", "+p50 ms",
                 "statements", "rules try µs")
        baseline = None
        for count in [0, *args.rules]:
            set_rules(admin_id, team_id, count)
            times, statements, ticket_id = measure(args.repeat, counter)
            p50, p95 = _percentile(times, 0.5), _percentile(times, 0.95)
            baseline = p50 if baseline is None else baseline
            log.info("%-8d %8.2f %8.2f %10.2f %11d %14.0f", count, p50, p95, p50 - baseline,
                     int(_percentile(statements, 0.5)),
                     evaluation_microseconds(ticket_id, 50))
        db.session.execute(delete(RoutingRule))
        db.session.execute(delete(TeamTurn))
        db.session.commit()


if __name__ == "__main__":
    main()
