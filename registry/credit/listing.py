"""Reading the credit-list entries in bulk: filtered, keyset-paged by id, or streamed.

One query shape serves the API, its CSV / JSON Lines streams and the bulk files: the
columns are labelled with the public field names, in field order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.credit.models import CreditListEntry
from registry.credit.public import ENTRY_FIELDS, entry_record_from_row
from registry.organisations.models import Organisation

E = CreditListEntry
O = Organisation  # noqa: E741
RA = RegistrationAuthority


def entry_rows() -> Select[Any]:
    """Every entry, its columns named and ordered as ENTRY_FIELDS, oldest first."""
    columns = {
        "id": E.id,
        "uscc": O.uscc,
        "name": O.name,
        "list": E.list_name,
        "ground": E.ground,
        "detail": E.detail,
        "report_year": E.report_year,
        "entered_on": E.entered_on,
        "removed_on": E.removed_on,
        "removal_ground": E.removal_ground,
        "authority_code": RA.code,
    }
    return (
        select(*(columns[spec.name].label(spec.name) for spec in ENTRY_FIELDS))
        .join_from(E, O, E.organisation_id == O.id)
        .join(RA, E.authority_id == RA.id)
        .order_by(E.id)
    )


@dataclass(frozen=True)
class EntryFilter:
    list: str | None = None
    #: True: still on the list; False: removed; None: both
    current: bool | None = None
    uscc: str | None = None
    authority: str | None = None
    ground: str | None = None
    entered_from: date | None = None
    entered_to: date | None = None


def _query(filters: EntryFilter) -> Select[Any]:
    query = entry_rows()
    if filters.list:
        query = query.where(E.list_name == filters.list)
    if filters.current is True:
        query = query.where(E.removed_on.is_(None))
    elif filters.current is False:
        query = query.where(E.removed_on.is_not(None))
    if filters.uscc:
        query = query.where(O.uscc == filters.uscc.strip().upper())
    if filters.authority:
        query = query.where(RA.code == filters.authority)
    if filters.ground:
        query = query.where(E.ground == filters.ground)
    if filters.entered_from:
        query = query.where(E.entered_on >= filters.entered_from)
    if filters.entered_to:
        query = query.where(E.entered_on <= filters.entered_to)
    return query


class EntryListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self, filters: EntryFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        """A page of records, and the id to continue after when more may follow."""
        rows = self.session.execute(_query(filters).where(E.id > after).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [entry_record_from_row(dict(row._mapping)) for row in rows]
        return records, (rows[-1].id if more and rows else None)

    def stream(self, filters: EntryFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(_query(filters).execution_options(yield_per=1000))
        for row in result:
            yield entry_record_from_row(dict(row._mapping))
