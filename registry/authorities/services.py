"""Registration authorities: one civil-affairs department per division that registers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.errors import NotFound

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
# Hong Kong, Macau and Taiwan have no mainland civil-affairs registration authority.
NO_AUTHORITY = frozenset({"710000", "810000", "820000"})


def authority_name(division: AdministrativeDivision) -> str:
    """The department's name as written: 民政部, 江苏省民政厅, 南京市民政局, 南京市玄武区民政局."""
    if division.level is DivisionLevel.NATIONAL:
        return "民政部"
    if division.level is DivisionLevel.PROVINCE:
        suffix = "民政局" if division.code in MUNICIPALITIES else "民政厅"
        return division.name + suffix
    parent = division.parent
    # A district's department carries its city's name (南京市玄武区民政局); counties and
    # county-level cities stand alone (会宁县民政局, 孟州市民政局).
    named_after_parent = (
        division.level is DivisionLevel.COUNTY
        and division.name.endswith("区")
        and parent is not None
        and (parent.level is DivisionLevel.PREFECTURE or parent.code in MUNICIPALITIES)
    )
    prefix = parent.name if named_after_parent and parent is not None else ""
    return f"{prefix}{division.name}民政局"


def load_authorities(session: Session) -> int:
    """One authority per current division (idempotent); parents follow the division tree."""
    existing = {a.code: a for a in session.scalars(select(RegistrationAuthority))}
    divisions = session.scalars(
        select(AdministrativeDivision)
        .where(AdministrativeDivision.abolished_on.is_(None))
        .order_by(AdministrativeDivision.code)
    ).all()
    order = [
        DivisionLevel.NATIONAL,
        DivisionLevel.PROVINCE,
        DivisionLevel.PREFECTURE,
        DivisionLevel.COUNTY,
    ]
    count = 0
    for level in order:
        for division in divisions:
            if division.level is not level or division.code[:2] + "0000" in NO_AUTHORITY:
                continue
            authority = existing.get(division.code)
            if authority is None:
                authority = RegistrationAuthority(code=division.code)
                session.add(authority)
                existing[division.code] = authority
            authority.name = authority_name(division)
            authority.level = division.level
            authority.division_code = division.code
            parent = existing.get(division.parent_code) if division.parent_code else None
            authority.parent = parent
            count += 1
        session.flush()
    return count


class AuthorityService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, code: str) -> RegistrationAuthority:
        authority = self.session.scalar(
            select(RegistrationAuthority).where(RegistrationAuthority.code == code)
        )
        if authority is None:
            raise NotFound(f"no registration authority with code {code}", code=code)
        return authority

    def list(self, level: DivisionLevel | None = None) -> list[RegistrationAuthority]:
        query = select(RegistrationAuthority).order_by(RegistrationAuthority.code)
        if level is not None:
            query = query.where(RegistrationAuthority.level == level)
        return list(self.session.scalars(query))
