"""Publishing organisations whose record a set-based job changed.

A job that changes many organisations at once (the credit lists' flags, ratings running
out) does not build their records in its own transaction: it queues them in
`pending_publication` with an INSERT … SELECT, in the transaction that changes them, and
bumps their version. `drain` then publishes each queued organisation's current record to
the change feed (as OrganisationService._publish does) and deletes its row, a batch per
transaction; the database search index follows each commit by itself, Elasticsearch by
the relay. Nothing is lost between the two: the queue row commits with the change, and
goes only with its feed entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, literal, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql import ColumnElement

from registry.clock import Clock
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.organisations.models import Organisation, PendingPublication
from registry.organisations.public import organisation_record

P = PendingPublication


def queue(
    session: Session,
    where: ColumnElement[bool],
    at: datetime,
    params: dict[str, Any] | None = None,
) -> int:
    """Queue every organisation matching `where` (a condition on Organisation, with its
    bound `params`), skipping those already queued: one INSERT … SELECT. Returns how many
    were queued."""
    return queue_ids(session, select(Organisation.id).where(where), at, params)


def queue_ids(
    session: Session,
    ids: Any,
    at: datetime,
    params: dict[str, Any] | None = None,
) -> int:
    """Queue the organisations whose ids the one-column select `ids` gives, skipping those
    already queued."""
    found = ids.subquery("queued_ids")
    # SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT (its parser would read the
    # ON as a join's otherwise).
    rows = select(found.c[0], literal(at, P.queued_at.type)).where(true())
    # ON CONFLICT DO NOTHING skips the queued ones through the primary key. (An anti-join
    # on the same table made PostgreSQL scan the rows this statement was inserting once
    # per row: quadratic.)
    dialect = session.get_bind().dialect.name
    insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_(P.__table__)
        .from_select([P.organisation_id, P.queued_at], rows)
        .on_conflict_do_nothing(index_elements=[P.organisation_id])
    )
    result = session.execute(
        statement,
        params or {},
        execution_options={"preserve_rowcount": True},  # psycopg keeps it only when asked
    )
    return max(result.rowcount or 0, 0)


def pending(session: Session) -> int:
    """How many organisations await publication."""
    return session.scalar(select(func.count()).select_from(P)) or 0


def drain(session: Session, clock: Clock, batch: int = 1000) -> int:
    """Publish up to `batch` queued organisations and unqueue them; the caller commits.
    Returns how many were published (0: the queue is empty).

    On PostgreSQL the rows are locked and locked ones skipped, so that two drains share
    the queue instead of publishing the same organisations twice.
    """
    ids = list(
        session.scalars(
            select(P.organisation_id)
            .order_by(P.organisation_id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return 0
    organisations = session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(ids))
        .options(joinedload(Organisation.authority))
        .order_by(Organisation.id)
    ).all()
    now = clock.now()
    FeedService(session).publish_many(
        {
            "dataset": "organisations",
            "key": organisation.uscc,
            "version": organisation.version,
            "operation": FeedOperation.UPDATED,
            "record": organisation_record(organisation),
            "at": now,
        }
        for organisation in organisations
    )
    session.execute(delete(P).where(P.organisation_id.in_(ids)))
    return len(ids)


def drain_all(
    session: Session,
    clock: Clock,
    commit: Callable[[], None],
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Drain the whole queue, calling `commit` after every batch (the CLI passes the
    session's commit). Returns how many were published."""
    total = 0
    while True:
        published = drain(session, clock, batch)
        if not published:
            return total
        commit()  # the identity map holds them weakly: a batch's objects go with it
        total += published
        if progress is not None:
            progress(published)


def publish(session: Session, clock: Clock, organisation: Organisation) -> None:
    """Publish one organisation's current record now, in the caller's transaction: for a
    service that changed one organisation (an officer entering one ground)."""
    FeedService(session).publish(
        "organisations",
        organisation.uscc,
        organisation.version,
        FeedOperation.UPDATED,
        organisation_record(organisation),
        clock.now(),
    )
