"""The reports' reads: one aggregate query function per report, over the tickets a Filters
value selects. They return keys and numbers (channel keys, kinds, ids), never labels.

Reports show figures per channel, kind, service, team and branch: never per agent.
Only roles holding ``reports.view`` read them, and those roles see every ticket.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from helpdesk.committee.models import CommitteeDecision
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.reports import rollup
from helpdesk.reports.periods import RIYADH_OFFSET_HOURS, Period
from helpdesk.satisfaction.models import ReviewMark
from helpdesk.tickets.models import OPEN_TICKET_SQL, Event, Rating, Ticket
from helpdesk.tickets.queries import unindexed

# The age of open tickets, in days: under 1, 1–3, 3–7, 7–30, 30 and more.
BACKLOG_AGE_LIMITS = (1, 3, 7, 30)
STARS = (1, 2, 3, 4, 5)
DECIDED = ("approve", "reject")


@dataclass(frozen=True)
class Filters:
    """Which tickets a report counts: created (or decided, rated) in the period, and
    optionally of one channel, branch, service and team."""

    period: Period
    channel_key: str | None = None
    branch_id: int | None = None
    service_id: int | None = None
    team_id: int | None = None


# ---------------------------------------------------------------------------------------
# SQL that reads the same on SQLite and PostgreSQL

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_bucket(column: Any, by_day: bool) -> ColumnElement[str]:
    """The Riyadh day ('2026-11-23') or month ('2026-11') of a stored UTC time, as text."""
    if _dialect() == "postgresql":
        shifted = column + literal_column(f"interval '{RIYADH_OFFSET_HOURS} hours'")
        return func.to_char(shifted, "YYYY-MM-DD" if by_day else "YYYY-MM")
    return func.strftime("%Y-%m-%d" if by_day else "%Y-%m", column,
                         f"+{RIYADH_OFFSET_HOURS} hours")


def _seconds_between(later: Any, earlier: Any) -> ColumnElement[float]:
    if _dialect() == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _dimension_terms(filters: Filters) -> list[ColumnElement[bool]]:
    """The channel, branch, service and team chosen. Read from the reports' covering index
    (its period first), not through each column's own (column, id) index: on SQLite that
    would visit every ticket of the channel ever received, then the table for its date."""
    terms: list[ColumnElement[bool]] = []
    if filters.channel_key:
        terms.append(unindexed(Ticket.channel_key) == filters.channel_key)
    if filters.branch_id:
        terms.append(unindexed(Ticket.branch_id) == filters.branch_id)
    if filters.service_id:
        terms.append(unindexed(Ticket.service_id) == filters.service_id)
    if filters.team_id:
        terms.append(unindexed(Ticket.team_id) == filters.team_id)
    return terms


def _in_period(column: Any, period: Period) -> list[ColumnElement[bool]]:
    return [column >= period.utc_start, column < period.utc_end]


def _created_terms(filters: Filters) -> list[ColumnElement[bool]]:
    return [*_in_period(Ticket.created_at, filters.period), *_dimension_terms(filters)]


def interpolated(ordered: Sequence[float], fraction: float) -> float | None:
    """The percentile with linear interpolation (PostgreSQL's percentile_cont)."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _median_and_p90(seconds: ColumnElement[float], terms: Iterable[ColumnElement[bool]],
                    source: Any = None) -> tuple[float | None, float | None]:
    """The median and 90th percentile of a duration over the selected tickets: computed by
    PostgreSQL; on SQLite, only that one column is read, already sorted."""
    inner = select(seconds.label("seconds")).select_from(
        source if source is not None else Ticket.__table__).where(*terms).subquery()
    column = inner.c.seconds
    if _dialect() == "postgresql":
        row = db.session.execute(select(
            func.percentile_cont(0.5).within_group(column.asc()),
            func.percentile_cont(0.9).within_group(column.asc()),
        ).where(column.is_not(None))).one()
        return (float(row[0]) if row[0] is not None else None,
                float(row[1]) if row[1] is not None else None)
    ordered = [float(value) for value in db.session.scalars(
        select(column).where(column.is_not(None)).order_by(column))]
    return interpolated(ordered, 0.5), interpolated(ordered, 0.9)


# ---------------------------------------------------------------------------------------
# Volume: tickets received by channel and kind over time

