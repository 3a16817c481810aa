"""Real databases, real migrations, one rolled-back transaction per test.

Every test that uses `app` or `session` runs against SQLite, and against PostgreSQL too
when TEST_DATABASE_URL is set. REQUIRE_ALL_SERVICES=1 (CI) turns any skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from registry import create_app
from registry.authorities.services import load_authorities
from registry.clock import FixedClock
from registry.divisions.services import load_divisions
from registry.extensions import db


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine itself; in tests it must use the test's
    connection, so that its outer transaction holds (and rolls back) every commit."""

    def get_bind(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.bind if self.bind is not None else super().get_bind(*args, **kwargs)


REQUIRE_ALL = os.environ.get("REQUIRE_ALL_SERVICES") == "1"
#: a fixed "today" for every test: tests move the clock, never read the real one
TEST_NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


def need_service(reason: str) -> None:
    """Skip with the reason, or fail when CI demands every service."""
    if REQUIRE_ALL:
        pytest.fail(f"REQUIRE_ALL_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REQUIRE_ALL and _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if REQUIRE_ALL and _skipped:
        terminalreporter.write_line(
            f"REQUIRE_ALL_SERVICES=1: {len(_skipped)} test(s) skipped, which CI forbids",
            red=True,
        )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "registry.sqlite3"
        yield f"sqlite:///{path}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        need_service("TEST_DATABASE_URL is not set, so PostgreSQL tests do not run")
    yield from _temporary_postgres_database(base)


def _temporary_postgres_database(base: str) -> Iterator[str]:
    """A database of its own for this run, dropped afterwards, so runs never collide."""
    import psycopg

    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"registry_test_{uuid.uuid4().hex[:10]}"
    admin = url.render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(TEST_NOW)


@pytest.fixture(scope="session")
def app(
    database_url: str, clock: FixedClock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    from flask_migrate import upgrade

    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "instance_path": instance,
            "secret_key": "test-secret",
        },
        clock=clock,
    )
    with application.app_context():
        upgrade()
        load_divisions(db.session)
        load_authorities(db.session)
        db.session.commit()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _reset_clock(clock: FixedClock) -> None:
    clock.set(TEST_NOW)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """db.session joined to an outer transaction that is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _JoinedSession,
            }
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    return app.test_client()
