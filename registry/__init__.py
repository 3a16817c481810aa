"""The register of social organisations and charities."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.clock import Clock, SystemClock
from registry.config import Settings
from registry.extensions import db, migrate

__all__ = ["create_app"]


def create_app(
    config: Settings | dict[str, Any] | None = None, *, clock: Clock | None = None
) -> Flask:
    """Config → extensions → blueprints → CLI.

    `config` is a Settings object, or a dict of settings that override the environment
    (tests pass {"database_url": ..., "testing": True}).
    """
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env()
        if config:
            settings = settings.replace(**config)

    from registry.deregistration.rules import DormantRules

    DormantRules.from_settings(settings)  # a misspelt criterion fails here, not per request
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # Chinese stays readable in every JSON response
    app.json.sort_keys = False
    app.extensions["registry.settings"] = settings
    app.extensions["registry.clock"] = clock or SystemClock()

    import registry.models  # noqa: F401  (the whole schema, for Alembic and the mappers)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))

    from registry.statistics import init_cache

    init_cache(app)

    from registry.web import register_web

    register_web(app)

    from openapi import init_api

    init_api(app)

    from registry.ratelimit import init_rate_limits

    init_rate_limits(app)

    from search.indexing import install as install_search_indexing

    # The database index follows every commit; Elasticsearch gets the feed after it.
    install_search_indexing()

    from registry.cli import register_cli

    register_cli(app)
    return app


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _migrations_dir() -> Any:
    from registry.config import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"


def _is_sqlite(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite enforces foreign keys only when asked; WAL lets readers and the writer overlap.
    if _is_sqlite(dbapi_connection):
        # Let SQLAlchemy, not the sqlite3 module, say when transactions begin, so that
        # savepoints and transactional DDL behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
