"""Locale choice, text direction and the date filters templates use."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.lists import format_list
from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

from helpdesk.config import SUPPORTED_LOCALES
from helpdesk.i18n import dates
from helpdesk.i18n.language import current_language
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, STATUSES

LANGUAGE_NAMES = {"ar": "العربية", "en": "English"}


def select_locale() -> str:
    """The user's explicit choice, then their saved preference, then Arabic."""
    if not has_request_context():  # CLI and worker: the configured default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    saved = getattr(current_user, "locale", None) if current_user else None
    if saved in SUPPORTED_LOCALES:
        return saved
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang() -> str:
    """HTML wants ar-SA, Babel says ar_SA."""
    return str(get_locale() or "ar").replace("_", "-")


def text_direction() -> str:
    return (get_locale() or Locale("ar")).text_direction


def _hijri(value: date | datetime | None) -> str:
    return dates.hijri_date(value, current_language())


def _gregorian(value: date | datetime | None) -> str:
    return dates.gregorian_date(value, current_language())


def _both_dates(value: date | datetime | None) -> str:
    if value is None:
        return ""
    hijri = _hijri(value)
    gregorian = _gregorian(value)
    return f"{hijri} — {gregorian}" if hijri else gregorian


def _dated_time(value: datetime | None) -> str:
    """A moment a person reads: its Hijri and Gregorian dates, then the time in Riyadh."""
    if value is None:
        return ""
    return f"{_both_dates(value)} · {dates.clock_time(value, current_language())}"


def _local_time(value: datetime | None) -> str:
    return dates.local_time(value, current_language())


def _relative(value: datetime | None) -> str:
    return dates.relative_time(value, current_language())


def _to_date(value: str | date | None) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _labels_of(keys, labels) -> list[str]:
    return [str(labels.get(key, key)) for key in keys]


def _list(items) -> str:
    return format_list([str(item) for item in items], locale=current_language())


def register_i18n(app: Flask) -> None:
    app.jinja_env.filters.update(
        hijri=_hijri, gregorian=_gregorian, both_dates=_both_dates,
        local_time=_local_time, dated_time=_dated_time, relative_time=_relative,
        as_list=_list, todate=_to_date, labels_of=_labels_of,
    )
    app.jinja_env.globals.update(
        get_locale=get_locale, html_lang=html_lang, text_direction=text_direction,
        current_language=current_language, language_names=LANGUAGE_NAMES,
        supported_locales=SUPPORTED_LOCALES, ticket_kinds=KINDS, ticket_statuses=STATUSES,
        ticket_priorities=PRIORITIES,
    )
