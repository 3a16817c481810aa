"""The case service: transitions, the clock's conditions, approvals and the effects."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.models import OfficerRole
from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.credit.models import CreditListEntry, EntryGround
from registry.deregistration.models import (
    CaseState,
    DecisionKind,
    DeregistrationDecision,
    NoticeKind,
)
from registry.deregistration.services import CaseService
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedEntry
from registry.organisations.models import OrganisationStatus
from tests.accounts.factories import actor, officer
from tests.credit.factories import organisation, report

TODAY = date(2026, 6, 15)  # tests.conftest.TEST_NOW in Beijing
SYSTEM = Actor.system("tests")


@pytest.fixture
def service(session, clock):  # type: ignore[no-untyped-def]
    return CaseService(session, clock)


@pytest.fixture
def officers(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": actor(officer(session, OfficerRole.REVIEWER, "320102")),
        "head": actor(officer(session, OfficerRole.HEAD, "320102")),
        "head2": actor(officer(session, OfficerRole.HEAD, "320102")),
        "clerk": actor(officer(session, OfficerRole.CLERK, "320102")),
        "other": actor(officer(session, OfficerRole.REVIEWER, "320104")),
    }


def dormant(session, clock, **overrides):  # type: ignore[no-untyped-def]
    """An agency that filed every report up to 2023 and none since."""
    org = organisation(session, clock, **overrides)
    for year in range(2015, 2024):
        report(session, org, year, date(year + 1, 4, 1))
    return org


def at(clock, day: date) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def opened(service, session, clock, officers, count=1):  # type: ignore[no-untyped-def]
    orgs = [dormant(session, clock) for _ in range(count)]
    service.detect(SYSTEM, TODAY)
    cases = service.open(officers["reviewer"], [o.uscc for o in orgs], TODAY)
    return orgs, cases


def to_awaiting(service, clock, officers, cases):  # type: ignore[no-untyped-def]
    reviewer = officers["reviewer"]
    for case in cases:
        service.move(reviewer, case.id, "review", TODAY)
        service.move(reviewer, case.id, "contact", TODAY)
    notice = service.publish_notice(reviewer, "dormant", [c.id for c in cases], TODAY)
    after = notice.ends_on + timedelta(days=1)
    at(clock, after)
    for case in cases:
        service.move(reviewer, case.id, "await_decision", after)
    return notice, after


def test_opening_a_case_flags_and_publishes_the_organisation(service, session, clock, officers):
    (org,), (case,) = opened(service, session, clock, officers)
    assert case.state is CaseState.CANDIDATE
    assert case.criteria == "missed_reports"
    assert case.evidence["missed_reports"]["years"] == [2024, 2025]
    assert org.deregistration_procedure is True
    entry = session.scalars(
        select(FeedEntry).where(FeedEntry.key == org.uscc).order_by(FeedEntry.id.desc())
    ).first()
    assert json.loads(entry.record)["deregistration_procedure"] is True
    assert entry.version == org.version
    assert (
        case.steps[0].transition == "open" and case.steps[0].actor == officers["reviewer"].username
    )
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.open")).all()
    assert [e.subject_key for e in audited] == [str(case.id)]


def test_opening_is_refused_with_reasons_and_opens_nothing(service, session, clock, officers):
    detected = dormant(session, clock)
    filing = organisation(session, clock)
    for year in range(2015, 2026):
        report(session, filing, year, date(year + 1, 4, 1))
    service.detect(SYSTEM, TODAY)
    with pytest.raises(InvalidRecord) as refused:
        service.open(officers["reviewer"], [detected.uscc, filing.uscc], TODAY)
    assert "not a detected candidate" in refused.value.details["errors"][filing.uscc]
    assert session.scalars(select(DeregistrationDecision)).all() == []
    assert detected.deregistration_procedure is False
    (case,) = service.open(officers["reviewer"], [detected.uscc], TODAY)
    with pytest.raises(IllegalTransition) as again:
        service.open(officers["reviewer"], [detected.uscc], TODAY)
    assert f"case {case.id} is open" in again.value.message
    with pytest.raises(Forbidden):
        service.open(officers["other"], [detected.uscc], TODAY)
    with pytest.raises(Forbidden):
        service.open(officers["clerk"], [detected.uscc], TODAY)
    with pytest.raises(NotFound):
        service.open(officers["reviewer"], ["51320102MJ0000000X"], TODAY)


def test_illegal_transitions_name_the_state_and_the_allowed_steps(
    service, session, clock, officers
):
    _, (case,) = opened(service, session, clock, officers)
    for step in ("approve", "close", "await_decision", "request_hearing", "contact"):
        with pytest.raises(IllegalTransition) as refused:
            service.move(
                officers["head"] if step == "approve" else officers["reviewer"], case.id, step
            )
        assert refused.value.details == {"status": "candidate", "allowed": ["review", "dismiss"]}
        assert "allowed next: review, dismiss" in refused.value.message
    with pytest.raises(InvalidRecord, match="reason is required"):
        service.move(officers["reviewer"], case.id, "dismiss", TODAY)
    service.move(officers["reviewer"], case.id, "dismiss", TODAY, note="已正常开展活动")
    assert case.state is CaseState.DISMISSED and case.closed_on == TODAY
    assert case.organisation.deregistration_procedure is False
    with pytest.raises(IllegalTransition) as closed:
        service.move(officers["reviewer"], case.id, "review")
    assert closed.value.details["allowed"] == []
    with pytest.raises(InvalidRecord, match="transition must be one of"):
        service.move(officers["reviewer"], case.id, "teleport")


def test_one_notice_for_many_and_the_clock_decides(service, session, clock, officers):
    orgs, cases = opened(service, session, clock, officers, count=3)
    reviewer = officers["reviewer"]
    for case in cases:
        service.move(reviewer, case.id, "review", TODAY)
    service.move(reviewer, cases[0].id, "contact", TODAY)
    service.move(reviewer, cases[1].id, "contact", TODAY)
    with pytest.raises(IllegalTransition, match=f"case {cases[2].id} is under_review"):
        service.publish_notice(reviewer, "dormant", [c.id for c in cases], TODAY)
    assert all(c.notice_id is None for c in cases)
    service.move(reviewer, cases[2].id, "contact", TODAY)
    notice = service.publish_notice(reviewer, "dormant", [c.id for c in cases], TODAY)
    assert notice.kind is NoticeKind.DORMANT
    assert notice.ends_on == TODAY + timedelta(days=59)
    assert notice.number.startswith(notice.authority.name) and notice.number.endswith("1号")
    assert [x.organisation_id for x in notice.listings] == [o.id for o in orgs]
    assert all(c.state is CaseState.NOTICE_PUBLISHED for c in cases)
    assert cases[0].steps[-1].documents == [
        {"kind": "dormant", "number": notice.number, "id": notice.id}
    ]
    at(clock, notice.ends_on)
    with pytest.raises(InvalidRecord, match="runs until"):
        service.move(reviewer, cases[0].id, "await_decision", notice.ends_on)
    # A response inside the period is recorded; after it, refused.
    listing = service.record_response(
        officers["clerk"], notice.id, orgs[1].uscc, notice.ends_on, "来函说明仍在开展活动"
    )
    assert listing.responded_on == notice.ends_on
    with pytest.raises(IllegalTransition):
        service.record_response(officers["clerk"], notice.id, orgs[1].uscc, notice.ends_on, "x")
    at(clock, notice.ends_on + timedelta(days=1))
    with pytest.raises(InvalidRecord, match="between the notice's publication"):
        service.record_response(
            officers["clerk"], notice.id, orgs[2].uscc, notice.ends_on + timedelta(days=1), "y"
        )
    service.move(reviewer, cases[0].id, "await_decision", notice.ends_on + timedelta(days=1))
    assert cases[0].state is CaseState.AWAITING_DECISION


def test_simplified_deregistration_needs_a_head_who_did_not_run_the_case(
    service, session, clock, officers
):
    (org,), (case,) = opened(service, session, clock, officers)
    _, day = to_awaiting(service, clock, officers, [case])
    reviewer, head, head2 = officers["reviewer"], officers["head"], officers["head2"]
    with pytest.raises(InvalidRecord, match="consent or that it cannot be found"):
        service.move(reviewer, case.id, "propose_deregistration", day)
    with pytest.raises(InvalidRecord, match="no assets or debts"):
        service.move(
            reviewer, case.id, "propose_deregistration", day, simplified_ground="not_found"
        )
    assert case.state is CaseState.AWAITING_DECISION and case.simplified_ground is None
    service.move(
        head,
        case.id,
        "propose_deregistration",
        day,
        simplified_ground="not_found",
        no_assets_or_debts=True,
    )
    with pytest.raises(Forbidden):
        service.move(reviewer, case.id, "approve", day)  # not a head
    with pytest.raises(Forbidden, match="ran the case or proposed"):
        service.move(head, case.id, "approve", day)  # proposed it
    service.move(head2, case.id, "approve", day)
    assert case.state is CaseState.DEREGISTERED
    decision = case.decision
    assert decision.kind is DecisionKind.SIMPLIFIED_DEREGISTRATION
    assert decision.approved_by_id == head2.officer_id
    assert decision.review_until == day + timedelta(days=60)
    assert decision.certificate_due_on == day + timedelta(days=7)
    assert decision.lawsuit_until.month == (day.month + 6 - 1) % 12 + 1
    assert org.status is OrganisationStatus.DEREGISTERED and org.status_date == day
    assert org.status_reason.startswith("简易注销")
    assert org.deregistration_procedure is False
    tombstone = session.scalars(
        select(FeedEntry).where(FeedEntry.key == org.uscc).order_by(FeedEntry.id.desc())
    ).first()
    assert tombstone.operation.value == "removed"
    assert json.loads(tombstone.record)["status_reason"] == org.status_reason
    assert json.loads(tombstone.record)["deregistration_procedure"] is False
    # Closing with a void certificate waits for the 7 days.
    with pytest.raises(InvalidRecord, match="may be returned until"):
        service.move(reviewer, case.id, "close", day, certificate="void")
    later = decision.certificate_due_on + timedelta(days=1)
    at(clock, later)
    service.move(reviewer, case.id, "close", later, certificate="void")
    assert case.state is CaseState.CLOSED and decision.certificate_outcome.value == "void"


def test_revocation_with_a_hearing_lists_the_organisation_as_dishonest(
    service, session, clock, officers
):
    (org,), (case,) = opened(service, session, clock, officers)
    _, day = to_awaiting(service, clock, officers, [case])
    reviewer = officers["reviewer"]
    service.move(reviewer, case.id, "issue_prior_notice", day)
    assert case.state is CaseState.PRIOR_NOTICE_ISSUED
    prior = case.prior_notice
    assert prior.kind is NoticeKind.PRIOR_NOTICE and prior.ends_on == day + timedelta(days=5)
    with pytest.raises(InvalidRecord, match="may request a hearing until"):
        service.move(reviewer, case.id, "propose_revocation", day)
    at(clock, day + timedelta(days=6))
    with pytest.raises(InvalidRecord, match="had to be requested by"):
        service.move(reviewer, case.id, "request_hearing", day + timedelta(days=6))
    service.move(reviewer, case.id, "request_hearing", day + timedelta(days=5))
    with pytest.raises(InvalidRecord, match="record the day it was held"):
        service.move(reviewer, case.id, "propose_revocation", day + timedelta(days=6))
    service.move(
        reviewer,
        case.id,
        "propose_revocation",
        day + timedelta(days=6),
        hearing_held_on=day + timedelta(days=6),
    )
    service.move(
        officers["head"], case.id, "approve", day + timedelta(days=6), serve_by_notice=True
    )
    assert case.state is CaseState.REVOKED
    assert org.status is OrganisationStatus.REVOKED
    assert org.dishonest_list is True
    entry = session.scalars(
        select(CreditListEntry).where(
            CreditListEntry.organisation_id == org.id,
            CreditListEntry.ground == EntryGround.REVOCATION,
        )
    ).one()
    assert entry.entered_on == day + timedelta(days=6)
    decision = case.decision
    assert decision.kind is DecisionKind.REVOCATION
    assert decision.served_by_notice.kind is NoticeKind.DECISION
    assert decision.served_by_notice.ends_on == decision.decided_on + timedelta(days=59)
    assert [d["kind"] for d in case.steps[-1].documents] == ["decision", "decision_notice"]


def test_restoration_needs_the_missing_reports_and_the_sweep_restores(
    service, session, clock, officers
):
    orgs, cases = opened(service, session, clock, officers, count=2)
    reviewer = officers["reviewer"]
    for case in cases:
        service.move(reviewer, case.id, "review", TODAY)
        service.move(reviewer, case.id, "contact", TODAY)
    with pytest.raises(InvalidRecord, match=r"missing annual reports \(2024, 2025\)"):
        service.move(reviewer, cases[0].id, "restore", TODAY, note="来人说明")
    report(session, orgs[0], 2024, TODAY)
    report(session, orgs[0], 2025, TODAY)
    service.move(reviewer, cases[0].id, "restore", TODAY, note="已补报年度工作报告")
    assert cases[0].state is CaseState.RESTORED
    assert orgs[0].deregistration_procedure is False
    report(session, orgs[1], 2024, TODAY)
    report(session, orgs[1], 2025, TODAY)
    summary = service.sweep(TODAY)
    assert summary.restored == 1
    assert cases[1].state is CaseState.RESTORED
    assert cases[1].steps[-1].actor == "system:dormant-sweep"


def test_the_sweep_command_voids_late_certificates(app, service, session, clock, officers):
    (_org,), (case,) = opened(service, session, clock, officers)
    _, day = to_awaiting(service, clock, officers, [case])
    service.move(
        officers["reviewer"],
        case.id,
        "propose_deregistration",
        day,
        simplified_ground="consent",
        no_assets_or_debts=True,
    )
    service.move(officers["head"], case.id, "approve", day)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dormant", "sweep", "--on", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "0 cases restored, 0 certificates declared void" in result.output
    later = case.decision.certificate_due_on + timedelta(days=1)
    at(clock, later)
    result = runner.invoke(args=["dormant", "sweep"])
    assert f"dormant sweep for {later.isoformat()}: 0 cases restored, 1 certificates" in (
        result.output
    )
    session.expire_all()
    assert case.state is CaseState.CLOSED
    assert case.decision.certificate_outcome.value == "void"
    result = runner.invoke(args=["dormant", "sweep", "--on", "2099-01-01"])
    assert result.exit_code != 0 and "after today" in result.output
