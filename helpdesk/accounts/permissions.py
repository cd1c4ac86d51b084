"""The one permission check every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from helpdesk.accounts.roles import PERMISSIONS
from helpdesk.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def can(user: Any, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permission in PERMISSIONS.get(user.role, frozenset())


def permission_required(permission: str) -> Callable[[F], F]:
    """Anonymous users go to the login page; signed-in users without the right get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
