from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from registry.authorities.services import NO_AUTHORITY
from registry.credit import rules as credit_rules
from registry.credit.models import CreditList, CreditListEntry, EntryGround, Penalty
from registry.credit.services import CreditService
from registry.demo.contents import ACTIVITIES, FUNDRAISING_ACTIVITY, Registered
from registry.demo.inspections import seed_inspections
from registry.demo.reports import InspectionGenerator
from registry.demo.seed import RegisterGenerator, build_places, seed_register
from registry.divisions.services import current_divisions
from registry.inspections.contents import check_contents
from registry.inspections.models import AnnualReport, Conclusion, ReportStatus
from registry.inspections.rules import is_obliged
from registry.organisations.models import ChangeType, Organisation, OrganisationStatus
from registry.ratings import rules as rating_rules
from registry.ratings.models import Rating
from registry.ratings.services import RatingService
from search.backends.database import DatabaseBackend
from search.models import SearchDocument
from search.service import register_documents
from search.verify import drift

TODAY = date(2026, 6, 15)  # the clock fixture's day
NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)
CONTENTS = (
    "compliance_statement",
    "registration_changes",
    "activities",
    "staff_count",
    "volunteer_count",
    "officers",
    "branch_count",
    "income",
    "expenditure",
    "net_assets",
    "donations_received",
    "domestic_donations",
    "foreign_donations",
    "grants_made",
    "audit_opinion",
    "party_building",
)


@pytest.fixture(scope="module")
def organisations() -> list[Registered]:
    """2,000 organisations as the demo register makes them, without a database."""
    rows = list(current_divisions())
    ids = {r.code: i for i, r in enumerate(rows, 1) if r.code[:2] + "0000" not in NO_AUTHORITY}
    generator = RegisterGenerator(build_places(rows, ids), seed=3, today=TODAY, now=NOW)
    return [registered(n, plan) for n, plan in enumerate(generator.organisations(2000), 1)]


def registered(id_: int, plan) -> Registered:  # type: ignore[no-untyped-def]
    row = plan.row
    return Registered(
        id_,
        row["uscc"],
        row["kind"],
        row["fundraising"],
        row["is_charity"],
        row["founded_on"],
        row["status"],
        row["status_date"],
        row["status_reason"],
        row["registered_funds"],
        row["legal_representative"],
        row["supervisory_unit"],
        row["authority_id"],
        tuple(
            (c["field"], c["old_value"], c["effective_on"])
            for c in plan.changes
            if c["change_type"] is ChangeType.CHANGE
        ),
    )


def histories(organisations: list[Registered], seed: int = 1):  # type: ignore[no-untyped-def]
    generator = InspectionGenerator(seed=seed, today=TODAY, now=NOW)
    return [generator.history(org) for org in organisations]


@pytest.fixture(scope="module")
def generated(organisations):  # type: ignore[no-untyped-def]
    return histories(organisations)


def obliged(org: Registered, year: int) -> bool:
    return is_obliged(
        year,
        kind=org.kind,
        is_charity=org.is_charity,
        founded_on=org.founded_on,
        status=org.status,
        status_date=org.status_date,
    )


# -- the generator, without a database ----------------------------------------------------


def test_the_histories_are_deterministic_for_a_seed(organisations, generated):
    again = histories(organisations[:300])
    assert [(h.reports, h.entries, h.penalties) for h in generated[:300]] == [
        (h.reports, h.entries, h.penalties) for h in again
    ]
    other = histories(organisations[:300], seed=2)
    assert [h.reports for h in generated[:300]] != [h.reports for h in other]


def test_filing_and_conclusions_come_in_plausible_proportions(generated):
    obliged_years = sum(h.obliged for h in generated)
    filed = sum(h.filed for h in generated)
    assert 0.75 < filed / obliged_years < 0.95
    reports = [r for h in generated for r in h.reports]
    late = sum(h.late for h in generated)
    assert 0.04 < late / len(reports) < 0.2
    conclusions = Counter(r["conclusion"] for r in reports if r["conclusion"] is not None)
    concluded = sum(conclusions.values())
    assert 0.78 < conclusions[Conclusion.PASS] / concluded < 0.92
    assert 0.06 < conclusions[Conclusion.BASIC_PASS] / concluded < 0.15
    assert 0.02 < conclusions[Conclusion.FAIL] / concluded < 0.09
    # The latest year is partly still in the review queue; older ones are all concluded.
    waiting = Counter(r["year"] for r in reports if r["status"] is ReportStatus.SUBMITTED)
    assert waiting[2025] > 0 and set(waiting) <= {2024, 2025}
    # Most orders to correct were met.
    orders = [r for r in reports if r["correction_order"]]
    assert orders and sum(r["corrected_on"] is not None for r in orders) / len(orders) > 0.6
    # A few penalties and ratings.
    assert 0 < sum(len(h.penalties) for h in generated) < 40
    assert 0 < sum(h.rating is not None for h in generated) < 200