@dataclass(frozen=True)
class Volume:
    counts: dict[tuple[str, str, str], int]  # (bucket key, channel key, kind) → tickets

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by(self, position: int) -> Counter[str]:
        totals: Counter[str] = Counter()
        for key, count in self.counts.items():
            totals[key[position]] += count
        return totals


def _live_part(filters: Filters, live: Period) -> Filters:
    return replace(filters, period=live)


def _rebucket(key: str, period: Period) -> str:
    """A live part's bucket key in the whole period's buckets (days, or months)."""
    return key if period.by_day else key[:7]


def volume(filters: Filters, now: datetime | None = None) -> Volume:
    """Tickets received, by bucket, channel and kind: the days rolled up from the rollup,
    the others (today) from the tickets."""
    parts = rollup.split(filters, now)
    counts: Counter[tuple[str, str, str]] = Counter()
    if parts.rolled is not None:
        counts.update(rollup.volume_counts(filters, parts.rolled))
    if parts.live is not None:
        for (key, channel, kind), n in _live_volume(_live_part(filters, parts.live)).items():
            counts[(_rebucket(key, filters.period), channel, kind)] += n
    return Volume(dict(counts))


def _live_volume(filters: Filters) -> dict[tuple[str, str, str], int]:
    bucket = _local_bucket(Ticket.created_at, filters.period.by_day).label("bucket")
    rows = db.session.execute(
        select(bucket, Ticket.channel_key, Ticket.kind, func.count())
        .where(*_created_terms(filters))
        .group_by(bucket, Ticket.channel_key, Ticket.kind))
    return {(b, channel, kind): n for b, channel, kind, n in rows}


# ---------------------------------------------------------------------------------------
# Backlog: the tickets open now, by age

@dataclass(frozen=True)
class Backlog:
    by_age: tuple[int, ...]   # one count per age band (BACKLOG_AGE_LIMITS, then older)
    oldest_created_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.by_age)


def backlog(filters: Filters, now: datetime | None = None) -> Backlog:
    """Open tickets now (the period does not apply: the backlog is today's)."""
    now = now or utcnow()
    limits = [now - timedelta(days=days) for days in BACKLOG_AGE_LIMITS]
    bands = [func.count().filter(Ticket.created_at > limits[0])]
    for newer, older in zip(limits[1:], limits[:-1], strict=True):
        bands.append(func.count().filter(Ticket.created_at > newer, Ticket.created_at <= older))
    bands.append(func.count().filter(Ticket.created_at <= limits[-1]))
    row = db.session.execute(
        select(*bands, func.min(Ticket.created_at))
        # SQLite would walk the queue's open index and read each row for its age.
        .with_hint(Ticket, "INDEXED BY ix_tickets_open_created_at", "sqlite")
        .where(text(OPEN_TICKET_SQL), *_dimension_terms(filters))).one()
    return Backlog(tuple(int(n or 0) for n in row[:-1]), row[-1])


# ---------------------------------------------------------------------------------------
# Response and resolution times, and the SLA

@dataclass(frozen=True)
class Times:
    tickets: int
    first_response_median: float | None   # seconds
    first_response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    first_response_met: int
    first_response_missed: int
    resolution_met: int
    resolution_missed: int

    @staticmethod
    def rate(met: int, missed: int) -> float | None:
        return met / (met + missed) if met + missed else None

    @property
    def first_response_compliance(self) -> float | None:
        return self.rate(self.first_response_met, self.first_response_missed)

    @property
    def resolution_compliance(self) -> float | None:
        return self.rate(self.resolution_met, self.resolution_missed)


def _first_responses(terms: list[ColumnElement[bool]]) -> Any:
    """Each selected ticket's first message to the person (its first response; messages
    out are public by definition, internal notes are another type), read once per ticket
    from the (ticket, type, time) index."""
    selected = select(Ticket.id).where(*terms)
    return (select(Event.ticket_id.label("ticket_id"),
                   func.min(Event.created_at).label("responded"))
            .where(Event.type == "message_out", Event.ticket_id.in_(selected))
            .group_by(Event.ticket_id).subquery())


