"""Real threads for the concurrency tests, each with its own application context and session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from helpdesk.extensions import db

THREAD_TIMEOUT = 120


def run_in_threads(app, targets: list[Callable[[], Any]]) -> list[Any]:
    """Run each target in its own thread and application context; re-raise any error.
    Returns what each target returned, in order."""
    results: list[Any] = [None] * len(targets)
    errors: list[BaseException] = []

    def runner(index: int, target: Callable[[], Any]) -> None:
        try:
            with app.app_context():
                try:
                    results[index] = target()
                finally:
                    db.session.remove()
        except BaseException as exc:  # surfaced below: a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    assert not errors, errors
    return results
