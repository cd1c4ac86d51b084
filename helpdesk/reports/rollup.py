"""The reports' daily rollup: built from the tickets, read by the reports for long periods.

One row per Riyadh day × channel × kind × branch × service × team holds
- about the tickets received that day: how many, their SLA (met, missed: as of the day's last
  rebuild) and histograms of their first-response and resolution times;
- the ratings given that day, per number of stars;
- the tickets closed that day, and how many of them are rated.

Durations go into log-spaced buckets of minutes (models.DURATION_BUCKETS, three per
doubling): a median or 90th percentile read from them lies in the same bucket as the exact
one, so it is off by at most a factor 2^(1/3) (+26 % / −21 %), usually by a few per cent
(the value is interpolated geometrically within the bucket). Counts are exact.

A report reads the rollup for the days of its period before today that are rolled up (every
one of them, rebuilt after the day ended), and the tickets for today; when a day is missing,
or when the rolled-up days hold fewer than ``REPORTS_ROLLUP_MIN_TICKETS`` tickets (default
20,000: exact percentiles cost little there), the whole period is read from the tickets.

Kept current by ``flask helpdesk reports rebuild [--days N]`` (whole days) and by the
worker's ``reports_rollup`` task every ten minutes (``refresh``): yesterday, plus the days of
the tickets with an event since the last run (a late reply, closing, reopening), of ratings
given or changed since, and of tickets whose due time passed since. Nothing is written on
the intake path.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, insert, literal, or_, select

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.reports.models import (
    BUCKETS_PER_DOUBLING,
    COUNT_COLUMNS,
    DURATION_BUCKETS,
    FIRST_RESPONSE_COLUMNS,
    RESOLUTION_COLUMNS,
    STAR_COLUMNS,
    report_days,
    report_rollup_days,
    report_rollup_state,
)
from helpdesk.reports.periods import Period, gregorian_period
from helpdesk.tickets.models import Event, Rating, Ticket
from helpdesk.tickets.queries import unindexed

DEFAULT_MIN_TICKETS = 20_000
CHUNK_DAYS = 7
DIMENSIONS = ("channel_key", "kind", "branch_id", "service_id", "team_id")
DAY, MONTH = "day", "month"


# ---------------------------------------------------------------------------------------
# Duration buckets

def bucket_of(seconds: float) -> int:
    if seconds < 60:
        return 0
    index = 1 + math.floor(BUCKETS_PER_DOUBLING * math.log2(seconds / 60))
    return min(index, DURATION_BUCKETS - 1)


def bucket_edges(index: int) -> tuple[float, float]:
    """A bucket's bounds in seconds (the last one's upper bound is its lower one)."""
    if index == 0:
        return 0.0, 60.0
    low = 60.0 * 2 ** ((index - 1) / BUCKETS_PER_DOUBLING)
    if index == DURATION_BUCKETS - 1:
        return low, low
    return low, 60.0 * 2 ** (index / BUCKETS_PER_DOUBLING)


def _ranked(counts: Sequence[int], rank: int) -> float:
    """The value of the ``rank``-th smallest duration (from 0), spread within its bucket."""
    seen = 0
    for index, count in enumerate(counts):
        if count and rank < seen + count:
            low, high = bucket_edges(index)
            share = (rank - seen + 0.5) / count
            if index == 0:
                return low + (high - low) * share
            return low * (high / low) ** share
        seen += count
    return bucket_edges(len(counts) - 1)[0]


def histogram_percentile(counts: Sequence[int], fraction: float) -> float | None:
    """The percentile with percentile_cont's interpolation between the two ranks around it,
    each rank's value estimated within its bucket (so the result is within the bucket
    precision of the exact one)."""
    total = sum(counts)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    below = _ranked(counts, low)
    if high == low:
        return below
    return below + (_ranked(counts, high) - below) * (position - low)


def histogram(seconds: Iterable[float]) -> list[int]:
    counts = [0] * DURATION_BUCKETS
    for value in seconds:
        counts[bucket_of(value)] += 1
    return counts


# ---------------------------------------------------------------------------------------
# Building

def _riyadh_day(moment: datetime) -> date:
    return to_riyadh(moment).date()


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    period = gregorian_period(first, last)
    return period.utc_start, period.utc_end


def _new_row() -> dict[str, int]:
    return dict.fromkeys((*COUNT_COLUMNS, *FIRST_RESPONSE_COLUMNS, *RESOLUTION_COLUMNS), 0)


def _rows_for(first: date, last: date, now: datetime) -> dict[tuple[Any, ...], dict[str, int]]:
    """The rollup rows of the days first … last, read from the tickets (the same rules as
    the live queries in helpdesk/reports/queries.py)."""
    start, end = _day_bounds(first, last)
    rows: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_new_row)
    created = [Ticket.created_at >= start, Ticket.created_at < end]
    first_out = (select(Event.ticket_id.label("ticket_id"),
                        func.min(Event.created_at).label("responded"))
                 .where(Event.type == "message_out",
                        Event.ticket_id.in_(select(Ticket.id).where(*created)))
                 .group_by(Event.ticket_id).subquery())
    dims = [getattr(Ticket, name) for name in DIMENSIONS]
    for (created_at, *key, status, closed_at, response_due, resolution_due,
         responded) in db.session.execute(
            select(Ticket.created_at, *dims, Ticket.status, Ticket.closed_at,
                   Ticket.first_response_due_at, Ticket.resolution_due_at, first_out.c.responded)
            .select_from(Ticket.__table__.outerjoin(first_out, first_out.c.ticket_id == Ticket.id))
            .where(*created)):
        row = rows[(_riyadh_day(created_at), *key)]
        row["created"] += 1
        if responded is not None:
            row[FIRST_RESPONSE_COLUMNS[bucket_of((responded - created_at).total_seconds())]] += 1
        closed = status == "closed"
        if closed and closed_at is not None:
            row[RESOLUTION_COLUMNS[bucket_of((closed_at - created_at).total_seconds())]] += 1
        if response_due is not None:
            if responded is not None and responded <= response_due:
                row["first_response_met"] += 1
            elif (responded is not None and responded > response_due) or \
                    (responded is None and response_due < now):
                row["first_response_missed"] += 1
        if resolution_due is not None:
            if closed and closed_at is not None and closed_at <= resolution_due:
                row["resolution_met"] += 1
            elif (closed and closed_at is not None and closed_at > resolution_due) or \
                    (not closed and resolution_due < now):
                row["resolution_missed"] += 1

    for rated_at, stars, *key in db.session.execute(
            select(Rating.created_at, Rating.stars, *dims)
            .join(Ticket, Ticket.id == Rating.ticket_id)
            .where(Rating.created_at >= start, Rating.created_at < end)):
        rows[(_riyadh_day(rated_at), *key)][STAR_COLUMNS[int(stars) - 1]] += 1

    rated = select(Rating.id).where(Rating.ticket_id == Ticket.id).exists()
    for closed_at, is_rated, *key in db.session.execute(
            select(Ticket.closed_at, rated, *dims)
            .where(unindexed(Ticket.status) == "closed", Ticket.closed_at >= start,
                   Ticket.closed_at < end)):
        row = rows[(_riyadh_day(closed_at), *key)]
        row["closed"] += 1
        row["rated_closed"] += 1 if is_rated else 0
    return rows


def _ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, at most CHUNK_DAYS long."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + timedelta(days=1) and \
                (day - ranges[-1][0]).days < CHUNK_DAYS:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def rebuild_days(days: Iterable[date], now: datetime | None = None) -> int:
    """Replace these days' rows with what the tickets say now (a transaction per week of
    days); returns the number of days rebuilt."""
    now = now or utcnow()
    count = 0
    for first, last in _ranges(days):
        rows = _rows_for(first, last, now)
        db.session.execute(delete(report_days).where(report_days.c.span == DAY,
                                                     report_days.c.day >= first,
                                                     report_days.c.day <= last))
        db.session.execute(delete(report_rollup_days).where(
            report_rollup_days.c.day >= first, report_rollup_days.c.day <= last))
        values = [{"span": DAY, "day": key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)), **row}
                  for key, row in rows.items() if first <= key[0] <= last]
        if values:
            db.session.execute(insert(report_days), values)
        spanned = (last - first).days + 1
        db.session.execute(insert(report_rollup_days), [
            {"day": first + timedelta(days=n), "built_at": now} for n in range(spanned)])
        for month in {first.replace(day=1), last.replace(day=1)}:
            _sum_month(month)
        db.session.commit()
        count += spanned
    return count


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _sum_month(month: date) -> None:
    """The month's row per dimensions: the sum of its day rows."""
    sums = (*COUNT_COLUMNS, *FIRST_RESPONSE_COLUMNS, *RESOLUTION_COLUMNS)
    dims = [report_days.c[name] for name in DIMENSIONS]
    db.session.execute(delete(report_days).where(report_days.c.span == MONTH,
                                                 report_days.c.day == month))
    db.session.execute(insert(report_days).from_select(
        ["span", "day", *DIMENSIONS, *sums],
        select(literal(MONTH), literal(month), *dims,
               *(func.sum(report_days.c[name]) for name in sums))
        .where(report_days.c.span == DAY, report_days.c.day >= month,
               report_days.c.day <= _month_end(month))
        .group_by(*dims)))