def test_every_report_is_for_an_obliged_year_and_dated_by_today(organisations, generated):
    for org, history in zip(organisations, generated, strict=True):
        years = [r["year"] for r in history.reports]
        assert years == sorted(set(years))
        for report in history.reports:
            assert report["year"] >= max(org.founded_on.year, 2017)
            assert obliged(org, report["year"]), (org.uscc, report["year"])
            assert date(report["year"] + 1, 1, 1) <= report["submitted_on"] <= TODAY
            if org.status_date is not None:
                assert report["submitted_on"] < org.status_date
            concluded = report["concluded_on"]
            assert (concluded is None) == (report["status"] is ReportStatus.SUBMITTED)
            if concluded is not None:
                assert report["submitted_on"] <= concluded <= TODAY
            if report["conclusion"] in (Conclusion.BASIC_PASS, Conclusion.FAIL):
                assert report["conclusion_reasons"] and report["correction_order"]
                assert report["correction_deadline"] > concluded
            else:
                assert report["conclusion_reasons"] is None
                assert report["correction_order"] is None
            if report["corrected_on"] is not None:
                assert concluded <= report["corrected_on"] <= TODAY
        for entry in history.entries + [entry for _, entry in history.penalties]:
            assert org.founded_on <= entry["entered_on"] <= TODAY
            assert entry["removed_on"] is None or entry["entered_on"] < entry["removed_on"] <= TODAY
        for penalty, _ in history.penalties:
            assert org.status is OrganisationStatus.ACTIVE
            assert org.founded_on < penalty["decided_on"] <= TODAY


def test_report_contents_are_what_a_report_holds(organisations, generated):
    """What the generator writes is what InspectionService.submit would have stored."""
    names = {org.id: org for org in organisations}
    for history in generated[:400]:
        for report in history.reports:
            org = names[report["organisation_id"]]
            contents = {
                "compliance_statement": report["compliance_statement"],
                "registration_changes": report["registration_changes"],
                "activities": json.loads(report["activities"]),
                "staff_count": report["staff_count"],
                "volunteer_count": report["volunteer_count"],
                "officers": json.loads(report["officers"]),
                "branch_count": report["branch_count"],
                "party_building": report["party_building"],
                "finances": {
                    name: report[name]
                    for name in (
                        "income",
                        "expenditure",
                        "net_assets",
                        "donations_received",
                        "domestic_donations",
                        "foreign_donations",
                        "grants_made",
                        "audit_opinion",
                    )
                },
            }
            values, errors = check_contents(contents, org.kind)
            assert errors == {}, (org.uscc, report["year"], errors)
            assert values == {name: report[name] for name in CONTENTS}
            assert str(report["year"]) in report["compliance_statement"]
            dates = [a["date"] for a in contents["activities"]]
            assert dates == sorted(dates) and all(d.startswith(str(report["year"])) for d in dates)


def test_every_activity_has_one_figure():
    for title, text, low, high in [
        *(a for pool in ACTIVITIES.values() for a in pool),
        FUNDRAISING_ACTIVITY,
    ]:
        assert text.count("{n}") == 1 and '"' not in title + text and "%" not in title + text
        assert 0 < low < high


def test_officers_name_the_legal_representative_of_the_year(organisations, generated):
    changed = 0
    for org, history in zip(organisations, generated, strict=True):
        renamed = [(old, on) for field, old, on in org.changes if field == "legal_representative"]
        for report in history.reports:
            leader = json.loads(report["officers"])[0]["name"]
            later = [old for old, on in renamed if on.year > report["year"]]
            assert leader == (later[0] if later else org.legal_representative)
            changed += bool(later)
    assert changed


def test_penalties_enter_the_list_their_rule_gives(generated):
    penalised = [h.penalties for h in generated if h.penalties]
    assert penalised
    for penalties in penalised:
        days = []
        for penalty, entry in penalties:
            outcome = credit_rules.penalty_ground(
                penalty["kind"], penalty["amount"], penalty["decided_on"], days
            )
            assert (entry["list_name"], entry["ground"]) == (outcome.list_name, outcome.ground)
            assert penalty["document_no"] in entry["detail"]
            days.append(penalty["decided_on"])
        numbers = [penalty["document_no"] for penalty, _ in penalties]
        assert len(set(numbers)) == len(numbers)


