"""The database session, which tells the app's unit of work of each flush, commit and rollback."""

from __future__ import annotations

from typing import Any, Protocol

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession

UNIT_OF_WORK = "helpdesk_unit_of_work"  # key in app.extensions


class UnitOfWork(Protocol):
    """What the session calls; the tickets layer provides it (helpdesk/tickets/unit_of_work.py)."""

    def flushing(self, session: Any) -> Any: ...
    def flushed(self, session: Any, before: Any) -> None: ...
    def committing(self, session: Any) -> None: ...
    def committed(self, session: Any) -> None: ...
    def discard(self, session: Any) -> None: ...


class UnitOfWorkSession(FlaskSession):
    """Flask-SQLAlchemy's session whose flush and commit drive the app's unit of work.

    A subclass rather than session event listeners: the steps run in a visible order
    (flush, the handlers that belong inside the transaction, COMMIT, the handlers that
    belong after it), the handlers are the app's own list (``configure_events``), and a
    commit made anywhere (a service, the worker, a test) is the same unit of work.
    """

    def _unit(self) -> UnitOfWork | None:
        if not has_app_context():
            return None
        return current_app.extensions.get(UNIT_OF_WORK)

    def flush(self, objects: Any = None) -> None:
        unit = self._unit()
        if unit is None or self._flushing or self._is_clean():
            super().flush(objects)
            return
        before = unit.flushing(self)
        super().flush(objects)
        unit.flushed(self, before)

    def commit(self) -> None:
        unit = self._unit()
        if unit is not None:
            unit.committing(self)
        super().commit()
        if unit is not None:
            unit.committed(self)

    def rollback(self) -> None:
        super().rollback()
        unit = self._unit()
        if unit is not None:
            unit.discard(self)

    def close(self) -> None:
        super().close()
        unit = self._unit()
        if unit is not None:
            unit.discard(self)
