"""One delivery queue over a table of rows to send: claim, lease, backoff, fenced record.

Each step is its own short transaction, so that no database transaction stays open while a
provider is called:

1. claim: one conditional UPDATE moves the row to ``sending`` and counts the attempt; zero
   rows means another worker has it (or it is done, or not due yet);
2. send: the caller's business, with no transaction open;
3. record: done, or ``failed`` with a retry time (exponential backoff with jitter), or
   ``dead`` once retrying cannot help; the update is fenced on the attempt number, so a worker
   that was presumed dead cannot overwrite a newer attempt's outcome.

A row left in ``sending`` longer than the sending timeout (the lease) belonged to a worker
that died mid-send: it is claimable again, and sent with the same key.

A table qualifies with these columns: id, status, attempts, next_attempt_at, claimed_at,
last_error. Its settings are read from the app config under a prefix:
<PREFIX>_MAX_ATTEMPTS, _RETRY_BASE_SECONDS, _RETRY_MAX_SECONDS, _SENDING_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from helpdesk.db_types import utcnow
from helpdesk.extensions import db

ERROR_LENGTH = 1000  # what is kept of a provider's error text
WAITING = ("pending", "failed")


class AttemptResult(Protocol):
    """What a send returned: the outbox's DeliveryResult and the webhooks' SendResult."""

    ok: bool
    error: str | None
    retryable: bool


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt (or a run over a queue) did.

    status: the queue's done status (sent, delivered), failed (retry at ``retry_at``), dead,
    not_due (try at ``retry_at``), busy (claimed by another worker, or already finished),
    missing, superseded (this worker was presumed dead and a newer attempt owns the row),
    and what a caller adds (idle, paused, more).
    """

    status: str
    retry_at: datetime | None = None
    error: str | None = None
    delivery_id: int | None = None


def retry_delay(attempt: int, base: float, cap: float,
                rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …).

    Exponential (base, 2·base, 4·base … at most cap) with "equal jitter": half the step is
    fixed, half random, so that messages failed together do not retry together.
    """
    step = min(cap, base * 2 ** max(attempt - 1, 0))
    return step / 2 + rand() * step / 2


class DeliveryQueue:
    """The claim/lease/backoff engine for one model; ``done`` is its success status."""

    def __init__(self, model: Any, *, done: str, prefix: str,
                 defaults: Mapping[str, float] | None = None):
        self.model = model
        self.done = done
        self.prefix = prefix
        self.defaults = dict(defaults or {})

    def setting(self, name: str) -> float:
        key = f"{self.prefix}_{name}"
        value = current_app.config.get(key)
        return float(self.defaults[key] if value is None else value)

    def claimable(self, now: datetime) -> ColumnElement[bool]:
        """Due waiting rows, and rows whose claim outlived the lease."""
        model = self.model
        due = or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now)
        stale = now - timedelta(seconds=self.setting("SENDING_TIMEOUT_SECONDS"))
        return or_(and_(model.status.in_(WAITING), due),
                   and_(model.status == "sending",
                        or_(model.claimed_at.is_(None), model.claimed_at <= stale)))

    def claim(self, row_id: int, now: datetime, *conditions: ColumnElement[bool]) -> int | None:
        """Take the row for sending; the attempt number, or None if it is not ours."""
        model = self.model
        result = db.session.execute(
            update(model)
            .where(model.id == row_id, self.claimable(now), *conditions)
            .values(status="sending", attempts=model.attempts + 1, claimed_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.rollback()
            return None
        attempt = db.session.scalar(select(model.attempts).where(model.id == row_id))
        db.session.commit()
        return attempt

    def not_claimed(self, row_id: int, now: datetime) -> Outcome:
        """Why a claim failed: missing, not due yet (and when), or busy."""
        db.session.expire_all()
        row = db.session.get(self.model, row_id)
        db.session.rollback()
        if row is None:
            return Outcome("missing", delivery_id=row_id)
        if row.status in WAITING and row.next_attempt_at and row.next_attempt_at > now:
            return Outcome("not_due", retry_at=row.next_attempt_at, delivery_id=row_id)
        return Outcome("busy", delivery_id=row_id)

    def record(self, row_id: int, attempt: int, result: AttemptResult, *,
               values: Mapping[str, Any] | None = None,
               then: Callable[[Any, Outcome, datetime], None] | None = None) -> Outcome:
        """Write the outcome of attempt number ``attempt`` (fenced), with the caller's extra
        ``values``; ``then(row, outcome, now)`` runs in the same transaction before the commit."""
        now = utcnow()
        changes: dict[str, Any] = {"claimed_at": None, **(values or {})}
        retry_at = None
        error = None
        if result.ok:
            status = self.done
            changes.update(status=status, last_error=None)
        else:
            error = (result.error or "unknown error")[:ERROR_LENGTH]
            final = not result.retryable or attempt >= self.setting("MAX_ATTEMPTS")
            if not final:
                retry_at = now + timedelta(seconds=retry_delay(
                    attempt, self.setting("RETRY_BASE_SECONDS"),
                    self.setting("RETRY_MAX_SECONDS")))
            status = "dead" if final else "failed"
            changes.update(status=status, last_error=error, next_attempt_at=retry_at)
        model = self.model
        fenced = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == "sending", model.attempts == attempt)
            .values(**changes).execution_options(synchronize_session=False))
        if fenced.rowcount != 1:
            db.session.rollback()
            return Outcome("superseded", delivery_id=row_id)
        outcome = Outcome(status, retry_at=retry_at, error=error, delivery_id=row_id)
        if then is not None:
            then(db.session.get(model, row_id), outcome, now)
        db.session.commit()
        return outcome
