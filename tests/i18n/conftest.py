"""Fixtures for the i18n tests: a request in a chosen interface language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from flask import Flask, session


@pytest.fixture
def in_locale(app: Flask) -> Callable[[str], AbstractContextManager[None]]:
    """``with in_locale("en"): ...`` runs the block inside a request whose user chose "en".

    A fresh application context gives the request its own ``g``, where Flask-Babel caches
    the locale and the loaded translations.
    """

    @contextmanager
    def enter(locale: str) -> Iterator[None]:
        with app.app_context(), app.test_request_context("/"):
            session["locale"] = locale
            yield

    return enter