def _remember(last_event_id: int, now: datetime) -> None:
    state = report_rollup_state
    if db.session.scalar(select(state.c.id).where(state.c.id == 1)) is None:
        db.session.execute(insert(state).values(id=1, last_event_id=last_event_id, ran_at=now))
    else:
        db.session.execute(state.update().where(state.c.id == 1)
                           .values(last_event_id=last_event_id, ran_at=now))
    db.session.commit()


def rebuild(days: int | None = None, now: datetime | None = None) -> int:
    """Rebuild the last ``days`` whole days before today (all days since the first ticket
    when None); the worker's refresh then follows the events from here."""
    now = now or utcnow()
    last_event_id = int(db.session.scalar(select(func.max(Event.id))) or 0)
    today = _riyadh_day(now)
    if days is None:
        oldest = db.session.scalar(select(func.min(Ticket.created_at)))
        first = _riyadh_day(oldest) if oldest is not None else today
    else:
        first = today - timedelta(days=days)
    built = rebuild_days((first + timedelta(days=n) for n in range((today - first).days)), now)
    _remember(last_event_id, now)
    return built


def refresh(now: datetime | None = None, first_days: int = 35) -> int:
    """The worker's pass: yesterday, and the past days whose figures may have changed since
    the last pass. The first pass (no state yet) rebuilds the last ``first_days`` days."""
    now = now or utcnow()
    state = db.session.execute(select(report_rollup_state.c.last_event_id,
                                      report_rollup_state.c.ran_at)
                               .where(report_rollup_state.c.id == 1)).first()
    if state is None or state.ran_at is None:
        return rebuild(first_days, now)
    last_event_id = int(db.session.scalar(select(func.max(Event.id))) or 0)
    today = _riyadh_day(now)
    days: set[date] = {today - timedelta(days=1)}
    # Tickets with an event since the last pass (a reply, a status, a team or service
    # changed): their receipt day, the days their status changed (a closing, and the day a
    # reopened ticket had been closed) and the days they were rated.
    changed = select(Event.ticket_id).where(Event.id > state.last_event_id,
                                            Event.id <= last_event_id)
    for (created_at,) in db.session.execute(select(Ticket.created_at)
                                            .where(Ticket.id.in_(changed))):
        days.add(_riyadh_day(created_at))
    for (moment,) in db.session.execute(
            select(Event.created_at).where(Event.ticket_id.in_(changed),
                                           Event.type == "status_changed")):
        days.add(_riyadh_day(moment))
    for (rated_at,) in db.session.execute(select(Rating.created_at)
                                          .where(Rating.ticket_id.in_(changed))):
        days.add(_riyadh_day(rated_at))
    # Ratings given or changed since: their day and their ticket's closing day.
    for rated_at, closed_at in db.session.execute(
            select(Rating.created_at, Ticket.closed_at).join(Ticket, Ticket.id == Rating.ticket_id)
            .where(Rating.updated_at >= state.ran_at)):
        days.add(_riyadh_day(rated_at))
        if closed_at is not None:
            days.add(_riyadh_day(closed_at))
    # Tickets whose due time passed since: an unanswered or open one is now a miss.
    for (created_at,) in db.session.execute(select(Ticket.created_at).where(or_(
            Ticket.first_response_due_at.between(state.ran_at, now),
            Ticket.resolution_due_at.between(state.ran_at, now)))):
        days.add(_riyadh_day(created_at))
    built = rebuild_days((day for day in days if day < today), now)
    _remember(last_event_id, now)
    return built


