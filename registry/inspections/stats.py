"""Participation in the annual inspection (参检率), counted set-based: one GROUP BY per
authority in the database, rolled up the division tree from those few rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from registry.accounts.rules import NATIONAL
from registry.authorities.models import RegistrationAuthority as RA
from registry.divisions.models import AdministrativeDivision
from registry.inspections import queries
from registry.inspections.models import AnnualReport as AR
from registry.inspections.rules import DEFAULT_DUES, DueDates, participation_rate
from registry.organisations.listing import division_prefix
from registry.organisations.models import Organisation as O
from registry.organisations.stats import within

#: how many past years /api/v1/stats shows at most
STATS_YEARS = 10


@dataclass(frozen=True)
class Figures:
    obliged: int = 0
    filed: int = 0
    on_time: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.obliged + other.obliged, self.filed + other.filed, self.on_time + other.on_time
        )

    def as_dict(self) -> dict[str, Any]:
        rate = participation_rate(self.filed, self.obliged)
        on_time_rate = participation_rate(self.on_time, self.obliged)
        return {
            "obliged": self.obliged,
            "filed": self.filed,
            "on_time": self.on_time,
            "rate": float(rate) if rate is not None else None,
            "on_time_rate": float(on_time_rate) if on_time_rate is not None else None,
        }


def _figure_columns(year: int, dues: DueDates) -> list[Any]:
    due = queries.due_date(year, dues)
    on_time = func.coalesce(func.sum(case((AR.submitted_on <= due, 1), else_=0)), 0)
    return [func.count(O.id), func.count(AR.id), on_time]


def _obliged_with_reports(query: Any, year: int, dues: DueDates) -> Any:
    # (organisation, year) is unique in annual_report: the outer join keeps one row each.
    return query.outerjoin(AR, and_(AR.organisation_id == O.id, AR.year == year)).where(
        queries.obliged(year, dues)
    )


def by_authority(
    session: Session, year: int, dues: DueDates = DEFAULT_DUES, prefix: str = ""
) -> list[tuple[str, str, str, Figures]]:
    """(code, name, level, figures) of every authority with an organisation obliged for
    `year`, among the authorities whose code starts with `prefix`."""
    query = select(RA.code, RA.name, RA.level, *_figure_columns(year, dues)).select_from(O)
    query = _obliged_with_reports(query.join(RA, O.authority_id == RA.id), year, dues)
    if prefix:
        query = query.where(RA.code.startswith(prefix, autoescape=True))
    query = query.group_by(RA.code, RA.name, RA.level).order_by(RA.code)
    return [
        (code, name, getattr(level, "value", level), Figures(int(n), int(f), int(t)))
        for code, name, level, n, f, t in session.execute(query)
    ]


def national(session: Session, year: int, dues: DueDates = DEFAULT_DUES) -> Figures:
    query = _obliged_with_reports(select(*_figure_columns(year, dues)).select_from(O), year, dues)
    n, f, t = session.execute(query).one()
    return Figures(int(n or 0), int(f or 0), int(t or 0))


def participation(
    session: Session, year: int, dues: DueDates = DEFAULT_DUES, division: str | None = None
) -> dict[str, Any]:
    """Per authority, and rolled up to prefectures, provinces and the total, for the
    authorities within `division` (all of them when None or 100000). Rollups stop at the
    division asked for: within a province, its prefectures; within a prefecture, none."""
    division = division or NATIONAL
    prefix = division_prefix(division)
    rows = by_authority(session, year, dues, prefix)
    total = sum((figures for *_, figures in rows), Figures())
    provinces: dict[str, Figures] = defaultdict(Figures)
    prefectures: dict[str, Figures] = defaultdict(Figures)
    for code, _name, _level, figures in rows:
        if code == NATIONAL:
            continue
        if len(prefix) < 2:
            provinces[code[:2] + "0000"] += figures
        if len(prefix) < 4 and not code.endswith("0000"):
            prefectures[code[:4] + "00"] += figures
    names = _division_names(session, {division, *provinces, *prefectures})

    def rollup(figures: dict[str, Figures]) -> list[dict[str, Any]]:
        return [
            {"division_code": code, "name": names.get(code), **figures[code].as_dict()}
            for code in sorted(figures)
        ]

    return {
        "year": year,
        "division_code": division,
        "division_name": names.get(division),
        "due_on": {
            "social_groups_and_agencies": date(year + 1, *dues.social).isoformat(),
            "foundations_and_charities": date(year + 1, *dues.foundation).isoformat(),
        },
        "total": total.as_dict(),
        "provinces": rollup(provinces),
        "prefectures": rollup(prefectures),
        "authorities": [
            {"authority_code": code, "name": name, "level": level, **figures.as_dict()}
            for code, name, level, figures in rows
        ],
    }


def _division_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    query = select(AdministrativeDivision.code, AdministrativeDivision.name).where(
        AdministrativeDivision.code.in_(sorted(codes))
    )
    return dict(session.execute(query).tuples().all())


def yearly_national(
    session: Session, today: date, dues: DueDates = DEFAULT_DUES, prefix: str = ""
) -> list[dict[str, Any]]:
    """The figures of each year from the first one reported on to last year (at most
    STATS_YEARS), oldest first; empty before any report was received. Nationally, or among
    the authorities whose code lies within `prefix` (division_prefix of a division): the
    years are the register's own either way, so that divisions compare year by year."""
    first = session.scalar(select(func.min(AR.year)))
    if first is None:
        return []
    last = today.year - 1
    years = range(max(int(first), last - STATS_YEARS + 1), last + 1)
    rows = by_year(session, years, dues, prefix)
    return [{"year": year, **figures.as_dict()} for year, figures in rows]


