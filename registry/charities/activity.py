"""Whether one charity has shown no charitable activity for the years the rule looks at
(慈善法: no charitable activity for 2 consecutive years). listing.py computes the same flag
in its queries for many charities at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.charities import rules as charity_rules
from registry.charities.rules import CharityRules
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates


def no_activity_years(
    session: Session,
    organisation_id: int,
    recognised_on: date,
    today: date,
    dues: DueDates,
    rules: CharityRules,
) -> list[int]:
    """The years looked at (rules.inactivity_years), oldest first, when not one of them
    has an annual report recording charitable activity: a missing report counts as none.
    Otherwise, or when the charity is too recent for the rule, []."""
    years = charity_rules.inactivity_years(today, recognised_on, dues, rules)
    if not years:
        return []
    reports = session.execute(
        select(AnnualReport.activities, AnnualReport.grants_made).where(
            AnnualReport.organisation_id == organisation_id,
            AnnualReport.year.in_(years),
        )
    ).all()
    if any(charity_rules.report_shows_activity(r.activities, r.grants_made) for r in reports):
        return []
    return years
