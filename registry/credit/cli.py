"""`flask --app wsgi credit run [--on YYYY-MM-DD]`"""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import text

from registry.credit.services import CreditService
from registry.errors import DomainError
from registry.extensions import db
from registry.organisations.publication import drain_all

credit_cli = AppGroup("credit", help="The credit lists: the daily run.")


@credit_cli.command("run")
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day to run for (default today); never after today.",
)
@click.option(
    "--batch", default=1000, show_default=True, help="Organisations published per transaction."
)
@with_appcontext
def run(day: datetime | None, batch: int) -> None:
    """The daily job: automatic entries, remedies, lapses, escalations, flags and ratings
    that ran out, then the changed organisations published, a batch per transaction.
    Safe to run twice a day, and after missed days."""
    clock = current_app.extensions["registry.clock"]
    settings = current_app.extensions["registry.settings"]
    service = CreditService.from_settings(db.session, clock, settings)
    if db.engine.dialect.name == "sqlite":
        # Without statistics (a freshly loaded or imported register) SQLite's planner can
        # take minutes over the job's correlated lookups; 0x10002 analyses the tables that
        # need it, quickly when they already have statistics.
        db.session.execute(text("PRAGMA optimize=0x10002"))
        db.session.commit()
    try:
        summary = service.run(day.date() if day else None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    for line in summary.lines():
        click.echo(line)
    published = drain_all(db.session, clock, db.session.commit, batch=batch)
    click.echo(f"published {published} organisations")
