"""Writing and reading the change feed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal_column, select
from sqlalchemy.orm import Session

from registry.feed.models import FeedEntry, FeedOperation

#: session.info key: the records published in the session's current transaction, which
#: subscribers (the database search index) take up before it commits
PENDING = "feed.pending"


def _txid(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return literal_column("pg_current_xact_id()::text::bigint")
    return None  # SQLite has one writer at a time: id order is commit order


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedEntry]
    #: where the next read starts; equal to the request's cursor when nothing is new
    next_cursor: int


class FeedService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def publish(
        self,
        dataset: str,
        key: str,
        version: int,
        operation: FeedOperation,
        record: dict[str, Any],
        at: datetime,
    ) -> None:
        self.session.execute(
            insert(FeedEntry).values(
                txid=_txid(self.session),
                dataset=dataset,
                key=key,
                version=version,
                operation=operation,
                record=dumps(record),
                recorded_at=at,
            )
        )
        self.session.info.setdefault(PENDING, []).append((dataset, record))

    def publish_many(self, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk form for loaders: rows with dataset, key, version, operation, record, at."""
        rows = list(rows)
        batch = [
            {
                "dataset": r["dataset"],
                "key": r["key"],
                "version": r["version"],
                "operation": r["operation"].value,
                "record": dumps(r["record"]),
                "recorded_at": r["at"],
            }
            for r in rows
        ]
        if batch:
            statement = FeedEntry.__table__.insert()
            txid = _txid(self.session)
            if txid is not None:
                statement = statement.values(txid=txid)
            self.session.execute(statement, batch)
            pending = self.session.info.setdefault(PENDING, [])
            pending.extend((r["dataset"], r["record"]) for r in rows)
        return len(batch)

    def read(self, since: int = 0, limit: int = 1000, dataset: str | None = None) -> FeedPage:
        query = select(FeedEntry).where(FeedEntry.id > since).order_by(FeedEntry.id).limit(limit)
        if dataset:
            query = query.where(FeedEntry.dataset == dataset)
        entries = list(self.session.scalars(self._settled(query)))
        return FeedPage(entries, entries[-1].id if entries else since)

    def head(self) -> int:
        """The newest settled entry: where a snapshot taken now stands in the feed.

        A mirror that loads a snapshot and follows the feed from here may see again a
        change the snapshot already holds; it applies entries by version, so that is
        harmless, while missing one would not be.
        """
        query = self._settled(select(func.coalesce(func.max(FeedEntry.id), 0)))
        return self.session.scalar(query) or 0

    def _settled(self, query: Any) -> Any:
        """On PostgreSQL, hold back entries at or after the oldest open transaction."""
        if self.session.get_bind().dialect.name != "postgresql":
            return query
        horizon = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        # A transaction sees its own entries, as it sees its own rows.
        own = literal_column("pg_current_xact_id_if_assigned()::text::bigint")
        return query.where(
            FeedEntry.txid.is_(None) | (FeedEntry.txid < horizon) | (FeedEntry.txid == own)
        )
