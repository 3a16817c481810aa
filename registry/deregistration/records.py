"""Parsing an officer's words, and what the officers' API and the audit trail show of
cases, notices and decisions (the public records are in public.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.deregistration import rules
from registry.deregistration.models import (
    CertificateOutcome,
    Criterion,
    DeregistrationDecision,
    DormantCase,
    NoticeKind,
    PublicNotice,
    Transition,
)
from registry.errors import InvalidRecord, Text
from registry.public import plain

T = Transition


def parse_transition(value: Transition | str) -> Transition:
    try:
        return T(value)
    except ValueError:
        names = ", ".join(t.value for t in T)
        raise InvalidRecord(
            Text(
                "transition must be one of {transitions}, not {value}",
                transitions=[t.value for t in T],
                value=repr(value),
            ),
            errors={"transition": names},
        ) from None


def parse_notice_kind(value: NoticeKind | str) -> NoticeKind:
    try:
        return NoticeKind(value)
    except ValueError:
        raise InvalidRecord(
            Text("kind must be dormant or prior_notice, not {value}", value=repr(value)),
            errors={"kind": Text("dormant or prior_notice")},
        ) from None


def parse_certificate(value: CertificateOutcome | str | None) -> CertificateOutcome | None:
    if value is None:
        return None
    try:
        return CertificateOutcome(value)
    except ValueError:
        raise InvalidRecord(
            Text("certificate must be returned or void, not {value}", value=repr(value)),
            errors={"certificate": Text("returned or void")},
        ) from None


def document(kind: str, number: str, identifier: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "number": number, "id": identifier}


def officer_documents(given: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Documents an officer names for a step (e.g. a returned letter's receipt)."""
    documents = []
    for item in given or []:
        kind = str(item.get("kind") or "").strip()
        number = str(item.get("number") or "").strip()
        if not kind or not number:
            raise InvalidRecord(
                Text("each document needs a kind and a number"),
                errors={"documents": Text("kind and number")},
            )
        documents.append(document(kind[:50], number[:100]))
    return documents


def missing_years(case: DormantCase) -> list[int]:
    found = (case.evidence or {}).get(Criterion.MISSED_REPORTS.value) or {}
    return [int(y) for y in found.get("years", [])]


def case_audit(case: DormantCase) -> dict[str, Any]:
    return {
        "uscc": case.organisation.uscc,
        "state": case.state.value,
        "state_since": case.state_since,
        "criteria": case.criteria,
        "notice_id": case.notice_id,
        "prior_notice_id": case.prior_notice_id,
        "hearing_requested_on": case.hearing_requested_on,
        "hearing_held_on": case.hearing_held_on,
        "simplified_ground": case.simplified_ground,
        "no_assets_or_debts": case.no_assets_or_debts,
        "proposed_by_id": case.proposed_by_id,
        "closed_on": case.closed_on,
        "outcome_reason": case.outcome_reason,
    }


def notice_audit(notice: PublicNotice) -> dict[str, Any]:
    return {
        "kind": notice.kind.value,
        "number": notice.number,
        "published_on": notice.published_on,
        "ends_on": notice.ends_on,
        "organisations": [listing.organisation.uscc for listing in notice.listings],
    }


def decision_audit(decision: DeregistrationDecision) -> dict[str, Any]:
    return {
        "kind": decision.kind.value,
        "number": decision.number,
        "uscc": decision.organisation.uscc,
        "decided_on": decision.decided_on,
        "reason": decision.reason,
        "basis": decision.basis,
        "approved_by_id": decision.approved_by_id,
        "certificate_due_on": decision.certificate_due_on,
        "review_until": decision.review_until,
        "lawsuit_until": decision.lawsuit_until,
    }


def case_view(case: DormantCase) -> dict[str, Any]:
    """A case as the officers' API shows it: the record, its steps and what may come next."""
    decision = case.decision
    return {
        "id": case.id,
        "uscc": case.organisation.uscc,
        "name": case.organisation.name,
        "registration_authority_code": case.authority.code,
        "state": case.state.value,
        "state_since": case.state_since,
        "allowed_next": rules.allowed_next(case.state),
        "criteria": [c for c in case.criteria.split(",") if c],
        "evidence": case.evidence,
        "opened_on": case.opened_on,
        "case_officer": case.case_officer.username if case.case_officer else None,
        "notice": notice_ref(case.notice),
        "prior_notice": notice_ref(case.prior_notice),
        "hearing_requested_on": case.hearing_requested_on,
        "hearing_held_on": case.hearing_held_on,
        "simplified_ground": case.simplified_ground,
        "no_assets_or_debts": case.no_assets_or_debts,
        "proposed_on": case.proposed_on,
        "closed_on": case.closed_on,
        "outcome_reason": case.outcome_reason,
        "decision": (
            {
                **decision_audit(decision),
                "id": decision.id,
                "certificate_outcome": plain(decision.certificate_outcome),
                "certificate_outcome_on": decision.certificate_outcome_on,
            }
            if decision
            else None
        ),
        "steps": [
            {
                "transition": step.transition,
                "from_state": step.from_state,
                "to_state": step.to_state,
                "taken_on": step.taken_on,
                "actor": step.actor,
                "basis": step.basis,
                "documents": step.documents,
                "note": step.note,
            }
            for step in case.steps
        ],
        "version": case.version,
    }


def notice_ref(notice: PublicNotice | None) -> dict[str, Any] | None:
    if notice is None:
        return None
    return {
        "id": notice.id,
        "number": notice.number,
        "published_on": notice.published_on,
        "ends_on": notice.ends_on,
    }
