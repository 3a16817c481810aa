"""Decisions and their effects on the register, and the procedure's daily sweep.

A part of CaseService (services.py), kept apart for its size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor
from registry.audit.services import AuditTrail
from registry.clock import Clock
from registry.deregistration import rules
from registry.deregistration.models import (
    CaseState,
    CertificateOutcome,
    Criterion,
    DecisionKind,
    DeregistrationDecision,
    DormantCase,
    NoticeKind,
    NoticeListing,
    Transition,
)
from registry.deregistration.records import (
    decision_audit,
    document,
    missing_years,
    notice_audit,
)

if TYPE_CHECKING:
    from registry.credit.services import CreditService
    from registry.organisations.services import OrganisationService

S = CaseState
T = Transition

SWEEP_ACTOR = Actor.system("dormant-sweep")
_DECISION_LABEL = {
    DecisionKind.SIMPLIFIED_DEREGISTRATION: "注销决定",
    DecisionKind.REVOCATION: "撤销登记决定",
}


@dataclass(frozen=True)
class SweepSummary:
    on: date
    restored: int
    certificates_void: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "restored": self.restored,
            "certificates_void": self.certificates_void,
        }


class DecisionSteps:
    session: Session
    clock: Clock
    rules: rules.DormantRules
    audit: AuditTrail
    credit: CreditService
    organisations: OrganisationService

    def _decide(
        self, case: DormantCase, actor: Actor, on: date, basis: str | None, serve_by_notice: bool
    ) -> list[dict[str, Any]]:
        """The approved decision: its record, and its effects on the register."""
        organisation = case.organisation
        kind = rules.decision_kind(case.state)
        criteria = [Criterion(c) for c in case.criteria.split(",") if c]
        grounds = "；".join(self.rules.criterion_label(c) for c in criteria) or "僵尸型社会组织"
        regulation = rules.REGULATION[organisation.kind.value]
        if kind is DecisionKind.REVOCATION:
            reason = f"撤销登记：{grounds}"
            legal = basis or f"{regulation}；《中华人民共和国行政处罚法》"
        else:
            reason = f"简易注销：{grounds}"
            legal = basis or rules.BASIS[T.PROPOSE_DEREGISTRATION]
        decision = DeregistrationDecision(
            case=case,
            organisation_id=organisation.id,
            authority_id=case.authority_id,
            kind=kind,
            number=self._number(case.authority, _DECISION_LABEL[kind], on, DeregistrationDecision),
            decided_on=on,
            basis=legal,
            reason=reason,
            proposed_by_id=case.proposed_by_id,
            approved_by_id=actor.officer_id,
            certificate_due_on=rules.certificate_due_on(on, self.rules),
            review_until=rules.review_until(on, self.rules),
            lawsuit_until=rules.lawsuit_until(on, self.rules),
            created_at=self.clock.now(),
        )
        self.session.add(decision)
        self.session.flush()
        documents = [document("decision", decision.number, decision.id)]
        # The flag goes with the decision, so that the tombstone carries the final record.
        organisation.deregistration_procedure = False
        if kind is DecisionKind.REVOCATION:
            self.credit.enter_revocation(actor, organisation.uscc, on)
            self.organisations.revoke(
                organisation.uscc, on=on, reason=reason, basis=f"{decision.number}；{legal}"
            )
        else:
            self.credit.remove_on_deregistration(actor, organisation.uscc, on)
            self.organisations.deregister(
                organisation.uscc, on=on, reason=reason, basis=f"{decision.number}；{legal}"
            )
        self.audit.record(
            actor,
            Action.DECISION_APPROVE,
            "deregistration_decision",
            decision.id,
            None,
            decision_audit(decision),
        )
        if serve_by_notice:
            notice = self._notice(
                NoticeKind.DECISION,
                case.authority,
                on,
                rules.notice_ends_on(on, self.rules.notice_days),
                actor,
                None,
                legal,
            )
            self.session.add(
                NoticeListing(notice=notice, case_id=case.id, organisation_id=organisation.id)
            )
            decision.served_by_notice = notice
            self.session.flush()
            self.audit.record(
                actor,
                Action.NOTICE_PUBLISH,
                "public_notice",
                notice.id,
                None,
                notice_audit(notice),
            )
            documents.append(document("decision_notice", notice.number, notice.id))
        return documents

    def sweep(self, on: date | None = None) -> SweepSummary:
        """The scheduled part: restore the cases whose organisation filed every report it
        had missed before a decision took effect; declare void the certificates not
        returned in time, closing those cases. One step and audit event per case."""
        on = self._day(on, "on")
        restorable = rules.TRANSITIONS[T.RESTORE][0]
        restored = 0
        for case in list(
            self.session.scalars(
                select(DormantCase)
                .where(DormantCase.closed_on.is_(None), DormantCase.state.in_(restorable))
                .order_by(DormantCase.id)
            )
        ):
            years = missing_years(case)
            if not years or self._still_missing(case, years) or on < case.state_since:
                continue
            self.move(
                SWEEP_ACTOR,
                case.id,
                T.RESTORE,
                on,
                note="已补报未报送的年度工作报告",
            )
            restored += 1
        void = 0
        for case in list(
            self.session.scalars(
                select(DormantCase)
                .join(DeregistrationDecision, DeregistrationDecision.case_id == DormantCase.id)
                .where(
                    DormantCase.state.in_([S.DEREGISTERED, S.REVOKED]),
                    DeregistrationDecision.certificate_due_on < on,
                )
                .order_by(DormantCase.id)
            )
        ):
            self.move(SWEEP_ACTOR, case.id, T.CLOSE, on, certificate=CertificateOutcome.VOID)
            void += 1
        return SweepSummary(on, restored, void)