# -- seeded into the database -------------------------------------------------------------


@pytest.fixture
def seeded(session, clock):  # type: ignore[no-untyped-def]
    summary = seed_register(session, clock, organisations=400, community=0, seed=4, commit=False)
    seed_inspections(session, clock, summary, seed=4, commit=False)
    session.commit()  # the search index follows the commit
    return summary


def test_seed_loads_reports_lists_and_ratings(session, clock, seeded):
    organisations = {o.id: o for o in session.scalars(select(Organisation))}
    reports = session.scalars(select(AnnualReport)).all()
    assert len(reports) == seeded.reports > 1000
    assert 0.75 < seeded.participation < 0.95
    for report in reports:
        org = organisations[report.organisation_id]
        assert is_obliged(
            report.year,
            kind=org.kind,
            is_charity=org.is_charity,
            founded_on=org.founded_on,
            status=org.status,
            status_date=org.status_date,
        )
        for day in (report.submitted_on, report.concluded_on, report.corrected_on):
            assert day is None or day <= clock.today()
    entries = session.scalars(select(CreditListEntry)).all()
    assert len(entries) == seeded.list_entries
    assert {e.ground for e in entries} >= {EntryGround.REPORT_NOT_FILED, EntryGround.REVOCATION}
    assert all(e.entered_on <= clock.today() for e in entries)
    penalties = session.scalars(select(Penalty)).all()
    assert len(penalties) == seeded.penalties > 0
    assert {e.penalty_id for e in entries if e.penalty_id} == {p.id for p in penalties}
    assert seeded.ratings > 0 and seeded.abnormal > 0 and seeded.dishonest > 0


def test_the_flags_say_whether_an_entry_is_open(session, clock, seeded):
    today = clock.today()
    open_lists: dict[int, set[CreditList]] = {}
    for entry in session.scalars(select(CreditListEntry)):
        if credit_rules.Stay(entry.entered_on, entry.removed_on).open_on(today):
            open_lists.setdefault(entry.organisation_id, set()).add(entry.list_name)
    flagged = 0
    for org in session.scalars(select(Organisation)):
        lists = open_lists.get(org.id, set())
        assert org.abnormal_list == (CreditList.ABNORMAL in lists), org.uscc
        assert org.dishonest_list == (CreditList.DISHONEST in lists), org.uscc
        flagged += org.abnormal_list
    assert flagged == seeded.abnormal > 0
    # The seed is what the daily job would have left: running it again changes nothing.
    assert not CreditService(session, clock).run(today).changed


def test_ratings_follow_the_rules_on_their_day(session, clock, seeded):
    service = RatingService(session, clock)
    ratings = session.scalars(select(Rating)).all()
    assert len(ratings) == seeded.ratings > 0
    for rating in ratings:
        org = rating.organisation
        assert rating_rules.refusals(service.facts(org, rating.rated_on)) == []
        assert rating.grade == rating_rules.grade_for(rating.score)
        assert rating.valid_until == rating_rules.valid_until(rating.rated_on)
    for org in session.scalars(select(Organisation)):
        held = [(r.grade, r.rated_on, r.valid_until, r.withdrawn_on) for r in org_ratings(org)]
        current = rating_rules.current_rating(held, clock.today())
        assert (org.rating, org.rating_valid_until) == (current or (None, None))


def org_ratings(org: Organisation) -> list[Rating]:
    from sqlalchemy.orm import object_session

    session = object_session(org)
    assert session is not None
    return list(session.scalars(select(Rating).where(Rating.organisation_id == org.id)))


def test_the_search_documents_carry_the_flags(session, seeded):
    documents = {d.uscc: d for d in session.scalars(select(SearchDocument))}
    organisations = session.scalars(select(Organisation)).all()
    assert len(documents) == len(organisations)
    for org in organisations:
        document = documents[org.uscc]
        assert (document.abnormal_list, document.dishonest_list, document.rating) == (
            org.abnormal_list,
            org.dishonest_list,
            org.rating,
        ), org.uscc
        assert document.version == org.version
    assert not drift(register_documents(session), DatabaseBackend(session)).has_drift


def test_demo_seed_reports_the_officers_domains(app, session):
    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--orgs", "80", "--community", "0", "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "annual reports (participation" in result.output
    assert "on the abnormal-activities list" in result.output
    assert session.scalar(select(func.count()).select_from(AnnualReport)) > 80
