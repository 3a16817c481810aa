"""Reading organisations in bulk: filtered, sorted, keyset-paged or streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.organisations.models import Organisation
from registry.organisations.public import organisation_record_from_row

O = Organisation  # noqa: E741  (short names keep the queries readable)
RA = RegistrationAuthority

#: sort name → column; a leading "-" sorts newest or last first
SORTS: dict[str, Any] = {
    "uscc": O.uscc,
    "name": O.name,
    "founded_on": O.founded_on,
    "updated_at": O.updated_at,
}
SORT_CHOICES = sorted([*SORTS, *(f"-{s}" for s in SORTS)])
SORT_TYPES = {
    "uscc": str,
    "name": str,
    "founded_on": date.fromisoformat,
    "updated_at": datetime.fromisoformat,
}


def division_prefix(code: str) -> str:
    """A division code as the prefix its territory's codes share (320000 → 32, 320100 → 3201)."""
    if code == "100000":
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@dataclass(frozen=True)
class OrganisationFilter:
    kind: str | None = None
    status: str | None = None
    division: str | None = None
    authority: str | None = None
    founded_from: date | None = None
    founded_to: date | None = None
    updated_since: datetime | None = None
    charity: bool | None = None


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    #: (sort value, id) of the last row, when another page may follow
    last: tuple[Any, int] | None
    last_modified: datetime | None


def _columns() -> list[Any]:
    return [*O.__table__.c, RA.code.label("authority_code"), RA.name.label("authority_name")]


def _query(filters: OrganisationFilter) -> Select[Any]:
    query = select(*_columns()).join(RA, O.authority_id == RA.id)
    if filters.kind:
        query = query.where(O.kind == filters.kind)
    if filters.status:
        query = query.where(O.status == filters.status)
    if filters.division:
        prefix = division_prefix(filters.division)
        if prefix:
            query = query.where(O.domicile_division_code.startswith(prefix, autoescape=True))
    if filters.authority:
        query = query.where(RA.code == filters.authority)
    if filters.founded_from:
        query = query.where(O.founded_on >= filters.founded_from)
    if filters.founded_to:
        query = query.where(O.founded_on <= filters.founded_to)
    if filters.updated_since:
        query = query.where(O.updated_at >= filters.updated_since)
    if filters.charity is not None:
        query = query.where(O.is_charity.is_(filters.charity))
    return query


def _record(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return organisation_record_from_row(
        dict(mapping), mapping["authority_code"], mapping["authority_name"]
    )


class OrganisationListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        filters: OrganisationFilter,
        sort: str = "uscc",
        after: tuple[Any, int] | None = None,
        limit: int = 100,
    ) -> Page:
        descending = sort.startswith("-")
        column = SORTS[sort.lstrip("-")]
        query = _query(filters)
        if after is not None:
            value, last_id = after
            if descending:
                query = query.where(or_(column < value, and_(column == value, O.id < last_id)))
            else:
                query = query.where(or_(column > value, and_(column == value, O.id > last_id)))
        order = (column.desc(), O.id.desc()) if descending else (column, O.id)
        rows = self.session.execute(query.order_by(*order).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [_record(r) for r in rows]
        last = None
        if more and rows:
            tail = rows[-1]._mapping
            last = (tail[column.key], tail["id"])
        modified = max((r._mapping["updated_at"] for r in rows), default=None)
        return Page(records, last, modified)

    def stream(self, filters: OrganisationFilter, sort: str = "uscc") -> Iterator[dict[str, Any]]:
        """Every matching record, fetched in batches: memory stays flat however many match."""
        descending = sort.startswith("-")
        column = SORTS[sort.lstrip("-")]
        order = (column.desc(), O.id.desc()) if descending else (column, O.id)
        result = self.session.execute(
            _query(filters).order_by(*order).execution_options(yield_per=1000)
        )
        for row in result:
            yield _record(row)
