"""Counts of charities and charity trusts for /api/v1/stats, set-based: nationally, or
among the registration authorities within one division (by the authority's code, not the
domicile: a charity counts where it is registered, a trust where it was filed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import case, extract, func, select, true
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority as RA
from registry.charities.models import Charity as C
from registry.charities.models import CharityStatus, TrustStatus
from registry.charities.models import CharityTrust as T
from registry.organisations.models import Organisation as O
from registry.organisations.models import OrganisationStatus
from registry.organisations.stats import within


def _amount(value: Any) -> float:
    # Sums come back as Decimal (PostgreSQL) or float/int (SQLite); two decimals either way.
    return float(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def _authorities_within(prefix: str) -> Any:
    """The condition on RA for `prefix` ("" for the whole country: always true)."""
    condition = within(RA.code, prefix)
    return true() if condition is None else condition


def charity_stats(session: Session, prefix: str = "") -> dict[str, Any]:
    """Charities by authority: recognised charities of active organisations now, and how
    many of them hold the public-fundraising qualification; the authorities within
    `prefix` (division_prefix of a division) only, when given."""
    current = (C.status == CharityStatus.RECOGNISED) & (O.status == OrganisationStatus.ACTIVE)
    current = current & _authorities_within(prefix)
    rows = session.execute(
        select(
            RA.code,
            RA.name,
            func.count(),
            func.coalesce(func.sum(case((C.public_fundraising.is_(True), 1), else_=0)), 0),
        )
        .select_from(C)
        .join(O, C.organisation_id == O.id)
        .join(RA, O.authority_id == RA.id)
        .where(current)
        .group_by(RA.code, RA.name)
        .order_by(RA.code)
    ).all()
    return {
        "charities_by_authority": [
            {"authority_code": code, "name": name, "count": n, "public_fundraising": int(p)}
            for code, name, n, p in rows
        ],
    }


def trust_stats(session: Session, prefix: str = "") -> dict[str, Any]:
    """Charity trusts filed and their property now, by year of filing and by authority, and
    by both; terminated trusts included (they were filed), and counted apart too. With a
    `prefix`, the trusts filed with the authorities within it only."""
    authorities = _authorities_within(prefix)
    year = extract("year", T.filed_on)
    live = func.coalesce(func.sum(case((T.status != TrustStatus.TERMINATED, 1), else_=0)), 0)

    def grouped(*columns: Any) -> list[Any]:
        query = (
            select(*columns, func.count(), func.sum(T.property_amount), live)
            .select_from(T)
            .join(RA, T.authority_id == RA.id)
            .where(authorities)
            .group_by(*columns)
            .order_by(*columns)
        )
        return session.execute(query).all()

    count, total, in_force = session.execute(
        select(func.count(), func.sum(T.property_amount), live)
        .select_from(T)
        .join(RA, T.authority_id == RA.id)
        .where(authorities)
    ).one()
    return {
        "count": count or 0,
        "in_force": int(in_force or 0),
        "property_amount": _amount(total),
        "by_year": [
            {"year": int(y), "count": n, "property_amount": _amount(p), "in_force": int(f)}
            for y, n, p, f in grouped(year)
        ],
        "by_authority": [
            {
                "authority_code": code,
                "name": name,
                "count": n,
                "property_amount": _amount(p),
                "in_force": int(f),
            }
            for code, name, n, p, f in grouped(RA.code, RA.name)
        ],
        "by_year_and_authority": [
            {
                "year": int(y),
                "authority_code": code,
                "count": n,
                "property_amount": _amount(p),
                "in_force": int(f),
            }
            for y, code, n, p, f in grouped(year, RA.code)
        ],
    }
