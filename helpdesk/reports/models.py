"""The reports' daily rollup: what happened on each Riyadh day, per channel, kind, branch,
service and team, so that a year's report sums a few thousand rows instead of reading every
ticket (helpdesk/reports/rollup.py builds and reads it)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table

from helpdesk.db_types import UTCDateTime
from helpdesk.extensions import db

# Durations in log-spaced buckets of minutes: bucket 0 holds under a minute, bucket i
# (1 … DURATION_BUCKETS - 2) holds [2^((i-1)/3), 2^(i/3)) minutes, the last one 2^18 minutes
# (about 182 days) and more. Three buckets per doubling.
DURATION_BUCKETS = 56
BUCKETS_PER_DOUBLING = 3
STAR_COLUMNS = tuple(f"stars_{stars}" for stars in (1, 2, 3, 4, 5))
FIRST_RESPONSE_COLUMNS = tuple(f"first_response_{i}" for i in range(DURATION_BUCKETS))
RESOLUTION_COLUMNS = tuple(f"resolution_{i}" for i in range(DURATION_BUCKETS))
# Counts of the tickets received that day (their SLA as of the day's last rebuild), of the
# ratings given that day, and of the tickets closed that day (and, of those, rated).
COUNT_COLUMNS = ("created", "first_response_met", "first_response_missed", "resolution_met",
                 "resolution_missed", *STAR_COLUMNS, "closed", "rated_closed")

report_days = Table(
    "report_days", db.metadata,
    Column("id", Integer, primary_key=True),
    # "day": that day's row; "month": the sum of the month's day rows (day: its first day),
    # so that a year sums twelve months' rows.
    Column("span", String(8), nullable=False, server_default="day"),
    Column("day", Date, nullable=False),
    Column("channel_key", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("branch_id", Integer, nullable=True),
    Column("service_id", Integer, nullable=True),
    Column("team_id", Integer, nullable=True),
    *(Column(name, Integer, nullable=False, server_default="0")
      for name in (*COUNT_COLUMNS, *FIRST_RESPONSE_COLUMNS, *RESOLUTION_COLUMNS)),
    Index("ix_report_days_span_day", "span", "day"),
)

# The days rolled up, and when: a report reads the rollup only for days listed here.
report_rollup_days = Table(
    "report_rollup_days", db.metadata,
    Column("day", Date, primary_key=True, autoincrement=False),
    Column("built_at", UTCDateTime, nullable=False),
)

# Where the worker's last refresh stopped: the last event it saw and when it ran.
report_rollup_state = Table(
    "report_rollup_state", db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_event_id", Integer, nullable=False, server_default="0"),
    Column("ran_at", UTCDateTime, nullable=True),
)
