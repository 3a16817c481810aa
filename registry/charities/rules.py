"""Pure rules of charities and charity trusts: deadlines, eligibility, lateness.

Nothing here touches the database or the clock. Every period is configurable
(CharityRules.from_settings); working days follow the State Council's holiday calendar,
weekend make-up working days included, as the `holidays` package keeps it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from registry.inspections.rules import DEFAULT_DUES, DueDates, latest_due_year


@dataclass(frozen=True)
class CharityRules:
    #: days within which the authority decides on an application (慈善法 第十条)
    recognition_days: int = 20
    #: years registered before a charity may hold the public-fundraising qualification
    qualification_years: int = 1
    #: working days before its start that a fundraising plan is filed
    plan_working_days: int = 5
    #: days after signing, a change or a termination within which a trust is filed
    trust_filing_days: int = 7
    #: consecutive years without charitable activity that flag a charity (慈善法 第十七条)
    inactive_years: int = 2

    @classmethod
    def from_settings(cls, settings: Any) -> CharityRules:
        return cls(
            recognition_days=getattr(settings, "charity_recognition_days", 20),
            qualification_years=getattr(settings, "charity_qualification_years", 1),
            plan_working_days=getattr(settings, "fundraising_plan_working_days", 5),
            trust_filing_days=getattr(settings, "trust_filing_days", 7),
            inactive_years=getattr(settings, "charity_inactive_years", 2),
        )


DEFAULT_RULES = CharityRules()


# -- recognition -----------------------------------------------------------------------


def decision_due_on(applied_on: date, rules: CharityRules = DEFAULT_RULES) -> date:
    """The last day for the decision on an application."""
    return applied_on + timedelta(days=rules.recognition_days)


def decision_late(
    applied_on: date, decided_on: date | None, today: date, rules: CharityRules = DEFAULT_RULES
) -> bool:
    """Whether the decision came (or, still pending, is) past its limit."""
    return (decided_on or today) > decision_due_on(applied_on, rules)


# -- public-fundraising qualification ----------------------------------------------------


def add_years(day: date, years: int) -> date:
    """`day` plus `years`; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def qualification_eligible_on(founded_on: date, rules: CharityRules = DEFAULT_RULES) -> date:
    """The first day a charity may hold the qualification: registered for a full year
    (依法登记满一年)."""
    return add_years(founded_on, rules.qualification_years)


def qualification_refusal(
    founded_on: date,
    is_charity: bool,
    holds_one: bool,
    granted_on: date,
    rules: CharityRules = DEFAULT_RULES,
) -> str | None:
    """Why the qualification cannot be granted on `granted_on`, or None."""
    if not is_charity:
        return "only a recognised charity may hold the public-fundraising qualification"
    if holds_one:
        return "the charity already holds the public-fundraising qualification"
    eligible = qualification_eligible_on(founded_on, rules)
    if granted_on < eligible:
        return (
            f"registered on {founded_on.isoformat()}: eligible for the public-fundraising "
            f"qualification from {eligible.isoformat()} ({rules.qualification_years} year "
            "after registration)"
        )
    return None


# -- working days ------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _calendar(year: int) -> Any:
    import holidays

    return holidays.China(years=year)


def is_working_day(day: date) -> bool:
    """A working day of the mainland's calendar: weekdays other than public holidays,
    and the weekends the State Council makes working days (调休)."""
    return bool(_calendar(day.year).is_working_day(day))


def working_days_between(
    start: date, end: date, working: Callable[[date], bool] = is_working_day
) -> int:
    """Working days d with start <= d < end (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        count += working(day)
        day += timedelta(days=1)
    return count


def latest_plan_filing_day(
    starts_on: date,
    rules: CharityRules = DEFAULT_RULES,
    working: Callable[[date], bool] = is_working_day,
) -> date:
    """The last day a plan starting on `starts_on` is filed in time: `plan_working_days`
    working days back from its first day."""
    day, counted = starts_on, 0
    while counted < rules.plan_working_days:
        day -= timedelta(days=1)
        counted += working(day)
    return day


def plan_filed_late(
    filed_on: date,
    starts_on: date,
    rules: CharityRules = DEFAULT_RULES,
    working: Callable[[date], bool] = is_working_day,
) -> bool:
    return working_days_between(filed_on, starts_on, working) < rules.plan_working_days


# -- charity trusts ----------------------------------------------------------------------


def trust_filing_due_on(event_on: date, rules: CharityRules = DEFAULT_RULES) -> date:
    """The last day to file a trust signed, changed or terminated on `event_on`."""
    return event_on + timedelta(days=rules.trust_filing_days)


def trust_filed_late(event_on: date, filed_on: date, rules: CharityRules = DEFAULT_RULES) -> bool:
    return filed_on > trust_filing_due_on(event_on, rules)


def record_number(authority_code: str, year: int, serial: int) -> str:
    """A trust's filing number: authority code, year of filing, five-digit serial."""
    return f"{authority_code}{year}{serial:05d}"


# -- charitable activity -------------------------------------------------------------------


def inactivity_years(
    today: date,
    recognised_on: date,
    dues: DueDates = DEFAULT_DUES,
    rules: CharityRules = DEFAULT_RULES,
) -> list[int]:
    """The years a charity's flag looks at on `today`: the `inactive_years` most recent
    years whose annual report (due by the foundations' date) is due, oldest first; none
    when the charity was recognised in a later year than the first of them (a charity
    recognised during that year is looked at from it)."""
    last = latest_due_year(today, "foundation", True, dues)
    years = list(range(last - rules.inactive_years + 1, last + 1))
    return years if years[0] >= recognised_on.year else []


def report_shows_activity(activities: str | None, grants_made: Any) -> bool:
    """Whether an annual report records charitable activity: an activity listed, or
    grants made."""
    try:
        listed = bool(json.loads(activities or "[]"))
    except ValueError:
        listed = bool((activities or "").strip())
    return listed or bool(grants_made and grants_made > 0)
