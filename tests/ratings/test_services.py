"""Rating an organisation: grade, term, each eligibility refusal, the record, withdrawal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.credit.models import EntryGround, Penalty, PenaltyKind
from registry.credit.services import CreditService
from registry.errors import Forbidden, IllegalTransition, InvalidRecord
from registry.feed.models import FeedEntry
from registry.organisations.models import OrganisationStatus
from registry.ratings.services import RatingService
from tests.accounts.factories import actor, officer
from tests.credit.factories import entry, organisation, report

d = date


@pytest.fixture
def reviewer(session):
    return actor(officer(session, "reviewer", "320102"))


def eligible(session, clock, **overrides):
    """Registered in 2020, its 2024 and 2025 reports filed and passed."""
    org = organisation(session, clock, founded_on=d(2020, 3, 1), **overrides)
    report(session, org, 2024, d(2025, 4, 1), "pass", d(2025, 8, 1))
    report(session, org, 2025, d(2026, 4, 1), "pass", d(2026, 6, 1))
    return org


def refused(session, clock, reviewer, org, rated_on=None) -> dict:
    with pytest.raises(InvalidRecord) as caught:
        RatingService(session, clock).rate(reviewer, org.uscc, 850, rated_on)
    return caught.value.details["errors"]


def test_rating_sets_the_grade_and_term_and_publishes(session, clock, reviewer):
    org = eligible(session, clock)
    version = org.version
    rating = RatingService(session, clock).rate(reviewer, org.uscc, Decimal("812.5"))
    assert (rating.grade, rating.rated_on, rating.valid_until) == (
        "4A",
        d(2026, 6, 15),
        d(2031, 6, 14),
    )
    assert (org.rating, org.rating_valid_until, org.version) == ("4A", d(2031, 6, 14), version + 1)
    published = session.scalars(select(FeedEntry).order_by(FeedEntry.id.desc())).first()
    assert published.key == org.uscc and json.loads(published.record)["rating"] == "4A"
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.subject_type, event.actor) == (
        "rating.record",
        "rating",
        reviewer.username,
    )


def test_a_score_below_the_lowest_band_is_refused(session, clock, reviewer):
    org = eligible(session, clock)
    with pytest.raises(InvalidRecord, match="below 500, the lowest band"):
        RatingService(session, clock).rate(reviewer, org.uscc, 499)


@pytest.mark.parametrize("score", [-1, 1000.1, "abc", "NaN"])
def test_a_score_off_the_scale_is_refused(session, clock, reviewer, score):
    org = eligible(session, clock)
    with pytest.raises(InvalidRecord, match="from 0 to 1000"):
        RatingService(session, clock).rate(reviewer, org.uscc, score)


def test_configured_bands(session, clock, reviewer):
    org = eligible(session, clock)
    service = RatingService(session, clock, (("5A", 95), ("1A", 60)), max_score=100)
    assert service.rate(reviewer, org.uscc, 96).grade == "5A"


# -- each refusal, one at a time ------------------------------------------------------


def test_refused_before_two_full_years(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2024, 6, 16))
    report(session, org, 2025, d(2026, 4, 1), "pass")
    assert list(refused(session, clock, reviewer, org)) == ["registered_two_years"]


def test_refused_when_last_years_report_is_missing(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2020, 3, 1))
    report(session, org, 2024, d(2025, 4, 1), "pass")
    assert list(refused(session, clock, reviewer, org)) == ["missed_inspection"]


def test_last_years_inspection_is_the_one_already_due(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2020, 3, 1))
    report(session, org, 2024, d(2025, 4, 1), "pass")
    # On 1 May 2026 the 2025 report is not due yet (31 May): 2024's inspection counts.
    rating = RatingService(session, clock).rate(reviewer, org.uscc, 700, d(2026, 5, 1))
    assert rating.grade == "3A"


def test_refused_after_a_failed_inspection(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2020, 3, 1))
    report(session, org, 2024, d(2025, 4, 1), "pass")
    report(session, org, 2025, d(2026, 4, 1), "fail")
    assert list(refused(session, clock, reviewer, org)) == ["failed_inspection"]


def test_refused_after_two_basic_passes_running(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2020, 3, 1))
    report(session, org, 2024, d(2025, 4, 1), "basic_pass")
    report(session, org, 2025, d(2026, 4, 1), "basic_pass")
    assert list(refused(session, clock, reviewer, org)) == ["basic_pass_two_years"]


def test_refused_when_penalised_last_year(session, clock, reviewer):
    org = eligible(session, clock)
    session.add(
        Penalty(
            organisation_id=org.id,
            kind=PenaltyKind.WARNING,
            decided_on=d(2025, 3, 1),
            document_no="玄民罚〔2025〕1号",
            authority_id=org.authority_id,
            recorded_at=datetime(2025, 3, 1, tzinfo=UTC),
        )
    )
    session.flush()
    assert list(refused(session, clock, reviewer, org)) == ["penalised_last_year"]


def test_refused_while_on_a_credit_list(session, clock, reviewer):
    org = eligible(session, clock)
    entry(session, org, EntryGround.MAJOR_FINE, d(2024, 1, 1))
    errors = refused(session, clock, reviewer, org)
    assert list(errors) == ["on_credit_list"]
    assert "serious-dishonesty" in errors["on_credit_list"]


def test_refused_when_not_active(session, clock, reviewer):
    org = eligible(session, clock)
    org.status, org.status_date = OrganisationStatus.REVOKED, d(2026, 1, 1)
    assert "active" in refused(session, clock, reviewer, org)


def test_the_message_names_each_rule(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2025, 1, 1))
    entry(session, org, EntryGround.UNREACHABLE, d(2026, 1, 1))
    with pytest.raises(InvalidRecord) as caught:
        RatingService(session, clock).rate(reviewer, org.uscc, 900)
    assert "(registered_two_years)" in caught.value.message
    assert "(on_credit_list)" in caught.value.message


# -- who may, withdrawal, expiry --------------------------------------------------------


def test_clerks_and_other_authorities_may_not_rate(session, clock):
    org = eligible(session, clock)
    clerk = actor(officer(session, "clerk", "320102"))
    elsewhere = actor(officer(session, "reviewer", "320104"))
    for who in (clerk, elsewhere):
        with pytest.raises(Forbidden):
            RatingService(session, clock).rate(who, org.uscc, 900)


def test_withdrawal_clears_the_record_and_cannot_be_repeated(session, clock, reviewer):
    org = eligible(session, clock)
    service = RatingService(session, clock)
    rating = service.rate(reviewer, org.uscc, 905)
    with pytest.raises(InvalidRecord, match="reason is required"):
        service.withdraw(reviewer, rating.id, reason=" ")
    service.withdraw(reviewer, rating.id, reason="评估材料弄虚作假")
    assert (rating.withdrawn_on, org.rating, org.rating_valid_until) == (
        d(2026, 6, 15),
        None,
        None,
    )
    with pytest.raises(IllegalTransition, match="was withdrawn on 2026-06-15"):
        service.withdraw(reviewer, rating.id, reason="again")


def test_the_daily_run_clears_a_rating_that_ran_out(session, clock, reviewer):
    org = organisation(session, clock, founded_on=d(2010, 3, 1))
    report(session, org, 2019, d(2020, 4, 1), "pass")
    report(session, org, 2020, d(2021, 4, 1), "pass")
    clock.set(datetime(2021, 6, 15, 2, tzinfo=UTC))
    RatingService(session, clock).rate(reviewer, org.uscc, 905)
    assert org.rating == "5A" and org.rating_valid_until == d(2026, 6, 14)
    clock.set(datetime(2026, 6, 15, 2, tzinfo=UTC))
    summary = CreditService(session, clock, first_report_year=2026).run()
    assert summary.ratings_expired == 1
    session.refresh(org)
    assert org.rating is None and org.rating_valid_until is None
