"""Bearer-token authentication: the caller acts as the token's user, within its scopes.

A browser session is never accepted here: the API answers 401 without a token even to a
signed-in person, so that a page cannot be turned against its own user (no CSRF on API).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _

from helpdesk.accounts.models import User
from helpdesk.api.errors import ApiError
from helpdesk.api.models import ApiToken
from helpdesk.api.services import authenticate


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiToken


def require_token(scope: str | None) -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "unauthenticated",
                       _("Send an API token in the Authorization header (Bearer)."))
    token = authenticate(secret.strip())
    if token is None:
        raise ApiError(401, "invalid_token",
                       _("This API token is not valid, or it has been revoked."))
    if scope is not None and scope not in (token.scopes or []):
        raise ApiError(403, "insufficient_scope",
                       _("This API token does not have the scope “%(scope)s”.", scope=scope))
    return Caller(token.user, token)
