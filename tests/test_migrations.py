"""The migrations are the schema: models and migrations must not drift apart."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from registry.extensions import db
from search.models import include_in_migrations


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        # The same filter as migrations/env.py: the full-text table and index are by hand.
        opts = {"compare_type": True, "include_name": include_in_migrations}
        context = MigrationContext.configure(connection, opts=opts)
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_migrations_go_down_and_up_again(tmp_path):
    from registry import create_app

    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    application = create_app(
        {"database_url": url, "testing": True, "instance_path": tmp_path, "secret_key": "x"}
    )
    with application.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        with db.engine.connect() as connection:
            assert "organisation" in db.inspect(connection).get_table_names()
        db.engine.dispose()
