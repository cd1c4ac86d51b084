"""The volunteering vocabulary: keys stored in the database, labels shown to people.

The volunteering channel's intake fields (plugins/volunteering/channel.py) offer the same
keys; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

PROFILE_STATUSES = {
    "received": _l("Application received"),
    "interview": _l("Invited to an interview"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "active": _l("Active volunteer"),
}
# Who may be matched to a need.
MATCHABLE_STATUSES = ("accepted", "active")

SKILLS = {
    "teaching": _l("Teaching and tutoring"),
    "driving": _l("Driving and delivery"),
    "medical": _l("Medical and first aid"),
    "technology": _l("Computers and technology"),
    "media": _l("Photography, design and media"),
    "accounting": _l("Accounting and finance"),
    "translation": _l("Translation"),
    "events": _l("Organising events"),
    "social_work": _l("Social work and counselling"),
    "legal": _l("Legal advice"),
}

DAYS = {
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
}
# date.weekday() (Monday is 0) → the day's key.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

TIME_SLOTS = {
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon"),
    "evening": _l("Evening"),
}

INTERESTS = {
    "food_baskets": _l("Food basket distribution"),
    "education": _l("Education and tutoring"),
    "health": _l("Health days"),
    "field_visits": _l("Field visits to families"),
    "events": _l("Events and campaigns"),
    "office": _l("Office and administrative work"),
    "media": _l("Media and social networks"),
}

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
