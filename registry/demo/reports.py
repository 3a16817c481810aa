"""A seeded organisation's years before the officers: pure, row dicts out.

InspectionGenerator takes an organisation's registered facts and gives its history in the
officers' domains, the same for the same seed and day: the annual reports it filed for
each year it was obliged to (inspections/rules.py), on time, late or never, with varied
contents and their inspection; the correction orders, and the entries officers made when
one went unmet; its penalties; and, for a few, a rating to give once the credit lists are
known. demo/inspections.py loads it all; the credit job derives the automatic entries.

Habits, not dice per report: most organisations file every year, the older the more
regularly; a dormant one (僵尸型) stops filing from some year on and never files again, so
that missing reports gather where the register's campaigns find them, instead of every
organisation missing one year in eight.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from registry.credit import rules as credit_rules
from registry.credit.models import EntryGround, PenaltyKind, RemovalGround
from registry.credit.services import FIRST_REPORT_YEAR
from registry.demo.contents import Registered, ReportWriter
from registry.inspections.models import Conclusion, ReportStatus
from registry.inspections.rules import (
    DEFAULT_DUES,
    DueDates,
    due_date,
    is_obliged,
    latest_due_year,
)
from registry.organisations.models import OrganisationKind, OrganisationStatus
from registry.ratings import rules as rating_rules

K = OrganisationKind
C = Conclusion

#: 社会组织信用信息管理办法 in force: revocations since put the organisation on the
#: serious-dishonesty list
CREDIT_LISTS_FROM = date(2018, 1, 24)

#: habits: weight, share of reports filed on time, conclusion weights (pass, basic, fail),
#: odds of a penalty, odds of a rating
HABITS: dict[str, tuple[int, float, tuple[int, int, int], float, float]] = {
    "good": (75, 0.93, (93, 6, 1), 0.001, 0.05),
    "fair": (20, 0.82, (70, 20, 10), 0.006, 0.012),
    "poor": (5, 0.65, (45, 30, 25), 0.03, 0.0),
}
#: odds that an organisation falls dormant, by age: younger ones more often
DORMANT_ODDS = ((3, 0.40), (8, 0.24), (100, 0.12))
#: how a correction order ends: in time, late (after an entry for it), never
CORRECTION_OUTCOMES = (0.88, 0.98)
#: grade weights of the ratings given, best first (the bands decide the scores)
GRADE_WEIGHTS = (6, 20, 44, 20, 10)

# fmt: off
BASIC_PASS_REASONS = (
    "财务管理不规范", "内部管理制度不健全", "未按规定办理变更登记或备案",
    "年度工作报告填报不完整", "未按规定使用公益事业捐赠票据", "未按章程规定按期换届",
    "信息公开不及时、不完整", "未按规定召开理事会",
)
GROUP_BASIC_PASS_REASONS = ("未按规定召开会员（代表）大会", "会费标准未按规定程序制定")
FAIL_REASONS = (
    "年度内未开展业务活动", "超出章程规定的宗旨和业务范围开展活动",
    "财务收支严重违规，存在账外资金", "拒不接受或者不按照规定接受监督检查",
    "违反规定设立分支机构", "年度工作报告内容弄虚作假", "净资产低于规定的最低限额",
)
# fmt: on


@dataclass(frozen=True, slots=True)
class Filed:
    """A report as the rating's eligibility sees it."""

    submitted_on: date
    concluded_on: date | None
    conclusion: str | None


@dataclass(slots=True)
class RatingPlan:
    """A rating to give if the rules allow it on the day (judged after the credit run)."""

    organisation: Registered
    rated_on: date
    score: Decimal
    reports: dict[int, Filed]
    penalties: list[date]