def times(filters: Filters, now: datetime | None = None) -> Times:
    """Over the tickets created in the period: time to the first public reply; time to
    closing (closed tickets; cancelled ones are not resolutions); the share of tickets
    answered and closed by their due times, among those whose due time has come.
    The days rolled up come from the rollup (percentiles from its histograms), the others
    (today) from the tickets."""
    now = now or utcnow()
    parts = rollup.split(filters, now)
    if parts.rolled is None:
        return _live_times(filters, now)
    rolled = rollup.times(filters, parts.rolled)
    first_response, resolution = rolled.first_response, rolled.resolution
    counts = [rolled.tickets, rolled.first_response_met, rolled.first_response_missed,
              rolled.resolution_met, rolled.resolution_missed]
    if parts.live is not None:
        live_filters = _live_part(filters, parts.live)
        live = _live_times(live_filters, now)
        counts = [a + b for a, b in zip(counts, (
            live.tickets, live.first_response_met, live.first_response_missed,
            live.resolution_met, live.resolution_missed), strict=True)]
        first_seconds, resolution_seconds = _live_durations(live_filters)
        first_response = [a + b for a, b in zip(
            first_response, rollup.histogram(first_seconds), strict=True)]
        resolution = [a + b for a, b in zip(
            resolution, rollup.histogram(resolution_seconds), strict=True)]
    percentile = rollup.histogram_percentile
    return Times(counts[0], percentile(first_response, 0.5), percentile(first_response, 0.9),
                 percentile(resolution, 0.5), percentile(resolution, 0.9), *counts[1:])


def _live_durations(filters: Filters) -> tuple[list[float], list[float]]:
    """The first-response and resolution times (seconds) of the selected tickets."""
    terms = _created_terms(filters)
    first = _first_responses(terms)
    joined = Ticket.__table__.outerjoin(first, first.c.ticket_id == Ticket.id)
    responses = [float(n) for n in db.session.scalars(
        select(_seconds_between(first.c.responded, Ticket.created_at)).select_from(joined)
        .where(*terms, first.c.responded.is_not(None)))]
    resolutions = [float(n) for n in db.session.scalars(
        select(_seconds_between(Ticket.closed_at, Ticket.created_at))
        .where(*terms, unindexed(Ticket.status) == "closed", Ticket.closed_at.is_not(None)))]
    return responses, resolutions


def _live_times(filters: Filters, now: datetime) -> Times:
    terms = _created_terms(filters)
    first = _first_responses(terms)
    responded = first.c.responded
    joined = Ticket.__table__.outerjoin(first, first.c.ticket_id == Ticket.id)
    first_median, first_p90 = _median_and_p90(
        _seconds_between(responded, Ticket.created_at), terms, joined)
    # +status on SQLite: most tickets are closed, the period's index is the way in.
    closed = unindexed(Ticket.status) == "closed"
    resolution_median, resolution_p90 = _median_and_p90(
        _seconds_between(Ticket.closed_at, Ticket.created_at), [*terms, closed])

    response_due, resolution_due = Ticket.first_response_due_at, Ticket.resolution_due_at
    row = db.session.execute(select(
        func.count(),
        func.count().filter(response_due.is_not(None), responded.is_not(None),
                            responded <= response_due),
        func.count().filter(response_due.is_not(None), or_(
            responded > response_due, and_(responded.is_(None), response_due < now))),
        func.count().filter(resolution_due.is_not(None), closed,
                            Ticket.closed_at <= resolution_due),
        func.count().filter(resolution_due.is_not(None), or_(
            and_(closed, Ticket.closed_at > resolution_due),
            and_(unindexed(Ticket.status) != "closed", resolution_due < now))),
    ).select_from(joined).where(*terms)).one()
    return Times(int(row[0]), first_median, first_p90, resolution_median, resolution_p90,
                 *(int(n) for n in row[1:]))


# ---------------------------------------------------------------------------------------
# The research committee

@dataclass(frozen=True)
class Committee:
    by_service: dict[int | None, Counter[str]]  # service id → decision → count
    decided: int                                # approved or rejected
    deferred: int
    days_median: float | None   # from the request's receipt to the decision
    days_p90: float | None
    within_window: int          # decided on or before the date promised
    past_window: int

    def total(self, decision: str) -> int:
        return sum(counts[decision] for counts in self.by_service.values())


