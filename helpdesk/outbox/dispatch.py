"""Hand new outbox messages to the worker queue once the transaction that wrote them commits.

Session events rather than a call in every service: the services that queue messages belong
to several domains, and a forgotten call would leave a message waiting for the next sweep
without any test noticing. Ids are collected when rows are flushed, sent to the queue only
after the outermost COMMIT (a rolled-back message never reaches a worker), and an enqueue that
fails (queue down) is logged and left to the periodic sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

NEW_IDS = "helpdesk_outbox_new_ids"  # key in Session.info


def enqueue_delivery(message_ids: Iterable[int]) -> None:
    """Queue one delivery task per message; never raises (the sweep is the safety net)."""
    from helpdesk.worker import get_worker  # huey and redis load only where messages queue

    ids = list(dict.fromkeys(message_ids))
    if not ids or not has_app_context():
        return
    try:
        tasks = get_worker(current_app._get_current_object())
        for message_id in ids:
            tasks.deliver(message_id)
    except Exception:
        log.warning("could not queue outbox messages %s; the sweep will send them", ids,
                    exc_info=True)


@event.listens_for(db.session, "after_flush")
def _collect_new_messages(session: Session, flush_context) -> None:
    # After a flush the new rows have ids, and session.new still lists them.
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(NEW_IDS, []).extend(ids)


@event.listens_for(db.session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the rows are not visible to workers yet
    ids = session.info.pop(NEW_IDS, None)
    if ids:
        enqueue_delivery(ids)


@event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(NEW_IDS, None)
