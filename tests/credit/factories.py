"""Factories for the credit lists: organisations, annual reports and entries as facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from registry.clock import Clock
from registry.credit import rules
from registry.credit.models import CreditListEntry, EntryGround, RemovalGround
from registry.inspections.models import AnnualReport, Conclusion, ReportChannel, ReportStatus
from registry.organisations.models import Organisation
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration


def organisation(session: Session, clock: Clock, **overrides: Any) -> Organisation:
    """A social service agency of 320102 registered on 2 March 2015, unless overridden."""
    return OrganisationService(session, clock).register(registration(**overrides))


def report(
    session: Session,
    organisation: Organisation,
    year: int,
    submitted_on: date,
    conclusion: Conclusion | str | None = None,
    concluded_on: date | None = None,
) -> AnnualReport:
    """An annual report as a fact, inserted directly (the inspection service is another
    domain's)."""
    row = AnnualReport(
        organisation_id=organisation.id,
        year=year,
        submitted_on=submitted_on,
        channel=ReportChannel.COUNTER,
        recorded_at=datetime(submitted_on.year, submitted_on.month, submitted_on.day, tzinfo=UTC),
        compliance_statement="遵守法律法规和章程",
        activities="[]",
        staff_count=3,
        officers="[]",
        branch_count=0,
        income=Decimal("100000"),
        expenditure=Decimal("90000"),
        net_assets=Decimal("50000"),
        donations_received=Decimal("0"),
        status=ReportStatus.CONCLUDED if conclusion else ReportStatus.SUBMITTED,
        conclusion=Conclusion(conclusion) if conclusion else None,
        concluded_on=(concluded_on or submitted_on) if conclusion else None,
    )
    session.add(row)
    session.flush()
    return row


def entry(
    session: Session,
    organisation: Organisation,
    ground: EntryGround | str,
    entered_on: date,
    removed_on: date | None = None,
    removal_ground: RemovalGround | str | None = None,
    report_year: int | None = None,
    notes: str | None = None,
) -> CreditListEntry:
    """An entry as a fact, inserted directly (flags are left to the service or the run)."""
    ground = EntryGround(ground)
    row = CreditListEntry(
        organisation_id=organisation.id,
        list_name=rules.list_of(ground),
        ground=ground,
        detail=rules.report_detail(report_year) if report_year else rules.DETAILS[ground],
        report_year=report_year,
        remedy_owed=rules.remedy_owed(ground),
        entered_on=entered_on,
        removed_on=removed_on,
        removal_ground=RemovalGround(removal_ground) if removal_ground else None,
        authority_id=organisation.authority_id,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        notes=notes,
    )
    session.add(row)
    session.flush()
    return row
