"""Officers' credit-list operations: who may, what is refused and why, the flags, the
audit trail."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEvent
from registry.credit.models import CreditList, EntryGround, RemovalGround
from registry.credit.public import entry_record
from registry.credit.services import CreditService
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedEntry
from registry.organisations.models import OrganisationStatus
from tests.accounts.factories import actor, officer
from tests.credit.factories import entry, organisation

G = EntryGround
d = date


@pytest.fixture
def reviewer(session):
    return actor(officer(session, "reviewer", "320102"))


@pytest.fixture
def clerk(session):
    return actor(officer(session, "clerk", "320102"))


@pytest.fixture
def credit(session, clock):
    return CreditService(session, clock)


def last_event(session) -> AuditEvent:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def feed_count(session, key: str) -> int:
    return session.scalar(select(func.count()).where(FeedEntry.key == key))


def test_entering_a_ground_lists_publishes_and_audits(session, clock, credit, reviewer):
    org = organisation(session, clock)
    published = feed_count(session, org.uscc)
    row = credit.enter(reviewer, org.uscc, "rectification_not_met", notes="整改期限已过")
    assert (row.list_name, row.ground, row.entered_on, row.remedy_owed) == (
        CreditList.ABNORMAL,
        G.RECTIFICATION_NOT_MET,
        d(2026, 6, 15),
        True,
    )
    assert row.detail == "未按登记管理机关整改要求进行整改"
    assert row.entered_by_id == reviewer.officer_id
    assert org.abnormal_list is True and feed_count(session, org.uscc) == published + 1
    event = last_event(session)
    assert (event.action, event.subject_type, event.subject_key) == (
        "credit.enter",
        "credit_list_entry",
        str(row.id),
    )
    assert json.loads(event.after)["notes"] == "整改期限已过"
    assert "notes" not in entry_record(row)


def test_a_second_entry_does_not_publish_again(session, clock, credit, reviewer):
    org = organisation(session, clock)
    credit.enter(reviewer, org.uscc, "rectification_not_met")
    published = feed_count(session, org.uscc)
    credit.enter(reviewer, org.uscc, "minor_penalty", detail="警告（玄民罚〔2026〕3号）")
    assert feed_count(session, org.uscc) == published  # the flag did not change


@pytest.mark.parametrize(
    ("ground", "message"),
    [
        ("report_not_filed", "ground must be one of minor_penalty"),
        ("major_fine", "ground must be one of"),
        ("nonsense", "not 'nonsense'"),
    ],
)
def test_only_the_officers_grounds_are_entered_by_hand(
    session, clock, credit, reviewer, ground, message
):
    org = organisation(session, clock)
    with pytest.raises(InvalidRecord, match=message):
        credit.enter(reviewer, org.uscc, ground)


def test_the_same_ground_is_not_entered_twice(session, clock, credit, reviewer):
    org = organisation(session, clock)
    first = credit.enter(reviewer, org.uscc, "rectification_not_met")
    with pytest.raises(InvalidRecord, match=f"since 2026-06-15 \\(entry {first.id}\\)"):
        credit.enter(reviewer, org.uscc, "rectification_not_met")


@pytest.mark.parametrize(
    ("day", "message"),
    [(d(2026, 6, 16), "after today"), (d(2015, 3, 1), "before .* was registered")],
)
def test_dates_must_be_real(session, clock, credit, reviewer, day, message):
    org = organisation(session, clock)
    with pytest.raises(InvalidRecord, match=message):
        credit.enter(reviewer, org.uscc, "rectification_not_met", entered_on=day)


def test_grounds_are_entered_for_active_organisations_only(session, clock, credit, reviewer):
    org = organisation(session, clock)
    org.status, org.status_date = OrganisationStatus.DEREGISTERED, d(2026, 1, 1)
    with pytest.raises(IllegalTransition, match="is deregistered"):
        credit.enter(reviewer, org.uscc, "rectification_not_met")


def test_unknown_organisation(credit, reviewer):
    with pytest.raises(NotFound):
        credit.enter(reviewer, "51320102MJ0000000X", "rectification_not_met")


def test_clerks_and_other_authorities_may_not_enter(session, clock, credit, clerk):
    org = organisation(session, clock)
    elsewhere = actor(officer(session, "reviewer", "320104"))
    admin = actor(officer(session, "admin", "320102"))
    for who in (clerk, elsewhere, admin):
        with pytest.raises(Forbidden):
            credit.enter(who, org.uscc, "rectification_not_met")


# -- unreachable: two failed registered letters 20–60 days apart -----------------------


def test_unreachable_is_refused_without_the_letters(session, clock, credit, reviewer, clerk):
    org = organisation(session, clock)
    with pytest.raises(InvalidRecord, match="0 recorded by 2026-06-15"):
        credit.enter(reviewer, org.uscc, "unreachable")
    credit.record_contact(clerk, org.uscc, "letter", d(2026, 3, 1), False, "XA123")
    credit.record_contact(clerk, org.uscc, "call", d(2026, 3, 10), False)
    credit.record_contact(clerk, org.uscc, "letter", d(2026, 3, 15), False, "XA124")
    with pytest.raises(InvalidRecord, match="gaps recorded are 14 days"):
        credit.enter(reviewer, org.uscc, "unreachable")
    credit.record_contact(clerk, org.uscc, "letter", d(2026, 4, 20), False, "XA125")
    row = credit.enter(reviewer, org.uscc, "unreachable")
    assert row.ground is G.UNREACHABLE and org.abnormal_list is True


def test_a_successful_contact_after_the_letters_refuses_unreachable(
    session, clock, credit, reviewer, clerk
):
    org = organisation(session, clock)
    credit.record_contact(clerk, org.uscc, "letter", d(2026, 3, 1), False)
    credit.record_contact(clerk, org.uscc, "letter", d(2026, 4, 1), False)
    credit.record_contact(clerk, org.uscc, "visit", d(2026, 4, 10), True)
    with pytest.raises(InvalidRecord, match="reached on 2026-04-10"):
        credit.enter(reviewer, org.uscc, "unreachable")


def test_recording_a_contact_is_audited_and_open_to_clerks(session, clock, credit, clerk):
    org = organisation(session, clock)
    attempt = credit.record_contact(clerk, org.uscc, "letter", d(2026, 3, 1), False, " XA1 ")
    assert attempt.reference == "XA1" and attempt.recorded_by_id == clerk.officer_id
    event = last_event(session)
    assert (event.action, event.subject_type) == ("contact.record", "contact_attempt")
    with pytest.raises(InvalidRecord, match="method must be one of call, letter, visit"):
        credit.record_contact(clerk, org.uscc, "email", d(2026, 3, 1), False)


# -- removal -----------------------------------------------------------------------------


def test_an_officer_records_a_remedy(session, clock, credit, reviewer):
    org = organisation(session, clock)
    row = credit.enter(reviewer, org.uscc, "rectification_not_met", entered_on=d(2026, 3, 1))
    published = feed_count(session, org.uscc)
    credit.remove(reviewer, row.id, "remedied", d(2026, 6, 10))
    assert (row.removed_on, row.removal_ground, row.removed_by_id) == (
        d(2026, 6, 10),
        RemovalGround.REMEDIED,
        reviewer.officer_id,
    )
    assert org.abnormal_list is False and feed_count(session, org.uscc) == published + 1
    event = last_event(session)
    assert event.action == "credit.remove"
    assert json.loads(event.before)["removed_on"] is None
    assert json.loads(event.after)["removed_on"] == "2026-06-10"
    with pytest.raises(IllegalTransition, match="was removed on 2026-06-10"):
        credit.remove(reviewer, row.id, "rescinded")


@pytest.mark.parametrize(
    ("ground", "removal", "message"),
    [
        (G.REPORT_NOT_FILED, "remedied", "when the report is filed"),
        (G.MINOR_PENALTY, "remedied", "comes off by itself after 6 months"),
        (G.MAJOR_FINE, "remedied", "after 2 years"),
        (G.MINOR_PENALTY, "expired", "ground must be one of remedied, rescinded"),
    ],
)
def test_what_officers_may_not_remove(session, clock, credit, reviewer, ground, removal, message):
    org = organisation(session, clock)
    row = entry(
        session,
        org,
        ground,
        d(2026, 1, 1),
        report_year=2024 if ground is G.REPORT_NOT_FILED else None,
    )
    with pytest.raises(InvalidRecord, match=message):
        credit.remove(reviewer, row.id, removal)


def test_any_entry_may_be_rescinded(session, clock, credit, reviewer):
    org = organisation(session, clock)
    row = entry(session, org, G.REPORT_NOT_FILED, d(2025, 6, 1), report_year=2024)
    credit.remove(reviewer, row.id, "rescinded", d(2025, 6, 3))
    assert row.removal_ground is RemovalGround.RESCINDED


def test_removal_needs_the_role_and_the_authority(session, clock, credit, clerk):
    org = organisation(session, clock)
    row = entry(session, org, G.RECTIFICATION_NOT_MET, d(2026, 1, 1))
    with pytest.raises(Forbidden):
        credit.remove(clerk, row.id, "remedied")
    with pytest.raises(NotFound):
        credit.remove(clerk, 10**9, "remedied")


# -- penalties ---------------------------------------------------------------------------


def test_a_warning_is_a_minor_penalty_on_the_abnormal_list(session, clock, credit, reviewer):
    org = organisation(session, clock)
    recorded = credit.record_penalty(
        reviewer, org.uscc, "warning", None, d(2026, 5, 1), "玄民罚〔2026〕1号"
    )
    assert (recorded.entry.list_name, recorded.entry.ground) == (
        CreditList.ABNORMAL,
        G.MINOR_PENALTY,
    )
    assert recorded.entry.penalty_id == recorded.penalty.id
    assert recorded.entry.detail.endswith("（玄民罚〔2026〕1号）")
    assert recorded.entry.remedy_owed is False
    event = last_event(session)
    assert (event.action, event.subject_type) == ("penalty.record", "penalty")


def test_a_major_fine_and_repeated_penalties_go_on_the_dishonest_list(
    session, clock, credit, reviewer
):
    org = organisation(session, clock)
    fine = credit.record_penalty(reviewer, org.uscc, "fine", "50000", d(2026, 1, 5), "罚1号")
    assert fine.entry.ground is G.MAJOR_FINE and org.dishonest_list is True
    other = organisation(session, clock)
    first = credit.record_penalty(reviewer, other.uscc, "fine", 3000, d(2023, 7, 1), "罚2号")
    assert first.entry.ground is G.MINOR_PENALTY
    second = credit.record_penalty(reviewer, other.uscc, "warning", None, d(2026, 6, 1), "罚3号")
    assert second.entry.ground is G.REPEATED_PENALTIES
    assert (other.abnormal_list, other.dishonest_list) == (True, True)
    # the first one lapsed long ago: the daily run takes it off (no reports are due here)
    CreditService(session, clock, first_report_year=2026).run()
    session.refresh(other)
    assert (other.abnormal_list, other.dishonest_list) == (False, True)


@pytest.mark.parametrize(
    ("kind", "amount", "document", "message"),
    [
        ("warning", Decimal("100"), "罚9号", "a warning has no amount"),
        ("fine", None, "罚9号", "a fine needs its amount"),
        ("fine", "ten", "罚9号", "amount must be a number"),
        ("fine", 100, " ", "document number"),
        ("caution", None, "罚9号", "kind must be one of fine, warning"),
    ],
)
def test_penalties_are_checked(session, clock, credit, reviewer, kind, amount, document, message):
    org = organisation(session, clock)
    with pytest.raises(InvalidRecord, match=message):
        credit.record_penalty(reviewer, org.uscc, kind, amount, d(2026, 5, 1), document)


def test_a_penalty_is_recorded_once(session, clock, credit, reviewer):
    org = organisation(session, clock)
    credit.record_penalty(reviewer, org.uscc, "warning", None, d(2026, 5, 1), "罚1号")
    with pytest.raises(InvalidRecord, match="already recorded"):
        credit.record_penalty(reviewer, org.uscc, "warning", None, d(2026, 5, 2), "罚1号")


# -- revocation and deregistration (for the deregistration procedure) ---------------------


def test_revocation_lists_and_deregistration_delists(session, clock, credit, reviewer):
    org = organisation(session, clock)
    row = credit.enter_revocation(reviewer, org.uscc, d(2026, 1, 10))
    assert (row.list_name, row.ground) == (CreditList.DISHONEST, G.REVOCATION)
    assert org.dishonest_list is True
    with pytest.raises(InvalidRecord, match="already listed for revocation"):
        credit.enter_revocation(reviewer, org.uscc, d(2026, 1, 11))
    other = credit.enter(reviewer, org.uscc, "rectification_not_met", entered_on=d(2026, 2, 1))
    removed = credit.remove_on_deregistration(reviewer, org.uscc, d(2026, 6, 1))
    assert removed == [row]
    assert (row.removed_on, row.removal_ground) == (d(2026, 6, 1), RemovalGround.DEREGISTERED)
    assert other.removed_on is None
    assert (org.abnormal_list, org.dishonest_list) == (True, False)
    assert credit.remove_on_deregistration(reviewer, org.uscc, d(2026, 6, 1)) == []
