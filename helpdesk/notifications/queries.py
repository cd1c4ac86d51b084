"""Read-side of notifications: a person's own only (the bell, the list, the preferences)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from helpdesk.extensions import db
from helpdesk.notifications.models import KINDS, Notification, NotificationPreference

# The bell counts up to this many unread and shows "99+" beyond: the count then reads at
# most this many entries of the unread index, however many a person has let pile up.
UNREAD_BOUND = 99
RECENT = 8
PAGE_SIZE = 20


def unread_count(user: Any, bound: int = UNREAD_BOUND) -> int:
    """Unread notifications of ``user``, counted up to ``bound + 1``: one indexed query."""
    unread = (select(Notification.id)
              .where(Notification.user_id == user.id, Notification.read_at.is_(None))
              .limit(bound + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def recent_notifications(user: Any, limit: int = RECENT) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).options(joinedload(Notification.ticket),
                                     joinedload(Notification.actor))
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit)))


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_before: int | None  # the id to pass as ``before`` for the next (older) page


def notification_page(user: Any, before: int | None = None,
                      size: int = PAGE_SIZE) -> NotificationPage:
    """A page of the user's notifications, newest first, keyset-paged by id."""
    statement = (select(Notification).options(joinedload(Notification.ticket),
                                              joinedload(Notification.actor))
                 .where(Notification.user_id == user.id))
    if before is not None:
        statement = statement.where(Notification.id < before)
    rows = list(db.session.scalars(statement.order_by(Notification.id.desc()).limit(size + 1)))
    more = len(rows) > size
    items = rows[:size]
    return NotificationPage(items, items[-1].id if more and items else None)


def preferences_of(user_ids: Sequence[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in the app, by e-mail) for each of ``user_ids`` who chose something for ``kind``."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.in_app,
               NotificationPreference.email)
        .where(NotificationPreference.user_id.in_(list(user_ids)),
               NotificationPreference.kind == kind))
    return {user_id: (bool(in_app), bool(email)) for user_id, in_app, email in rows}


def preferences_for(user: Any, default: tuple[bool, bool] = (True, False)
                    ) -> dict[str, tuple[bool, bool]]:
    """Every kind's (in the app, by e-mail) for ``user``, defaults filled in."""
    chosen = {kind: (bool(in_app), bool(email)) for kind, in_app, email in db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.in_app,
               NotificationPreference.email)
        .where(NotificationPreference.user_id == user.id))}
    return {kind: chosen.get(kind, default) for kind in KINDS}


def own_notification(user: Any, notification_id: int) -> Notification | None:
    """One of the user's own notifications (None for anybody else's)."""
    return db.session.scalar(
        select(Notification).options(joinedload(Notification.ticket))
        .where(Notification.id == notification_id, Notification.user_id == user.id))
