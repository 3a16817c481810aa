"""Ratings (社会组织评估管理办法): grades from score bands, the term, eligibility.

Pure functions of dates and facts. DOMAIN.md, "Rating": 1A–5A, valid 5 years; eligible
after 2 full years registered; not rated if it missed or failed last year's inspection,
had a basic pass two years running, was penalised last year, or is on a credit list.

"Last year's inspection" is that of the latest report year whose due date has passed by
the rating day (a rating in April judges the report due the previous May, not the one
due next month); "penalised last year" is a penalty decided in the calendar year before
the rating day's year (a penalty this year puts the organisation on a list, which refuses
it anyway).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from registry.credit.rules import add_years

#: (grade, lowest score), highest first; config.Settings.rating_bands overrides them
DEFAULT_BANDS: tuple[tuple[str, int], ...] = (
    ("5A", 900),
    ("4A", 800),
    ("3A", 700),
    ("2A", 600),
    ("1A", 500),
)
VALID_YEARS = 5
REGISTERED_YEARS = 2


def grade_for(
    score: Decimal | int | float, bands: Sequence[tuple[str, int]] = DEFAULT_BANDS
) -> str | None:
    """The grade of the highest band the score reaches; None below the lowest band."""
    for grade, lowest in sorted(bands, key=lambda band: band[1], reverse=True):
        if Decimal(str(score)) >= lowest:
            return grade
    return None


def valid_until(rated_on: date, years: int = VALID_YEARS) -> date:
    """The last day of the term: `years` after the rating, less a day."""
    return add_years(rated_on, years) - timedelta(days=1)


@dataclass(frozen=True)
class Inspection:
    """One report year's inspection as the rating sees it."""

    year: int
    obliged: bool
    filed: bool
    #: pass, basic_pass, fail, or None while not concluded
    conclusion: str | None = None


@dataclass(frozen=True)
class Facts:
    rated_on: date
    founded_on: date
    active: bool
    #: the inspections of the latest report year due by the rating day, and the year before
    last_inspection: Inspection | None
    previous_inspection: Inspection | None
    #: days of the organisation's penalties
    penalties: Iterable[date]
    #: the lists it is on on the rating day ("abnormal", "dishonest")
    lists: Iterable[str]


@dataclass(frozen=True)
class Refusal:
    rule: str
    reason: str


def refusals(facts: Facts) -> list[Refusal]:
    """Every rule that keeps the organisation from being rated; empty when eligible."""
    found: list[Refusal] = []
    if not facts.active:
        found.append(Refusal("active", "only an active organisation is rated"))
    eligible_from = add_years(facts.founded_on, REGISTERED_YEARS)
    if facts.rated_on < eligible_from:
        found.append(
            Refusal(
                "registered_two_years",
                f"an organisation is rated after {REGISTERED_YEARS} full years registered: "
                f"registered on {facts.founded_on.isoformat()}, eligible from "
                f"{eligible_from.isoformat()}",
            )
        )
    last, previous = facts.last_inspection, facts.previous_inspection
    if last is not None and last.obliged and not last.filed:
        found.append(
            Refusal(
                "missed_inspection",
                f"it missed last year's inspection: no annual report for {last.year}",
            )
        )
    if last is not None and last.conclusion == "fail":
        found.append(
            Refusal("failed_inspection", f"it failed last year's inspection ({last.year})")
        )
    if (
        last is not None
        and previous is not None
        and last.conclusion == "basic_pass"
        and previous.conclusion == "basic_pass"
    ):
        found.append(
            Refusal(
                "basic_pass_two_years",
                f"its inspections for {previous.year} and {last.year} were both basic passes",
            )
        )
    last_year = facts.rated_on.year - 1
    penalised = sorted(day for day in facts.penalties if day.year == last_year)
    if penalised:
        found.append(
            Refusal(
                "penalised_last_year",
                f"it was penalised last year ({', '.join(d.isoformat() for d in penalised)})",
            )
        )
    lists = sorted(set(facts.lists))
    if lists:
        names = {
            "abnormal": "the abnormal-activities list",
            "dishonest": "the serious-dishonesty list",
        }
        found.append(
            Refusal(
                "on_credit_list",
                f"it is on {' and '.join(names.get(n, n) for n in lists)}",
            )
        )
    return found


def current_rating(
    ratings: Iterable[tuple[str, date, date, date | None]], today: date
) -> tuple[str, date] | None:
    """(grade, valid_until) of the rating in force on `today`: the latest one rated by then,
    not withdrawn by then, its term not over. `ratings`: (grade, rated_on, valid_until,
    withdrawn_on)."""
    in_force = [
        (rated_on, grade, until)
        for grade, rated_on, until, withdrawn_on in ratings
        if rated_on <= today <= until and (withdrawn_on is None or withdrawn_on > today)
    ]
    if not in_force:
        return None
    _, grade, until = max(in_force)
    return grade, until
