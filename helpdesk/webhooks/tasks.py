"""The worker's webhook tasks: deliver one subscriber's queue, and the periodic sweep."""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab
from huey.api import Huey, TaskWrapper

from helpdesk.db_types import utcnow
from helpdesk.webhooks.delivery import deliver_queue, subscribers_due

log = logging.getLogger(__name__)

SWEEP_BATCH = 500


def register_webhook_tasks(huey: Huey, app: Flask) -> tuple[TaskWrapper, TaskWrapper]:
    """(deliver_webhooks(subscription_id), sweep_webhooks) on this app's queue."""

    @huey.task(name="webhook_deliver")
    def deliver_task(subscription_id: int) -> None:
        with app.app_context():
            outcome = deliver_queue(subscription_id)
        if outcome.status == "failed" and outcome.retry_at is not None:
            # The retry of the head; later deliveries wait behind it. A task that merely
            # found the head not yet due schedules nothing: the failure already did.
            delay = max(0.0, (outcome.retry_at - utcnow()).total_seconds())
            deliver_task.schedule((subscription_id,), delay=delay)
        elif outcome.status == "more":
            deliver_task(subscription_id)

    @huey.periodic_task(crontab(minute="*"), name="webhook_sweep")
    def sweep_task() -> None:
        # The safety net: enqueues that failed, retries lost with a Redis restart, claims
        # left by a worker that died mid-send, subscriptions activated again.
        with app.app_context():
            ids = subscribers_due(limit=SWEEP_BATCH)
        for subscription_id in ids:
            deliver_task(subscription_id)
        if ids:
            log.info("webhook sweep queued %d subscriber(s)", len(ids))

    return deliver_task, sweep_task
