"""The officers' domains of a seeded register, loaded in bulk.

seed_inspections follows seed_register over the organisations it added: their annual
reports and inspections, penalties and the entries officers made (demo/reports.py), with
Core executemany, batch by batch; then the daily credit job, once, for the clock's day
(set-based, it dates every automatic entry and removal from the rules, so one run writes
the history daily runs would have); then ratings for the few the rules allow on their
day, judged against the lists the job wrote; then the publication queue, so that the
flags and ratings reach the change feed and the search index. Going through the
services organisation by organisation would take minutes at 100,000.

No audit events are written for the seeded records: they stand for the register's past,
not for anything an officer did here. The credit run writes its own, as it always does.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, select, text, update
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock
from registry.credit.models import CreditList, CreditListEntry, Penalty
from registry.credit.rules import Stay
from registry.credit.services import FIRST_REPORT_YEAR, CreditService
from registry.demo.contents import Registered
from registry.demo.reports import InspectionGenerator, RatingPlan
from registry.demo.seed import _bump_sequences, _next_id
from registry.demo.summary import SeedSummary
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates, is_obliged, latest_due_year
from registry.organisations.models import ChangeRecord, ChangeType, Organisation
from registry.organisations.publication import drain_all, queue
from registry.ratings import rules as rating_rules
from registry.ratings.models import Rating

O = Organisation  # noqa: E741
E = CreditListEntry

#: called with a stage ("annual reports", "publication") and the rows just done
Progress = Callable[[str, int], None]


def seed_inspections(
    session: Session,
    clock: Clock,
    summary: SeedSummary,
    *,
    seed: int = 1,
    settings: Any = None,
    batch_size: int = 5000,
    progress: Progress | None = None,
    commit: bool = True,
) -> SeedSummary:
    """Reports, penalties, credit lists and ratings for the organisations `summary` seeded
    (seed_register's), counted into it. `settings` (registry.config.Settings) gives the due
    dates, the first report year and the rating bands; None, the defaults.

    Commits after every batch and step, as seed_register does; commit=False leaves that to
    the caller.
    """
    started = time.perf_counter()
    today, now = clock.today(), clock.now()
    dues = DueDates.from_settings(settings)
    authorities = {
        id_: name
        for id_, name in session.execute(
            select(RegistrationAuthority.id, RegistrationAuthority.name)
        )
    }
    generator = InspectionGenerator(
        seed=seed,
        today=today,
        now=now,
        dues=dues,
        first_year=getattr(settings, "credit_first_report_year", FIRST_REPORT_YEAR),
        bands=getattr(settings, "rating_bands", rating_rules.DEFAULT_BANDS),
        max_score=getattr(settings, "rating_max_score", 1000),
        authorities=authorities,
    )

    def done() -> None:
        if commit:
            session.commit()

    first, end = summary.first_id, summary.first_id + summary.organisations
    plans: list[RatingPlan] = []
    penalty_id = _next_id(session, Penalty.id)
    if progress is not None:
        progress("annual reports", 0)
    for low in range(first, end, batch_size):
        high = min(low + batch_size, end)
        reports: list[dict[str, Any]] = []
        penalties: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        for org in registered(session, low, high):
            history = generator.history(org)
            reports += history.reports
            entries += history.entries
            for penalty, entry in history.penalties:
                penalty["id"] = entry["penalty_id"] = penalty_id
                penalty_id += 1
                penalties.append(penalty)
                entries.append(entry)
            if history.rating is not None:
                plans.append(history.rating)
            summary.obliged += history.obliged
            summary.filed += history.filed
            summary.late += history.late
        _count(summary, reports)
        summary.penalties += len(penalties)
        for table, rows in (
            (AnnualReport.__table__, reports),
            (Penalty.__table__, penalties),
            (CreditListEntry.__table__, entries),
        ):
            if rows:
                session.execute(insert(table), rows)
        done()
        if progress is not None:
            progress("annual reports", high - low)
    _bump_sequences(session, ("penalty",))
    # Freshly loaded tables have no statistics: without them, SQLite plans the credit
    # job's correlated subqueries so badly that the run takes minutes at 100,000.
    for table in ("organisation", "annual_report", "credit_list_entry"):
        session.execute(text(f"ANALYZE {table}"))

    CreditService.from_settings(session, clock, settings).run(today)
    done()
    summary.ratings += rate(session, now, today, plans, dues, settings)
    queue(session, and_(O.id >= first, O.id < end, O.rating.is_not(None)), now)
    done()
    session.expire_all()  # the run and the ratings changed rows behind the identity map

    def published(count: int) -> None:
        if progress is not None:
            progress("publication", count)

    summary.published += drain_all(
        session, clock, commit=session.commit if commit else session.flush, progress=published
    )
    _count_lists(session, summary, first, end)
    summary.seconds += time.perf_counter() - started
    return summary


def registered(session: Session, low: int, high: int) -> Iterator[Registered]:
    """The organisations with ids in [low, high), with their changes of registration."""
    changes: dict[int, list[tuple[str, str | None, date]]] = defaultdict(list)
    rows = session.execute(
        select(
            ChangeRecord.organisation_id,
            ChangeRecord.field,
            ChangeRecord.old_value,
            ChangeRecord.effective_on,
        )
        .where(
            ChangeRecord.organisation_id >= low,
            ChangeRecord.organisation_id < high,
            ChangeRecord.change_type == ChangeType.CHANGE,
        )
        .order_by(ChangeRecord.organisation_id, ChangeRecord.effective_on, ChangeRecord.id)
    )
    for organisation_id, field, old, on in rows:
        changes[organisation_id].append((field, old, on))
    organisations = session.execute(
        select(
            O.id,
            O.uscc,
            O.kind,
            O.fundraising,
            O.is_charity,
            O.founded_on,
            O.status,
            O.status_date,
            O.status_reason,
            O.registered_funds,
            O.legal_representative,
            O.supervisory_unit,
            O.authority_id,
        )
        .where(O.id >= low, O.id < high)
        .order_by(O.id)
    )
    for row in organisations:
        yield Registered(*row, changes=tuple(changes.get(row.id, ())))


def rate(
    session: Session,
    now: Any,
    today: date,
    plans: Sequence[RatingPlan],
    dues: DueDates,
    settings: Any = None,
) -> int:
    """Give the planned ratings the rules allow on their day, judged as RatingService.facts
    judges them, against the credit lists as the job left them; put those in force on the
    organisations and queue them for publication. Returns how many were given."""
    bands = getattr(settings, "rating_bands", rating_rules.DEFAULT_BANDS)
    years = getattr(settings, "rating_valid_years", rating_rules.VALID_YEARS)
    stays = _stays(session, [plan.organisation.id for plan in plans])
    ratings: list[dict[str, Any]] = []
    in_force: list[dict[str, Any]] = []
    for plan in plans:
        if rating_rules.refusals(_facts(plan, stays.get(plan.organisation.id, ()), dues)):
            continue
        grade = rating_rules.grade_for(plan.score, bands)
        if grade is None:
            continue
        org = plan.organisation
        until = rating_rules.valid_until(plan.rated_on, years)
        ratings.append(
            {
                "organisation_id": org.id,
                "grade": grade,
                "score": plan.score,
                "rated_on": plan.rated_on,
                "valid_until": until,
                "authority_id": org.authority_id,
                "rated_by_id": None,
                "recorded_at": now,
                "withdrawn_on": None,
                "withdrawal_reason": None,
            }
        )
        if until >= today:
            in_force.append({"id_": org.id, "grade": grade, "until": until, "now": now})
    if ratings:
        session.execute(insert(Rating.__table__), ratings)
    if in_force:
        table = O.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("id_"))
            .values(
                rating=bindparam("grade"),
                rating_valid_until=bindparam("until"),
                version=table.c.version + 1,
                updated_at=bindparam("now"),
            ),
            in_force,
        )
    return len(ratings)


def _stays(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[CreditList, Stay]]]:
    stays: dict[int, list[tuple[CreditList, Stay]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(E.organisation_id, E.list_name, E.entered_on, E.removed_on).where(
                E.organisation_id.in_(ids[start : start + 500])
            )
        )
        for organisation_id, list_name, entered, removed in rows:
            stays[organisation_id].append((CreditList(list_name), Stay(entered, removed)))
    return stays


def _facts(
    plan: RatingPlan, stays: Sequence[tuple[CreditList, Stay]], dues: DueDates
) -> rating_rules.Facts:
    org, day = plan.organisation, plan.rated_on
    year = latest_due_year(day, org.kind, org.is_charity, dues)

    def inspection(y: int) -> rating_rules.Inspection:
        report = plan.reports.get(y)
        filed = report is not None and report.submitted_on <= day
        concluded = (
            report is not None and report.concluded_on is not None and report.concluded_on <= day
        )
        obliged = is_obliged(
            y,
            kind=org.kind,
            is_charity=org.is_charity,
            founded_on=org.founded_on,
            status=org.status,
            status_date=org.status_date,
            dues=dues,
        )
        conclusion = report.conclusion if report is not None and concluded else None
        return rating_rules.Inspection(y, obliged, filed, conclusion)

    return rating_rules.Facts(
        rated_on=day,
        founded_on=org.founded_on,
        active=True,  # only active organisations are planned
        last_inspection=inspection(year),
        previous_inspection=inspection(year - 1),
        penalties=[d for d in plan.penalties if d <= day],
        lists=[list_name.value for list_name, stay in stays if stay.open_on(day)],
    )


def _count(summary: SeedSummary, reports: Sequence[dict[str, Any]]) -> None:
    for row in reports:
        conclusion = row["conclusion"]
        if conclusion is None:
            summary.in_review += 1
        else:
            summary.conclusions[conclusion.value] = summary.conclusions.get(conclusion.value, 0) + 1
    summary.reports += len(reports)


def _count_lists(session: Session, summary: SeedSummary, first: int, end: int) -> None:
    def number(flag: Any) -> Any:
        return func.coalesce(func.sum(case((flag, 1), else_=0)), 0)

    seeded = and_(O.id >= first, O.id < end)
    abnormal, dishonest, rated = session.execute(
        select(
            number(O.abnormal_list.is_(True)),
            number(O.dishonest_list.is_(True)),
            func.count(O.rating),
        ).where(seeded)
    ).one()
    summary.abnormal, summary.dishonest, summary.rated = int(abnormal), int(dishonest), int(rated)
    entries = select(func.count()).where(E.organisation_id >= first, E.organisation_id < end)
    summary.list_entries += session.scalar(entries) or 0
