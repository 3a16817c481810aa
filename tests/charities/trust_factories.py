"""Factories for charity trusts: charities of the register, trust companies' codes, filings.

A charity is made as the register holds one (an organisation flagged is_charity with a
`Charity` row), without the charity service, so that these tests stand alone.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Actor
from registry.authorities.models import RegistrationAuthority
from registry.charities.models import Charity, CharityStatus
from registry.charities.trusts import Establishment, Filed, TrustService
from registry.clock import Clock
from registry.organisations import uscc
from registry.organisations.models import Organisation
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration

_serial = itertools.count(1)
RECOGNISED_ON = date(2020, 1, 6)


def company_code(n: int | None = None) -> str:
    """A valid credit code issued by market regulation (a trust company's starts with 9)."""
    body = f"{next(_serial) if n is None else n:08d}"
    first17 = "91320000" + body + uscc.organisation_code_check(body)
    return first17 + uscc.check_character_18(first17)


def charity(
    session: Session,
    clock: Clock,
    status: CharityStatus | str = CharityStatus.RECOGNISED,
    **overrides: Any,
) -> Organisation:
    """An organisation registered (320102 unless overridden) and recognised as a charity on
    6 January 2020; `status` withdrawn or certificate_cancelled for one that lost it."""
    service = OrganisationService(session, clock)
    organisation = service.register(registration(**overrides))
    service.set_charity(organisation.uscc, RECOGNISED_ON, on=RECOGNISED_ON)
    session.add(
        Charity(
            organisation=organisation,
            status=CharityStatus(status),
            recognised_on=RECOGNISED_ON,
            updated_at=clock.now(),
            version=1,
        )
    )
    session.flush()
    return organisation


def organisation(session: Session, clock: Clock, **overrides: Any) -> Organisation:
    """A registered organisation that is not a charity."""
    return OrganisationService(session, clock).register(registration(**overrides))


def trust_company(name: str | None = None, code: str | None = None) -> dict[str, Any]:
    n = next(_serial)
    return {
        "kind": "trust_company",
        "uscc": code or company_code(n),
        "name": name or f"江苏第{n}信托有限责任公司",
    }


def charity_trustee(organisation: Organisation) -> dict[str, Any]:
    return {"kind": "charity_organisation", "uscc": organisation.uscc}


def person(name: str = "张明") -> dict[str, Any]:
    return {"kind": "person", "name": name}


def settlor_organisation(name: str | None = None, code: str | None = None) -> dict[str, Any]:
    n = next(_serial)
    return {
        "kind": "organisation",
        "name": name or f"南京第{n}实业有限公司",
        "uscc": code or company_code(n),
    }


def establishment(**overrides: Any) -> Establishment:
    """Signed on 10 June 2026 (filed today, 15 June, in time), one trust company trustee,
    one person settlor, ¥1,000,000 for poverty relief and education."""
    n = next(_serial)
    values: dict[str, Any] = {
        "name": f"江苏第{n}助学济困慈善信托",
        "signed_on": date(2026, 6, 10),
        "property_amount": Decimal("1000000"),
        "purpose": "资助困难家庭学生完成学业",
        "fields": ["poverty_relief", "education"],
        "trustees": [trust_company()],
        "settlors": [person()],
    }
    values.update(overrides)
    return Establishment(**values)


def file_trust(session: Session, clock: Clock, actor: Actor, **overrides: Any) -> Filed:
    return TrustService(session, clock).file(actor, establishment(**overrides))


def refused(excinfo: Any) -> dict[str, str]:
    """The field errors of a 422 the service raised."""
    assert excinfo.value.http_status == 422
    return excinfo.value.details["errors"]


def authority_name(session: Session, code: str) -> str:
    return session.scalar(
        select(RegistrationAuthority.name).where(RegistrationAuthority.code == code)
    )
