"""Community organisation filings (备案) with a county department or a street office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.authorities.services import AuthorityService
from registry.clock import Clock
from registry.community.models import CommunityOrganisation, FilingStatus
from registry.divisions.models import DivisionLevel
from registry.divisions.services import DivisionService
from registry.errors import DuplicateName, IllegalTransition, InvalidRecord, NotFound


@dataclass
class Filing:
    name: str
    authority_code: str
    division_code: str
    person_in_charge: str
    domicile: str
    activity_scope: str
    filed_on: date
    street_office: str | None = None


def filing_number(authority_code: str, year: int, serial: int) -> str:
    """社备 + county code + year + four-digit serial, as county departments number them."""
    return f"社备{authority_code}{year}{serial:04d}"


class CommunityService:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def file(self, filing: Filing) -> CommunityOrganisation:
        authority = AuthorityService(self.session).get(filing.authority_code)
        if authority.level is not DivisionLevel.COUNTY:
            raise InvalidRecord(
                "community organisations file with a county-level department or its street "
                f"offices; {authority.name} is {authority.level.value}-level"
            )
        division = DivisionService(self.session).get(filing.division_code)
        if not division.code.startswith(authority.code[:4]):
            raise InvalidRecord(f"{division.name} is outside {authority.name}'s territory")
        missing = [
            n
            for n in ("name", "person_in_charge", "domicile", "activity_scope")
            if not (getattr(filing, n) or "").strip()
        ]
        if missing:
            raise InvalidRecord(
                f"required: {', '.join(missing)}", errors={m: "required" for m in missing}
            )
        name = filing.name.strip()
        if self.session.scalar(
            select(CommunityOrganisation.id).where(
                CommunityOrganisation.authority_id == authority.id,
                CommunityOrganisation.name == name,
                CommunityOrganisation.status == FilingStatus.ACTIVE,
            )
        ):
            raise DuplicateName(f"{authority.name} already holds a filing named {name}", name=name)
        prefix = filing_number(authority.code, filing.filed_on.year, 0)[:-4]
        count = (
            self.session.scalar(
                select(func.count()).where(CommunityOrganisation.filing_number.startswith(prefix))
            )
            or 0
        )
        now = self.clock.now()
        record = CommunityOrganisation(
            filing_number=filing_number(authority.code, filing.filed_on.year, count + 1),
            name=name,
            authority=authority,
            street_office=(filing.street_office or "").strip() or None,
            division_code=division.code,
            person_in_charge=filing.person_in_charge.strip(),
            domicile=filing.domicile.strip(),
            activity_scope=filing.activity_scope.strip(),
            filed_on=filing.filed_on,
            status=FilingStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            version=1,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, number: str) -> CommunityOrganisation:
        record = self.session.scalar(
            select(CommunityOrganisation).where(CommunityOrganisation.filing_number == number)
        )
        if record is None:
            raise NotFound(f"no community organisation filing {number}", filing_number=number)
        return record

    def withdraw(self, number: str, *, on: date, reason: str) -> CommunityOrganisation:
        record = self.get(number)
        if record.status is FilingStatus.WITHDRAWN:
            raise IllegalTransition(
                f"filing {number} is already withdrawn", status="withdrawn", allowed=[]
            )
        if not (reason or "").strip():
            raise InvalidRecord("a reason is required to withdraw a filing")
        record.status = FilingStatus.WITHDRAWN
        record.status_date = on
        record.status_reason = reason.strip()
        record.updated_at = self.clock.now()
        record.version += 1
        self.session.flush()
        return record
