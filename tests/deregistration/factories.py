"""Factories for the dormant-organisation procedure: organisations and the facts detection
reads (reports, changes of registration, contact attempts, abnormal entries), and those
facts read back as criteria.OrganisationFacts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.credit.models import ContactAttempt, ContactMethod, CreditList, CreditListEntry
from registry.deregistration.criteria import AbnormalEntry, Contact, OrganisationFacts
from registry.inspections.models import AnnualReport
from registry.organisations.models import ChangeRecord, ChangeType, Organisation
from tests.credit.factories import entry, report
from tests.inspections.factories import organisation

__all__ = ["change", "contact", "entry", "facts", "organisation", "report"]


def contact(
    session: Session,
    org: Organisation,
    attempted_on: date,
    succeeded: bool = False,
    method: ContactMethod | str = ContactMethod.LETTER,
    reference: str | None = None,
) -> ContactAttempt:
    """A contact attempt as a fact, inserted directly."""
    row = ContactAttempt(
        organisation_id=org.id,
        method=ContactMethod(method),
        attempted_on=attempted_on,
        succeeded=succeeded,
        reference=reference,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    session.add(row)
    session.flush()
    return row


def change(
    session: Session, org: Organisation, effective_on: date, field: str = "domicile"
) -> ChangeRecord:
    """A change of registration as a fact, inserted directly (the register's service
    would also change the field; detection reads only the record's day)."""
    row = ChangeRecord(
        organisation_id=org.id,
        change_type=ChangeType.CHANGE,
        field=field,
        old_value="旧值",
        new_value="新值",
        effective_on=effective_on,
        approved_by_id=org.authority_id,
        basis="变更登记",
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    session.add(row)
    session.flush()
    return row


def facts(session: Session, org: Organisation) -> OrganisationFacts:
    """Everything detection reads about `org`, from the database."""
    reports = session.execute(
        select(AnnualReport.year, AnnualReport.submitted_on).where(
            AnnualReport.organisation_id == org.id
        )
    ).all()
    changes = session.scalars(
        select(ChangeRecord.effective_on).where(
            ChangeRecord.organisation_id == org.id, ChangeRecord.change_type == ChangeType.CHANGE
        )
    ).all()
    contacts = session.scalars(
        select(ContactAttempt).where(ContactAttempt.organisation_id == org.id)
    ).all()
    entries = session.scalars(
        select(CreditListEntry).where(
            CreditListEntry.organisation_id == org.id,
            CreditListEntry.list_name == CreditList.ABNORMAL,
        )
    ).all()
    return OrganisationFacts(
        kind=org.kind,
        is_charity=org.is_charity,
        founded_on=org.founded_on,
        status=org.status,
        status_date=org.status_date,
        reports=dict(reports),
        changes=tuple(changes),
        contacts=tuple(
            Contact(c.id, str(c.method), c.attempted_on, c.succeeded, c.reference) for c in contacts
        ),
        abnormal=tuple(
            AbnormalEntry(
                e.id,
                e.entered_on,
                str(e.ground),
                e.removed_on,
                str(e.removal_ground) if e.removal_ground else None,
            )
            for e in entries
        ),
    )
