"""Hand new outbox messages to the worker queue once the transaction that wrote them commits.

An after-commit handler of the unit of work (``queue_message`` records ``MessageQueued``): a
rolled-back message never reaches a worker, and an enqueue that fails (queue down) is logged
and left to the periodic sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context

from helpdesk.tickets.events import MessageQueued

log = logging.getLogger(__name__)


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


def queue_delivery(event: MessageQueued) -> None:
    enqueue_delivery([event.message_id])
