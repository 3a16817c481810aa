"""Detection in SQL: it agrees with the pure criteria organisation by organisation, replaces
only the rows of the authorities it covers, and its rows read back as evidence and pages."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.authorities.models import RegistrationAuthority
from registry.credit.models import ContactAttempt, EntryGround, RemovalGround
from registry.deregistration import criteria, queries
from registry.deregistration.detection import (
    Detection,
    DetectionSummary,
    candidate_rows,
    evidence,
)
from registry.deregistration.models import Criterion, DormantCandidate
from registry.deregistration.rules import DormantRules, add_months
from registry.inspections.rules import DueDates
from registry.organisations.models import Organisation
from tests.deregistration.factories import (
    change,
    contact,
    entry,
    facts,
    organisation,
    report,
)

ON = date(2026, 6, 15)  # tests.conftest.TEST_NOW in Beijing
DAYS = [ON, date(2026, 4, 15), date(2026, 3, 1), date(2025, 12, 31)]
FOUNDED = [
    date(2015, 3, 2),
    date(2023, 2, 28),
    date(2024, 6, 30),
    date(2024, 7, 1),
    date(2024, 12, 31),
    date(2025, 1, 10),
    date(2025, 3, 1),
    date(2025, 6, 15),
    date(2025, 8, 31),
    date(2026, 1, 10),
]
#: days near every cut-off the criteria have on DAYS (12 and 6 months back, ± a day)
NEAR_CUTOFFS = sorted(
    {add_months(day, -m) + timedelta(days=d) for day in DAYS for m in (6, 12) for d in (-1, 0, 1)}
)


def _register(session, clock, seed: int = 7, size: int = 90) -> list[Organisation]:  # type: ignore[no-untyped-def]
    """A register varied in every fact the criteria read, around their edges."""
    rng = random.Random(seed)
    orgs = []
    for n in range(size):
        kind = rng.choice(["social_group", "social_service_agency", "foundation"])
        founded = rng.choice(FOUNDED)
        removed = n % 9 == 8
        org = organisation(
            session,
            clock,
            kind=kind,
            is_charity=rng.random() < 0.2,
            founded_on=founded,
            status="deregistered" if removed else "active",
            status_date=date(2026, 2, 1) if removed else None,
        )
        for year in range(max(2021, founded.year), 2026):
            if rng.random() < 0.45:
                submitted = date(year + 1, rng.choice([2, 3, 4, 5, 6]), rng.choice([1, 15, 28]))
                if submitted <= ON:
                    report(session, org, year, submitted)
        for _ in range(rng.choice([0, 0, 1, 2])):
            change(session, org, founded + timedelta(days=rng.choice([0, 40, 200, 365, 366, 500])))
        start = rng.choice([date(2025, 11, 1), date(2026, 1, 20), date(2026, 3, 1), founded])
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
            day = start + timedelta(days=rng.choice([0, 10, 19, 20, 30, 45, 60, 61, 80]))
            if day <= ON:
                contact(
                    session,
                    org,
                    day,
                    succeeded=rng.random() < 0.2,
                    method=rng.choice(["letter", "call", "visit"]),
                )
        for _ in range(rng.choice([0, 0, 1, 2])):
            entered = max(founded, rng.choice(NEAR_CUTOFFS))
            ending = rng.random()
            if ending < 0.5:
                entry(session, org, EntryGround.UNREACHABLE, entered)
            elif ending < 0.8:
                removed_on = entered + timedelta(days=rng.choice([30, 120, 300, 500]))
                entry(session, org, EntryGround.MINOR_PENALTY, entered, removed_on, "expired")
            else:
                entry(
                    session,
                    org,
                    EntryGround.MINOR_PENALTY,
                    entered,
                    ON + timedelta(days=5),
                    RemovalGround.RESCINDED,
                )
        orgs.append(org)
    session.flush()
    return orgs


def _expected(verdict: criteria.Verdict | None) -> tuple | None:
    if verdict is None:
        return None
    pair = verdict.failed_contacts
    stay = verdict.abnormal_entry
    return (
        verdict.missed_years is not None,
        criteria.missing_years_text(verdict.missed_years) if verdict.missed_years else None,
        verdict.inactive_until is not None,
        verdict.inactive_until,
        pair is not None,
        pair[0].id if pair else None,
        pair[1].id if pair else None,
        stay is not None,
        stay.entered_on if stay else None,
        stay.id if stay else None,
    )


VARIANTS = [
    (DormantRules(), DueDates()),
    (
        DormantRules(
            missed_reports=3, inactive_months=6, contact_gap_days=(10, 30), abnormal_months=6
        ),
        DueDates(social=(6, 30), foundation=(4, 30)),
    ),
    (
        DormantRules(criteria=frozenset({Criterion.MISSED_REPORTS, Criterion.LONG_ABNORMAL})),
        DueDates(),
    ),
    (DormantRules(missed_reports=1, criteria=frozenset({Criterion.MISSED_REPORTS})), DueDates()),
]


def test_the_sql_agrees_with_the_pure_criteria(session, clock):
    orgs = _register(session, clock)
    known = {o.id: facts(session, o) for o in orgs}
    scope = Organisation.id.in_(list(known))
    seen: set[Criterion] = set()
    for (rules, dues), day in ((v, d) for v in VARIANTS for d in DAYS):
        expected = {}
        for org_id, fact in known.items():
            verdict = criteria.detect(fact, day, rules, dues)
            if verdict is not None:
                expected[org_id] = _expected(verdict)
                seen.update(verdict.criteria)
        rows = session.execute(queries.candidates(day, rules, dues, scope)).all()
        found = {
            row[0]: tuple(bool(v) if i in (3, 5, 7, 10) else v for i, v in enumerate(row) if i > 2)
            for row in rows
        }
        assert len(found) == len(rows)
        assert all(row[2] == day for row in rows)
        for org_id in expected.keys() | found.keys():
            assert found.get(org_id) == expected.get(org_id), (org_id, day, rules, known[org_id])
        assert 0 < len(expected) < len(orgs)
    # The register exercises every criterion.
    assert seen == set(Criterion)


# -- the run ----------------------------------------------------------------------------


def _authority(session, code: str) -> RegistrationAuthority:  # type: ignore[no-untyped-def]
    return session.scalar(select(RegistrationAuthority).filter_by(code=code))


def dormant(session, clock, authority_code: str = "320102") -> Organisation:  # type: ignore[no-untyped-def]
    """Meets all four criteria on ON: no reports since 2015, quiet, unreachable, abnormal."""
    org = organisation(session, clock, authority_code=authority_code)
    contact(session, org, date(2026, 3, 1), reference="XA100200300CN")
    contact(session, org, date(2026, 4, 10), method="visit")
    entry(session, org, EntryGround.UNREACHABLE, date(2024, 6, 1))
    return org


def reporting(session, clock, authority_code: str = "320102") -> Organisation:  # type: ignore[no-untyped-def]
    org = organisation(session, clock, authority_code=authority_code)
    for year in (2024, 2025):
        report(session, org, year, date(year + 1, 4, 1))
    return org


def _rows(session) -> dict[int, DormantCandidate]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {c.organisation_id: c for c in session.scalars(select(DormantCandidate))}


def test_a_run_writes_one_row_per_candidate_with_its_criteria(session, clock):
    quiet = dormant(session, clock)
    fine = reporting(session, clock)
    gone = dormant(session, clock)
    gone.status, gone.status_date = "deregistered", date(2026, 5, 1)
    session.flush()
    summary = Detection(session, DormantRules(), DueDates())(ON)
    rows = _rows(session)
    assert set(rows) == {quiet.id}
    row = rows[quiet.id]
    assert row.detected_on == ON and row.authority_id == quiet.authority_id
    assert row.criteria == list(Criterion)
    assert row.missing_years == "2024,2025"
    assert fine.id not in rows
    assert summary.candidates == 1
    assert summary.by_criterion == {c.value: 1 for c in Criterion}
    authorities = session.scalar(select(func.count()).select_from(RegistrationAuthority))
    assert summary.authorities == authorities
    assert set(summary.timings) >= {"delete", "insert", "count"}
    assert summary.as_dict() == {
        "on": "2026-06-15",
        "authorities": summary.authorities,
        "candidates": 1,
        "by_criterion": summary.by_criterion,
        "seconds": summary.seconds,
    }
    # A second run on the same day gives the same rows.
    again = Detection(session, DormantRules(), DueDates())(ON)
    assert again.candidates == 1 and set(_rows(session)) == {quiet.id}


def test_a_run_replaces_only_the_rows_of_its_authorities(session, clock):
    xuanwu, qinhuai = _authority(session, "320102"), _authority(session, "320104")
    here = dormant(session, clock, "320102")
    there = dormant(session, clock, "320104")
    detect = Detection(session, DormantRules(), DueDates())
    detect(date(2026, 6, 1))
    assert set(_rows(session)) == {here.id, there.id}
    # Both file their reports; only Xuanwu's list is run again, later.
    for org in (here, there):
        for year in (2024, 2025):
            report(session, org, year, date(2026, 6, 5))
    summary = detect(ON, [xuanwu.id])
    assert summary.authorities == 1
    rows = _rows(session)
    assert rows[here.id].detected_on == ON and not rows[here.id].missed_reports
    assert rows[here.id].criteria == [Criterion.UNREACHABLE, Criterion.LONG_ABNORMAL]
    assert rows[there.id].detected_on == date(2026, 6, 1) and rows[there.id].missed_reports
    assert summary.candidates == 1 and summary.by_criterion["missed_reports"] == 0
    # An empty scope changes nothing.
    assert detect(ON, []).candidates == 0
    assert set(_rows(session)) == {here.id, there.id}
    # An organisation now registered elsewhere keeps one row, under its new authority.
    session.get(Organisation, there.id).authority_id = xuanwu.id
    session.flush()
    detect(ON, [xuanwu.id])
    rows = _rows(session)
    assert rows[there.id].authority_id == xuanwu.id and rows[there.id].detected_on == ON
    detect(ON, [qinhuai.id])
    assert set(_rows(session)) == {here.id, there.id}


def test_a_run_applies_only_the_criteria_of_the_settings(session, clock):
    org = dormant(session, clock)
    rules = DormantRules(criteria=frozenset({Criterion.LONG_ABNORMAL}), abnormal_months=36)
    summary = Detection(session, rules, DueDates())(ON)
    assert summary.candidates == 0 and _rows(session) == {}
    rules = DormantRules(criteria=frozenset({Criterion.LONG_ABNORMAL}), abnormal_months=20)
    summary = Detection(session, rules, DueDates())(ON)
    assert summary.by_criterion == {
        "missed_reports": 0,
        "no_activity": 0,
        "unreachable": 0,
        "long_abnormal": 1,
    }
    assert _rows(session)[org.id].criteria == [Criterion.LONG_ABNORMAL]


def test_evidence_names_the_facts_of_each_criterion_met(session, clock):
    org = dormant(session, clock)
    first, second = session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.organisation_id == org.id)
        .order_by(ContactAttempt.attempted_on)
    ).all()
    rules = DormantRules()
    Detection(session, rules, DueDates())(ON)
    row = _rows(session)[org.id]
    found = evidence(session, row, rules)
    assert found == {
        "missed_reports": {
            "years": [2024, 2025],
            "label": "未按规定参加最近2次年度检查（报送年度工作报告）",
        },
        "no_activity": {
            "registered_on": "2015-03-02",
            "inactive_until": "2016-03-02",
            "label": "成立登记后12个月内未开展活动",
        },
        "unreachable": {
            "contacts": [
                {
                    "id": first.id,
                    "method": "letter",
                    "attempted_on": "2026-03-01",
                    "reference": "XA100200300CN",
                },
                {
                    "id": second.id,
                    "method": "visit",
                    "attempted_on": "2026-04-10",
                    "reference": None,
                },
            ],
            "label": "通过住所和法定代表人无法取得联系",
        },
        "long_abnormal": {
            "entry_id": row.abnormal_entry_id,
            "entered_on": "2024-06-01",
            "ground": "unreachable",
            "label": "被列入活动异常名录满12个月",
        },
    }
    # Only the criteria met: after the reports come, the years are gone.
    for year in (2024, 2025):
        report(session, org, year, date(2026, 6, 1))
    Detection(session, rules, DueDates())(ON)
    assert set(evidence(session, _rows(session)[org.id], rules)) == {"unreachable", "long_abnormal"}


def test_candidate_rows_page_by_organisation_and_filter_by_prefix(session, clock):
    xuanwu = [dormant(session, clock, "320102") for _ in range(3)]
    qinhuai = [dormant(session, clock, "320104") for _ in range(2)]
    suzhou = organisation(session, clock, authority_code="320505")
    contact(session, suzhou, date(2026, 3, 1))
    contact(session, suzhou, date(2026, 4, 1))
    for year in (2024, 2025):
        report(session, suzhou, year, date(year + 1, 4, 1))
    Detection(session, DormantRules(), DueDates())(ON)
    everyone = sorted(o.id for o in [*xuanwu, *qinhuai, suzhou])

    def page(prefix: str = "", criterion=None, after: int = 0, limit: int = 100):  # type: ignore[no-untyped-def]
        rows = candidate_rows(
            session, authority_prefix=prefix, criterion=criterion, after_id=after, limit=limit
        )
        return [r.organisation_id for r in rows]

    assert page() == everyone
    first = page(limit=2)
    second = page(after=first[-1], limit=2)
    third = page(after=second[-1], limit=2)
    assert first + second + third == everyone and len(third) == 2
    assert page(after=everyone[-1]) == []
    assert page("3201") == sorted(o.id for o in [*xuanwu, *qinhuai])
    assert page("320104") == sorted(o.id for o in qinhuai)
    assert page("32") == everyone
    assert page("3202") == []
    assert page(criterion=Criterion.MISSED_REPORTS) == sorted(o.id for o in [*xuanwu, *qinhuai])
    assert page("3205", Criterion.UNREACHABLE) == [suzhou.id]
    rows = candidate_rows(session, authority_prefix="", criterion=None, after_id=0, limit=1)
    assert rows[0].organisation.uscc and rows[0].authority.code == "320102"


@pytest.mark.parametrize("criterion", list(Criterion))
def test_each_criterion_alone_finds_its_organisations(session, clock, criterion):
    org = dormant(session, clock)
    reporting(session, clock)
    rules = DormantRules(criteria=frozenset({criterion}))
    summary: DetectionSummary = Detection(session, rules, DueDates())(ON)
    assert summary.by_criterion[criterion.value] == 1 == summary.candidates
    assert _rows(session)[org.id].criteria == [criterion]