def committee(filters: Filters) -> Committee:
    """Decisions taken in the period on the selected tickets (the period applies to the
    decision, not to the ticket's receipt)."""
    rows = db.session.execute(
        select(Ticket.service_id, CommitteeDecision.decision, CommitteeDecision.decided_at,
               Ticket.created_at, CommitteeDecision.due_on_before)
        .join(Ticket, Ticket.id == CommitteeDecision.ticket_id)
        .where(*_in_period(CommitteeDecision.decided_at, filters.period),
               *_dimension_terms(filters)))
    by_service: dict[int | None, Counter[str]] = defaultdict(Counter)
    days: list[float] = []
    within = past = 0
    for service_id, decision, decided_at, created_at, due_on in rows:
        by_service[service_id][decision] += 1
        if decision not in DECIDED:
            continue
        days.append((decided_at - created_at).total_seconds() / 86400)
        if due_on is not None:
            if to_riyadh(decided_at).date() <= due_on:
                within += 1
            else:
                past += 1
    days.sort()
    decided = len(days)
    deferred = sum(counts["defer"] for counts in by_service.values())
    return Committee(dict(by_service), decided, deferred, interpolated(days, 0.5),
                     interpolated(days, 0.9), within, past)


# ---------------------------------------------------------------------------------------
# Satisfaction

@dataclass(frozen=True)
class Average:
    ratings: int
    stars: int

    @property
    def mean(self) -> float | None:
        return self.stars / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Satisfaction:
    distribution: dict[int, int]                    # stars → ratings
    trend: dict[str, Average]                       # bucket key → average
    by_channel: dict[str, Average]
    by_service: dict[int | None, Average]
    by_team: dict[int | None, Average]
    closed_tickets: int                             # closed in the period
    rated_closed_tickets: int                       # of those, rated

    @property
    def overall(self) -> Average:
        return Average(sum(self.distribution.values()),
                       sum(stars * n for stars, n in self.distribution.items()))

    @property
    def response_rate(self) -> float | None:
        return self.rated_closed_tickets / self.closed_tickets if self.closed_tickets else None


def _averages(column: Any, terms: list[ColumnElement[bool]]) -> dict[Any, Average]:
    rows = db.session.execute(
        select(column, func.count(Rating.id), func.sum(Rating.stars))
        .join(Ticket, Ticket.id == Rating.ticket_id).where(*terms).group_by(column))
    return {key: Average(int(n), int(total or 0)) for key, n, total in rows}


def satisfaction(filters: Filters, now: datetime | None = None) -> Satisfaction:
    """Ratings given in the period on the selected tickets; the response rate is the share
    of the tickets closed in the period that were rated. The days rolled up come from the
    rollup, the others (today) from the tickets."""
    parts = rollup.split(filters, now)
    if parts.rolled is None:
        return _live_satisfaction(filters)
    found = rollup.ratings(filters, parts.rolled)
    distribution = {stars: 0 for stars in STARS}
    trend: dict[str, list[int]] = defaultdict(lambda: [0] * len(STARS))
    for day, counts in found.by_day.items():
        key = day.isoformat() if filters.period.by_day else day.strftime("%Y-%m")
        trend[key] = [a + b for a, b in zip(trend[key], counts, strict=True)]
        for stars, n in zip(STARS, counts, strict=True):
            distribution[stars] += n

    def average(counts: list[int]) -> Average:
        return Average(sum(counts), sum(stars * n for stars, n in zip(STARS, counts, strict=True)))

    result = Satisfaction(
        distribution=distribution,
        trend={key: average(counts) for key, counts in trend.items()},
        by_channel={key: average(c) for key, c in found.by_dimension["channel_key"].items()},
        by_service={key: average(c) for key, c in found.by_dimension["service_id"].items()},
        by_team={key: average(c) for key, c in found.by_dimension["team_id"].items()},
        closed_tickets=found.closed, rated_closed_tickets=found.rated_closed)
    if parts.live is None:
        return result
    live = _live_satisfaction(_live_part(filters, parts.live))

    def added(one: dict[Any, Average], other: dict[Any, Average],
              rekey: Any = lambda key: key) -> dict[Any, Average]:
        merged = dict(one)
        for key, value in other.items():
            key = rekey(key)
            before = merged.get(key, Average(0, 0))
            merged[key] = Average(before.ratings + value.ratings, before.stars + value.stars)
        return merged

    return Satisfaction(
        distribution={stars: result.distribution[stars] + live.distribution[stars]
                      for stars in STARS},
        trend=added(result.trend, live.trend, lambda key: _rebucket(key, filters.period)),
        by_channel=added(result.by_channel, live.by_channel),
        by_service=added(result.by_service, live.by_service),
        by_team=added(result.by_team, live.by_team),
        closed_tickets=result.closed_tickets + live.closed_tickets,
        rated_closed_tickets=result.rated_closed_tickets + live.rated_closed_tickets)


