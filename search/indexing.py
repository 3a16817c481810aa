"""Keeping the search index in step with the register.

The database index is written in the same transaction as the change (a `before_commit`
hook takes the records the change feed received), so it can never drift. Elasticsearch is
fed by the relay from the change feed, which is the outbox: see search/relay.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from registry.feed.services import PENDING
from search.document import build_document

log = logging.getLogger(__name__)
DATASET = "organisations"


def latest_documents(records: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One document per organisation: the highest version among the records."""
    newest: dict[str, dict[str, Any]] = {}
    for dataset, record in records:
        if dataset != DATASET:
            continue
        held = newest.get(record["uscc"])
        if held is None or held["version"] <= record["version"]:
            newest[record["uscc"]] = record
    return [build_document(r) for r in newest.values()]


def _before_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.info["feed.committed"] = True
    documents = latest_documents(pending)
    if documents:
        from search.backends.database import DatabaseBackend

        DatabaseBackend(session).upsert(documents)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop("feed.committed", None)


def install() -> None:
    """Listen on every session (idempotent): the app factory calls it once."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _forget)
    install_delivery()


def _deliver_after_commit(session: Session) -> None:
    """Best effort: push what just committed to Elasticsearch; the relay loop guarantees it."""
    if not session.info.pop("feed.committed", False):
        return
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    settings = current_app.extensions["registry.settings"]
    if not settings.search_deliver_on_commit:
        return
    from search.service import elasticsearch_backend

    backend = elasticsearch_backend(current_app)
    if backend is None:
        return
    from registry.extensions import db
    from search.outbox import Relay

    with Session(db.engine) as relay_session:
        try:
            Relay(relay_session, backend, current_app.extensions["registry.clock"]).run(
                max_batches=1
            )
        except Exception:  # never fail the request that already committed
            log.exception("delivery after commit failed; the relay will catch up")


def install_delivery() -> None:
    if not event.contains(Session, "after_commit", _deliver_after_commit):
        event.listen(Session, "after_commit", _deliver_after_commit)
