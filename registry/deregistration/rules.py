"""The dormant-organisation procedure's rules: pure functions of states, dates and facts.

DOMAIN.md, "Dormant organisations". The case is a state machine with explicit
transitions (TRANSITIONS); the clock decides when a case may move on (`refusal`), and
every period is a setting (DormantRules). Detection's criteria are in criteria.py.

Choices the rules leave open, made here:
- A case may be dismissed while it is a candidate, under review or being contacted; once
  a notice has named the organisation, it ends by restoration or by a decision.
- "Restored" needs the organisation to have come forward and remedied before a decision
  took effect: from contacting up to a proposed (not yet approved) decision.
- The period of a public notice counts the day of publication as its first day: a
  60-day notice published on 1 March ends on 29 April, and the case may move on from
  30 April (ends_on + 1).
- A hearing may be requested within 5 days of the prior notice's publication, that day
  not counted (as the Administrative Penalty Law counts "within 5 days of notification");
  revocation may be proposed once that window has passed, or after the hearing was held.
- The head who approves may be neither the case officer nor the officer who proposed
  the decision.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from registry.deregistration.models import (
    CaseState,
    CertificateOutcome,
    Criterion,
    DecisionKind,
    NoticeKind,
    Transition,
)
from registry.errors import Text

S = CaseState
T = Transition

#: states in which the case has ended
TERMINAL = frozenset({S.DISMISSED, S.RESTORED, S.CLOSED})
#: states in which the organisation carries the "under a deregistration procedure" flag
#: (open, and no decision in effect yet)
IN_PROCEDURE = frozenset(set(S) - TERMINAL - {S.DEREGISTERED, S.REVOKED})
#: states waiting for the head's approval
PROPOSED = frozenset({S.DEREGISTRATION_PROPOSED, S.REVOCATION_PROPOSED})

#: each transition: the states it leaves from, and the state it leads to (approve and
#: reject lead to where the proposal says: see `target`)
TRANSITIONS: dict[Transition, tuple[frozenset[CaseState], CaseState]] = {
    T.REVIEW: (frozenset({S.CANDIDATE}), S.UNDER_REVIEW),
    T.DISMISS: (frozenset({S.CANDIDATE, S.UNDER_REVIEW, S.CONTACTING}), S.DISMISSED),
    T.CONTACT: (frozenset({S.UNDER_REVIEW}), S.CONTACTING),
    T.PUBLISH_NOTICE: (frozenset({S.CONTACTING}), S.NOTICE_PUBLISHED),
    T.RESTORE: (
        frozenset(
            {
                S.CONTACTING,
                S.NOTICE_PUBLISHED,
                S.AWAITING_DECISION,
                S.DEREGISTRATION_PROPOSED,
                S.PRIOR_NOTICE_ISSUED,
                S.HEARING_REQUESTED,
                S.REVOCATION_PROPOSED,
            }
        ),
        S.RESTORED,
    ),
    T.AWAIT_DECISION: (frozenset({S.NOTICE_PUBLISHED}), S.AWAITING_DECISION),
    T.PROPOSE_DEREGISTRATION: (frozenset({S.AWAITING_DECISION}), S.DEREGISTRATION_PROPOSED),
    T.ISSUE_PRIOR_NOTICE: (frozenset({S.AWAITING_DECISION}), S.PRIOR_NOTICE_ISSUED),
    T.REQUEST_HEARING: (frozenset({S.PRIOR_NOTICE_ISSUED}), S.HEARING_REQUESTED),
    T.PROPOSE_REVOCATION: (
        frozenset({S.PRIOR_NOTICE_ISSUED, S.HEARING_REQUESTED}),
        S.REVOCATION_PROPOSED,
    ),
    T.APPROVE: (PROPOSED, S.DEREGISTERED),  # or REVOKED: see target()
    T.REJECT: (PROPOSED, S.AWAITING_DECISION),
    T.CLOSE: (frozenset({S.DEREGISTERED, S.REVOKED}), S.CLOSED),
}

#: transitions that go through a public notice (services.publish_notice), not `move`
BY_NOTICE = {T.PUBLISH_NOTICE: NoticeKind.DORMANT, T.ISSUE_PRIOR_NOTICE: NoticeKind.PRIOR_NOTICE}

#: the legal basis each transition cites unless the officer gives another
BASIS = {
    T.REVIEW: "《民政部关于开展“僵尸型”社会组织专项整治行动的通知》（民发〔2021〕63号）",
    T.DISMISS: "《民政部关于开展“僵尸型”社会组织专项整治行动的通知》（民发〔2021〕63号）",
    T.CONTACT: "《社会组织信用信息管理办法》第十条",
    T.PUBLISH_NOTICE: "《民政部关于开展“僵尸型”社会组织专项整治行动的通知》（民发〔2021〕63号）",
    T.RESTORE: "《社会组织信用信息管理办法》第十二条",
    T.AWAIT_DECISION: "公告期满",
    T.PROPOSE_DEREGISTRATION: "《民政部关于开展“僵尸型”社会组织专项整治行动的通知》"
    "（民发〔2021〕63号）：简易注销",
    T.ISSUE_PRIOR_NOTICE: "《中华人民共和国行政处罚法》第四十四条、第六十三条、第六十四条",
    T.REQUEST_HEARING: "《中华人民共和国行政处罚法》第六十四条",
    T.PROPOSE_REVOCATION: "《中华人民共和国行政处罚法》第五十七条",
    T.APPROVE: "《中华人民共和国行政处罚法》第五十七条",
    T.REJECT: "《中华人民共和国行政处罚法》第五十七条",
    T.CLOSE: "登记证书、印章缴回或者公告作废",
}

#: the registration regulation of each kind, cited by revocation decisions
REGULATION = {
    "social_group": "《社会团体登记管理条例》",
    "social_service_agency": "《民办非企业单位登记管理暂行条例》",
    "foundation": "《基金会管理条例》",
}

CRITERIA_LABELS = {
    Criterion.MISSED_REPORTS: "未按规定参加最近{n}次年度检查（报送年度工作报告）",
    Criterion.NO_ACTIVITY: "成立登记后{months}个月内未开展活动",
    Criterion.UNREACHABLE: "通过住所和法定代表人无法取得联系",
    Criterion.LONG_ABNORMAL: "被列入活动异常名录满{abnormal_months}个月",
}

SIMPLIFIED_GROUNDS = ("consent", "not_found")


@dataclass(frozen=True)
class DormantRules:
    """The procedure's settings (each configurable: provinces differ)."""

    #: the criteria detection applies
    criteria: frozenset[Criterion] = frozenset(Criterion)
    #: missed the N most recent annual reports
    missed_reports: int = 2
    #: no activity within this many months of registration
    inactive_months: int = 12
    #: two failed contact attempts this many days apart (inclusive)
    contact_gap_days: tuple[int, int] = (20, 60)
    #: on the abnormal-activities list for more than this many months
    abnormal_months: int = 12
    #: days a public notice runs (service by public notice: 60)
    notice_days: int = 60
    #: days after a prior notice within which a hearing may be requested
    hearing_request_days: int = 5
    #: days to return the certificate and seals before they are declared void
    certificate_return_days: int = 7
    #: administrative review (60 days) and lawsuit (6 months) windows after a decision
    review_days: int = 60
    lawsuit_months: int = 6
    #: whether the public at-risk list shows detected candidates without a case too
    at_risk_includes_candidates: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any) -> DormantRules:
        names = getattr(settings, "dormant_criteria", None)
        known = {c.value for c in Criterion}
        unknown = sorted(set(names or ()) - known)
        if unknown:
            raise ValueError(
                f"DORMANT_CRITERIA names unknown criteria {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(
            criteria=frozenset(Criterion(n) for n in names) if names else frozenset(Criterion),
            missed_reports=getattr(settings, "dormant_missed_reports", 2),
            inactive_months=getattr(settings, "dormant_inactive_months", 12),
            contact_gap_days=tuple(getattr(settings, "dormant_contact_gap_days", (20, 60))),  # type: ignore[arg-type]
            abnormal_months=getattr(settings, "dormant_abnormal_months", 12),
            notice_days=getattr(settings, "public_notice_days", 60),
            hearing_request_days=getattr(settings, "hearing_request_days", 5),
            certificate_return_days=getattr(settings, "certificate_return_days", 7),
            review_days=getattr(settings, "review_days", 60),
            lawsuit_months=getattr(settings, "lawsuit_months", 6),
            at_risk_includes_candidates=getattr(settings, "at_risk_includes_candidates", False),
        )

    def criterion_label(self, criterion: Criterion) -> str:
        return CRITERIA_LABELS[criterion].format(
            n=self.missed_reports,
            months=self.inactive_months,
            abnormal_months=self.abnormal_months,
        )


