"""Flask-Login's user loader."""

from __future__ import annotations

from helpdesk.accounts.models import User
from helpdesk.extensions import db


def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None
