"""Failed tracking lookups, counted once whichever door they come through.

The portal's /track form and the API's POST /api/v1/public/track answer the same question
(is there a request with this number, filed with this phone?), so someone guessing numbers
must not get twice the tries by using both. Both routes take their limits from
``limit_failed_lookups``: flask-limiter's shared limits, with one scope and one key per
limit, so the counts are the same on both.

Failures are counted per address and per (number, address), never per number alone: a
count every visitor shares would let one person who types wrong phones for someone else's
number lock its rightful owner out. Only failed lookups count (each route says what failure
looks like to it): a person who finds their request is never counted, and the signed link
sent by SMS is never limited. The address is the client's as the trusted proxies report it
(``TRUSTED_PROXY_COUNT``), not the proxy's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app
from flask.wrappers import Response
from flask_limiter.util import get_remote_address

from helpdesk.extensions import limiter
from helpdesk.portal.services import clean_ticket_number

ADDRESS_SCOPE = "tracking-lookups"       # failed lookups from one address
NUMBER_SCOPE = "tracking-lookups-number"  # failed lookups of one number from one address

View = TypeVar("View", bound=Callable[..., Any])


def lookup_limit() -> str:
    return current_app.config.get("PORTAL_LOOKUP_RATE_LIMIT", "10 per 10 minutes")


def number_limit() -> str:
    return current_app.config.get("PORTAL_NUMBER_RATE_LIMIT", "5 per 15 minutes")


def limit_failed_lookups(*, number: Callable[[], Any],
                         failed: Callable[[Response], bool],
                         methods: list[str] | None = None) -> Callable[[View], View]:
    """Decorate a tracking view with the shared limits.

    ``number`` reads the ticket number the request asks about (as typed: it is cleaned
    here, so "٢٠٢٦-٠٠٠١" and "2026-0001" are one number); ``failed`` tells from the
    response whether the lookup failed; ``methods`` limits which methods are counted."""

    def number_key() -> str:
        raw = number()
        cleaned = clean_ticket_number(raw if isinstance(raw, str) else "")
        return f"track-number:{cleaned}@{get_remote_address()}"

    per_address = limiter.shared_limit(lookup_limit, scope=ADDRESS_SCOPE, methods=methods,
                                       deduct_when=failed)
    per_number = limiter.shared_limit(number_limit, scope=NUMBER_SCOPE, key_func=number_key,
                                      methods=methods, deduct_when=failed)

    def decorate(view: View) -> View:
        return per_address(per_number(view))

    return decorate
