"""The public inspection records in bulk: one query, labelled with the public field names,
serving the API's pages and streams and the bulk dataset alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority as RA
from registry.inspections.models import AnnualReport as AR
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.queries import report_due_on
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.listing import division_prefix
from registry.organisations.models import Organisation as O
from registry.public import public_record


def inspection_columns(dues: DueDates = DEFAULT_DUES) -> list[ColumnElement[Any]]:
    """One column per public field, in field order, labelled with its name."""
    due = report_due_on(AR.year, dues)
    columns: dict[str, ColumnElement[Any]] = {
        "uscc": O.uscc,
        "name": O.name,
        "year": AR.year,
        "registration_authority_code": RA.code,
        "submitted_on": AR.submitted_on,
        "due_on": due,
        "late": AR.submitted_on > due,
        "conclusion": AR.conclusion,
        "conclusion_reasons": AR.conclusion_reasons,
        "concluded_on": AR.concluded_on,
        "correction_deadline": AR.correction_deadline,
        "corrected_on": AR.corrected_on,
    }
    return [columns[spec.name].label(spec.name) for spec in INSPECTION_FIELDS]


def inspection_query(dues: DueDates = DEFAULT_DUES, *, with_id: bool = False) -> Select[Any]:
    """Every report's public record, in report order."""
    columns = inspection_columns(dues)
    if with_id:
        columns.append(AR.id.label("report_id"))
    return (
        select(*columns)
        .join_from(AR, O, AR.organisation_id == O.id)
        .join(RA, O.authority_id == RA.id)
        .order_by(AR.id)
    )


@dataclass(frozen=True)
class InspectionFilter:
    year: int | None = None
    #: registered with this authority (its code)
    authority: str | None = None
    #: the organisation's domicile within this division, at any level
    division: str | None = None
    conclusion: str | None = None
    uscc: str | None = None


def _filtered(filters: InspectionFilter, dues: DueDates) -> Select[Any]:
    query = inspection_query(dues, with_id=True)
    if filters.year is not None:
        query = query.where(AR.year == filters.year)
    if filters.authority:
        query = query.where(RA.code == filters.authority)
    if filters.division:
        prefix = division_prefix(filters.division)
        if prefix:
            query = query.where(O.domicile_division_code.startswith(prefix, autoescape=True))
    if filters.conclusion:
        query = query.where(AR.conclusion == filters.conclusion)
    if filters.uscc:
        query = query.where(O.uscc == filters.uscc.strip().upper())
    return query


def _record(row: Any) -> dict[str, Any]:
    return public_record(INSPECTION_FIELDS, row._mapping)


class InspectionListing:
    def __init__(self, session: Session, dues: DueDates = DEFAULT_DUES) -> None:
        self.session = session
        self.dues = dues

    def page(
        self, filters: InspectionFilter, after_id: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        """A page of records in report order, and the last report's id when more follow."""
        query = _filtered(filters, self.dues).where(AR.id > after_id).limit(limit + 1)
        rows = self.session.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1]._mapping["report_id"] if more and rows else None
        return [_record(row) for row in rows], last

    def stream(self, filters: InspectionFilter) -> Iterator[dict[str, Any]]:
        """Every matching record, fetched in batches: memory stays flat."""
        result = self.session.execute(
            _filtered(filters, self.dues).execution_options(yield_per=1000)
        )
        for row in result:
            yield _record(row)
