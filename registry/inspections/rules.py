"""Who must report for a year, by when, and the participation rate: pure functions.

DOMAIN.md, annual inspection: social groups and agencies report for year Y by 31 May of
Y+1, foundations and charities by 31 March of Y+1 (both configurable); an agency
registered less than 6 months before 31 December of Y is exempt for Y. An organisation
removed from the register on or before the due date owes nothing for that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from registry.organisations.models import OrganisationKind, OrganisationStatus

K = OrganisationKind


@dataclass(frozen=True)
class DueDates:
    """(month, day) of the year after the reported year."""

    social: tuple[int, int] = (5, 31)
    foundation: tuple[int, int] = (3, 31)

    @classmethod
    def from_settings(cls, settings: object) -> DueDates:
        return cls(
            social=getattr(settings, "report_due_social", cls.social),
            foundation=getattr(settings, "report_due_foundation", cls.foundation),
        )


DEFAULT_DUES = DueDates()


def reports_early(kind: OrganisationKind | str, is_charity: bool) -> bool:
    """Foundations and charities report by the earlier due date."""
    return K(kind) is K.FOUNDATION or bool(is_charity)


def due_date(
    year: int, kind: OrganisationKind | str, is_charity: bool, dues: DueDates = DEFAULT_DUES
) -> date:
    month, day = dues.foundation if reports_early(kind, is_charity) else dues.social
    return date(year + 1, month, day)


def exemption_cutoff(year: int) -> date:
    """The last founding day of `year` that still obliges an agency to report for it:
    registered on 1 July or later is less than 6 months before 31 December."""
    return date(year, 6, 30)


def is_exempt(kind: OrganisationKind | str, founded_on: date, year: int) -> bool:
    return K(kind) is K.SOCIAL_SERVICE_AGENCY and founded_on > exemption_cutoff(year)


def is_obliged(
    year: int,
    *,
    kind: OrganisationKind | str,
    is_charity: bool,
    founded_on: date,
    status: OrganisationStatus | str,
    status_date: date | None,
    dues: DueDates = DEFAULT_DUES,
) -> bool:
    """Whether the organisation must report for `year` (whatever today is)."""
    if founded_on > date(year, 12, 31) or is_exempt(kind, founded_on, year):
        return False
    if OrganisationStatus(status) is OrganisationStatus.ACTIVE:
        return True
    # Removed: obliged only if it was still on the register after the due date.
    due = due_date(year, kind, is_charity, dues)
    return status_date is not None and status_date > due


def is_overdue(due: date, today: date, submitted_on: date | None) -> bool:
    """No report by the end of the due date; a report filed later ends the overdue state."""
    return today > due and submitted_on is None


def is_late(submitted_on: date, due: date) -> bool:
    return submitted_on > due


def latest_due_year(
    today: date, kind: OrganisationKind | str, is_charity: bool, dues: DueDates = DEFAULT_DUES
) -> int:
    """The most recent year whose report was due on or before `today`."""
    year = today.year - 1
    while due_date(year, kind, is_charity, dues) > today:
        year -= 1
    return year


def participation_rate(filed: int, obliged: int) -> Decimal | None:
    """参检率 as a percentage with two decimals (Lianyungang: 79.29); None when nobody
    was obliged."""
    if obliged <= 0:
        return None
    rate = Decimal(filed) * 100 / Decimal(obliged)
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# -- the inspection of a report ---------------------------------------------------------

#: conclusions that publish their reasons and may carry a correction order
NEEDS_REASONS = frozenset({"basic_pass", "fail"})


def needs_reasons(conclusion: str) -> bool:
    """A basic pass or a fail says why; a pass needs no reasons."""
    return str(conclusion) in NEEDS_REASONS


def may_order_correction(conclusion: str | None) -> bool:
    """Only a basic pass or a fail is ordered to correct (责令整改)."""
    return conclusion is not None and str(conclusion) in NEEDS_REASONS


def next_steps(
    status: str,
    conclusion: str | None,
    correction_deadline: date | None,
    corrected_on: date | None,
) -> list[str]:
    """What may happen next to a report: the steps an IllegalTransition lists as allowed."""
    if str(status) == "submitted":
        return ["conclude"]
    if not may_order_correction(conclusion):
        return []
    if correction_deadline is None:
        return ["order_correction"]
    if corrected_on is None:
        return ["record_correction"]
    return []


def is_correction_overdue(
    correction_deadline: date | None, corrected_on: date | None, today: date
) -> bool:
    """A correction order whose deadline has passed with no correction recorded: the
    deadline day itself is still in time."""
    return correction_deadline is not None and corrected_on is None and today > correction_deadline
