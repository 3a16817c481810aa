from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from registry.extensions import db
from registry.feed.models import FeedEntry, FeedOperation
from registry.feed.services import FeedService
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration


def test_every_change_writes_an_entry_in_the_same_transaction(session, clock):
    service = OrganisationService(session, clock)
    feed = FeedService(session)
    start = feed.head()
    org = service.register(registration())
    service.record_change(org.uscc, {"legal_representative": "李华"}, effective_on=date(2019, 1, 1))
    service.record_change(org.uscc, {"legal_representative": "李华"}, effective_on=date(2019, 2, 1))
    service.revoke(org.uscc, on=date(2022, 1, 1), reason="连续两年未年检")
    service.reinstate(org.uscc, on=date(2022, 3, 1), reason="复议撤销")
    entries = feed.read(start).entries
    assert [(e.operation, e.version) for e in entries] == [
        (FeedOperation.CREATED, 1),
        (FeedOperation.UPDATED, 2),  # the no-op change wrote nothing
        (FeedOperation.REMOVED, 3),
        (FeedOperation.RESTORED, 4),
    ]
    assert {e.key for e in entries} == {org.uscc}
    import json

    tombstone = json.loads(entries[2].record)
    assert (tombstone["status"], tombstone["status_date"], tombstone["status_reason"]) == (
        "revoked",
        "2022-01-01",
        "连续两年未年检",
    )
    assert feed.head() == entries[-1].id
    page = feed.read(start, limit=2)
    assert len(page.entries) == 2 and page.next_cursor == page.entries[-1].id
    assert feed.read(feed.head()).entries == []
    assert feed.read(feed.head()).next_cursor == feed.head()


def test_a_failed_write_leaves_no_entry(session, clock):
    import pytest

    from registry.errors import DuplicateName

    service = OrganisationService(session, clock)
    service.register(registration(name="唯一名称协会"))
    head = FeedService(session).head()
    with pytest.raises(DuplicateName):
        service.register(registration(name="唯一名称协会"))
    assert FeedService(session).head() == head


def test_readers_never_pass_an_entry_that_commits_later(app):
    """Two writers commit out of id order; a cursor must not skip the slower one.

    On PostgreSQL entries of still-open transactions are held back; SQLite has one writer
    at a time, so the situation cannot arise there and the test checks plain ordering.
    """
    now = datetime(2026, 6, 15, tzinfo=UTC)
    with app.app_context():
        engine = db.engine
        slow, fast, reader = (Session(engine) for _ in range(3))
        try:
            head = FeedService(reader).head()
            reader.rollback()
            if engine.dialect.name == "postgresql":
                FeedService(slow).publish("test", "slow", 1, FeedOperation.CREATED, {}, now)
                slow.flush()  # holds the smaller id, not committed yet
            FeedService(fast).publish("test", "fast", 1, FeedOperation.CREATED, {}, now)
            fast.commit()
            seen = [e.key for e in FeedService(reader).read(head).entries]
            reader.rollback()
            if engine.dialect.name == "postgresql":
                assert seen == []  # "fast" waits until "slow" settles
                slow.commit()
                seen = [e.key for e in FeedService(reader).read(head).entries]
                assert seen == ["slow", "fast"]
            else:
                assert seen == ["fast"]
        finally:
            for s in (slow, fast, reader):
                s.rollback()
            with Session(engine) as cleanup:
                cleanup.execute(delete(FeedEntry).where(FeedEntry.dataset == "test"))
                cleanup.commit()
            for s in (slow, fast, reader):
                s.close()
