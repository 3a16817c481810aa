from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db, enum_values


class FeedOperation(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    #: the record left the live register (deregistered, revoked, withdrawn …); it stays
    #: public, so the entry carries the record with its status, date and reason
    REMOVED = "removed"
    RESTORED = "restored"


class FeedEntry(db.Model):
    """One change of one public record, written in the transaction that made it."""

    __tablename__ = "feed_entry"
    __table_args__ = (
        Index("ix_feed_entry_dataset_key", "dataset", "key"),
        {"sqlite_autoincrement": True},  # ids are never reused, so cursors stay valid
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    #: PostgreSQL transaction id; readers hold back entries of transactions still open,
    #: so that a cursor never passes an entry that commits later with a smaller id
    txid: Mapped[int | None] = mapped_column(BigInteger)
    dataset: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    operation: Mapped[FeedOperation] = mapped_column(
        Enum(FeedOperation, native_enum=False, length=16, values_callable=enum_values)
    )
    #: the public record as it became, JSON
    record: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