def by_year(
    session: Session, years: range, dues: DueDates = DEFAULT_DUES, prefix: str = ""
) -> list[tuple[int, Figures]]:
    """Figures for each of `years` in two scans however many years there are:
    organisations counted by the span of years they report for (queries.obliged_span),
    reports counted by year. national() is the same, one year at a time. With a `prefix`,
    only the organisations of the authorities within it, as participation() counts them."""
    if not years:
        return []
    start, end = queries.obliged_span(dues)
    spans_query = select(start, end, func.count()).select_from(O)
    filed_query = (
        select(AR.year, func.count(), _on_time(years, dues))
        .join(O, AR.organisation_id == O.id)
        .where(AR.year.between(years[0], years[-1]))
        .where(start <= AR.year, or_(end.is_(None), AR.year <= end))
    )
    authority = within(RA.code, prefix)
    if authority is not None:
        spans_query = spans_query.join(RA, O.authority_id == RA.id).where(authority)
        filed_query = filed_query.join(RA, O.authority_id == RA.id).where(authority)
    spans = session.execute(spans_query.group_by(start, end)).all()
    filed = {
        int(year): (int(n), int(t)) for year, n, t in session.execute(filed_query.group_by(AR.year))
    }
    result = []
    for year in years:
        obliged = sum(
            int(n) for a, b, n in spans if a is not None and a <= year and (b is None or year <= b)
        )
        result.append((year, Figures(obliged, *filed.get(year, (0, 0)))))
    return result


def _on_time(years: range, dues: DueDates) -> Any:
    """Reports submitted by their due date (queries.report_due_on), each year's due dates
    written out as constants picked by the report's year: comparing with a constant costs
    less, for every report of the register, than building the date from its year."""

    def due_on(month_day: tuple[int, int]) -> Any:
        return case({year: literal(date(year + 1, *month_day)) for year in years}, value=AR.year)

    due = case((queries.reports_early(), due_on(dues.foundation)), else_=due_on(dues.social))
    return func.coalesce(func.sum(case((AR.submitted_on <= due, 1), else_=0)), 0)
