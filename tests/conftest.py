"""Shared fixtures: archives on a real SQLite file and on the real PostgreSQL server.

PostgreSQL is found at ``RAILWATCH_TEST_PG`` (default: the local server's
``test`` database).  When it cannot be reached the PostgreSQL variants skip
with the reason, unless ``RAILWATCH_REQUIRE_SERVICES=1`` (set by ``.ci/run``),
where an unreachable service fails the run instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get("RAILWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("RAILWATCH_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    """Skip on a user's machine; fail where every backend must be tested (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (RAILWATCH_REQUIRE_SERVICES=1: a missing service is a failure)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'railwatch.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, dropped afterwards."""
    schema = f"rw_test_{secrets.token_hex(4)}"
    try:
        admin = create_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except (OperationalError, ImportError) as exc:
        service_missing(f"PostgreSQL unreachable at {PG_URL}: {str(exc).splitlines()[0]}")
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on both backends."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))