# ---------------------------------------------------------------------------------------
# Reading

@dataclass(frozen=True)
class Split:
    """A period's days read from the rollup (None: none) and from the tickets."""

    rolled: Period | None
    live: Period | None


def _terms(filters: Any, rolled: Period) -> list[Any]:
    """The rows of the rolled-up days: the months they cover whole (unless the report counts
    by day), the day rows for the rest."""
    day, span = report_days.c.day, report_days.c.span
    months = []
    if not filters.period.by_day:
        month = rolled.first_day.replace(day=1)
        if month < rolled.first_day:
            month = _month_end(month) + timedelta(days=1)
        while _month_end(month) <= rolled.last_day:
            months.append(month)
            month = _month_end(month) + timedelta(days=1)
    if months:
        terms = [or_(and_(span == MONTH, day >= months[0], day <= months[-1]),
                     and_(span == DAY, day >= rolled.first_day, day < months[0]),
                     and_(span == DAY, day > _month_end(months[-1]),
                          day <= rolled.last_day))]
    else:
        terms = [span == DAY, day >= rolled.first_day, day <= rolled.last_day]
    for name, value in (("channel_key", filters.channel_key), ("branch_id", filters.branch_id),
                        ("service_id", filters.service_id), ("team_id", filters.team_id)):
        if value:
            terms.append(report_days.c[name] == value)
    return terms


