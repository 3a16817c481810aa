"""The daily credit run, step by step, every step one set-based statement.

No step loops over organisations in Python: each is an INSERT … SELECT or an
UPDATE … FROM (SQLite 3.33+ and PostgreSQL both have it) over the whole register, with
the dates rules.py gives (queries.py states them in SQL). Steps run in an order that makes
one late run equal to many daily ones: entries first, then what removes them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from registry.credit import queries
from registry.credit.models import CreditList, CreditListEntry, EntryGround, RemovalGround
from registry.credit.rules import DETAILS, report_detail, report_entry_day
from registry.inspections import queries as inspections
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates
from registry.organisations.models import Organisation
from registry.organisations.publication import queue_ids

E = CreditListEntry
O = Organisation  # noqa: E741
L = CreditList
G = EntryGround
R = RemovalGround
#: an escalation found in a late run asks again (one more stay may follow it); real
#: registers need one or two rounds
MAX_ESCALATION_ROUNDS = 20

_ENTRY_COLUMNS = [
    E.organisation_id,
    E.list_name,
    E.ground,
    E.detail,
    E.report_year,
    E.remedy_owed,
    E.entered_on,
    E.authority_id,
    E.recorded_at,
]


@dataclass
class RunSummary:
    """What one run changed: entries by ground, removals by ground, flags, ratings."""

    on: date
    entered: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    put_on_abnormal: int = 0
    taken_off_abnormal: int = 0
    put_on_dishonest: int = 0
    taken_off_dishonest: int = 0
    ratings_expired: int = 0
    #: organisations queued for publication (their record changed)
    queued: int = 0
    #: seconds each step took, for the CLI and the benchmark (not audited)
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def changed(self) -> bool:
        return bool(sum(self.entered.values()) or sum(self.removed.values()) or self.queued)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["on"] = self.on.isoformat()
        del values["timings"]
        return values

    def lines(self) -> list[str]:
        entered = ", ".join(f"{k} {v}" for k, v in self.entered.items() if v) or "none"
        removed = ", ".join(f"{k} {v}" for k, v in self.removed.items() if v) or "none"
        return [
            f"credit run for {self.on.isoformat()}",
            f"entered: {entered}",
            f"removed: {removed}",
            f"abnormal list: +{self.put_on_abnormal} −{self.taken_off_abnormal}; "
            f"dishonest list: +{self.put_on_dishonest} −{self.taken_off_dishonest}; "
            f"ratings expired: {self.ratings_expired}",
            f"organisations queued for publication: {self.queued}",
        ]


#: the run's day and moment, bound at execution: statements are built once per process
ON = bindparam("on", type_=Date)
NOW = bindparam("now", type_=E.recorded_at.type)


#: entries added in one run past which PostgreSQL is asked to refresh its statistics
ANALYZE_AFTER = 5000


class _Stopwatch:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now


class DailyRun:
    def __init__(
        self, session: Session, now: datetime, dues: DueDates, first_report_year: int
    ) -> None:
        self.session = session
        self.now = now
        self.dues = dues
        self.first_report_year = first_report_year
        self._dialect = session.get_bind().dialect.name

    def __call__(self, on: date) -> RunSummary:
        summary = RunSummary(on)
        params = {"on": on, "now": self.now}
        step = _Stopwatch(summary.timings)
        if self._dialect == "postgresql":
            # The lapse and escalation steps look entries up per entry; with statistics
            # that say the table is small (a new register, a test database) PostgreSQL
            # plans sequential scans inside them, which is cubic in the entries. Sampling
            # the table costs a fraction of a second even at national scale.
            self.session.execute(text("ANALYZE credit_list_entry"))
            step("analyze")
        summary.entered[G.REPORT_NOT_FILED] = sum(
            self._count(_missing_reports(year, self.dues), params)
            for year in range(self.first_report_year, on.year)
            if date(year + 1, *min(self.dues.social, self.dues.foundation)) < on
        )
        step("missing reports")
        summary.removed[R.REMEDIED] = self._count(_remedies(), params)
        step("remedies")
        summary.removed[R.EXPIRED] = self._count(_abnormal_lapses(), params)
        step("abnormal lapses")
        summary.entered[G.ABNORMAL_TWO_YEARS] = 0
        for _ in range(MAX_ESCALATION_ROUNDS):
            added = self._count(_escalations(), params)
            summary.entered[G.ABNORMAL_TWO_YEARS] += added
            if not added:
                break
        step("escalations")
        summary.removed[R.EXPIRED] += self._count(_dishonest_lapses(), params)
        step("dishonest lapses")
        summary.removed[R.DEREGISTERED] = self._count(_deregistrations(), params)
        step("deregistrations")
        if sum(summary.entered.values()) > ANALYZE_AFTER and self._dialect == "postgresql":
            # A catch-up run adds entries by the ten thousand: without fresh statistics
            # PostgreSQL plans the flag update for an empty table (nested loops, minutes).
            self.session.execute(text("ANALYZE credit_list_entry"))
            step("analyze again")
        self.update_organisations(summary, params, step)
        return summary

    def _count(self, statement: Any, params: dict[str, Any]) -> int:
        # psycopg keeps an INSERT's rowcount only when asked
        result = self.session.execute(
            statement,
            params,
            execution_options={"preserve_rowcount": True, "synchronize_session": False},
        )
        return max(result.rowcount or 0, 0)

    def update_organisations(
        self, summary: RunSummary, params: dict[str, Any], step: _Stopwatch
    ) -> None:
        """Flags from the open entries, ratings that ran out: queue the organisations whose
        record changes, then change them, bumping their version."""
        counts = self.session.execute(_flag_counts(), params).one()
        (
            summary.put_on_abnormal,
            summary.taken_off_abnormal,
            summary.put_on_dishonest,
            summary.taken_off_dishonest,
            summary.ratings_expired,
        ) = (int(n) for n in counts)
        step("flag counts")
        summary.queued = queue_ids(self.session, select(_changes().c.id), self.now, params)
        step("queue")
        self.session.execute(
            _organisation_update(), params, execution_options={"synchronize_session": False}
        )
        step("flags")


# -- the statements, built once ---------------------------------------------------------


def _insert(rows: Any) -> Any:
    return insert(E.__table__).from_select(_ENTRY_COLUMNS, rows)


def _remove(rows: Any, ground: R) -> Any:
    """Remove the entries `rows` names (id, day), each on its day: UPDATE … FROM."""
    return (
        update(E)
        .where(E.id == rows.c.id, E.removed_on.is_(None))
        .values(removed_on=rows.c.day, removal_ground=ground)
    )


@cache
def _missing_reports(year: int, dues: DueDates) -> Any:
    """Every obliged organisation with no report for `year` by its due date, once that has
    passed: entered the day after the due date."""
    due = inspections.due_date(year, dues)
    entered_on = case(
        (
            inspections.reports_early(),
            literal(report_entry_day(date(year + 1, *dues.foundation)), Date),
        ),
        else_=literal(report_entry_day(date(year + 1, *dues.social)), Date),
    )
    filed_in_time = exists(
        select(AnnualReport.id).where(
            AnnualReport.organisation_id == O.id,
            AnnualReport.year == year,
            AnnualReport.submitted_on <= due,
        )
    )
    listed = exists(
        select(E.id).where(
            E.organisation_id == O.id,
            E.ground == G.REPORT_NOT_FILED,
            E.report_year == year,
        )
    )
    rows = select(
        O.id,
        literal(L.ABNORMAL.value, String),
        literal(G.REPORT_NOT_FILED.value, String),
        literal(report_detail(year), String),
        literal(year, Integer),
        literal(True),
        entered_on,
        O.authority_id,
        NOW,
    ).where(inspections.obliged(year, dues), due < ON, ~filed_in_time, ~listed)
    return _insert(rows)


@cache
def _escalations() -> Any:
    """Onto the serious-dishonesty list on the second anniversary of an abnormal stay."""
    found = queries.escalations(ON)
    rows = select(
        found.c.organisation_id,
        literal(L.DISHONEST.value, String),
        literal(G.ABNORMAL_TWO_YEARS.value, String),
        literal(DETAILS[G.ABNORMAL_TWO_YEARS], String),
        null(),
        literal(False),
        found.c.day,
        O.authority_id,
        NOW,
    ).join_from(found, O, O.id == found.c.organisation_id)
    return _insert(rows)


@cache
def _remedies() -> Any:
    """A missing report's entry comes off the day the report was filed."""
    reports, entry = AnnualReport.__table__, E.__table__.alias().c
    report = reports.c
    filed = (
        select(
            entry.id.label("id"),
            case(
                (report.submitted_on > entry.entered_on, report.submitted_on),
                else_=entry.entered_on,
            ).label("day"),
        )
        .join(
            reports,
            and_(
                report.organisation_id == entry.organisation_id,
                report.year == entry.report_year,
            ),
        )
        .where(
            entry.ground == G.REPORT_NOT_FILED,
            entry.removed_on.is_(None),
            report.submitted_on <= ON,
        )
        .subquery()
    )
    return _remove(filed, R.REMEDIED)


