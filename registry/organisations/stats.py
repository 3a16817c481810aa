"""Counts of the register, set-based."""

from __future__ import annotations

from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from registry.community.models import CommunityOrganisation
from registry.divisions.models import AdministrativeDivision
from registry.organisations.models import Organisation as O


def register_stats(session: Session) -> dict[str, Any]:
    def counts(*columns: Any) -> list[Any]:
        query = select(*columns, func.count()).group_by(*columns).order_by(*columns)
        return session.execute(query.select_from(O)).all()

    province = func.substr(O.domicile_division_code, 1, 2)
    year = extract("year", O.founded_on)
    names = dict(
        session.execute(
            select(
                func.substr(AdministrativeDivision.code, 1, 2), AdministrativeDivision.name
            ).where(AdministrativeDivision.level == "province")
        ).all()
    )
    total = session.scalar(select(func.count()).select_from(O)) or 0
    community = session.scalar(select(func.count()).select_from(CommunityOrganisation)) or 0
    return {
        "total": total,
        "community_organisations": community,
        "by_kind": {k.value: n for k, n in counts(O.kind)},
        "by_status": {s.value: n for s, n in counts(O.status)},
        "by_kind_and_status": [
            {"kind": k.value, "status": s.value, "count": n} for k, s, n in counts(O.kind, O.status)
        ],
        "by_province": [
            {"division_code": p + "0000", "name": names.get(p), "count": n}
            for p, n in counts(province)
        ],
        "by_founding_year": [{"year": int(y), "count": n} for y, n in counts(year)],
        "charities": session.scalar(select(func.count()).where(O.is_charity.is_(True))) or 0,
    }
