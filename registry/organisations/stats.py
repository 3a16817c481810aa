"""Counts of the register, set-based: nationally, or within one division of the GB/T 2260
tree by the organisations' domicile."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, case, extract, func, select
from sqlalchemy.orm import Session

from registry.community.models import CommunityOrganisation
from registry.divisions.models import AdministrativeDivision as AD
from registry.errors import NotFound
from registry.organisations.listing import division_prefix
from registry.organisations.models import Organisation as O
from registry.organisations.models import OrganisationKind


def within(column: Any, prefix: str) -> ColumnElement[bool] | None:
    """`column` (a six-digit division code) lies within the territory of `prefix`, as a
    range rather than LIKE, so that a B-tree index serves it under any collation; None for
    the empty prefix (the whole country), when there is nothing to filter."""
    if not prefix:
        return None
    return column.between(prefix.ljust(6, "0"), prefix.ljust(6, "9"))


def _where(query: Any, column: Any, prefix: str) -> Any:
    condition = within(column, prefix)
    return query if condition is None else query.where(condition)


def register_stats(session: Session, prefix: str = "") -> dict[str, Any]:
    """Counts by kind, status, province and founding year of the organisations whose
    domicile lies within `prefix` (division_prefix of a code; "" for the country).

    Four scans of the register: the total, the kinds, the statuses and the charities all
    come from the one GROUP BY kind and status."""

    def counts(*columns: Any, extra: tuple[Any, ...] = ()) -> list[Any]:
        query = select(*columns, func.count(), *extra).select_from(O)
        query = _where(query, O.domicile_division_code, prefix)
        return session.execute(query.group_by(*columns).order_by(*columns)).all()

    province = func.substr(O.domicile_division_code, 1, 2)
    year = extract("year", O.founded_on)
    names = dict(
        session.execute(
            select(func.substr(AD.code, 1, 2), AD.name).where(AD.level == "province")
        ).all()
    )
    charity = func.coalesce(func.sum(case((O.is_charity.is_(True), 1), else_=0)), 0)
    by_kind_and_status = counts(O.kind, O.status, extra=(charity,))
    by_kind: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    for kind, status, n, _ in by_kind_and_status:  # ordered by kind, then status
        by_kind[kind.value] += n
        by_status[status.value] += n
    community = _where(
        select(func.count()).select_from(CommunityOrganisation),
        CommunityOrganisation.division_code,
        prefix,
    )
    return {
        "total": sum(by_kind.values()),
        "community_organisations": session.scalar(community) or 0,
        "by_kind": dict(by_kind),
        "by_status": dict(sorted(by_status.items())),
        "by_kind_and_status": [
            {"kind": k.value, "status": s.value, "count": n} for k, s, n, _ in by_kind_and_status
        ],
        "by_province": [
            {"division_code": p + "0000", "name": names.get(p), "count": n}
            for p, n in counts(province)
        ],
        "by_founding_year": [{"year": int(y), "count": n} for y, n in counts(year)],
        "charities": sum(int(c) for *_, c in by_kind_and_status),
    }


def _no_kinds() -> dict[str, int]:
    return {kind.value: 0 for kind in OrganisationKind}


def subdivision_stats(session: Session, code: str) -> dict[str, Any]:
    """The division `code` (which must be in the table), and the organisations whose
    domicile lies within it counted by the divisions one level down, by kind: the
    provinces of the country, the prefectures (and province-administered counties) of a
    province, the counties of a prefecture; none for a county.

    One GROUP BY: by province nationally, by the full domicile code within a province or
    prefecture (a few thousand rows at most), rolled up to the subdivisions here. A
    subdivision abolished since is listed only while organisations are still domiciled in
    it; organisations domiciled at the division's own code fall in `at_division_level`."""
    division = session.get(AD, code)
    if division is None:
        raise NotFound(f"no administrative division with code {code}", code=code)
    prefix = division_prefix(code)
    children = list(session.scalars(select(AD).where(AD.parent_code == code).order_by(AD.code)))
    child_of = {division_prefix(child.code): child for child in children}
    counts: dict[str, dict[str, int]] = {child.code: _no_kinds() for child in children}
    own = _no_kinds()
    key = O.domicile_division_code if prefix else func.substr(O.domicile_division_code, 1, 2)
    query = select(key, O.kind, func.count()).select_from(O)
    query = _where(query, O.domicile_division_code, prefix).group_by(key, O.kind)
    for domicile, kind, n in session.execute(query):
        # the longest prefix first: a province's own counties sit beside its prefectures
        child = next(
            (child_of[p] for p in (domicile, domicile[:4], domicile[:2]) if p in child_of), None
        )
        target = counts[child.code] if child is not None else own
        target[kind.value] += n
    rows = [
        {
            "division_code": child.code,
            "name": child.name,
            "level": child.level.value,
            "abolished_on": child.abolished_on.isoformat() if child.abolished_on else None,
            "count": sum(counts[child.code].values()),
            "by_kind": counts[child.code],
        }
        for child in children
        if child.abolished_on is None or any(counts[child.code].values())
    ]
    return {
        "division_code": division.code,
        "division_name": division.name,
        "division_level": division.level.value,
        "by_subdivision": rows,
        "at_division_level": {"count": sum(own.values()), "by_kind": own},
    }
