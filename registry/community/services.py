"""Community organisation filings (备案) with a county department or a street office."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.authorities.services import AuthorityService
from registry.clock import Clock
from registry.community.models import CommunityOrganisation, FilingStatus
from registry.community.public import community_record, community_record_from_row
from registry.divisions.models import DivisionLevel
from registry.divisions.services import DivisionService
from registry.errors import DuplicateName, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.organisations.listing import division_prefix


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
        self._publish(record, FeedOperation.CREATED)
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
        self._publish(record, FeedOperation.REMOVED)
        return record

    def _publish(self, record: CommunityOrganisation, operation: FeedOperation) -> None:
        FeedService(self.session).publish(
            "community-organisations",
            record.filing_number,
            record.version,
            operation,
            community_record(record),
            self.clock.now(),
        )


@dataclass(frozen=True)
class FilingFilter:
    authority: str | None = None
    division: str | None = None
    status: str | None = None
    filed_from: date | None = None
    filed_to: date | None = None


class CommunityListing:
    """Filings in bulk, in filing-number order: keyset-paged or streamed."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self, filters: FilingFilter) -> Any:
        C, RA = CommunityOrganisation, RegistrationAuthority
        query = select(
            *C.__table__.c, RA.code.label("authority_code"), RA.name.label("authority_name")
        ).join(RA, C.authority_id == RA.id)
        if filters.authority:
            query = query.where(RA.code == filters.authority)
        if filters.division:
            prefix = division_prefix(filters.division)
            if prefix:
                query = query.where(C.division_code.startswith(prefix, autoescape=True))
        if filters.status:
            query = query.where(C.status == filters.status)
        if filters.filed_from:
            query = query.where(C.filed_on >= filters.filed_from)
        if filters.filed_to:
            query = query.where(C.filed_on <= filters.filed_to)
        return query.order_by(C.filing_number)

    @staticmethod
    def _record(row: Any) -> dict[str, Any]:
        m = row._mapping
        return community_record_from_row(dict(m), m["authority_code"], m["authority_name"])

    def page(
        self, filters: FilingFilter, after: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None, datetime | None]:
        query = self._query(filters)
        if after:
            query = query.where(CommunityOrganisation.filing_number > after)
        rows = self.session.execute(query.limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1]._mapping["filing_number"] if more and rows else None
        modified = max((r._mapping["updated_at"] for r in rows), default=None)
        return [self._record(r) for r in rows], last, modified

    def stream(self, filters: FilingFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield self._record(row)
