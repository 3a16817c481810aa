"""The rules of credit/rules.py as SQL, for the set-based daily job.

They must agree with the pure functions: tests/credit compares them entry by entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, exists, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from registry.credit.models import CreditList, CreditListEntry, EntryGround, RemovalGround
from registry.credit.rules import (
    ABNORMAL_TERM_MONTHS,
    DISHONEST_TERM_YEARS,
    ESCALATION_YEARS,
)
from registry.organisations.models import Organisation
from registry.organisations.models import OrganisationStatus as S

E = CreditListEntry


class add_months(FunctionElement[date]):
    """`day + n months`, clamped to the month's last day as rules.add_months: PostgreSQL's
    interval arithmetic clamps; SQLite's date() rolls over (31 Aug + 6 months = 3 March),
    so the smaller of it and the target month's last day is taken."""

    type = Date()
    name = "add_months"
    inherit_cache = True

    def __init__(self, day: Any, months: int) -> None:
        self.months = int(months)
        # The count goes in as literal SQL text, so that it is part of the statement's
        # cache key: 6 and 24 months must not share a compiled statement.
        super().__init__(day, literal_column(str(self.months)))


@compiles(add_months)
def _pg_add_months(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({day} + make_interval(months => {months}) AS DATE)"


@compiles(add_months, "sqlite")
def _sqlite_add_months(element: add_months, compiler: Any, **kw: Any) -> str:
    day, _months = (compiler.process(c, **kw) for c in element.clauses)
    n = element.months
    return (
        f"min(date({day}, '{n:+d} months'), "
        f"date({day}, 'start of month', '{n + 1:+d} months', '-1 day'))"
    )


def _entries() -> Any:
    """The columns of a fresh alias of the entry table (Core aliases cost far less to build
    than ORM ones, and the job builds a few dozen a run)."""
    return E.__table__.alias().c


def add_years(day: Any, years: int) -> add_months:
    return add_months(day, 12 * years)


def counts(entry: Any) -> ColumnElement[bool]:
    """A rescinded entry was never a ground (rules.Stay.counts)."""
    return or_(entry.removal_ground.is_(None), entry.removal_ground != RemovalGround.RESCINDED)


def is_open(entry: Any, day: Any) -> ColumnElement[bool]:
    """On its list on `day` (rules.Stay.open_on)."""
    return and_(entry.entered_on <= day, or_(entry.removed_on.is_(None), entry.removed_on > day))


def on_list(list_name: CreditList, day: date) -> ColumnElement[bool]:
    """Organisations with an entry of `list_name` open on `day`: the flags."""
    entry = _entries()
    return exists(
        select(entry.id).where(
            entry.organisation_id == Organisation.id,
            entry.list_name == list_name,
            is_open(entry, day),
        )
    )


def listed_on(list_name: CreditList, day: Any) -> ColumnElement[bool]:
    """on_list as `Organisation.id IN (organisations with an open entry)`: the subquery is
    not correlated, so both databases evaluate it once per statement (a hashed subplan, an
    ephemeral table) instead of once per organisation, which is what the whole-register
    flag update needs."""
    entry = _entries()
    return Organisation.id.in_(
        select(entry.organisation_id).where(entry.list_name == list_name, is_open(entry, day))
    )


def lapse_day(entry: Any, list_name: CreditList, months: int) -> ColumnElement[date]:
    """rules.lapse_day of `entry` (a correlated alias): the earliest `x + months` over
    entries x of its organisation and list, entered on or after it, with no entry entered
    after x and before `x + months`."""
    x, y = _entries(), _entries()
    later = exists(
        select(y.id).where(
            y.organisation_id == x.organisation_id,
            y.list_name == list_name,
            counts(y),
            y.entered_on > x.entered_on,
            y.entered_on < add_months(x.entered_on, months),
        )
    )
    return (
        select(func.min(add_months(x.entered_on, months)))
        .where(
            x.organisation_id == entry.organisation_id,
            x.list_name == list_name,
            counts(x),
            x.entered_on >= entry.entered_on,
            ~later,
        )
        .scalar_subquery()
    )


def abnormal_lapses(on: date) -> Any:
    """(id, day) of open abnormal entries with no remedy owed whose lapse day has come."""
    entry = _entries()
    day = lapse_day(entry, CreditList.ABNORMAL, ABNORMAL_TERM_MONTHS)
    inner = (
        select(entry.id.label("id"), day.label("day"))
        .where(
            entry.list_name == CreditList.ABNORMAL,
            entry.removed_on.is_(None),
            entry.remedy_owed.is_(False),
        )
        .subquery()
    )
    return select(inner.c.id, inner.c.day).where(inner.c.day <= on).subquery()


def report_open_on(organisation_id: Any, day: Any) -> ColumnElement[bool]:
    """A missing report of the organisation on the abnormal list on `day`."""
    report = _entries()
    return exists(
        select(report.id).where(
            report.organisation_id == organisation_id,
            report.ground == EntryGround.REPORT_NOT_FILED,
            counts(report),
            is_open(report, day),
        )
    )


def dishonest_lapses(on: date) -> Any:
    """(id, day) of open dishonest entries (revocation aside) whose 2 years have run with no
    new ground and whose organisation's obligations were met on `day` (rules.dishonest_lapse):
    the first day from the end of the term with no missing report on the abnormal list."""

    def terms() -> Any:
        entry = _entries()
        term = lapse_day(entry, CreditList.DISHONEST, 12 * DISHONEST_TERM_YEARS)
        return (
            select(
                entry.id.label("id"),
                entry.organisation_id.label("organisation_id"),
                term.label("term"),
            )
            .where(
                entry.list_name == CreditList.DISHONEST,
                entry.removed_on.is_(None),
                entry.ground != EntryGround.REVOCATION,
            )
            .subquery()
        )

    first, second = terms(), terms()
    reports = E.__table__.alias()
    report = reports.c
    candidates = (
        select(first.c.id, first.c.organisation_id, first.c.term.label("day"))
        .union(
            select(second.c.id, second.c.organisation_id, report.removed_on.label("day")).join(
                reports,
                and_(
                    report.organisation_id == second.c.organisation_id,
                    report.ground == EntryGround.REPORT_NOT_FILED,
                    counts(report),
                    report.removed_on > second.c.term,
                ),
            )
        )
        .subquery()
    )
    met = (
        select(candidates.c.id, func.min(candidates.c.day).label("day"))
        .where(~report_open_on(candidates.c.organisation_id, candidates.c.day))
        .group_by(candidates.c.id)
        .subquery()
    )
    return select(met.c.id, met.c.day).where(met.c.day <= on).subquery()


def escalations(on: date) -> Any:
    """(organisation_id, day): organisations whose earliest abnormal entry open on its second
    anniversary reached it by `on` (rules.escalation_day), one row each."""
    stay, other, done = _entries(), _entries(), _entries()
    anniversary = add_years(stay.entered_on, ESCALATION_YEARS)
    return (
        select(stay.organisation_id.label("organisation_id"), func.min(anniversary).label("day"))
        .join(Organisation, Organisation.id == stay.organisation_id)
        .where(
            stay.list_name == CreditList.ABNORMAL,
            counts(stay),
            anniversary <= on,
            or_(stay.removed_on.is_(None), stay.removed_on > anniversary),
            or_(Organisation.status == S.ACTIVE, Organisation.status_date > anniversary),
            ~exists(
                select(other.id).where(
                    other.organisation_id == stay.organisation_id,
                    other.list_name == CreditList.ABNORMAL,
                    counts(other),
                    other.entered_on < stay.entered_on,
                    is_open(other, anniversary),
                )
            ),
            ~exists(
                select(done.id).where(
                    done.organisation_id == stay.organisation_id,
                    done.ground == EntryGround.ABNORMAL_TWO_YEARS,
                    done.entered_on >= stay.entered_on,
                )
            ),
        )
        .group_by(stay.organisation_id)
        .subquery()
    )


def deregistration_removals(on: date) -> Any:
    """(id, day): open revocation entries of organisations deregistered by `on`."""
    entry = _entries()
    day = Organisation.status_date
    return (
        select(entry.id.label("id"), day.label("day"))
        .join(Organisation, Organisation.id == entry.organisation_id)
        .where(
            entry.ground == EntryGround.REVOCATION,
            entry.removed_on.is_(None),
            Organisation.status == S.DEREGISTERED,
            day <= on,
            day >= entry.entered_on,
        )
        .subquery()
    )
