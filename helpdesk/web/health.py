"""GET /healthz: each dependency's state in JSON; 503 when a required one is down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from helpdesk.extensions import db, limiter
from helpdesk.worker import get_worker

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    required: bool
    probe: Callable[[], str]   # what is in use, e.g. "redis"; raises when it is down
    down: str                  # what it means for the service when it is down


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return db.engine.dialect.name


def _queue() -> str:
    get_worker().huey.pending_count()
    return "redis" if current_app.config.get("REDIS_URL") else "sqlite"


def _rate_limits() -> str:
    if not limiter.enabled:
        return "disabled"
    if not limiter.storage.check():
        raise ConnectionError("the rate limit storage does not answer")
    return limiter.storage.__class__.__name__.removesuffix("Storage").lower()


# The database is required: without it nothing works, and a load balancer should send the
# traffic elsewhere. Redis is not: while it is down the rate limits count in each process's
# memory and new outbox messages wait in the database for the worker's sweep, so taking
# every instance out of rotation would only turn a degraded service into an outage.
CHECKS = (
    Check("database", True, _database, "nothing can be read or saved"),
    Check("queue", False, _queue, "messages wait in the database until the queue is back"),
    Check("rate_limits", False, _rate_limits, "limits are counted in this process's memory"),
)


def run_checks() -> tuple[dict[str, dict[str, object]], bool]:
    """Every check's state, and whether every required one is up."""
    results: dict[str, dict[str, object]] = {}
    healthy = True
    for check in CHECKS:
        try:
            backend = check.probe()
        except Exception as exc:  # any failure of a dependency is a "down", never a 500
            log.warning("health check: %s is down: %s", check.name, exc)
            results[check.name] = {"status": "down", "required": check.required,
                                   "error": type(exc).__name__, "impact": check.down}
            healthy = healthy and not check.required
        else:
            results[check.name] = {"status": "ok", "required": check.required,
                                   "backend": backend}
    return results, healthy


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks, healthy = run_checks()
    degraded = any(result["status"] != "ok" for result in checks.values())
    status = "ok" if not degraded else "degraded" if healthy else "down"
    response = {"status": status, "checks": checks}
    return response, 200 if healthy else 503, {"Cache-Control": "no-store"}
