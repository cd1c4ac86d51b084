"""The volunteering vocabulary, written once: the keys the core stores and matches on, and
the labels people read. The volunteering channel offers them as choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
