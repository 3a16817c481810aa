"""Factories for the inspections domain: report contents, organisations that report, and
reports received through the service."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from registry.accounts.rules import Actor
from registry.clock import Clock
from registry.inspections.models import AnnualReport, ReportChannel
from registry.inspections.services import InspectionService
from registry.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from registry.organisations.services import OrganisationService
from tests.organisations.factories import foundation, registration

SYSTEM = Actor.system("tests")


def contents(**overrides: Any) -> dict[str, Any]:
    """A complete report of a social group or agency; `finances` merges its overrides."""
    values: dict[str, Any] = {
        "compliance_statement": "本年度遵守宪法、法律法规和国家政策，按照章程开展活动。",
        "registration_changes": None,
        "activities": [
            {"title": "重阳节敬老活动", "date": "2025-10-29", "description": "为120位老人送餐"},
            {"title": "志愿者培训"},
        ],
        "staff_count": 12,
        "volunteer_count": 40,
        "officers": [
            {"name": "赵敏", "position": "理事长"},
            {"name": "钱伟", "position": "秘书长"},
        ],
        "branch_count": 0,
        "party_building": "已成立党支部",
    }
    finances = {
        "income": "1250000.50",
        "expenditure": "1180000.00",
        "net_assets": "-3500.25",
        "donations_received": "200000",
    }
    finances.update(overrides.pop("finances", {}))
    values["finances"] = finances
    values.update(overrides)
    return values


def foundation_contents(**overrides: Any) -> dict[str, Any]:
    finances = {"grants_made": "300000.00", "audit_opinion": "标准无保留意见"}
    finances.update(overrides.pop("finances", {}))
    return contents(finances=finances, **overrides)


def organisation(
    session: Session,
    clock: Clock,
    *,
    kind: OrganisationKind | str = OrganisationKind.SOCIAL_SERVICE_AGENCY,
    authority_code: str | None = None,
    founded_on: date = date(2015, 3, 2),
    is_charity: bool = False,
    status: OrganisationStatus | str = OrganisationStatus.ACTIVE,
    status_date: date | None = None,
    **overrides: Any,
) -> Organisation:
    """A registered organisation; charity and removal are set directly, as facts."""
    kind = OrganisationKind(kind)
    if kind is OrganisationKind.FOUNDATION:
        authority_code = authority_code or "320000"
        overrides.setdefault("domicile_division_code", "320102")
        request = foundation(authority_code=authority_code, founded_on=founded_on, **overrides)
    else:
        authority_code = authority_code or "320102"
        overrides.setdefault("domicile_division_code", authority_code)
        request = registration(
            kind=kind, authority_code=authority_code, founded_on=founded_on, **overrides
        )
    org = OrganisationService(session, clock).register(request)
    org.is_charity = is_charity
    org.status = OrganisationStatus(status)
    org.status_date = status_date
    session.flush()
    return org


def report(
    session: Session,
    clock: Clock,
    org: Organisation,
    year: int = 2025,
    submitted_on: date | None = date(2026, 4, 20),
    *,
    actor: Actor = SYSTEM,
    **overrides: Any,
) -> AnnualReport:
    body = foundation_contents if org.kind is OrganisationKind.FOUNDATION else contents
    service = InspectionService(session, clock)
    return service.submit(
        actor, org.uscc, year, body(**overrides), submitted_on, channel=ReportChannel.COUNTER
    )
