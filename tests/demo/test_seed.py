from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.authorities.models import RegistrationAuthority
from registry.authorities.services import NO_AUTHORITY
from registry.community.models import CommunityOrganisation, FilingStatus
from registry.demo.seed import RegisterGenerator, build_places, seed_if_empty, seed_register
from registry.divisions.models import DivisionLevel
from registry.divisions.services import current_divisions
from registry.organisations import rules, uscc
from registry.organisations.models import (
    ChangeRecord,
    ChangeType,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from registry.organisations.services import OrganisationService

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def places():
    """The places of every authority load_authorities() creates, without a database."""
    rows = list(current_divisions())
    ids = {r.code: i for i, r in enumerate(rows, 1) if r.code[:2] + "0000" not in NO_AUTHORITY}
    return build_places(rows, ids)


def generate(places, count: int, seed: int = 1):
    from datetime import UTC, datetime

    generator = RegisterGenerator(
        places, seed=seed, today=TODAY, now=datetime(2026, 6, 15, 2, tzinfo=UTC)
    )
    return list(generator.organisations(count)), list(generator.filings(count // 2))


# commit=False: the seed stays inside the test's transaction, which is rolled back.
@pytest.fixture
def seeded(session, clock):
    return seed_register(session, clock, organisations=300, community=120, seed=5, commit=False)


def test_the_generator_is_deterministic(places):
    first, first_filings = generate(places, 200, seed=42)
    again, again_filings = generate(places, 200, seed=42)
    other, _ = generate(places, 200, seed=43)
    assert [(p.row, p.changes) for p in first] == [(p.row, p.changes) for p in again]
    assert first_filings == again_filings
    assert [p.row["uscc"] for p in first] != [p.row["uscc"] for p in other]


def test_kinds_levels_and_statuses_come_in_realistic_proportions(places):
    plans, _ = generate(places, 2000)
    kinds = Counter(p.row["kind"] for p in plans)
    assert 0.40 < kinds[OrganisationKind.SOCIAL_GROUP] / 2000 < 0.50
    assert 0.48 < kinds[OrganisationKind.SOCIAL_SERVICE_AGENCY] / 2000 < 0.58
    assert 0.005 < kinds[OrganisationKind.FOUNDATION] / 2000 < 0.04
    levels = Counter(p.place.level for p in plans)
    assert levels[DivisionLevel.COUNTY] > levels[DivisionLevel.PREFECTURE]
    assert levels[DivisionLevel.PREFECTURE] > levels[DivisionLevel.PROVINCE]
    assert levels[DivisionLevel.PROVINCE] > levels[DivisionLevel.NATIONAL] > 0
    removed = sum(p.row["status"] is not OrganisationStatus.ACTIVE for p in plans)
    assert 0.04 < removed / 2000 < 0.12
    changed = sum(any(c["change_type"] is ChangeType.CHANGE for c in p.changes) for p in plans)
    assert 0.2 < changed / 2000 < 0.4
    unsupervised = sum(p.row["supervisory_unit"] is None for p in plans)
    assert 0.3 < unsupervised / 2000 < 0.5


def test_generated_rows_follow_the_registration_rules(places):
    plans, _ = generate(places, 1000)
    for plan in plans:
        row = plan.row
        assert row["name"].startswith(plan.place.region) or row["name"].endswith("基金会")
        assert TODAY - timedelta(days=366 * 30) <= row["founded_on"] <= TODAY
        assert row["founded_on"] <= row["certificate_issued_on"] <= TODAY
        assert row["certificate_valid_until"].year == row["certificate_issued_on"].year + 5
        assert row["domicile_division_code"] in {code for code, _ in plan.place.counties}
        assert row["registered_funds"] >= 30_000
        if row["kind"] is OrganisationKind.FOUNDATION:
            assert row["fundraising"] is not None and row["registered_funds"] >= 2_000_000
        else:
            assert row["fundraising"] is None
        if plan.place.level is DivisionLevel.NATIONAL:
            assert row["domicile_division_code"].startswith("11")
        dates = [c["effective_on"] for c in plan.changes]
        assert dates == sorted(dates)
        assert row["version"] == 1 + len(
            {(c["change_type"], c["effective_on"]) for c in plan.changes[1:]}
        )
    names = [p.row["name"] for p in plans]
    assert len(set(names)) == len(names)


def test_seed_loads_what_was_asked(session, seeded):
    assert seeded.organisations == 300
    assert session.scalar(select(func.count()).select_from(Organisation)) == 300
    assert session.scalar(select(func.count()).select_from(CommunityOrganisation)) == 120
    assert session.scalar(select(func.count()).select_from(ChangeRecord)) == seeded.change_records
    registrations = session.scalar(
        select(func.count()).where(ChangeRecord.change_type == ChangeType.REGISTRATION)
    )
    assert registrations == 300


def test_every_credit_code_is_valid_and_unique(session, seeded):
    rows = session.execute(select(Organisation.uscc, Organisation.kind)).all()
    for code, kind in rows:
        result = uscc.validate(code, kind=kind.value)
        assert result.valid, (code, result.errors)
    assert len({code for code, _ in rows}) == len(rows) == 300


def test_foundations_are_registered_only_by_the_ministry_or_a_province(session, seeded):
    levels = session.scalars(
        select(RegistrationAuthority.level)
        .join(Organisation, Organisation.authority_id == RegistrationAuthority.id)
        .where(Organisation.kind == OrganisationKind.FOUNDATION)
    ).all()
    assert set(levels) <= {DivisionLevel.NATIONAL, DivisionLevel.PROVINCE}


def test_history_rebuilds_the_original_registration(session, clock, seeded):
    service = OrganisationService(session, clock)
    changed = session.scalars(
        select(Organisation)
        .join(ChangeRecord)
        .where(ChangeRecord.change_type == ChangeType.CHANGE)
        .distinct()
        .order_by(Organisation.id)
    ).all()
    assert changed
    for organisation in changed[:25]:
        changes = [c for c in organisation.changes if c.change_type is ChangeType.CHANGE]
        first = changes[0].effective_on
        assert first > organisation.founded_on
        state = service.as_of(organisation.uscc, first - timedelta(days=1))
        assert state is not None
        originals: dict[str, str | None] = {}
        for change in changes:
            originals.setdefault(change.field, change.old_value)
        for field, old in originals.items():
            assert rules.encode(state.fields[field]) == old, (organisation.uscc, field)
        assert state.fields["status"] is OrganisationStatus.ACTIVE
        today = service.as_of(organisation.uscc, clock.today())
        assert today is not None and today.fields["name"] == organisation.name
        assert service.as_of(organisation.uscc, organisation.founded_on - timedelta(days=1)) is None


def test_removed_organisations_have_a_date_and_a_reason(session, seeded):
    removed = session.scalars(
        select(Organisation).where(Organisation.status != OrganisationStatus.ACTIVE)
    ).all()
    assert removed
    for organisation in removed:
        assert organisation.status_date > organisation.founded_on
        assert organisation.status_reason
        status = [c for c in organisation.changes if c.change_type is ChangeType.STATUS]
        assert {c.field for c in status} >= {"status", "status_date", "status_reason"}
        assert all(c.effective_on == organisation.status_date for c in status)
        later = [c for c in organisation.changes if c.change_type is ChangeType.CHANGE]
        assert all(c.effective_on < organisation.status_date for c in later)
        assert all(c.approved_by_id == organisation.authority_id for c in organisation.changes)


def test_community_filings_are_kept_by_counties_with_unique_numbers(session, seeded):
    rows = session.execute(
        select(CommunityOrganisation, RegistrationAuthority.level, RegistrationAuthority.code).join(
            RegistrationAuthority, CommunityOrganisation.authority_id == RegistrationAuthority.id
        )
    ).all()
    assert len(rows) == 120
    numbers = [filing.filing_number for filing, _, _ in rows]
    assert len(set(numbers)) == len(numbers)
    for filing, level, code in rows:
        assert level is DivisionLevel.COUNTY
        assert filing.division_code == code
        assert filing.filing_number.startswith(f"社备{code}{filing.filed_on.year}")
        if filing.status is FilingStatus.WITHDRAWN:
            assert filing.status_date > filing.filed_on and filing.status_reason


def test_seed_if_empty_leaves_a_register_with_organisations_alone(session, clock, seeded):
    assert seed_if_empty(session, clock, organisations=50, seed=9, commit=False) is None
    assert session.scalar(select(func.count()).select_from(Organisation)) == 300


def test_seed_if_empty_seeds_an_empty_register(session, clock):
    summary = seed_if_empty(session, clock, organisations=20, community=0, seed=9, commit=False)
    assert summary is not None and summary.organisations == 20
    assert session.scalar(select(func.count()).select_from(Organisation)) == 20


def test_a_second_seed_adds_to_the_register_without_collisions(session, clock, seeded):
    more = seed_register(session, clock, organisations=100, community=50, seed=5, commit=False)
    assert more.organisations == 100
    codes = session.scalars(select(Organisation.uscc)).all()
    names = session.scalars(select(Organisation.name)).all()
    assert len(set(codes)) == len(codes) == 400
    assert len(set(names)) == len(names)
