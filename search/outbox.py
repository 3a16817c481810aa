"""The relay: delivers the change feed (the outbox) to Elasticsearch, idempotently.

Each change of an organisation wrote a feed entry in its own transaction. The relay reads
entries after its cursor, indexes the newest record of each organisation with its version
as an external version (an older one arriving late is ignored by the index), and only
then moves its cursor. When the server is down, nothing moves: the entries stay queued
and the next run catches up. Nothing is deleted from the feed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.clock import Clock
from registry.extensions import db
from registry.feed.services import FeedService
from search.backends.base import SearchBackend
from search.indexing import DATASET, latest_documents

log = logging.getLogger(__name__)


class RelayCursor(db.Model):
    """How far a relay has delivered the feed to one index."""

    __tablename__ = "search_relay_cursor"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the concrete index the position refers to: when the alias points elsewhere (a
    #: server that restarted empty), the feed is replayed from the start into the new one
    index_name: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass
class RelayRun:
    delivered: int = 0
    entries: int = 0
    position: int = 0
    pending: int = 0
    error: str | None = None


class Relay:
    def __init__(
        self, session: Session, backend: SearchBackend, clock: Clock, name: str = "elasticsearch"
    ) -> None:
        self.session = session
        self.backend = backend
        self.clock = clock
        self.name = name

    def _cursor(self) -> RelayCursor:
        cursor = self.session.get(RelayCursor, self.name, with_for_update=True)
        if cursor is None:
            cursor = RelayCursor(name=self.name, position=0)
            self.session.add(cursor)
            self.session.flush()
        return cursor

    def pending(self) -> int:
        from sqlalchemy import func

        from registry.feed.models import FeedEntry

        cursor = self.session.get(RelayCursor, self.name)
        position = cursor.position if cursor else 0
        query = select(func.count()).where(FeedEntry.id > position, FeedEntry.dataset == DATASET)
        return self.session.scalar(query) or 0

    def run(self, batch: int = 1000, max_batches: int | None = None) -> RelayRun:
        """Deliver until the feed is drained (or max_batches); commits after each batch."""
        result = RelayRun()
        feed = FeedService(self.session)
        done = 0
        try:
            self._follow_the_index()
        except Exception as error:  # the server is down: nothing to do until it returns
            self.session.rollback()
            result.error = f"{type(error).__name__}: {error}"
            result.position, result.pending = self._position(), self.pending()
            return result
        while max_batches is None or done < max_batches:
            cursor = self._cursor()
            page = feed.read(cursor.position, batch, DATASET)
            if not page.entries:
                self.session.commit()
                break
            records = [(DATASET, json.loads(e.record)) for e in page.entries]
            documents = latest_documents(records)
            try:
                self.backend.upsert(documents)
            except Exception as error:  # the server is down: keep the entries queued
                self.session.rollback()
                result.error = f"{type(error).__name__}: {error}"
                log.warning("search relay stopped at %s: %s", cursor.position, result.error)
                break
            cursor.position = page.next_cursor
            cursor.delivered_at = self.clock.now()
            self.session.commit()
            result.delivered += len(documents)
            result.entries += len(page.entries)
            done += 1
        result.position = self._position()
        result.pending = self.pending()
        return result

    def _follow_the_index(self) -> None:
        """Replay the feed from the start when the index is not the one delivered to."""
        live = getattr(self.backend, "live_indices", None)
        if live is None:
            return
        self.backend.ensure_index()  # type: ignore[attr-defined]
        names = live()
        current = names[0] if names else None
        cursor = self._cursor()
        if cursor.index_name != current:
            if cursor.index_name is not None:
                log.warning("index %s replaced by %s: replaying the change feed",
                            cursor.index_name, current)  # fmt: skip
            cursor.position = 0
            cursor.index_name = current
        self.session.commit()

    def _position(self) -> int:
        cursor = self.session.get(RelayCursor, self.name)
        return cursor.position if cursor else 0

    def reset(self, position: int) -> None:
        """After a full reindex from the register, the feed up to `position` is in it."""
        cursor = self._cursor()
        cursor.position = position
        cursor.delivered_at = self.clock.now()
        live = getattr(self.backend, "live_indices", None)
        if live is not None:
            names = live()
            cursor.index_name = names[0] if names else None
        self.session.commit()
