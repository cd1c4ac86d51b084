"""Shared fixtures: apps on SQLite and PostgreSQL, clients, login, factories."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from helpdesk import create_app
from helpdesk.extensions import db
from tests.support.catalogs import compile_catalogs

# The server's `test` database is only used to create this session's own database, so
# that concurrent test runs on one machine never truncate each other's rows.
POSTGRES_SERVER_URL = os.environ.get("SILA_TEST_POSTGRES_URL",
                                     "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SESSION_DATABASE = f"sila_test_{os.getpid()}"
POSTGRES_URL = POSTGRES_SERVER_URL.rsplit("/", 1)[0] + f"/{SESSION_DATABASE}"
REQUIRE_POSTGRES = os.environ.get("SILA_REQUIRE_POSTGRES") == "1"
LIGHT_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
PASSWORD = "correct horse battery"

BACKENDS = ["sqlite", "postgresql"]

# The tests run the app as production does, whatever the developer's shell says: Flask
# would otherwise turn on debug mode (no asset caching, debug error pages) from it.
os.environ.pop("FLASK_DEBUG", None)


def pytest_configure(config: pytest.Config) -> None:
    compile_catalogs()


def base_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASHER": LIGHT_ARGON2,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class SilaClient(FlaskClient):
    """Gives every request a fresh ``g``, as production does.

    Tests keep an application context open so that they can use the database; Flask then
    reuses it for the client's requests, and per-request caches in ``g`` (the signed-in
    user, the locale) would leak from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any):
        for name in list(vars(g)) if g else []:
            delattr(g, name)
        return super().open(*args, **kwargs)


_postgres_state: dict[str, Any] = {}


def _server_engine():
    return create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")


def postgres_available() -> bool:
    """Reach the server once and create this session's database."""
    if "ok" not in _postgres_state:
        try:
            engine = _server_engine()
            with engine.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {SESSION_DATABASE}"))
                connection.execute(text(f"CREATE DATABASE {SESSION_DATABASE}"))
            engine.dispose()
            _postgres_state["ok"] = True
        except OperationalError as exc:
            _postgres_state["ok"] = False
            _postgres_state["error"] = str(exc).splitlines()[0]
    return _postgres_state["ok"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _postgres_state.get("ok"):
        engine = _server_engine()
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SESSION_DATABASE} WITH (FORCE)"))
        engine.dispose()


def require_postgres() -> None:
    if postgres_available():
        return
    message = f"PostgreSQL unreachable at {POSTGRES_SERVER_URL}: {_postgres_state.get('error')}"
    if REQUIRE_POSTGRES:
        pytest.fail(message)
    pytest.skip(message)


def _reset_postgres_schema(app: Flask) -> None:
    """Once per session: the schema from the models, empty."""
    if _postgres_state.get("schema_ready"):
        return
    with app.app_context():
        db.create_all()
    _postgres_state["schema_ready"] = True


def _truncate_postgres(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        require_postgres()
    return request.param


@pytest.fixture
def make_app(backend: str, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Build an app on this test's database; call with config overrides or plugins=[...]."""
    created: list[Flask] = []

    def factory(plugins: Any = None, **overrides: Any) -> Flask:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'sila-{len(created)}.db'}"
        else:
            url = POSTGRES_URL
        overrides.setdefault("INSTANCE_PATH", str(tmp_path / "instance"))
        overrides.setdefault("UPLOAD_DIR", str(tmp_path / "uploads"))
        app = create_app(base_config(url, **overrides), plugins=plugins)
        app.test_client_class = SilaClient
        if backend == "sqlite":
            with app.app_context():
                db.create_all()
        else:
            _reset_postgres_schema(app)
        created.append(app)
        return app

    yield factory
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if backend == "postgresql" and created:
        _truncate_postgres(created[0])


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class HtmxClient:
    """A test client that sends what htmx 2 sends."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def _headers(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("HX-Request", "true")
        return headers

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, headers=self._headers(kwargs), **kwargs)

    def post(self, url: str, **kwargs: Any):
        return self.client.post(url, headers=self._headers(kwargs), **kwargs)


@pytest.fixture
def htmx(client: FlaskClient) -> HtmxClient:
    return HtmxClient(client)


_counter = itertools.count(1)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    from helpdesk.accounts.services import create_user

    def factory(role: str = "agent", **kwargs: Any):
        n = next(_counter)
        kwargs.setdefault("email", f"{role}{n}@example.org")
        kwargs.setdefault("name", f"مستخدم {n}")
        kwargs.setdefault("password", PASSWORD)
        return create_user(role=role, **kwargs)

    return factory


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Any], FlaskClient]:
    def do_login(user: Any, password: str = PASSWORD) -> FlaskClient:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def make_contact(app: Flask) -> Callable[..., Any]:
    from helpdesk.contacts.models import Contact

    def factory(**kwargs: Any):
        n = next(_counter)
        kwargs.setdefault("name", f"مستفيد {n}")
        kwargs.setdefault("phone", f"+9665{n:08d}")
        contact = Contact(**kwargs)
        db.session.add(contact)
        db.session.commit()
        return contact

    return factory


@pytest.fixture
def make_ticket(app: Flask, make_contact: Callable[..., Any]) -> Callable[..., Any]:
    from helpdesk.tickets.services import open_ticket

    def factory(**kwargs: Any):
        kwargs.setdefault("channel_key", "phone")
        kwargs.setdefault("kind", "inquiry")
        kwargs.setdefault("subject", "استفسار عن موعد توزيع السلال الغذائية")
        if "contact" not in kwargs:
            kwargs["contact"] = make_contact()
        return open_ticket(**kwargs)

    return factory
