"""The Alembic history builds the schema on empty databases and agrees with the models."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.search.index import include_in_autogenerate
from tests.conftest import POSTGRES_SERVER_URL, base_config, require_postgres

SCRATCH_DATABASE = f"sila_migrations_{os.getpid()}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    require_postgres()
    admin = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
    yield POSTGRES_SERVER_URL.rsplit("/", 1)[0] + f"/{SCRATCH_DATABASE}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
    admin.dispose()


def _diff(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_in_autogenerate})
        return compare_metadata(context, db.metadata)


@pytest.fixture
def migration_app(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, INSTANCE_PATH=str(tmp_path)))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_builds_a_schema_that_matches_the_models(migration_app):
    upgrade()
    assert _diff(migration_app) == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"tickets", "events", "contacts", "users", "alembic_version"} <= tables


def test_downgrade_to_base_removes_every_table(migration_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) - {"alembic_version"} == set()
