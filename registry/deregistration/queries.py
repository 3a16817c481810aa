"""Detection's criteria (criteria.py) as set-based SQL, on SQLite and PostgreSQL.

Each criterion is one SELECT over the active organisations in scope, giving the
organisation and its evidence; `candidates` left-joins them to the register, one row per
organisation that meets any. They must agree with the pure functions: tests compare them
organisation by organisation. Years and cut-off days that depend only on the day of
detection are computed in Python (criteria.report_years, rules.add_months) and enter
the statements as constants.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from registry.credit.models import ContactAttempt, CreditList, CreditListEntry
from registry.credit.queries import add_months, counts, is_open
from registry.deregistration import criteria
from registry.deregistration import rules as dormant
from registry.deregistration.models import Criterion, DormantCandidate
from registry.deregistration.rules import DormantRules
from registry.inspections import queries as inspections
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates
from registry.organisations.models import ChangeRecord, ChangeType, OrganisationKind
from registry.organisations.models import Organisation as O
from registry.organisations.models import OrganisationStatus as S

AR = AnnualReport
DC = DormantCandidate


class add_days(FunctionElement[date]):
    """`day + n days`: date arithmetic on PostgreSQL, date() on SQLite (ISO text)."""

    type = Date()
    name = "add_days"
    inherit_cache = True

    def __init__(self, day: Any, days: int) -> None:
        self.days = int(days)
        # Literal text, so that the count is part of the statement's cache key.
        super().__init__(day, literal_column(str(self.days)))


@compiles(add_days)
def _pg_add_days(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({day} + {days} AS DATE)"


@compiles(add_days, "sqlite")
def _sqlite_add_days(element: add_days, compiler: Any, **kw: Any) -> str:
    day, _days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '{element.days:+d} days')"


def _in_scope(scope: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    """Active organisations, within the scope when one is given (a condition on O)."""
    conditions: list[ColumnElement[bool]] = [O.status == S.ACTIVE]
    if scope is not None:
        conditions.append(scope)
    return conditions


def silent(
    on: date, rules: DormantRules, dues: DueDates, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """(organisation_id, founded_on, owed, missing_years): the active organisations in
    scope that filed no report by `on` for any of the N (`missed_reports`, at least 1) most
    recent years due before it, and whether they owed all N.

    Every organisation that meets MISSED_REPORTS or NO_ACTIVITY is among them (a quiet one
    filed no report at all), so both start from this set, found in one pass over the
    reports: NO_ACTIVITY then looks up the reports of a few organisations, not of all. The
    years differ for organisations that report early (foundations, charities)."""
    n = max(rules.missed_reports, 1)
    early_years = criteria.report_years(on, OrganisationKind.FOUNDATION, True, n, dues)
    other_years = criteria.report_years(on, OrganisationKind.SOCIAL_GROUP, False, n, dues)
    early = inspections.reports_early()

    def owed_all(years: tuple[int, ...]) -> ColumnElement[bool]:
        return and_(*(inspections.obliged(year, dues) for year in years))

    if early_years == other_years:
        owed = owed_all(other_years)
        report_year = AR.year.in_(other_years)
        text: ColumnElement[str] = literal(criteria.missing_years_text(other_years), String)
    else:
        owed = or_(and_(early, owed_all(early_years)), and_(~early, owed_all(other_years)))
        report_year = or_(
            and_(early, AR.year.in_(early_years)), and_(~early, AR.year.in_(other_years))
        )
        text = case(
            (early, literal(criteria.missing_years_text(early_years), String)),
            else_=literal(criteria.missing_years_text(other_years), String),
        )
    filed = exists(
        select(AR.id).where(AR.organisation_id == O.id, report_year, AR.submitted_on <= on)
    )
    return select(
        O.id.label("organisation_id"),
        O.founded_on.label("founded_on"),
        owed.label("owed"),
        text.label("missing_years"),
    ).where(*_in_scope(scope), ~filed)


def missed_reports(
    on: date,
    rules: DormantRules,
    dues: DueDates,
    scope: ColumnElement[bool] | None = None,
    among: Any = None,
) -> Select[Any]:
    """(organisation_id, missing_years) of organisations that missed the N most recent
    reports they owed (criteria.missed_reports); `among` is `silent`'s result when the
    caller has it."""
    base = among if among is not None else silent(on, rules, dues, scope).subquery("silent")
    query = select(base.c.organisation_id, base.c.missing_years).where(base.c.owed.is_(True))
    return query if rules.missed_reports >= 1 else query.where(false())


def no_activity(
    on: date,
    rules: DormantRules,
    dues: DueDates,
    scope: ColumnElement[bool] | None = None,
    among: Any = None,
) -> Select[Any]:
    """(organisation_id, inactive_until) of organisations with nothing in the window after
    registration and no annual report since (criteria.no_activity); `among` as above."""
    base = among if among is not None else silent(on, rules, dues, scope).subquery("silent")
    org_id, founded_on = base.c.organisation_id, base.c.founded_on
    until = add_months(founded_on, rules.inactive_months)
    reported = exists(select(AR.id).where(AR.organisation_id == org_id, AR.submitted_on <= on))
    changed = exists(
        select(ChangeRecord.id).where(
            ChangeRecord.organisation_id == org_id,
            ChangeRecord.change_type == ChangeType.CHANGE,
            ChangeRecord.effective_on >= founded_on,
            ChangeRecord.effective_on <= until,
        )
    )
    answered = exists(
        select(ContactAttempt.id).where(
            ContactAttempt.organisation_id == org_id,
            ContactAttempt.succeeded.is_(True),
            ContactAttempt.attempted_on >= founded_on,
            ContactAttempt.attempted_on <= until,
        )
    )
    return select(org_id, until.label("inactive_until")).where(
        until <= on, ~reported, ~changed, ~answered
    )


def unreachable(
    on: date, rules: DormantRules, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """(organisation_id, first_id, second_id): the latest pair of failed attempts the
    right number of days apart, with no success since the first (criteria.unreachable)."""
    low, high = rules.contact_gap_days
    first = ContactAttempt.__table__.alias("first_attempt")
    second = ContactAttempt.__table__.alias("second_attempt")
    a, b = first.c, second.c
    s = ContactAttempt.__table__.alias("success").c
    answered_since = exists(
        select(s.id).where(
            s.organisation_id == a.organisation_id,
            s.succeeded.is_(True),
            s.attempted_on >= a.attempted_on,
            s.attempted_on <= on,
        )
    )
    rank = (
        func.row_number()
        .over(
            partition_by=a.organisation_id,
            order_by=(b.attempted_on.desc(), b.id.desc(), a.attempted_on.desc(), a.id.desc()),
        )
        .label("rank")
    )
    pairs = (
        select(
            a.organisation_id.label("organisation_id"),
            a.id.label("first_id"),
            b.id.label("second_id"),
            rank,
        )
        .select_from(first)
        .join(
            second,
            and_(
                b.organisation_id == a.organisation_id,
                b.succeeded.is_(False),
                b.attempted_on <= on,
                b.attempted_on >= add_days(a.attempted_on, low),
                b.attempted_on <= add_days(a.attempted_on, high),
                or_(
                    a.attempted_on < b.attempted_on,
                    and_(a.attempted_on == b.attempted_on, a.id < b.id),
                ),
            ),
        )
        .join(O, O.id == a.organisation_id)
        .where(*_in_scope(scope), a.succeeded.is_(False), a.attempted_on <= on, ~answered_since)
        .subquery("failed_pairs")
    )
    return select(pairs.c.organisation_id, pairs.c.first_id, pairs.c.second_id).where(
        pairs.c.rank == 1
    )


def long_abnormal(
    on: date, rules: DormantRules, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """(organisation_id, entry_id, entered_on): the earliest abnormal entry open on `on`,
    when it was entered over M months before (criteria.long_abnormal). Among the open
    entries entered before the cut-off, the earliest is the earliest open one."""
    cutoff = dormant.add_months(on, -rules.abnormal_months)
    e = CreditListEntry.__table__.alias("abnormal_entry").c
    rank = (
        func.row_number()
        .over(partition_by=e.organisation_id, order_by=(e.entered_on, e.id))
        .label("rank")
    )
    ranked = (
        select(
            e.organisation_id.label("organisation_id"),
            e.id.label("entry_id"),
            e.entered_on.label("entered_on"),
            rank,
        )
        .join(O, O.id == e.organisation_id)
        .where(
            *_in_scope(scope),
            e.list_name == CreditList.ABNORMAL,
            counts(e),
            is_open(e, on),
            e.entered_on < cutoff,
        )
        .subquery("open_abnormal")
    )
    return select(ranked.c.organisation_id, ranked.c.entry_id, ranked.c.entered_on).where(
        ranked.c.rank == 1
    )


#: DormantCandidate's columns in the order `candidates` selects them
CANDIDATE_COLUMNS = [
    DC.organisation_id,
    DC.authority_id,
    DC.detected_on,
    DC.missed_reports,
    DC.missing_years,
    DC.no_activity,
    DC.inactive_until,
    DC.unreachable,
    DC.first_failed_contact_id,
    DC.second_failed_contact_id,
    DC.long_abnormal,
    DC.abnormal_since,
    DC.abnormal_entry_id,
]


def candidates(
    on: date, rules: DormantRules, dues: DueDates, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """One row per active organisation in scope that meets a criterion of
    `rules.criteria`, in CANDIDATE_COLUMNS order: the SELECT of detection's INSERT.

    Each criterion is a common table expression, evaluated once; the rows start from the
    union of their organisations (a tenth of the register or less) and join each back,
    rather than outer-joining all four to every organisation."""
    applies = rules.criteria
    found: list[Any] = []

    def criterion(sub: Select[Any], name: str) -> Any:
        table = sub.cte(name)
        found.append(table)
        return table.c

    no = literal(False)
    columns: list[Any] = []
    quiet = None
    if Criterion.NO_ACTIVITY in applies or (
        Criterion.MISSED_REPORTS in applies and rules.missed_reports >= 1
    ):
        quiet = silent(on, rules, dues, scope).cte("silent")
    if Criterion.MISSED_REPORTS in applies and rules.missed_reports >= 1:
        m = criterion(missed_reports(on, rules, dues, scope, quiet), "missed")
        columns += [m.organisation_id.is_not(None), m.missing_years]
    else:
        columns += [no, null()]
    if Criterion.NO_ACTIVITY in applies:
        n = criterion(no_activity(on, rules, dues, scope, quiet), "inactive")
        columns += [n.organisation_id.is_not(None), n.inactive_until]
    else:
        columns += [no, null()]
    if Criterion.UNREACHABLE in applies:
        u = criterion(unreachable(on, rules, scope), "unreachable")
        columns += [u.organisation_id.is_not(None), u.first_id, u.second_id]
    else:
        columns += [no, null(), null()]
    if Criterion.LONG_ABNORMAL in applies:
        a = criterion(long_abnormal(on, rules, scope), "long_abnormal")
        columns += [a.organisation_id.is_not(None), a.entered_on, a.entry_id]
    else:
        columns += [no, null(), null()]
    if not found:
        return select(O.id, O.authority_id, literal(on, Date), *columns).where(false())
    ids = union(*(select(t.c.organisation_id.label("id")) for t in found)).subquery("met")
    query_from = ids.join(O, O.id == ids.c.id)
    for table in found:
        query_from = query_from.outerjoin(table, table.c.organisation_id == ids.c.id)
    return select(O.id, O.authority_id, literal(on, Date), *columns).select_from(query_from)
