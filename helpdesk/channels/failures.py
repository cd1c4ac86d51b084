"""Failed intakes: recorded (bounded) in their own transaction, listed for admins, resolved.

A delivery that cannot become a ticket is never dropped silently: either it is recorded
here, or (when even that fails) the webhook answers 5xx and the provider delivers again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select

from helpdesk.audit.services import record_audit
from helpdesk.channels.models import IntakeFailure
from helpdesk.db_types import utcnow
from helpdesk.extensions import db

REASONS = ("signature", "parse", "intake")
MAX_PAYLOAD_EXCERPT = 16 * 1024  # bytes of the body kept
MAX_DETAIL = 2000
MAX_HEADERS = 40
MAX_HEADER_VALUE = 512
# Credentials a provider or a proxy might send: never stored.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def _bounded_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    kept: dict[str, str] = {}
    for name, value in items:
        if len(kept) >= MAX_HEADERS:
            break
        if name.lower() in SECRET_HEADERS:
            continue
        kept[name[:100]] = str(value)[:MAX_HEADER_VALUE]
    return kept


def record_failure(channel_key: str, reason: str, *, detail: str,
                   headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
                   body: bytes = b"", external_id: str | None = None) -> IntakeFailure:
    """Store what was received and why it failed; commits its own transaction."""
    if reason not in REASONS:
        raise ValueError(f"unknown intake failure reason {reason!r}")
    db.session.rollback()  # whatever the failed attempt left behind must not be committed
    failure = IntakeFailure(
        channel_key=channel_key[:32], reason=reason, received_at=utcnow(),
        detail=(detail or "")[:MAX_DETAIL], headers=_bounded_headers(headers),
        payload_excerpt=body[:MAX_PAYLOAD_EXCERPT].decode("utf-8", "replace"),
        payload_size=len(body), payload_sha256=hashlib.sha256(body).hexdigest(),
        external_id=external_id[:255] if external_id else None, resolved=False,
    )
    db.session.add(failure)
    db.session.commit()
    return failure


def unresolved_failures(limit: int = 100) -> list[IntakeFailure]:
    return list(db.session.scalars(
        select(IntakeFailure).where(IntakeFailure.resolved.is_(False))
        .order_by(IntakeFailure.received_at.desc(), IntakeFailure.id.desc()).limit(limit)))


def unresolved_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(IntakeFailure)
        .where(IntakeFailure.resolved.is_(False))) or 0


def resolve_failure(failure_id: int, actor: Any) -> IntakeFailure:
    """Mark a failure as looked after (the admin re-entered or dismissed it). KeyError: none."""
    failure = db.session.get(IntakeFailure, failure_id)
    if failure is None:
        raise KeyError(failure_id)
    if not failure.resolved:
        failure.resolved = True
        failure.resolved_at = utcnow()
        failure.resolved_by_id = getattr(actor, "id", None)
        record_audit(actor, "intake_failure.resolve", "intake_failure", failure.id,
                     before={"resolved": False}, after={"resolved": True})
        db.session.commit()
    return failure
