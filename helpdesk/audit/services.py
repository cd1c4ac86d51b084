"""Recording changes outside tickets in the audit log (inside the caller's transaction)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db

# How a secret appears in before/after: whether it was set or changed, never its value.
SECRET_SET = "[set]"
SECRET_CHANGED = "[changed]"


def record_audit(actor: Any, action: str, target_type: str, target_id: Any,
                 before: dict[str, Any] | None = None,
                 after: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=before,
        after=after,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
