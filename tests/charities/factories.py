"""Factories for charity organisations: the organisation registered through its service,
the charity status, qualifications and annual reports inserted as facts (no audit events,
no feed entries), so that a test sees only what its own actions wrote."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEvent
from registry.charities.models import Charity, CharityStatus, FundraisingQualification
from registry.clock import Clock
from registry.feed.models import FeedEntry
from registry.inspections.models import AnnualReport
from registry.organisations.models import Organisation
from tests.credit import factories as credit_factories

#: recorded_at of the facts
RECORDED = datetime(2026, 1, 5, tzinfo=UTC)


def organisation(session: Session, clock: Clock, **overrides: Any) -> Organisation:
    """A social service agency of 320102 registered on 2 March 2015, unless overridden."""
    return credit_factories.organisation(session, clock, **overrides)


def charity(
    session: Session,
    clock: Clock,
    *,
    recognised_on: date = date(2020, 5, 1),
    qualified_on: date | None = None,
    document_no: str = "玄民慈认〔2020〕1号",
    **overrides: Any,
) -> Charity:
    """A recognised charity; holding the public-fundraising qualification since
    `qualified_on` when given. `overrides` go to the organisation's registration."""
    org = organisation(session, clock, **overrides)
    org.is_charity = True
    org.charity_recognised_on = recognised_on
    row = Charity(
        organisation=org,
        status=CharityStatus.RECOGNISED,
        recognised_on=recognised_on,
        recognition_document_no=document_no,
        public_fundraising=qualified_on is not None,
        qualification_granted_on=qualified_on,
        updated_at=RECORDED,
        version=1,
    )
    session.add(row)
    if qualified_on is not None:
        session.add(
            FundraisingQualification(
                organisation=org,
                granted_on=qualified_on,
                document_no="玄民募〔2021〕1号",
                authority=org.authority,
                recorded_at=RECORDED,
            )
        )
    session.flush()
    return row


def report(
    session: Session,
    org: Organisation,
    year: int,
    *,
    activities: list[dict[str, str]] | str | None = None,
    grants_made: Decimal | int | None = None,
    submitted_on: date | None = None,
) -> AnnualReport:
    """An annual report for `year` as a fact: with the activities listed (none by
    default) and the grants made (none by default)."""
    row = credit_factories.report(session, org, year, submitted_on or date(year + 1, 3, 1))
    if activities is not None:
        row.activities = (
            activities
            if isinstance(activities, str)
            else json.dumps(activities, ensure_ascii=False)
        )
    row.grants_made = Decimal(grants_made) if grants_made is not None else None
    session.flush()
    return row


ACTIVITY = [{"title": "助学金发放", "date": "2025-09-01", "description": "资助困难学生120名"}]


def events(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def feed(session: Session, dataset: str, key: str) -> list[FeedEntry]:
    return list(
        session.scalars(
            select(FeedEntry)
            .where(FeedEntry.dataset == dataset, FeedEntry.key == key)
            .order_by(FeedEntry.id)
        )
    )