@dataclass(slots=True)
class History:
    reports: list[dict[str, Any]] = field(default_factory=list)
    #: obliged years whose due date has passed, and the reports filed for them (on time
    #: or late): the participation rate
    obliged: int = 0
    filed: int = 0
    late: int = 0
    #: entries officers made (rectification not met, revocation), without ids
    entries: list[dict[str, Any]] = field(default_factory=list)
    #: (penalty row, the entry it caused): the loader gives ids and links them
    penalties: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    rating: RatingPlan | None = None


def _day(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


class InspectionGenerator:
    """The officers' records of seeded organisations; the same seed and day, the same rows."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        now: Any,
        dues: DueDates = DEFAULT_DUES,
        first_year: int = FIRST_REPORT_YEAR,
        bands: Sequence[tuple[str, int]] = rating_rules.DEFAULT_BANDS,
        max_score: int = 1000,
        authorities: Mapping[int, str] | None = None,
    ) -> None:
        self.seed, self.today, self.now = seed, today, now
        self.dues, self.first_year = dues, first_year
        self.bands = sorted(bands, key=lambda band: band[1], reverse=True)
        self.max_score = max_score
        self.authorities = authorities or {}
        self._habits = tuple(HABITS)
        self._habit_weights = tuple(h[0] for h in HABITS.values())

    def history(self, org: Registered) -> History:
        rng = random.Random(f"inspections:{self.seed}:{org.uscc}")
        habit = rng.choices(self._habits, self._habit_weights)[0]
        _, on_time, conclusions, penalty_odds, rating_odds = HABITS[habit]
        history = History()
        years = self._years(org)
        dormant_from = self._dormancy(rng, org, years)
        report = ReportWriter(rng, org, self.now)
        # (month, day) of its due dates, decided once: due_date() for each year costs
        due_on = due_date(self.today.year, org.kind, org.is_charity, self.dues)
        for year in years:
            due = date(year + 1, due_on.month, due_on.day)
            history.obliged += due < self.today
            if dormant_from is not None and year >= dormant_from:
                continue
            submitted = self._submitted(rng, year, due, on_time)
            if submitted > self.today:
                continue
            if org.status_date is not None and submitted >= org.status_date:
                continue  # it left the register before it got round to it
            row = report.row(year, submitted, report.finances(year, dormant_from), dormant_from)
            self._inspect(rng, org, row, due, conclusions, history)
            history.reports.append(row)
            history.filed += due < self.today
            history.late += submitted > due
        revoked = org.status is OrganisationStatus.REVOKED and org.status_date is not None
        if revoked and org.status_date >= CREDIT_LISTS_FROM:
            ground = EntryGround.REVOCATION
            detail = f"{credit_rules.DETAILS[ground]}（{org.status_reason}）"
            history.entries.append(self._entry(org, ground, detail, org.status_date))
        if org.status is OrganisationStatus.ACTIVE and rng.random() < penalty_odds:
            history.penalties = self._penalties(rng, org)
        active = dormant_from is None and org.status is OrganisationStatus.ACTIVE
        if active and rng.random() < rating_odds:
            history.rating = self._rating(rng, org, history)
        return history

    # -- filing -------------------------------------------------------------------------

    def _years(self, org: Registered) -> list[int]:
        """Obliged years from the first report year to the latest one due, and the year
        that ended but is not due yet (reports filed early)."""
        last = latest_due_year(self.today, org.kind, org.is_charity, self.dues)
        if last + 1 < self.today.year:
            last += 1
        facts = {
            "kind": org.kind,
            "is_charity": org.is_charity,
            "founded_on": org.founded_on,
            "status": org.status,
            "status_date": org.status_date,
            "dues": self.dues,
        }
        first = max(org.founded_on.year, self.first_year)
        return [year for year in range(first, last + 1) if is_obliged(year, **facts)]

    def _dormancy(self, rng: random.Random, org: Registered, years: list[int]) -> int | None:
        """The year from which the organisation files nothing more, or None."""
        if org.status is OrganisationStatus.REVOKED and org.status_date is not None:
            # Revoked after two years of missed inspections, usually.
            return org.status_date.year - 2 - (rng.random() < 0.3)
        if org.status is OrganisationStatus.DEREGISTERED or not years:
            return None
        age = (self.today - org.founded_on).days / 365.25
        odds = next(odds for below, odds in DORMANT_ODDS if age < below)
        if rng.random() >= odds:
            return None
        # Young organisations that go dormant mostly never file at all.
        return years[int(len(years) * rng.random() ** 2.5)]

    def _submitted(self, rng: random.Random, year: int, due: date, on_time: float) -> date:
        """On time, mostly in the last weeks before the due date; or late, by a few weeks
        to some months (an organisation that files at all files every year's report)."""
        if rng.random() < on_time:
            window = (due - date(year + 1, 1, 2)).days
            return due - timedelta(days=int(window * rng.random() ** 2))
        return due + timedelta(days=7 + int(230 * rng.random() ** 1.6))

    # -- the inspection -------------------------------------------------------------------

    def _inspect(
        self,
        rng: random.Random,
        org: Registered,
        row: dict[str, Any],
        due: date,
        weights: tuple[int, int, int],
        history: History,
    ) -> None:
        """Concluded some weeks after the due date (or a late report's arrival), if that
        day has come; a basic pass or a fail publishes its reasons and orders a correction."""
        submitted = row["submitted_on"]
        concluded = max(submitted, due) + timedelta(days=14 + int(240 * rng.random() ** 1.5))
        if concluded > self.today:
            return
        late = submitted > due  # late reports fare worse
        passes, basic, fail = weights
        roll = rng.random() * (passes + basic + fail)
        if roll < passes - 15 * late:
            conclusion = C.PASS
        elif roll < passes + basic - 5 * late:
            conclusion = C.BASIC_PASS
        else:
            conclusion = C.FAIL
        row.update(status=ReportStatus.CONCLUDED, conclusion=conclusion, concluded_on=concluded)
        if conclusion is C.PASS:
            if rng.random() < 0.2:
                row["review_notes"] = rng.choice(("材料齐全，符合要求", "经书面审查，无异常"))
            return
        if conclusion is C.BASIC_PASS:
            pool = BASIC_PASS_REASONS + (
                GROUP_BASIC_PASS_REASONS if org.kind is K.SOCIAL_GROUP else ()
            )
        else:
            pool = FAIL_REASONS
        reasons = "；".join(rng.sample(pool, 1 + (rng.random() < 0.3)))
        deadline = concluded + timedelta(days=rng.choice((30, 60, 90)))
        row.update(
            conclusion_reasons=reasons,
            correction_order=f"责令限期整改：{reasons}。请于{_day(deadline)}前完成整改并报送整改报告。",
            correction_deadline=deadline,
            review_notes=f"现场检查发现：{reasons}",
        )
        self._correction(rng, org, row, deadline, history)

    def _correction(
        self,
        rng: random.Random,
        org: Registered,
        row: dict[str, Any],
        deadline: date,
        history: History,
    ) -> None:
        roll = rng.random()
        in_time, late = CORRECTION_OUTCOMES
        if roll < in_time:
            corrected = row["concluded_on"] + timedelta(
                days=rng.randint(5, (deadline - row["concluded_on"]).days)
            )
            row["corrected_on"] = corrected if corrected <= self.today else None
            return
        corrected = deadline + timedelta(days=rng.randint(15, 200)) if roll < late else None
        if corrected is not None and corrected <= self.today:
            row["corrected_on"] = corrected
        entered = deadline + timedelta(days=rng.randint(3, 20))
        if entered > self.today or (corrected is not None and corrected <= entered):
            return
        removed = None
        if corrected is not None:
            # Off within 5 working days of the remedy.
            removed = corrected + timedelta(days=rng.randint(1, 5))
            if removed > self.today:
                removed = None
        history.entries.append(
            self._entry(
                org,
                EntryGround.RECTIFICATION_NOT_MET,
                f"{credit_rules.DETAILS[EntryGround.RECTIFICATION_NOT_MET]}"
                f"（{row['year']}年度检查）",
                entered,
                removed=removed,
                removal=RemovalGround.REMEDIED if removed else None,
            )
        )

    def _entry(
        self,
        org: Registered,
        ground: EntryGround,
        detail: str,
        entered: date,
        *,
        removed: date | None = None,
        removal: RemovalGround | None = None,
    ) -> dict[str, Any]:
        return {
            "organisation_id": org.id,
            "list_name": credit_rules.list_of(ground),
            "ground": ground,
            "detail": detail,
            "report_year": None,
            "penalty_id": None,
            "remedy_owed": credit_rules.remedy_owed(ground),
            "entered_on": entered,
            "removed_on": removed,
            "removal_ground": removal,
            "authority_id": org.authority_id,
            "entered_by_id": None,
            "removed_by_id": None,
            "recorded_at": self.now,
            "notes": None,
        }

    # -- penalties and ratings ----------------------------------------------------------

    def _penalties(
        self, rng: random.Random, org: Registered
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """One penalty, or two warnings within three years; a fine now and then."""
        earliest = max(org.founded_on + timedelta(days=180), credit_rules.add_years(self.today, -4))
        span = (self.today - earliest).days
        if span <= 0:
            return []
        first = earliest + timedelta(days=rng.randint(0, span))
        days = [first]
        if rng.random() < 0.15:
            second = first + timedelta(days=rng.randint(60, 700))
            if second <= self.today:
                days.append(second)
        region = self.authorities.get(org.authority_id, "")
        region = region.removesuffix("民政局").removesuffix("民政厅").removesuffix("民政部")
        made = []
        for serial, decided in enumerate(days):
            kind, amount = PenaltyKind.WARNING, None
            if rng.random() < 0.25:
                kind = PenaltyKind.FINE
                major = rng.random() < 0.2
                wan = rng.choice((5, 8, 10, 20) if major else (0.5, 1, 2, 3))
                amount = Decimal(int(wan * 10_000)).quantize(Decimal("0.01"))
            number = f"{region}民罚字〔{decided.year}〕{rng.randint(1, 40) + 40 * serial}号"
            outcome = credit_rules.penalty_ground(kind, amount, decided, days[:serial])
            penalty = {
                "organisation_id": org.id,
                "kind": kind,
                "amount": amount,
                "decided_on": decided,
                "document_no": number,
                "authority_id": org.authority_id,
                "recorded_by_id": None,
                "recorded_at": self.now,
            }
            detail = f"{credit_rules.DETAILS[outcome.ground]}（{number}）"
            made.append((penalty, self._entry(org, outcome.ground, detail, decided)))
        return made

    def _rating(self, rng: random.Random, org: Registered, history: History) -> RatingPlan | None:
        """A rating in an autumn of the last six years, once two years registered."""
        year = self.today.year - rng.randint(0, 6)
        rated = date(year, 9, 1) + timedelta(days=rng.randint(0, 110))
        if rated >= self.today:
            rated = credit_rules.add_years(rated, -1)
        if rated < credit_rules.add_years(org.founded_on, rating_rules.REGISTERED_YEARS):
            return None
        index = rng.choices(range(len(GRADE_WEIGHTS)), GRADE_WEIGHTS)[0]
        index = min(index, len(self.bands) - 1)
        low = self.bands[index][1]
        high = self.max_score if index == 0 else self.bands[index - 1][1]
        score = Decimal(f"{low + (high - low) * rng.random() * 0.999:.1f}")
        reports = {
            row["year"]: Filed(
                row["submitted_on"],
                row.get("concluded_on"),
                row["conclusion"].value if row.get("conclusion") else None,
            )
            for row in history.reports
        }
        penalties = [penalty["decided_on"] for penalty, _ in history.penalties]
        return RatingPlan(org, rated, score, reports, penalties)