DEFAULT_RULES = DormantRules()


# -- dates ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, clamped to the target month's last day (31 Aug + 6 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def notice_ends_on(published_on: date, days: int) -> date:
    """The last day of a notice of `days` days, its day of publication the first."""
    return published_on + timedelta(days=days - 1)


def hearing_deadline(prior_notice_on: date, rules: DormantRules = DEFAULT_RULES) -> date:
    """The last day to request a hearing after a prior notice."""
    return prior_notice_on + timedelta(days=rules.hearing_request_days)


def certificate_due_on(decided_on: date, rules: DormantRules = DEFAULT_RULES) -> date:
    """The last day to return the certificate and seals; declared void from the next."""
    return decided_on + timedelta(days=rules.certificate_return_days)


def review_until(decided_on: date, rules: DormantRules = DEFAULT_RULES) -> date:
    """The last day to apply for administrative review (行政复议法: 60 days)."""
    return decided_on + timedelta(days=rules.review_days)


def lawsuit_until(decided_on: date, rules: DormantRules = DEFAULT_RULES) -> date:
    """The last day to file an administrative lawsuit (行政诉讼法 第四十六条: 6 months)."""
    return add_months(decided_on, rules.lawsuit_months)


# -- the state machine ---------------------------------------------------------------------


def allowed_next(state: CaseState | str) -> list[str]:
    """The transitions that may leave `state`, in the order of TRANSITIONS."""
    state = S(state)
    return [t.value for t, (sources, _) in TRANSITIONS.items() if state in sources]


