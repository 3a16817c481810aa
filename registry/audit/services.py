"""Writing and verifying the audit trail.

Each event's hash is sha256 over the previous hash and the event's own fields in a fixed
canonical form, so that editing, inserting or deleting an event breaks the chain from
that point on. Events are chained in id order; on PostgreSQL a transaction-level advisory
lock makes concurrent writers take turns, so that two events never share a predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.clock import Clock
from registry.public import plain

GENESIS = "0" * 64
#: pg_advisory_xact_lock key of the audit chain ("audit" in ASCII)
_LOCK_KEY = 0x6175646974


def _json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(
        {k: plain(v) for k, v in value.items()},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes, all written in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    body = [
        prev_hash,
        event.id,
        _utc(event.occurred_at),
        event.actor,
        event.officer_id,
        event.authority_code,
        event.action,
        event.subject_type,
        event.subject_key,
        event.before,
        event.after,
        event.request_id,
    ]
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _request_id() -> str | None:
    from flask import g, has_request_context

    return g.get("request_id") if has_request_context() else None


class AuditTrail:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def record(
        self,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_key: str | int,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Append one event, in the caller's transaction (so it commits with the change)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        last = self.session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        prev_hash = last.hash if last else GENESIS
        event = AuditEvent(
            occurred_at=self.clock.now(),
            actor=actor.username,
            officer_id=actor.officer_id,
            authority_code=actor.authority_code,
            action=str(action),
            subject_type=subject_type,
            subject_key=str(subject_key),
            before=_json(before),
            after=_json(after),
            request_id=_request_id(),
            prev_hash=prev_hash,
            hash="pending-" + hashlib.sha256(str(self.clock.now()).encode()).hexdigest()[:40],
        )
        self.session.add(event)
        self.session.flush()  # the id is part of the hash
        event.hash = event_hash(event, prev_hash)
        self.session.flush()
        return event

    def events(self, batch: int = 1000) -> Iterator[AuditEvent]:
        after = 0
        while True:
            rows = self.session.scalars(
                select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            after = rows[-1].id
            self.session.expunge_all()


@dataclass
class VerifyReport:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> VerifyReport:
    """Walk the chain: every event must hash to its stored hash, and name its
    predecessor's hash, so an edited or a deleted event is found."""
    problems: list[str] = []
    prev_hash = GENESIS
    prev_id = 0
    checked = 0
    for event in AuditTrail(session, clock=None).events():  # type: ignore[arg-type]
        checked += 1
        if event.prev_hash != prev_hash:
            problems.append(
                f"event {event.id}: its predecessor's hash does not match event {prev_id} "
                "(an event before it was deleted, inserted or edited)"
            )
        if event_hash(event, event.prev_hash) != event.hash:
            problems.append(f"event {event.id}: its contents do not match its hash (edited)")
        prev_hash, prev_id = event.hash, event.id
    return VerifyReport(checked, problems)
