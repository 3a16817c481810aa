"""The SQL conditions of inspections/queries.py decide as the pure rules do, organisation by
organisation, over a register varied in every fact the rules read."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from registry.inspections import queries, rules, stats
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates
from registry.organisations.models import Organisation
from tests.inspections.factories import organisation, report

KINDS = ["social_group", "social_service_agency", "foundation"]
FOUNDED = [date(2024, 1, 10), date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 10)]
REMOVALS = [
    ("active", None),
    ("deregistered", date(2026, 3, 31)),
    ("revoked", date(2026, 4, 1)),
    ("deregistered", date(2026, 5, 31)),
    ("deregistered", date(2026, 6, 1)),
]


@pytest.fixture
def register(session, clock) -> list[Organisation]:  # type: ignore[no-untyped-def]
    orgs = []
    for n, (kind, charity, founded, (status, on)) in enumerate(
        itertools.product(KINDS, [False, True], FOUNDED, REMOVALS)
    ):
        org = organisation(
            session,
            clock,
            kind=kind,
            is_charity=charity,
            founded_on=founded,
            status=status,
            status_date=on,
        )
        # Every third one reported for 2025 (through the model: the service would refuse
        # the ones not obliged, and the SQL must not care).
        if n % 3 == 0:
            session.add(_bare_report(org, 2025, date(2026, 4, 15)))
        orgs.append(org)
    session.flush()
    return orgs


def _bare_report(org: Organisation, year: int, submitted_on: date) -> AnnualReport:
    return AnnualReport(
        organisation=org,
        year=year,
        submitted_on=submitted_on,
        channel="counter",
        recorded_at=submitted_on,
        compliance_statement="x",
        activities="[]",
        staff_count=1,
        officers="[]",
        income=0,
        expenditure=0,
        net_assets=0,
        donations_received=0,
    )


def _ids(session, condition) -> set[int]:  # type: ignore[no-untyped-def]
    return set(session.scalars(select(Organisation.id).where(condition)))


def _facts(org: Organisation) -> dict:
    return {
        "kind": org.kind,
        "is_charity": org.is_charity,
        "founded_on": org.founded_on,
        "status": org.status,
        "status_date": org.status_date,
    }


def test_obliged_filed_and_overdue_agree_with_the_rules(session, register):
    # One register for every case: building it is the expensive part.
    for year, dues in itertools.product(
        [2024, 2025], [DueDates(), DueDates(social=(6, 30), foundation=(4, 30))]
    ):
        expected = {o.id for o in register if rules.is_obliged(year, **_facts(o), dues=dues)}
        assert _ids(session, queries.obliged(year, dues)) == expected, (year, dues)
        assert 0 < len(expected) < len(register)

    filed = set(session.scalars(select(AnnualReport.organisation_id)))
    assert _ids(session, queries.filed(2025)) == filed
    assert _ids(session, queries.filed(2024)) == set()
    for today in [date(2026, 3, 31), date(2026, 4, 1), date(2026, 5, 31), date(2026, 6, 1)]:
        expected = set()
        for org in register:
            due = rules.due_date(2025, org.kind, org.is_charity)
            submitted = date(2026, 4, 15) if org.id in filed else None
            if rules.is_obliged(2025, **_facts(org)) and rules.is_overdue(due, today, submitted):
                expected.add(org.id)
        assert _ids(session, queries.overdue(2025, today)) == expected, today
    assert expected  # on 1 June both due dates have passed


def test_yearly_figures_by_span_agree_with_the_figures_year_by_year(session, clock, register):
    # Reports of several years, on time and late, beside the register's 2025 ones.
    for n, org in enumerate(register[::4]):
        if rules.is_obliged(2024, **_facts(org)):
            session.add(_bare_report(org, 2024, date(2025, 3, 1) if n % 2 else date(2025, 6, 5)))
    session.flush()
    for dues in [DueDates(), DueDates(social=(6, 30), foundation=(4, 30))]:
        years = range(2022, 2028)
        expected = [(year, stats.national(session, year, dues)) for year in years]
        assert stats.by_year(session, years, dues) == expected
        assert any(f.filed for _, f in expected) and any(f.on_time != f.filed for _, f in expected)


def test_due_dates_per_row_agree_with_the_rule(session, clock):
    orgs = [
        organisation(session, clock, kind=kind, is_charity=charity)
        for kind, charity in itertools.product(KINDS, [False, True])
    ]
    for n, org in enumerate(orgs):
        report(session, clock, org, 2024 + n % 2, date(2026, 3, 1) if n % 2 else date(2025, 4, 1))
    dues = DueDates(social=(6, 30), foundation=(2, 28))
    query = select(
        AnnualReport.organisation_id,
        AnnualReport.year,
        queries.report_due_on(AnnualReport.year, dues),
    ).join(Organisation)
    by_id = {o.id: o for o in orgs}
    rows = session.execute(query).all()
    assert len(rows) == len(orgs)
    for org_id, year, due in rows:
        org = by_id[org_id]
        assert due == rules.due_date(year, org.kind, org.is_charity, dues)


def test_correction_overdue_agrees_with_the_rule(session, clock):
    org = organisation(session, clock)
    cases = [
        (None, None),
        (date(2026, 6, 14), None),
        (date(2026, 6, 15), None),
        (date(2026, 6, 1), date(2026, 6, 10)),
    ]
    for year, (deadline, corrected_on) in enumerate(cases, 2016):
        row = _bare_report(org, year, date(year + 1, 3, 1))
        row.correction_deadline, row.corrected_on = deadline, corrected_on
        session.add(row)
    session.flush()
    today = date(2026, 6, 15)
    reports = session.scalars(select(AnnualReport)).all()
    expected = {
        r.id
        for r in reports
        if rules.is_correction_overdue(r.correction_deadline, r.corrected_on, today)
    }
    got = set(session.scalars(select(AnnualReport.id).where(queries.correction_overdue(today))))
    assert got == expected and len(expected) == 1
