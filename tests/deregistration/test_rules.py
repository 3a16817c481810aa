"""The procedure's pure rules: the state machine and the clock's conditions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registry.config import Settings
from registry.deregistration import rules
from registry.deregistration.models import CaseState, CertificateOutcome, Criterion, Transition

S, T = CaseState, Transition
D = date(2026, 3, 1)


def test_every_state_is_reachable_and_only_terminal_states_are_dead_ends():
    reached, frontier = {S.CANDIDATE}, [S.CANDIDATE]
    while frontier:
        state = frontier.pop()
        for name in rules.allowed_next(state):
            goal = rules.target(T(name), state)
            if goal not in reached:
                reached.add(goal)
                frontier.append(goal)
    assert reached == set(S)
    for state in S:
        assert (rules.allowed_next(state) == []) is (state in rules.TERMINAL), state


def test_approval_follows_the_proposal():
    assert rules.target(T.APPROVE, S.REVOCATION_PROPOSED) is S.REVOKED
    assert rules.target(T.APPROVE, S.DEREGISTRATION_PROPOSED) is S.DEREGISTERED
    assert rules.target(T.REJECT, S.REVOCATION_PROPOSED) is S.AWAITING_DECISION
    assert not rules.may_leave(T.RESTORE, S.DEREGISTERED)  # the decision took effect
    assert rules.flagged([S.PRIOR_NOTICE_ISSUED]) and not rules.flagged([S.REVOKED])


def test_a_notice_counts_its_day_of_publication():
    assert rules.notice_ends_on(D, 60) == date(2026, 4, 29)
    facts = rules.CaseFacts(S.NOTICE_PUBLISHED, D, notice_ends_on=date(2026, 4, 29))
    assert "runs until 2026-04-29" in rules.refusal(T.AWAIT_DECISION, facts, date(2026, 4, 29))
    assert rules.refusal(T.AWAIT_DECISION, facts, date(2026, 4, 30)) is None


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (5, True), (6, False)])
def test_a_hearing_is_requested_within_5_days(days, allowed):
    facts = rules.CaseFacts(S.PRIOR_NOTICE_ISSUED, D, prior_notice_on=D)
    refused = rules.refusal(T.REQUEST_HEARING, facts, D + timedelta(days=days))
    assert (refused is None) is allowed
    proposal = rules.refusal(T.PROPOSE_REVOCATION, facts, D + timedelta(days=days))
    assert (proposal is None) is not allowed


def test_a_certificate_is_void_from_the_eighth_day():
    facts = rules.CaseFacts(S.DEREGISTERED, D, decided_on=D)
    void = rules.CaseFacts(
        S.DEREGISTERED, D, decided_on=D, certificate_outcome=CertificateOutcome.VOID
    )
    returned = rules.CaseFacts(
        S.DEREGISTERED, D, decided_on=D, certificate_outcome=CertificateOutcome.RETURNED
    )
    assert "returned or void" in rules.refusal(T.CLOSE, facts, D)
    assert rules.refusal(T.CLOSE, returned, D) is None
    assert rules.refusal(T.CLOSE, void, D + timedelta(days=7)) is not None
    assert rules.refusal(T.CLOSE, void, D + timedelta(days=8)) is None


def test_windows_after_a_decision():
    assert rules.review_until(D) == date(2026, 4, 30)
    assert rules.lawsuit_until(date(2026, 8, 31)) == date(2027, 2, 28)
    assert rules.certificate_due_on(D) == date(2026, 3, 8)


def test_steps_cannot_go_back_in_time_and_restoration_needs_the_reports():
    facts = rules.CaseFacts(S.CONTACTING, D, still_missing_years=(2025,))
    assert "before the case's last step" in rules.refusal(T.RESTORE, facts, D - timedelta(1))
    assert "(2025)" in rules.refusal(T.RESTORE, facts, D)


def test_the_approver_did_not_run_the_case():
    assert rules.approver_refusal(3, 3, 4) is not None
    assert rules.approver_refusal(4, 3, 4) is not None
    assert rules.approver_refusal(5, 3, 4) is None
    assert rules.approver_refusal(None, None, None) is None  # a scheduled job


def test_the_settings_configure_the_rules(tmp_path):
    settings = Settings.from_env(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "DORMANT_CRITERIA": "missed_reports, unreachable",
            "DORMANT_MISSED_REPORTS": "3",
            "DORMANT_CONTACT_GAP_DAYS": "15-45",
            "PUBLIC_NOTICE_DAYS": "45",
            "AT_RISK_INCLUDES_CANDIDATES": "1",
        }
    )
    configured = rules.DormantRules.from_settings(settings)
    assert configured.criteria == {Criterion.MISSED_REPORTS, Criterion.UNREACHABLE}
    assert configured.missed_reports == 3 and configured.contact_gap_days == (15, 45)
    assert configured.notice_days == 45 and configured.at_risk_includes_candidates is True
    assert "最近3次" in configured.criterion_label(Criterion.MISSED_REPORTS)
    assert (
        rules.DormantRules.from_settings(
            Settings.from_env({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
        )
        == rules.DEFAULT_RULES
    )


def test_an_unknown_criterion_is_refused_at_start(tmp_path):
    from registry import create_app

    with pytest.raises(ValueError, match="unknown criteria zombie"):
        create_app({"dormant_criteria": ("missed_reports", "zombie")})
