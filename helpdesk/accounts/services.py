"""Use cases for staff accounts: create, authenticate, change locale."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from helpdesk.accounts.models import User
from helpdesk.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from helpdesk.accounts.roles import ROLES
from helpdesk.audit.services import record_audit
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.validation import ValidationError

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH: dict[str, str] = {}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(*, email: str, name: str, role: str, password: str,
                locale: str | None = None, actor: User | None = None) -> User:
    email = normalise_email(email)
    name = (name or "").strip()
    errors = {}
    if not EMAIL_PATTERN.match(email):
        errors["email"] = _("Enter a valid email address.")
    elif find_user_by_email(email):
        errors["email"] = _("A user with this email already exists.")
    if not name:
        errors["name"] = _("Enter the user's name.")
    if role not in ROLES:
        errors["role"] = _("Choose a role.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _("The password must be at least %(n)d characters.",
                               n=MIN_PASSWORD_LENGTH)
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                locale=locale, active=True)
    db.session.add(user)
    db.session.flush()
    record_audit(actor, "user.created", "user", user.id,
                 after={"email": email, "name": name, "role": role})
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password("not-a-real-password")
        verify_password(_DUMMY_HASH["hash"], password or "")
        return None
    if not user.active or not verify_password(user.password_hash, password or ""):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def set_user_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()
