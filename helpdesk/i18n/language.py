"""The reader's language, as the two-letter code the catalogs and formatters use."""

from __future__ import annotations

from flask_babel import get_locale


def current_language() -> str:
    return str(get_locale() or "ar").split("_")[0]
