"""Who may do what, and where: pure functions of the officer's role and authority.

Jurisdiction: an officer acts only on organisations registered with their own authority;
a higher authority reads its subordinates' records. Authority codes are division codes, so
"below" is a matter of code prefixes: 100000 (the ministry) is above every authority, a
province 32 0000 above every 32xxxx, a prefecture 3207 00 above every 3207xx.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from registry.accounts.models import OfficerRole
from registry.errors import Forbidden, Text

R = OfficerRole
NATIONAL = "100000"


class Action(enum.StrEnum):
    REPORT_SUBMIT = "report.submit"
    REPORT_CONCLUDE = "report.conclude"
    REPORT_ORDER_CORRECTION = "report.order_correction"
    REPORT_RECORD_CORRECTION = "report.record_correction"
    CONTACT_RECORD = "contact.record"
    PENALTY_RECORD = "penalty.record"
    CREDIT_ENTER = "credit.enter"
    CREDIT_REMOVE = "credit.remove"
    RATING_RECORD = "rating.record"
    RATING_WITHDRAW = "rating.withdraw"
    #: the dormant-organisation procedure
    DORMANT_DETECT = "dormant.detect"
    CASE_OPEN = "case.open"
    CASE_MOVE = "case.move"
    NOTICE_PUBLISH = "notice.publish"
    NOTICE_RESPONSE = "notice.response"
    #: approving a deregistration or a revocation: the head alone
    DECISION_APPROVE = "decision.approve"
    #: charities and charity trusts
    CHARITY_APPLICATION = "charity.application"
    CHARITY_DECIDE = "charity.decide"
    QUALIFICATION_DECIDE = "qualification.decide"
    #: withdrawing a recognition or cancelling a certificate (吊销): the head alone
    CHARITY_WITHDRAW = "charity.withdraw"
    PLAN_FILE = "plan.file"
    TRUST_FILE = "trust.file"
    TRUST_REPORT = "trust.report"
    ACCOUNT_MANAGE = "account.manage"


OFFICERS = frozenset({R.CLERK, R.REVIEWER, R.HEAD})
REVIEWERS = frozenset({R.REVIEWER, R.HEAD})

#: the roles allowed each action; admins manage accounts and nothing else
PERMISSIONS: dict[Action, frozenset[OfficerRole]] = {
    Action.REPORT_SUBMIT: OFFICERS,
    Action.REPORT_CONCLUDE: REVIEWERS,
    Action.REPORT_ORDER_CORRECTION: REVIEWERS,
    Action.REPORT_RECORD_CORRECTION: OFFICERS,
    Action.CONTACT_RECORD: OFFICERS,
    Action.PENALTY_RECORD: REVIEWERS,
    Action.CREDIT_ENTER: REVIEWERS,
    Action.CREDIT_REMOVE: REVIEWERS,
    Action.RATING_RECORD: REVIEWERS,
    Action.RATING_WITHDRAW: REVIEWERS,
    Action.DORMANT_DETECT: REVIEWERS,
    Action.CASE_OPEN: REVIEWERS,
    Action.CASE_MOVE: REVIEWERS,
    Action.NOTICE_PUBLISH: REVIEWERS,
    Action.NOTICE_RESPONSE: OFFICERS,
    Action.DECISION_APPROVE: frozenset({R.HEAD}),
    Action.CHARITY_APPLICATION: OFFICERS,
    Action.CHARITY_DECIDE: REVIEWERS,
    Action.QUALIFICATION_DECIDE: REVIEWERS,
    Action.CHARITY_WITHDRAW: frozenset({R.HEAD}),
    Action.PLAN_FILE: OFFICERS,
    Action.TRUST_FILE: OFFICERS,
    Action.TRUST_REPORT: OFFICERS,
    Action.ACCOUNT_MANAGE: frozenset({R.ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: an officer, or a scheduled job (role None) that acts everywhere."""

    username: str
    role: OfficerRole | None
    authority_code: str | None
    officer_id: int | None = None
    authority_id: int | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(f"system:{job}", None, None)

    @property
    def is_system(self) -> bool:
        return self.role is None


def is_within(code: str, above: str) -> bool:
    """Whether authority `code` is `above` itself or lies in its territory."""
    if above == NATIONAL or code == above:
        return True
    if above.endswith("0000"):
        return code[:2] == above[:2]
    if above.endswith("00"):
        return code[:4] == above[:4]
    return False


def read_prefix(authority_code: str) -> str:
    """The code prefix of every authority an officer of `authority_code` may read:
    '' for the ministry, '32' for a province, '3207' for a prefecture, the code itself
    for a county."""
    if authority_code == NATIONAL:
        return ""
    if authority_code.endswith("0000"):
        return authority_code[:2]
    if authority_code.endswith("00"):
        return authority_code[:4]
    return authority_code


def may(role: OfficerRole | None, action: Action) -> bool:
    return role is None or role in PERMISSIONS[action]


def may_act(actor: Actor, action: Action, authority_code: str) -> bool:
    """Acting needs the role and the organisation registered with the actor's own authority."""
    if actor.is_system:
        return True
    return may(actor.role, action) and actor.authority_code == authority_code


def may_read(actor: Actor, authority_code: str) -> bool:
    if actor.is_system:
        return True
    return actor.authority_code is not None and is_within(authority_code, actor.authority_code)


def authorize(actor: Actor, action: Action, authority_code: str) -> None:
    """Raise Forbidden, saying why, unless `actor` may do `action` on a record of
    `authority_code`."""
    if actor.is_system:
        return
    if not may(actor.role, action):
        allowed = sorted(r.value for r in PERMISSIONS[action])
        raise Forbidden(
            Text(
                "a {role} may not {action}; allowed roles: {roles}",
                role=actor.role.value if actor.role else "system",
                action=action.value,
                roles=allowed,
            ),
            action=action.value,
            allowed_roles=allowed,
        )
    if actor.authority_code != authority_code:
        raise Forbidden(
            Text(
                "the record is registered with authority {authority}; officers of {own} "
                "act only on their own authority's records",
                authority=authority_code,
                own=actor.authority_code,
            ),
            action=action.value,
            authority=authority_code,
        )


def authorize_read(actor: Actor, authority_code: str) -> None:
    if not may_read(actor, authority_code):
        raise Forbidden(
            Text(
                "officers of {own} may read only their own and subordinate authorities' "
                "records, not {authority}'s",
                own=actor.authority_code,
                authority=authority_code,
            ),
            authority=authority_code,
        )
