"""The rules of inspections/rules.py as SQL conditions, for set-based jobs and statistics.

They must agree with the pure functions: tests compare them organisation by organisation.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, exists, literal, or_, select

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
