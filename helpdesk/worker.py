"""The background worker: a huey queue built from the app's config, and the tasks it runs.

SqliteHuey at <INSTANCE_PATH>/huey.db by default (nothing else has to run); RedisHuey when
REDIS_URL is set, so that several workers on several machines share one queue. Each app gets
its own huey instance (tests run several apps side by side); every task runs inside an
application context of the app it was built for: in production, the app that
``flask helpdesk worker`` created.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer
from redis import ConnectionPool

from helpdesk.applications.services import purge_expired_drafts
from helpdesk.db_types import utcnow
from helpdesk.notifications.tick import tick
from helpdesk.outbox.delivery import deliver, due_message_ids
from helpdesk.reports.rollup import refresh as refresh_reports_rollup
from helpdesk.tickets.events import MessageQueued, WebhookDeliveriesQueued
from helpdesk.webhooks.tasks import register_webhook_tasks

log = logging.getLogger(__name__)

EXTENSION = "helpdesk_worker"
SWEEP_BATCH = 500
_build_lock = threading.Lock()


@dataclass(frozen=True)
class WorkerTasks:
    huey: Huey
    deliver: TaskWrapper          # deliver(message_id): one outbox message
    sweep_outbox: TaskWrapper     # periodic: queue every due or stale outbox message
    tick: TaskWrapper             # periodic: breaches, warnings, escalations, reminders
    # deliver_webhooks(subscription_id): one subscriber's queue, in order; and its sweep
    deliver_webhooks: TaskWrapper | None = None
    sweep_webhooks: TaskWrapper | None = None
    refresh_reports: TaskWrapper | None = None  # periodic: the reports' daily rollup


def huey_path(config: dict[str, Any]) -> Path:
    return Path(config.get("HUEY_PATH") or Path(config["INSTANCE_PATH"]) / "huey.db")


def build_huey(config: dict[str, Any]) -> Huey:
    """The queue this configuration names; results are not stored (nothing reads them)."""
    name = config["HUEY_NAME"]
    if config.get("REDIS_URL"):
        # Timeouts so that enqueueing after a commit cannot hang a request on a dead Redis;
        # the socket timeout stays above huey's 1 s blocking read.
        pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=2,
                                       socket_timeout=10, health_check_interval=30)
        return RedisHuey(name, results=False, connection_pool=pool)
    path = huey_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, results=False, filename=str(path))


def _register_tasks(huey: Huey, app: Flask) -> WorkerTasks:
    @huey.task(name="outbox_deliver")
    def deliver_task(message_id: int) -> None:
        with app.app_context():
            outcome = deliver(message_id)
        if outcome.retry_at is not None and outcome.status in ("failed", "not_due"):
            delay = max(0.0, (outcome.retry_at - utcnow()).total_seconds())
            deliver_task.schedule((message_id,), delay=delay)

    @huey.periodic_task(crontab(minute="*"), name="outbox_sweep")
    def sweep_task() -> None:
        # The safety net: messages whose enqueue failed, retries lost with a Redis restart,
        # and claims left behind by a worker that died mid-send.
        with app.app_context():
            ids = due_message_ids(limit=SWEEP_BATCH)
        for message_id in ids:
            deliver_task(message_id)
        if ids:
            log.info("outbox sweep queued %d message(s)", len(ids))

    @huey.periodic_task(crontab(minute="*"), name="tick")
    # Several consumers (Redis): one pass at a time (each action is once anyway: its unique
    # row). SQLite keys cannot expire, so a lock left by a killed worker is cleared when a
    # consumer starts (flush_locks).
    @huey.lock_task("tick")
    def tick_task() -> None:
        with app.app_context():
            report = tick()
        done = report.as_dict()
        if any(done.values()):
            log.info("tick: %s", ", ".join(f"{name} {count}" for name, count in done.items()))

    @huey.periodic_task(crontab(minute="17", hour="*/6"), name="application_drafts_purge")
    def drafts_task() -> None:
        # Support request drafts expire (APPLICATION_DRAFT_DAYS): their files go with them.
        with app.app_context():
            removed = purge_expired_drafts()
        if removed:
            log.info("removed %d expired support request draft(s)", removed)

    @huey.periodic_task(crontab(minute="*/10"), name="reports_rollup")
    @huey.lock_task("reports_rollup")
    def reports_rollup_task() -> None:
        # The reports' daily rollup: yesterday and the past days changed since the last pass.
        with app.app_context():
            built = refresh_reports_rollup()
        if built:
            log.info("reports: rolled up %d day(s)", built)

    deliver_webhooks, sweep_webhooks = register_webhook_tasks(huey, app)
    return WorkerTasks(huey=huey, deliver=deliver_task, sweep_outbox=sweep_task,
                       tick=tick_task, deliver_webhooks=deliver_webhooks,
                       sweep_webhooks=sweep_webhooks, refresh_reports=reports_rollup_task)


def get_worker(app: Flask | None = None) -> WorkerTasks:
    """This app's queue and tasks, built on first use (no queue is touched at start-up)."""
    app = app or current_app._get_current_object()
    tasks = app.extensions.get(EXTENSION)
    if tasks is None:
        with _build_lock:
            tasks = app.extensions.get(EXTENSION)
            if tasks is None:
                tasks = _register_tasks(build_huey(app.config), app)
                app.extensions[EXTENSION] = tasks
    return tasks


def close_worker(app: Flask) -> None:
    """Close this app's queue connections (tests; a process exiting needs nothing)."""
    tasks = app.extensions.pop(EXTENSION, None)
    if tasks is None:
        return
    storage = tasks.huey.storage
    pool = getattr(storage, "pool", None)
    if pool is not None:
        pool.disconnect()
    else:
        storage.close()


def create_consumer(app: Flask, workers: int = 1, **options: Any) -> Consumer:
    """A huey consumer (worker threads and the scheduler) for this app's queue."""
    options.setdefault("worker_type", "thread")
    options.setdefault("max_delay", 2.0)  # an idle SQLite queue is polled at least every 2 s
    options.setdefault("flush_locks", True)
    return get_worker(app).huey.create_consumer(workers=workers, **options)


# -- after-commit handlers: what a committed change queued goes to the worker ------------

def _enqueue(task_name: str, ids: Iterable[int], what: str) -> None:
    """One task per id; never raises (the periodic sweeps are the safety net)."""
    ids = list(dict.fromkeys(ids))
    if not ids or not has_app_context():
        return
    try:
        task = getattr(get_worker(current_app._get_current_object()), task_name)
        for item in ids:
            task(item)
    except Exception:
        log.warning("could not queue %s %s; the sweep will send them", what, ids,
                    exc_info=True)


def queue_outbox_message(event: MessageQueued) -> None:
    _enqueue("deliver", [event.message_id], "outbox messages")


def queue_webhook_subscriber(event: WebhookDeliveriesQueued) -> None:
    _enqueue("deliver_webhooks", [event.subscription_id],
             "webhook deliveries for subscriptions")