def split(filters: Any, now: datetime | None = None) -> Split:
    period: Period = filters.period
    today = _riyadh_day(now or utcnow())
    last_rolled = min(period.last_day, today - timedelta(days=1))
    everything = Split(None, period)
    if last_rolled < period.first_day:
        return everything
    wanted = (last_rolled - period.first_day).days + 1
    built = sum(1 for day, built_at in db.session.execute(
        select(report_rollup_days.c.day, report_rollup_days.c.built_at)
        .where(report_rollup_days.c.day >= period.first_day,
               report_rollup_days.c.day <= last_rolled))
        if built_at >= _day_bounds(day, day)[1])
    if built < wanted:
        return everything
    rolled = gregorian_period(period.first_day, last_rolled)
    minimum = current_app.config.get("REPORTS_ROLLUP_MIN_TICKETS", DEFAULT_MIN_TICKETS)
    if minimum and int(db.session.scalar(
            select(func.coalesce(func.sum(report_days.c.created), 0))
            .where(*_terms(filters, rolled))) or 0) < minimum:
        return everything
    live = gregorian_period(today, period.last_day) if period.last_day >= today else None
    return Split(rolled, live)


def _bucket(day: date, by_day: bool) -> str:
    return day.isoformat() if by_day else day.strftime("%Y-%m")


def volume_counts(filters: Any, rolled: Period) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for day, channel, kind, n in db.session.execute(
            select(report_days.c.day, report_days.c.channel_key, report_days.c.kind,
                   func.sum(report_days.c.created))
            .where(*_terms(filters, rolled))
            .group_by(report_days.c.day, report_days.c.channel_key, report_days.c.kind)):
        if n:
            counts[(_bucket(day, filters.period.by_day), channel, kind)] += int(n)
    return dict(counts)


def created_by(filters: Any, rolled: Period, *columns: str,
               channels: Sequence[str] | None = None, kind: str | None = None
               ) -> list[tuple[Any, ...]]:
    """Tickets received per the given columns (rows of their values, then the count)."""
    chosen = [report_days.c[name] for name in columns]
    terms = _terms(filters, rolled)
    if channels is not None:
        terms.append(report_days.c.channel_key.in_(list(channels)))
    if kind is not None:
        terms.append(report_days.c.kind == kind)
    return [(*key, int(n)) for *key, n in db.session.execute(
        select(*chosen, func.sum(report_days.c.created)).where(*terms).group_by(*chosen)) if n]


@dataclass(frozen=True)
class RolledTimes:
    tickets: int
    first_response_met: int
    first_response_missed: int
    resolution_met: int
    resolution_missed: int
    first_response: list[int]   # bucket counts
    resolution: list[int]


def times(filters: Any, rolled: Period) -> RolledTimes:
    columns = ("created", "first_response_met", "first_response_missed", "resolution_met",
               "resolution_missed", *FIRST_RESPONSE_COLUMNS, *RESOLUTION_COLUMNS)
    row = db.session.execute(select(*(func.coalesce(func.sum(report_days.c[name]), 0)
                                      for name in columns))
                             .where(*_terms(filters, rolled))).one()
    values = [int(n) for n in row]
    return RolledTimes(*values[:5], values[5:5 + DURATION_BUCKETS],
                       values[5 + DURATION_BUCKETS:])


@dataclass(frozen=True)
class RolledRatings:
    by_day: dict[date, list[int]]                           # day → ratings per star
    by_dimension: dict[str, dict[Any, list[int]]]           # column → key → per star
    closed: int
    rated_closed: int


def ratings(filters: Any, rolled: Period) -> RolledRatings:
    stars = [func.sum(report_days.c[name]) for name in STAR_COLUMNS]
    terms = _terms(filters, rolled)
    by_dimension: dict[str, dict[Any, list[int]]] = {}
    for name in ("day", "channel_key", "service_id", "team_id"):
        column = report_days.c[name]
        found = {key: [int(n or 0) for n in counts] for key, *counts in db.session.execute(
            select(column, *stars).where(*terms).group_by(column))}
        by_dimension[name] = {key: counts for key, counts in found.items() if sum(counts)}
    closed, rated_closed = db.session.execute(
        select(func.coalesce(func.sum(report_days.c.closed), 0),
               func.coalesce(func.sum(report_days.c.rated_closed), 0)).where(*terms)).one()
    return RolledRatings(by_dimension.pop("day"), by_dimension, int(closed), int(rated_closed))
