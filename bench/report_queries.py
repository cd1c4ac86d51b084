"""Each report's queries, timed in-process on a seeded database (the reports' part of the
one-second budget, without HTTP and templates; ``bench.run`` measures the pages):

    FLASK_DEBUG=1 DATABASE_URL=sqlite:////tmp/seed.db .venv/bin/python -m bench.report_queries
    … --explain times      # also print the plans of this report's queries
    … --rebuild            # first rebuild the daily rollup (timed), then measure
    … --live               # the live queries only (the rollup ignored): the figures before it

For this Hijri month, the last twelve months, and the year for one channel, it prints p50
and p95 (ms) over ``--repeat`` runs per report, and the slowest p95 of each period.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import timedelta

from sqlalchemy import event

from bench.queue_queries import _explain, _percentile
from helpdesk import create_app
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.reports import queries, rollup
from helpdesk.reports.periods import gregorian_period
from helpdesk.reports.queries import Filters
from helpdesk.reports.services import default_period, field_visit_channels

log = logging.getLogger("bench.report_queries")

BUDGET_MS = 1000.0


def _reports(visit_channels: list[str]):
    return {
        "volume": queries.volume,
        "backlog": queries.backlog,
        "times": queries.times,
        "committee": queries.committee,
        "satisfaction": queries.satisfaction,
        "visits": lambda filters: queries.visits(filters, visit_channels),
        "suggestions": queries.suggestions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", nargs="*", default=[], help="reports whose plans to print")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the daily rollup first (every day since the first ticket)")
    parser.add_argument("--live", action="store_true",
                        help="ignore the rollup: every period read from the tickets")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app()
    if args.live:
        app.config["REPORTS_ROLLUP_MIN_TICKETS"] = 10**12
    with app.test_request_context():
        if args.rebuild:
            start = time.perf_counter()
            days = rollup.rebuild()
            log.info("rollup rebuilt: %d days in %.1f s", days, time.perf_counter() - start)
            start = time.perf_counter()
            rollup.refresh()
            log.info("worker refresh (nothing changed): %.1f s", time.perf_counter() - start)
        today = to_riyadh(utcnow()).date()
        year = gregorian_period(today - timedelta(days=364), today)
        periods = {
            "this Hijri month": Filters(default_period(today)),
            "twelve months": Filters(year),
            "twelve months, phone": Filters(year, channel_key="phone"),
        }
        reports = _reports(field_visit_channels())
        log.info("%s, %s", db.engine.dialect.name, "live" if args.live else "rollup")
        log.info("%-22s %-14s %8s %8s", "period", "report", "p50 ms", "p95 ms")
        over = False
        for name, filters in periods.items():
            slowest = 0.0
            for key, run in reports.items():
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    run(filters)
                    times.append((time.perf_counter() - start) * 1000)
                p95 = _percentile(times, 0.95)
                slowest = max(slowest, p95)
                log.info("%-22s %-14s %8.1f %8.1f", name, key, _percentile(times, 0.5), p95)
                if key in args.explain:
                    seen: list = []

                    def keep(conn, cursor, statement, params, context, executemany,
                             seen=seen):
                        seen.append((statement, params))

                    event.listen(db.engine, "before_cursor_execute", keep)
                    run(filters)
                    event.remove(db.engine, "before_cursor_execute", keep)
                    for statement, params in seen:
                        for line in _explain(statement, params):
                            log.info("    %s", line)
            over = over or slowest > BUDGET_MS
            log.info("%-22s %-14s %8s %8.1f %s", name, "(slowest)", "", slowest,
                     "over budget" if slowest > BUDGET_MS else "ok")
        raise SystemExit(1 if over else 0)


if __name__ == "__main__":
    main()
