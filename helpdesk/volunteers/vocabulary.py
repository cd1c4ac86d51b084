"""The volunteering vocabulary: keys stored in the database, labels shown to people.

Skills, days, times and interests are written once in helpdesk.plugin_api.volunteering,
whose choices the volunteering channel offers on its forms.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from helpdesk.plugin_api.volunteering import DAYS, INTERESTS, SKILLS, TIME_SLOTS

PROFILE_STATUSES = {
    "received": _l("Application received"),
    "interview": _l("Invited to an interview"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "active": _l("Active volunteer"),
}
# Who may be matched to a need.
MATCHABLE_STATUSES = ("accepted", "active")

# date.weekday() (Monday is 0) → the day's key.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

NEED_STATUSES = {
    "open": _l("Open"),
    "filled": _l("Filled"),
}

VOCABULARIES = {"skills": SKILLS, "days": DAYS, "time_slots": TIME_SLOTS,
                "interests": INTERESTS}


def pack(keys: Iterable[str], vocabulary: dict) -> str:
    """Known keys, in the vocabulary's order, as ' a b ' (so that LIKE '% a %' finds one)."""
    wanted = set(keys or ())
    chosen = [key for key in vocabulary if key in wanted]
    return f" {' '.join(chosen)} " if chosen else ""


def unpack(value: str | None) -> list[str]:
    return (value or "").split()


def labels(keys: Iterable[str], vocabulary: dict) -> list[str]:
    return [str(vocabulary[key]) for key in keys if key in vocabulary]
