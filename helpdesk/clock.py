"""The current time for every service, which the demo may set to a simulated moment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


class SimulatedClock:
    """A moment that only moves when told to (the demo replays two months through it)."""

    def __init__(self, start: datetime):
        self.moment = _aware(start)

    def set(self, moment: datetime) -> None:
        self.moment = _aware(moment)

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


# A context variable, not a module global: a simulated time set in one thread or task never
# reaches a request served by another.
_current: ContextVar[SimulatedClock | None] = ContextVar("helpdesk_simulated_clock",
                                                         default=None)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    return moment.astimezone(UTC)


def now() -> datetime:
    """The simulated moment inside ``simulated_time``, else the wall clock (UTC, aware)."""
    clock = _current.get()
    return clock.moment if clock is not None else datetime.now(UTC)


@contextmanager
def simulated_time(start: datetime) -> Iterator[SimulatedClock]:
    """Within the block, ``now()`` (and so ``db_types.utcnow()``) is the clock's moment."""
    clock = SimulatedClock(start)
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
