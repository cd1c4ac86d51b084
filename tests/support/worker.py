"""Running the real huey consumer inside a test, and waiting for what it does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask
from huey.consumer import Consumer

from helpdesk.extensions import db
from helpdesk.worker import WorkerTasks, close_worker, get_worker

T = TypeVar("T")
WAIT_SECONDS = 30.0  # a bound for the poll, not a speed requirement


class ThreadedConsumer(Consumer):
    """huey's consumer, unchanged but for signal handlers: it runs beside pytest, whose
    main thread keeps its own (and signal handlers can only be set from the main thread)."""

    def _set_signal_handlers(self) -> None:
        pass


@contextmanager
def running_worker(app: Flask, workers: int = 2, periodic: bool = False
                   ) -> Iterator[WorkerTasks]:
    """The app's consumer in background threads; stopped (gracefully) on exit."""
    tasks = get_worker(app)
    consumer = ThreadedConsumer(tasks.huey, workers=workers, periodic=periodic,
                                worker_type="thread", max_delay=0.2,
                                check_worker_health=False)
    consumer.start()
    try:
        yield tasks
    finally:
        consumer.stop(graceful=True)
        close_worker(app)


def wait_for(check: Callable[[], T], what: str, timeout: float = WAIT_SECONDS) -> T:
    """Poll ``check`` (in a fresh database snapshot each time) until it returns something
    truthy; fail, naming ``what``, if it has not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def pending_task_args(tasks: WorkerTasks) -> list[tuple[Any, ...]]:
    """The arguments of the tasks waiting in the queue (none is consumed)."""
    return [task.args for task in tasks.huey.pending()]
