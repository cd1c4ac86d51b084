"""Reading what forms post, where several areas read it the same way."""

from __future__ import annotations

# The public forms' trap for robots: a field hidden from people, named like one a robot
# fills (the name only looks like a channel's; it is not one).
HONEYPOT_FIELD = "website"


def seen_version(raw: str | None) -> int | None:
    """The ticket version the user saw (the form's hidden "version"): None when the form
    sent none; a garbled one never matches, so the service answers "changed meanwhile"."""
    text = (raw or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else 0