def _live_satisfaction(filters: Filters) -> Satisfaction:
    terms = [*_in_period(Rating.created_at, filters.period), *_dimension_terms(filters)]
    distribution = {stars: 0 for stars in STARS}
    for stars, average in _averages(Rating.stars, terms).items():
        distribution[int(stars)] = average.ratings
    bucket = _local_bucket(Rating.created_at, filters.period.by_day)
    closed_terms = [unindexed(Ticket.status) == "closed",
                    *_in_period(Ticket.closed_at, filters.period), *_dimension_terms(filters)]
    rated = select(Rating.id).where(Rating.ticket_id == Ticket.id).exists()
    closed, rated_closed = db.session.execute(
        select(func.count(), func.count().filter(rated)).where(*closed_terms)).one()
    return Satisfaction(
        distribution=distribution,
        trend=_averages(bucket, terms),
        by_channel=_averages(Ticket.channel_key, terms),
        by_service=_averages(Ticket.service_id, terms),
        by_team=_averages(Ticket.team_id, terms),
        closed_tickets=int(closed), rated_closed_tickets=int(rated_closed),
    )


# ---------------------------------------------------------------------------------------
# Branch representatives' visits

def visits(filters: Filters, channel_keys: Sequence[str],
           now: datetime | None = None) -> dict[tuple[int | None, str], int]:
    """Tickets of the field-visit channels created in the period: (branch id, month) →
    visits. The caller names the channels (those declaring the field-visits capability).
    The days rolled up come from the rollup, the others (today) from the tickets."""
    if not channel_keys or (filters.channel_key and filters.channel_key not in channel_keys):
        return {}
    parts = rollup.split(filters, now)
    if parts.rolled is None:
        return _live_visits(filters, channel_keys)
    counts: Counter[tuple[int | None, str]] = Counter()
    for branch_id, day, n in rollup.created_by(filters, parts.rolled, "branch_id", "day",
                                               channels=channel_keys):
        counts[(branch_id, day.strftime("%Y-%m"))] += n
    if parts.live is not None:
        counts.update(_live_visits(_live_part(filters, parts.live), channel_keys))
    return dict(counts)


def _live_visits(filters: Filters,
                 channel_keys: Sequence[str]) -> dict[tuple[int | None, str], int]:
    month = _local_bucket(Ticket.created_at, False).label("month")
    rows = db.session.execute(
        select(Ticket.branch_id, month, func.count())
        .where(*_created_terms(filters),
               unindexed(Ticket.channel_key).in_(list(channel_keys)))
        .group_by(Ticket.branch_id, month))
    return {(branch_id, key): int(n) for branch_id, key, n in rows}


# ---------------------------------------------------------------------------------------
# Suggestions

@dataclass(frozen=True)
class Suggestions:
    received: int
    acted_on: int
    by_channel: dict[str, int] = field(default_factory=dict)


def suggestions_received(filters: Filters, now: datetime | None = None) -> dict[str, int]:
    parts = rollup.split(filters, now)
    if parts.rolled is None:
        return _live_suggestions_received(filters)
    counts: Counter[str] = Counter({key: n for key, n in rollup.created_by(
        filters, parts.rolled, "channel_key", kind="suggestion")})
    if parts.live is not None:
        counts.update(_live_suggestions_received(_live_part(filters, parts.live)))
    return dict(counts)


def _live_suggestions_received(filters: Filters) -> dict[str, int]:
    rows = db.session.execute(
        select(Ticket.channel_key, func.count())
        .where(*_created_terms(filters), unindexed(Ticket.kind) == "suggestion")
        .group_by(Ticket.channel_key))
    return {key: int(n) for key, n in rows}


def suggestions_acted_on(filters: Filters) -> int:
    """How many of the period's suggestions a manager marked acted on in the review list."""
    return int(db.session.scalar(
        select(func.count(ReviewMark.id))
        .join(Ticket, and_(ReviewMark.item_kind == "suggestion", ReviewMark.item_id == Ticket.id))
        .where(*_created_terms(filters), Ticket.kind == "suggestion",
               ReviewMark.status == "acted_on")) or 0)


def suggestions(filters: Filters, now: datetime | None = None) -> Suggestions:
    by_channel = suggestions_received(filters, now)
    return Suggestions(sum(by_channel.values()), suggestions_acted_on(filters), by_channel)
