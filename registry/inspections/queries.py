"""The rules of inspections/rules.py as SQL conditions, for set-based jobs and statistics.

They must agree with the pure functions: tests compare them organisation by organisation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    exists,
    extract,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from registry.inspections.models import AnnualReport
from registry.inspections.rules import DEFAULT_DUES, DueDates, exemption_cutoff
from registry.organisations.models import Organisation as O
from registry.organisations.models import OrganisationKind as K
from registry.organisations.models import OrganisationStatus as S


def reports_early() -> ColumnElement[bool]:
    return or_(O.kind == K.FOUNDATION, O.is_charity.is_(True))


def due_date(year: int, dues: DueDates = DEFAULT_DUES) -> ColumnElement[date]:
    """Each organisation's due date for `year`."""
    early = date(year + 1, *dues.foundation)
    normal = date(year + 1, *dues.social)
    return case((reports_early(), literal(early)), else_=literal(normal))


def obliged(year: int, dues: DueDates = DEFAULT_DUES) -> ColumnElement[bool]:
    """Organisations that must report for `year` (rules.is_obliged)."""
    return and_(
        O.founded_on <= date(year, 12, 31),
        ~and_(O.kind == K.SOCIAL_SERVICE_AGENCY, O.founded_on > exemption_cutoff(year)),
        or_(O.status == S.ACTIVE, O.status_date > due_date(year, dues)),
    )


def filed(year: int) -> ColumnElement[bool]:
    """Organisations with a report for `year`, on time or late."""
    return exists(
        select(AnnualReport.id).where(
            AnnualReport.organisation_id == O.id, AnnualReport.year == year
        )
    )


def overdue(year: int, today: date, dues: DueDates = DEFAULT_DUES) -> ColumnElement[bool]:
    """Obliged, past the due date, and no report (rules.is_overdue)."""
    return and_(obliged(year, dues), due_date(year, dues) < today, ~filed(year))


# -- due dates of a year held in a column (every year at once: lists, files) --------------


class day_after_year(FunctionElement[date]):
    """The date (month, day) of the year after `year`, a column: make_date on PostgreSQL,
    date(printf(...)) on SQLite, where dates are ISO text."""

    type = Date()
    name = "day_after_year"
    inherit_cache = True


@compiles(day_after_year)
def _make_date(element: day_after_year, compiler: Any, **kw: Any) -> str:
    year, month, day = (compiler.process(c, **kw) for c in element.clauses)
    return f"make_date(CAST({year} AS INTEGER) + 1, {month}, {day})"


@compiles(day_after_year, "sqlite")
def _sqlite_date(element: day_after_year, compiler: Any, **kw: Any) -> str:
    year, month, day = (compiler.process(c, **kw) for c in element.clauses)
    return f"date(printf('%04d-%02d-%02d', {year} + 1, {month}, {day}))"


def report_due_on(year: ColumnElement[int], dues: DueDates = DEFAULT_DUES) -> ColumnElement[date]:
    """The due date of each row's report year for its organisation (rules.due_date)."""

    def day(month_day: tuple[int, int]) -> ColumnElement[date]:
        month, day_ = month_day
        return day_after_year(year, literal(month, Integer), literal(day_, Integer))

    return case((reports_early(), day(dues.foundation)), else_=day(dues.social))


def correction_overdue(today: date) -> ColumnElement[bool]:
    """Reports whose correction order's deadline passed uncorrected
    (rules.is_correction_overdue)."""
    return and_(
        AnnualReport.correction_deadline.is_not(None),
        AnnualReport.corrected_on.is_(None),
        AnnualReport.correction_deadline < today,
    )


def obliged_span(
    dues: DueDates = DEFAULT_DUES,
) -> tuple[ColumnElement[int], ColumnElement[int | None]]:
    """The first and the last year each organisation must report for (rules.is_obliged
    as a span): from its founding year, or the next one for an agency founded from 1 July
    on; to no end while active; for a removed one, to the last year whose due date came
    before its removal (before its founding year, or no year at all, when none did)."""
    founded_year = extract("year", O.founded_on)
    exempt_first = and_(O.kind == K.SOCIAL_SERVICE_AGENCY, extract("month", O.founded_on) > 6)
    first = founded_year + case((exempt_first, 1), else_=0)

    def removed_after_due(month_day: tuple[int, int]) -> ColumnElement[bool]:
        month, day = month_day
        removal_month = extract("month", O.status_date)
        return or_(
            removal_month > month,
            and_(removal_month == month, extract("day", O.status_date) > day),
        )

    after_due = case(
        (reports_early(), removed_after_due(dues.foundation)),
        else_=removed_after_due(dues.social),
    )
    removal_year = extract("year", O.status_date)
    last = case(
        (O.status == S.ACTIVE, null()),
        (O.status_date.is_(None), literal(-1)),  # removed on an unknown day: nothing owed
        (after_due, removal_year - 1),
        else_=removal_year - 2,
    )
    return first.label("first_year"), last.label("last_year")
