"""The few reads the portal needs that the domain listings do not offer yet: counts for the
home page, division names for facets, and records by credit code in a given order (the
search results' download)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.charities.models import CharityTrust
from registry.deregistration.models import PublicNotice
from registry.divisions.models import AdministrativeDivision
from registry.organisations.models import Organisation
from registry.organisations.public import organisation_record_from_row


def headline_counts(session: Session, today: date) -> dict[str, int]:
    """Organisations on the register, charities, charity trusts filed, notices running."""

    def count(query: Any) -> int:
        return session.scalar(query) or 0

    return {
        "organisations": count(select(func.count()).select_from(Organisation)),
        "charities": count(select(func.count()).where(Organisation.is_charity.is_(True))),
        "charity_trusts": count(select(func.count()).select_from(CharityTrust)),
        "current_notices": count(
            select(func.count()).select_from(PublicNotice).where(PublicNotice.ends_on >= today)
        ),
    }


def division_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    rows = session.execute(
        select(AdministrativeDivision.code, AdministrativeDivision.name).where(
            AdministrativeDivision.code.in_(wanted)
        )
    )
    return dict(rows.tuples().all())


def organisation_records(session: Session, usccs: list[str]) -> list[dict[str, Any]]:
    """The public records of `usccs`, in that order (codes not on the register left out).
    Rows, not objects: a long download leaves nothing behind in the session."""
    ra = RegistrationAuthority
    rows = session.execute(
        select(*Organisation.__table__.c, ra.code.label("_code"), ra.name.label("_name"))
        .join(ra, Organisation.authority_id == ra.id)
        .where(Organisation.uscc.in_(usccs))
    )
    found = {}
    for row in rows:
        values = dict(row._mapping)
        found[values["uscc"]] = organisation_record_from_row(
            values, values["_code"], values["_name"]
        )
    return [found[code] for code in usccs if code in found]


def records_in_batches(session: Session, batches: Iterable[list[str]]) -> Iterator[dict[str, Any]]:
    for usccs in batches:
        yield from organisation_records(session, usccs)
