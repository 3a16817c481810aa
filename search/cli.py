"""`flask --app wsgi search sync | reindex | verify`."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from registry.extensions import db
from registry.feed.services import FeedService
from search.outbox import Relay
from search.service import elasticsearch_backend, register_documents


@click.group("search", help="The search index: deliver, rebuild, check.")
def search_cli() -> None:
    pass


def _clock():  # type: ignore[no-untyped-def]
    return current_app.extensions["registry.clock"]


@search_cli.command("sync")
@click.option("--loop", is_flag=True, help="Keep delivering, every --interval seconds.")
@click.option("--interval", default=2.0, show_default=True)
@with_appcontext
def sync(loop: bool, interval: float) -> None:
    """Publish the organisations set-based jobs queued, then deliver the change feed to
    Elasticsearch (the database index follows every commit by itself)."""
    backend = elasticsearch_backend(current_app)
    _publish_queued()
    if backend is None:
        click.echo("search backend is the database: it is kept in step on every commit")
        return
    relay = Relay(db.session, backend, _clock())
    while True:
        result = relay.run()
        click.echo(
            f"delivered {result.delivered} documents from {result.entries} entries; "
            f"at {result.position}, {result.pending} pending"
            + (f"; stopped: {result.error}" if result.error else "")
        )
        if not loop:
            sys.exit(1 if result.error else 0)
        time.sleep(interval)
        _publish_queued()


def _publish_queued() -> None:
    """Drain pending_publication into the change feed, a committed batch at a time."""
    from registry.organisations.publication import drain_all

    published = drain_all(db.session, _clock(), db.session.commit)
    if published:
        click.echo(f"published {published} organisations queued by set-based jobs")


@search_cli.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the index from the register: a new index, then an atomic alias swap."""
    from sqlalchemy import func, select

    from registry.organisations.models import Organisation

    total = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    head = FeedService(db.session).head()
    backend = elasticsearch_backend(current_app)
    started = time.perf_counter()
    with tqdm(total=total, unit="docs", desc="reindex") as bar:
        if backend is None:
            from search.backends.database import DatabaseBackend

            count = DatabaseBackend(db.session).rebuild(
                register_documents(db.session), progress=bar.update
            )
            db.session.commit()
        else:
            count = backend.reindex(register_documents(db.session), progress=bar.update)
            Relay(db.session, backend, _clock()).reset(head)
    seconds = time.perf_counter() - started
    click.echo(
        f"indexed {count} documents in {seconds:.1f} s ({count / max(seconds, 1e-9):,.0f}/s)"
    )


@search_cli.command("verify")
@with_appcontext
def verify() -> None:
    """Compare the index with the register; print the drift; exit 1 if there is any."""
    from search.verify import drift

    backend = elasticsearch_backend(current_app)
    if backend is None:
        from search.backends.database import DatabaseBackend

        backend = DatabaseBackend(db.session)
    report = drift(register_documents(db.session), backend)
    click.echo(report.summary())
    for line in report.lines(limit=50):
        click.echo(line)
    sys.exit(1 if report.has_drift else 0)