def target(transition: Transition, state: CaseState) -> CaseState:
    """The state `transition` leads to from `state` (approval follows the proposal)."""
    if transition is T.APPROVE:
        return S.REVOKED if state is S.REVOCATION_PROPOSED else S.DEREGISTERED
    return TRANSITIONS[transition][1]


def may_leave(transition: Transition, state: CaseState) -> bool:
    return state in TRANSITIONS[transition][0]


def decision_kind(state: CaseState) -> DecisionKind:
    return (
        DecisionKind.REVOCATION
        if state is S.REVOCATION_PROPOSED
        else DecisionKind.SIMPLIFIED_DEREGISTRATION
    )


@dataclass(frozen=True)
class CaseFacts:
    """What the clock and the record say about a case, for `refusal`."""

    state: CaseState
    state_since: date
    notice_ends_on: date | None = None
    prior_notice_on: date | None = None
    hearing_requested_on: date | None = None
    hearing_held_on: date | None = None
    decided_on: date | None = None
    #: report years still missing (restoration needs none)
    still_missing_years: tuple[int, ...] = ()
    #: simplified deregistration: consent or not_found, and no assets or debts known
    simplified_ground: str | None = None
    no_assets_or_debts: bool | None = None
    certificate_outcome: CertificateOutcome | None = None


def refusal(
    transition: Transition,
    facts: CaseFacts,
    on: date,
    rules: DormantRules = DEFAULT_RULES,
) -> str | None:
    """Why `transition` may not happen on `on` given `facts`, or None when it may.

    The state itself is checked by `may_leave` first (409); these are the clock's and the
    record's conditions (422), each named."""
    if on < facts.state_since:
        return Text(
            "the step is dated {day}, before the case's last step ({last})",
            day=on,
            last=facts.state_since,
        )
    if transition is T.RESTORE and facts.still_missing_years:
        return Text(
            "the organisation has not filed its missing annual reports ({years})",
            years=facts.still_missing_years,
        )
    if transition is T.AWAIT_DECISION and (
        facts.notice_ends_on is None or on <= facts.notice_ends_on
    ):
        return Text(
            "the public notice runs until {ends}; the case may move on from the day after",
            ends=facts.notice_ends_on or Text("unknown"),
        )
    if transition is T.REQUEST_HEARING:
        deadline = hearing_deadline(facts.prior_notice_on or on, rules)
        if on > deadline:
            return Text(
                "a hearing had to be requested by {deadline} (within {days} days of the "
                "prior notice)",
                deadline=deadline,
                days=rules.hearing_request_days,
            )
    if transition is T.PROPOSE_REVOCATION:
        if facts.state is S.PRIOR_NOTICE_ISSUED:
            deadline = hearing_deadline(facts.prior_notice_on or on, rules)
            if on <= deadline:
                return Text(
                    "the organisation may request a hearing until {deadline}; revocation may "
                    "be proposed from the day after",
                    deadline=deadline,
                )
        if facts.state is S.HEARING_REQUESTED and facts.hearing_held_on is None:
            return Text("a hearing was requested: record the day it was held (hearing_held_on)")
    if transition is T.PROPOSE_DEREGISTRATION:
        if facts.simplified_ground not in SIMPLIFIED_GROUNDS:
            return Text(
                "simplified deregistration needs the organisation's consent or that it "
                "cannot be found (simplified_ground: consent or not_found)"
            )
        if facts.no_assets_or_debts is not True:
            return Text(
                "simplified deregistration needs no assets or debts to be known "
                "(no_assets_or_debts: true); otherwise revoke"
            )
    if transition is T.CLOSE:
        if facts.certificate_outcome is None:
            return Text(
                "say whether the certificate and seals were returned or are declared void "
                "(certificate: returned or void)"
            )
        if facts.certificate_outcome is CertificateOutcome.VOID and facts.decided_on is not None:
            due = certificate_due_on(facts.decided_on, rules)
            if on <= due:
                return Text(
                    "the certificate may be returned until {due}; it is declared void from "
                    "the day after",
                    due=due,
                )
    return None


def approver_refusal(
    approver_id: int | None, case_officer_id: int | None, proposed_by_id: int | None
) -> str | None:
    """A decision is approved by a head who did not run the case."""
    if approver_id is not None and approver_id in (case_officer_id, proposed_by_id):
        return Text(
            "the head who approves a decision may not be the officer who ran the case or "
            "proposed the decision"
        )
    return None


def flagged(states: Iterable[CaseState]) -> bool:
    """Whether an organisation with cases in `states` is under a deregistration procedure."""
    return any(s in IN_PROCEDURE for s in states)
