from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class AuditEvent(db.Model):
    """One mutating action: who, when, what, before and after, the request.

    Append-only. Each event's hash covers its own fields and the previous event's hash,
    so that `flask audit verify` finds an edited, inserted or deleted event.
    """

    __tablename__ = "audit_event"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: the officer's username, or "system:<job>" for scheduled jobs and the CLI
    actor: Mapped[str] = mapped_column(String(64))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), index=True)
    #: the acting officer's authority code, kept as text: it must read the same forever
    authority_code: Mapped[str | None] = mapped_column(String(6))
    #: what was done, e.g. "report.submit", "credit.enter", "account.create"
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: what it was done to, e.g. ("organisation", USCC), ("annual_report", "42")
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(String(64))
    #: JSON of the subject before and after (null when created or removed)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: sha256 hex of the previous event ("0" * 64 for the first)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
