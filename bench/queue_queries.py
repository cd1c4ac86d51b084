"""The queue's first page per role and single filter, timed in-process (query + ORM load).

``bench.run`` measures whole pages as the demo manager, who sees every ticket; the access
rule makes other roles' queries different ones (an OR over assignee, teams, branch…), and
their plans are what this script shows. Run it on a seeded database:

    FLASK_DEBUG=1 DATABASE_URL=sqlite:////tmp/seed.db .venv/bin/python -m bench.queue_queries
    … --explain "view=overdue"       # also print the plan of each query for these filters

It prints p50 and p95 (ms) over ``--repeat`` runs per (role, filter), nothing else.
"""

from __future__ import annotations

import argparse
import logging
import time
from urllib.parse import parse_qsl

from flask_login import login_user
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from helpdesk import create_app
from helpdesk.accounts.models import User
from helpdesk.channels.registry import registered_channels
from helpdesk.extensions import db
from helpdesk.tickets.queries import open_counts_by_channel
from helpdesk.tickets.queue import parse_filters, queue_page

log = logging.getLogger("bench.queue_queries")

FILTERS = ("", "status=in_progress", "channel=phone", "kind=complaint", "priority=urgent",
           "view=overdue", "view=unassigned", "view=committee", "view=awaiting_information",
           "view=closed_today", "view=mine", "view=team", "view=referred")
DEMO_USERS = ("manager@demo.sila.sa", "agent@demo.sila.sa", "research_officer@demo.sila.sa",
              "committee_member@demo.sila.sa", "branch_rep@demo.sila.sa",
              "volunteer_coordinator@demo.sila.sa")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _explain(statement: str, params) -> list[str]:
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            return [str(row[3]) for row in rows]
        rows = connection.exec_driver_sql("EXPLAIN " + statement, params)
        return [str(row[0]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", nargs="*", default=list(DEMO_USERS))
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--explain", nargs="*", default=[],
                        help="filters (as in FILTERS) whose plans to print")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app()
    with app.test_request_context():
        keys = set(registered_channels())
        log.info("%-36s %-26s %7s %7s %5s", "user", "filter", "p50 ms", "p95 ms", "rows")
        for email in args.users:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                log.info("%s: no such user", email)
                continue
            login_user(user)
            for query in FILTERS:
                filters, _errors = parse_filters(MultiDict(parse_qsl(query)), keys)
                times = []
                for _ in range(args.repeat):
                    db.session.expunge_all()
                    start = time.perf_counter()
                    page = queue_page(user, filters)
                    times.append((time.perf_counter() - start) * 1000)
                log.info("%-36s %-26s %7.1f %7.1f %5d", email, query or "(first page)",
                         _percentile(times, 0.5), _percentile(times, 0.95), len(page.tickets))
                if query in args.explain:
                    seen: list = []

                    def keep(conn, cursor, statement, params, context, executemany,
                             seen=seen):
                        seen.append((statement, params))

                    event.listen(db.engine, "before_cursor_execute", keep)
                    queue_page(user, filters)
                    event.remove(db.engine, "before_cursor_execute", keep)
                    for line in _explain(*seen[-1]):
                        log.info("    %s", line)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            open_counts_by_channel(sorted(keys))
            times.append((time.perf_counter() - start) * 1000)
        log.info("%-36s %-26s %7.1f %7.1f", "(home page)", "open counts per channel",
                 _percentile(times, 0.5), _percentile(times, 0.95))


if __name__ == "__main__":
    main()