@cache
def _abnormal_lapses() -> Any:
    return _remove(queries.abnormal_lapses(ON), R.EXPIRED)


@cache
def _dishonest_lapses() -> Any:
    return _remove(queries.dishonest_lapses(ON), R.EXPIRED)


@cache
def _deregistrations() -> Any:
    return _remove(queries.deregistration_removals(ON), R.DEREGISTERED)


@cache
def _changes() -> Any:
    """(id, was and is on each list, rating ran out) of every organisation whose record the
    lists or an expired rating change on `on`.

    The open entries are grouped per organisation once, then outer-joined to the register:
    a join both databases run as one pass each, where a per-organisation EXISTS (or an IN
    inside the comparison) made PostgreSQL rescan the entries for every organisation.
    """
    entry = E.__table__.alias("open_entry").c
    current = (
        select(
            entry.organisation_id.label("organisation_id"),
            func.max(case((entry.list_name == L.ABNORMAL, 1), else_=0)).label("abnormal"),
            func.max(case((entry.list_name == L.DISHONEST, 1), else_=0)).label("dishonest"),
        )
        .where(queries.is_open(entry, ON))
        .group_by(entry.organisation_id)
        .subquery("current_flags")
    )
    abnormal = func.coalesce(current.c.abnormal, 0) == 1
    dishonest = func.coalesce(current.c.dishonest, 0) == 1
    expired = and_(O.rating_valid_until.is_not(None), O.rating_valid_until < ON)
    return (
        select(
            O.id.label("id"),
            O.abnormal_list.label("was_abnormal"),
            O.dishonest_list.label("was_dishonest"),
            abnormal.label("abnormal"),
            dishonest.label("dishonest"),
            expired.label("expired"),
        )
        .select_from(O)
        .outerjoin(current, current.c.organisation_id == O.id)
        .where(or_(O.abnormal_list != abnormal, O.dishonest_list != dishonest, expired))
        .subquery("changes")
    )


@cache
def _flag_counts() -> Any:
    c = _changes().c

    def number(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return select(
        number(and_(c.was_abnormal.is_(False), c.abnormal)),
        number(and_(c.was_abnormal.is_(True), ~c.abnormal)),
        number(and_(c.was_dishonest.is_(False), c.dishonest)),
        number(and_(c.was_dishonest.is_(True), ~c.dishonest)),
        number(c.expired),
    )


@cache
def _organisation_update() -> Any:
    """UPDATE … FROM the changes (SQLite 3.33+ and PostgreSQL)."""
    c = _changes().c
    return (
        update(O)
        .where(O.id == c.id)
        .values(
            abnormal_list=c.abnormal,
            dishonest_list=c.dishonest,
            rating=case((c.expired, null()), else_=O.rating),
            rating_valid_until=case((c.expired, null()), else_=O.rating_valid_until),
            version=O.version + 1,
            updated_at=NOW,
        )
    )
