"""Charities and trusts as facts, written straight into the tables, for the public side's
tests (the officers' services have their own tests)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from registry.authorities.services import AuthorityService
from registry.charities.listing import normalise
from registry.charities.models import (
    CharitableField,
    Charity,
    CharityStatus,
    CharityTrust,
    FilingKind,
    FundraisingMethod,
    FundraisingPlan,
    FundraisingQualification,
    PartyKind,
    PartyRole,
    TrustField,
    TrustFiling,
    TrustParty,
    TrustReport,
    TrustStatus,
)
from registry.charities.public import summarise
from registry.clock import Clock
from registry.organisations.models import Organisation
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration

_serial = itertools.count(1)
AT = datetime(2026, 6, 1, tzinfo=UTC)
TRUST_COMPANY = ("91310000132206289R", "上海国际信托有限公司")


def charity(
    session: Session,
    clock: Clock,
    recognised_on: date = date(2020, 5, 1),
    *,
    status: CharityStatus = CharityStatus.RECOGNISED,
    public_fundraising: bool = False,
    **overrides: Any,
) -> Organisation:
    """A registered organisation recognised as a charity on `recognised_on`."""
    organisations = OrganisationService(session, clock)
    organisation = organisations.register(registration(**overrides))
    organisations.set_charity(organisation.uscc, recognised_on, on=recognised_on)
    row = Charity(
        organisation=organisation,
        status=status,
        recognised_on=recognised_on,
        recognition_document_no=f"民认字〔{recognised_on.year}〕{next(_serial)}号",
        public_fundraising=public_fundraising,
        qualification_granted_on=date(2022, 1, 4) if public_fundraising else None,
        lost_on=None if status is CharityStatus.RECOGNISED else date(2025, 1, 2),
        loss_reason=None if status is CharityStatus.RECOGNISED else "连续二年未从事慈善活动",
        updated_at=AT,
        version=1,
    )
    session.add(row)
    if public_fundraising:
        session.add(
            FundraisingQualification(
                organisation=organisation,
                granted_on=date(2022, 1, 4),
                document_no="民募字〔2022〕1号",
                authority=organisation.authority,
                recorded_at=AT,
            )
        )
    session.flush()
    return organisation


def plan(
    session: Session,
    organisation: Organisation,
    starts_on: date,
    *,
    filed_on: date,
    late: bool = False,
    method: FundraisingMethod = FundraisingMethod.INTERNET,
) -> FundraisingPlan:
    qualification = (
        session.query(FundraisingQualification).filter_by(organisation_id=organisation.id).first()
    )
    row = FundraisingPlan(
        organisation=organisation,
        qualification_id=qualification.id,
        purpose="资助困难学生",
        starts_on=starts_on,
        ends_on=date(starts_on.year, 12, 31),
        area="江苏省",
        method=method,
        person_in_charge="李华",
        beneficiaries="家庭经济困难的在校学生",
        use_of_funds="发放助学金",
        cost=Decimal("1200.50"),
        filed_on=filed_on,
        working_days_ahead=2 if late else 10,
        filed_late=late,
        authority=organisation.authority,
        recorded_at=AT,
    )
    session.add(row)
    session.flush()
    return row


def trust(
    session: Session,
    authority_code: str,
    name: str,
    *,
    filed_on: date,
    amount: str,
    fields: tuple[CharitableField, ...] = (CharitableField.EDUCATION,),
    trustees: tuple[Organisation | tuple[str, str], ...] = (TRUST_COMPANY,),
    settlors: tuple[str, ...] = ("张三",),
    status: TrustStatus = TrustStatus.ESTABLISHED,
    supervisor: tuple[str, str | None] | None = None,
) -> CharityTrust:
    authority = AuthorityService(session).get(authority_code)
    serial = next(_serial)
    row = CharityTrust(
        record_no=f"{authority_code}{filed_on.year}{serial:05d}",
        name=name,
        authority=authority,
        signed_on=filed_on,
        filed_on=filed_on,
        filed_late=False,
        property_amount=Decimal(amount),
        purpose="支持教育事业发展",
        term_ends_on=None,
        supervisor_name=supervisor[0] if supervisor else None,
        supervisor_uscc=supervisor[1] if supervisor else None,
        status=status,
        terminated_on=filed_on if status is TrustStatus.TERMINATED else None,
        termination_reason="信托目的已实现" if status is TrustStatus.TERMINATED else None,
        created_at=AT,
        updated_at=AT,
        version=1,
    )
    row.fields = [TrustField(field=f) for f in fields]
    parties = []
    for position, trustee in enumerate(trustees):
        if isinstance(trustee, Organisation):
            parties.append(
                TrustParty(
                    role=PartyRole.TRUSTEE,
                    kind=PartyKind.CHARITY_ORGANISATION,
                    uscc=trustee.uscc,
                    name=trustee.name,
                    organisation=trustee,
                    position=position,
                )
            )
        else:
            parties.append(
                TrustParty(
                    role=PartyRole.TRUSTEE,
                    kind=PartyKind.TRUST_COMPANY,
                    uscc=trustee[0],
                    name=trustee[1],
                    position=position,
                )
            )
    for position, settlor in enumerate(settlors):
        parties.append(
            TrustParty(
                role=PartyRole.SETTLOR, kind=PartyKind.PERSON, name=settlor, position=position
            )
        )
    row.parties = parties
    summarise(row)
    row.search_text = normalise(
        " ".join([name, *(p.name for p in parties), *(p.uscc or "" for p in parties)])
    )
    session.add(row)
    session.add(
        TrustFiling(
            trust=row,
            kind=FilingKind.ESTABLISHMENT,
            event_on=filed_on,
            filed_on=filed_on,
            days_after=0,
            filed_late=False,
            changes="[]",
            authority=authority,
            recorded_at=AT,
        )
    )
    session.flush()
    return row


def trust_report(session: Session, row: CharityTrust, year: int, balance: str) -> TrustReport:
    report = TrustReport(
        trust=row,
        year=year,
        income=Decimal("1000.00"),
        grants_made=Decimal("800.00"),
        balance=Decimal(balance),
        submitted_on=date(year + 1, 3, 1),
        recorded_at=AT,
    )
    session.add(report)
    session.flush()
    return report
