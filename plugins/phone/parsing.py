"""Pure: a call system's signed event → a CallEvent value (no Flask, no database).

The telephony endpoint ``POST /channels/phone/events`` accepts one JSON object per request::

    {"call_id": "pbx-7781",            # the call system's id for the call (1-128 chars)
     "event": "ringing",               # ringing | answered | ended | missed
     "from": "+966512345678",          # the caller's number (incoming) or the number called
     "agent": "201",                   # optional: the agent's extension or e-mail
     "at": "2026-12-02T09:15:00Z",     # optional: when it happened (ISO 8601, default now)
     "duration_seconds": 95}           # optional, on "ended": how long the call lasted

signed with HMAC-SHA256 of the raw body under the channel's telephony secret, sent as
``X-Sila-Signature: sha256=<hex>``. An event repeated for the same call is recorded once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SIGNATURE_HEADER = "X-Sila-Signature"
SIGNATURE_PREFIX = "sha256="
EVENTS = ("ringing", "answered", "ended", "missed")
MAX_CALL_ID = 128
MAX_BODY = 16 * 1024


class BadSignature(ValueError):
    pass


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    event: str
    caller: str
    agent: str | None = None
    at: datetime | None = None
    duration_seconds: int | None = None


def sign(secret: str, body: bytes) -> str:
    """The header value a call system sends (also what the tests send)."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Raise BadSignature unless the body carries a valid signature under ``secret``."""
    if not secret:
        raise BadSignature("the telephony secret is not set")
    offered = ""
    for key, value in headers.items():
        if key.lower() == SIGNATURE_HEADER.lower():
            offered = value.strip()
    if not offered.startswith(SIGNATURE_PREFIX):
        raise BadSignature(f"missing or malformed {SIGNATURE_HEADER} header")
    expected = sign(secret, body)
    if not hmac.compare_digest(offered.lower().encode("utf-8", "replace"),
                               expected.encode("ascii")):
        raise BadSignature("the signature does not match the body")


def _when(raw: Any) -> datetime | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError("'at' must be an ISO 8601 string")
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("'at' needs a time zone")
    return value.astimezone(UTC)


def parse_event(body: bytes) -> CallEvent:
    """The event in ``body``; ValueError (with what is wrong) when it is not one."""
    if len(body) > MAX_BODY:
        raise ValueError("the body is too large")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    call_id = payload.get("call_id")
    if not isinstance(call_id, str) or not 0 < len(call_id.strip()) <= MAX_CALL_ID:
        raise ValueError(f"'call_id' must be a string of 1 to {MAX_CALL_ID} characters")
    event = payload.get("event")
    if event not in EVENTS:
        raise ValueError(f"'event' must be one of {', '.join(EVENTS)}")
    caller = payload.get("from")
    if not isinstance(caller, str) or not caller.strip() or len(caller) > 32:
        raise ValueError("'from' must be the caller's number")
    agent = payload.get("agent")
    if agent is not None and (not isinstance(agent, str) or len(agent) > 254):
        raise ValueError("'agent' must be an extension or an e-mail address")
    duration = payload.get("duration_seconds")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)
                                 or not 0 <= duration <= 86_400):
        raise ValueError("'duration_seconds' must be a whole number of seconds")
    return CallEvent(call_id=call_id.strip(), event=event, caller=caller.strip(),
                     agent=(agent or "").strip() or None, at=_when(payload.get("at")),
                     duration_seconds=duration)


def agent_map(setting: str | None) -> dict[str, str]:
    """The channel setting "201=agent@example.org" (one per line) as extension → e-mail."""
    mapping = {}
    for line in (setting or "").splitlines():
        extension, sep, email = line.partition("=")
        if sep and extension.strip() and email.strip():
            mapping[extension.strip()] = email.strip().lower()
    return mapping
