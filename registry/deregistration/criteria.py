"""Detection's criteria (民发〔2021〕63号) as pure functions of an organisation's facts and a day.

queries.py states the same criteria in SQL for the set-based run; tests compare the two
organisation by organisation. Every criterion reads only facts dated on or before the day
of detection `on`, and each is a setting of DormantRules. Only active organisations are
candidates.

How the criteria are read here:

- MISSED_REPORTS: the N (`missed_reports`) most recent report years whose due date came
  before `on` (foundations and charities report earlier than the others, so the years
  depend on the organisation), the organisation was obliged to report for every one of
  them (inspections.rules.is_obliged: an agency registered from 1 July is exempt for its
  first year) and filed none of them by `on`, late or not.
- NO_ACTIVITY ("no activity within 1 year of registration"): registered at least
  `inactive_months` months before `on`; within the window from the founding day to
  founding day + `inactive_months` (both days included) it filed no annual report, made
  no change of registration (a change record of type `change`) and answered no contact
  attempt; and it has filed no annual report at all by `on`. An organisation quiet in its
  first year that reported later is not a candidate: its later report is the activity
  that counts.
- UNREACHABLE: two failed contact attempts (any method) whose days are between the low
  and the high `contact_gap_days` apart (both included), both on or before `on`, and no
  successful attempt from the earlier one's day to `on`. Of several such pairs the
  evidence names the latest: the pair with the latest second attempt (day, then id), and
  for it the latest first attempt (day, then id).
- LONG_ABNORMAL: on the abnormal-activities list on `on` by an entry entered more than
  `abnormal_months` months before it: the earliest entry open on `on` (day, then id) was
  entered before add_months(on, -M). An entry entered exactly M months before is not yet
  over M months. A rescinded entry was never a ground (credit.rules.Stay.counts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.credit.models import RemovalGround
from registry.deregistration.models import Criterion
from registry.deregistration.rules import DEFAULT_RULES, DormantRules, add_months
from registry.inspections.rules import DEFAULT_DUES, DueDates, is_obliged, latest_due_year
from registry.organisations.models import OrganisationKind, OrganisationStatus


@dataclass(frozen=True)
class Contact:
    """One attempt to reach the organisation (credit.models.ContactAttempt)."""

    id: int
    method: str
    attempted_on: date
    succeeded: bool
    reference: str | None = None

    @property
    def order(self) -> tuple[date, int]:
        return (self.attempted_on, self.id)


@dataclass(frozen=True)
class AbnormalEntry:
    """One stay on the abnormal-activities list (credit.models.CreditListEntry)."""

    id: int
    entered_on: date
    ground: str
    removed_on: date | None = None
    removal_ground: str | None = None

    def open_on(self, day: date) -> bool:
        return self.entered_on <= day and (self.removed_on is None or self.removed_on > day)

    @property
    def counts(self) -> bool:
        return self.removal_ground != RemovalGround.RESCINDED


@dataclass(frozen=True)
class OrganisationFacts:
    """What detection reads about one organisation."""

    kind: OrganisationKind | str
    is_charity: bool
    founded_on: date
    status: OrganisationStatus | str = OrganisationStatus.ACTIVE
    status_date: date | None = None
    #: report year → the day the report was submitted
    reports: Mapping[int, date] = field(default_factory=dict)
    #: the effective days of its changes of registration
    changes: tuple[date, ...] = ()
    contacts: tuple[Contact, ...] = ()
    #: its entries on the abnormal-activities list
    abnormal: tuple[AbnormalEntry, ...] = ()

    @property
    def active(self) -> bool:
        return OrganisationStatus(self.status) is OrganisationStatus.ACTIVE


@dataclass(frozen=True)
class Verdict:
    """The criteria one organisation meets on a day, each with its evidence (None: not met)."""

    missed_years: tuple[int, ...] | None = None
    inactive_until: date | None = None
    failed_contacts: tuple[Contact, Contact] | None = None
    abnormal_entry: AbnormalEntry | None = None

    @property
    def criteria(self) -> list[Criterion]:
        met = {
            Criterion.MISSED_REPORTS: self.missed_years is not None,
            Criterion.NO_ACTIVITY: self.inactive_until is not None,
            Criterion.UNREACHABLE: self.failed_contacts is not None,
            Criterion.LONG_ABNORMAL: self.abnormal_entry is not None,
        }
        return [c for c in Criterion if met[c]]


# -- the criteria ---------------------------------------------------------------------------


def report_years(
    on: date,
    kind: OrganisationKind | str,
    is_charity: bool,
    n: int,
    dues: DueDates = DEFAULT_DUES,
) -> tuple[int, ...]:
    """The `n` most recent report years whose due date came before `on`, ascending."""
    latest = latest_due_year(on - timedelta(days=1), kind, is_charity, dues)
    return tuple(range(latest - n + 1, latest + 1))


def missed_reports(
    facts: OrganisationFacts,
    on: date,
    rules: DormantRules = DEFAULT_RULES,
    dues: DueDates = DEFAULT_DUES,
) -> tuple[int, ...] | None:
    """The years missed, when the organisation missed the N most recent reports it owed."""
    if rules.missed_reports < 1:
        return None
    years = report_years(on, facts.kind, facts.is_charity, rules.missed_reports, dues)
    for year in years:
        obliged = is_obliged(
            year,
            kind=facts.kind,
            is_charity=facts.is_charity,
            founded_on=facts.founded_on,
            status=facts.status,
            status_date=facts.status_date,
            dues=dues,
        )
        submitted = facts.reports.get(year)
        if not obliged or (submitted is not None and submitted <= on):
            return None
    return years


def inactive_until(founded_on: date, rules: DormantRules = DEFAULT_RULES) -> date:
    """The last day of the window after registration in which something had to happen."""
    return add_months(founded_on, rules.inactive_months)


def no_activity(
    facts: OrganisationFacts, on: date, rules: DormantRules = DEFAULT_RULES
) -> date | None:
    """The end of the quiet window after registration, when nothing happened in it and no
    annual report came since."""
    until = inactive_until(facts.founded_on, rules)
    if until > on:
        return None
    if any(submitted <= on for submitted in facts.reports.values()):
        return None

    def within(day: date) -> bool:
        return facts.founded_on <= day <= until

    if any(within(day) for day in facts.changes):
        return None
    if any(c.succeeded and within(c.attempted_on) for c in facts.contacts):
        return None
    return until


def unreachable(
    facts: OrganisationFacts, on: date, rules: DormantRules = DEFAULT_RULES
) -> tuple[Contact, Contact] | None:
    """The latest pair of failed attempts the right number of days apart with no success
    since the first of them, as (earlier, later)."""
    low, high = rules.contact_gap_days
    known = [c for c in facts.contacts if c.attempted_on <= on]
    successes = [c.attempted_on for c in known if c.succeeded]
    last_success = max(successes) if successes else None
    failed = sorted((c for c in known if not c.succeeded), key=lambda c: c.order, reverse=True)
    for second in failed:
        for first in failed:
            if first.order >= second.order:
                continue
            gap = (second.attempted_on - first.attempted_on).days
            if low <= gap <= high and (last_success is None or last_success < first.attempted_on):
                return first, second
    return None


def long_abnormal(
    facts: OrganisationFacts, on: date, rules: DormantRules = DEFAULT_RULES
) -> AbnormalEntry | None:
    """The earliest entry open on `on`, when it was entered over M months before."""
    open_entries = [e for e in facts.abnormal if e.counts and e.open_on(on)]
    if not open_entries:
        return None
    earliest = min(open_entries, key=lambda e: (e.entered_on, e.id))
    if earliest.entered_on < add_months(on, -rules.abnormal_months):
        return earliest
    return None


def detect(
    facts: OrganisationFacts,
    on: date,
    rules: DormantRules = DEFAULT_RULES,
    dues: DueDates = DEFAULT_DUES,
) -> Verdict | None:
    """The criteria of `rules.criteria` the organisation meets on `on`, or None when it is
    not a candidate (meets none, or is no longer on the register)."""
    if not facts.active:
        return None
    applies = rules.criteria
    verdict = Verdict(
        missed_years=(
            missed_reports(facts, on, rules, dues) if Criterion.MISSED_REPORTS in applies else None
        ),
        inactive_until=no_activity(facts, on, rules) if Criterion.NO_ACTIVITY in applies else None,
        failed_contacts=unreachable(facts, on, rules) if Criterion.UNREACHABLE in applies else None,
        abnormal_entry=(
            long_abnormal(facts, on, rules) if Criterion.LONG_ABNORMAL in applies else None
        ),
    )
    return verdict if verdict.criteria else None


def missing_years_text(years: tuple[int, ...]) -> str:
    """DormantCandidate.missing_years: "2024,2025"."""
    return ",".join(str(y) for y in years)
