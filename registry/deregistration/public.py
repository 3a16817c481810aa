"""The public trail of the dormant-organisation procedure: notices, decisions and the at-risk
list (DOMAIN.md, "Dormant organisations", the steps marked P).

What an organisation said or sent in response to a notice, officers' notes on the steps,
the reasons kept for closing a case, the evidence of detection, who ran, proposed or
approved a case, and contact references are never public: none of them is a field here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from registry.deregistration.models import (
    CaseState,
    DeregistrationDecision,
    NoticeListing,
    PublicNotice,
)
from registry.public import FieldSpec, public_record

F = FieldSpec
S = CaseState

# -- notices ----------------------------------------------------------------------------------

#: a notice's own fields; its record adds `organisations` (NOTICE_ORGANISATION_FIELDS each),
#: a list that a FieldSpec, being one typed column, cannot describe
NOTICE_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "integer", "Notice number in the register", "公告记录编号"),
    F(
        "kind",
        "string",
        "dormant (the organisations may come forward), prior_notice (revocation: statement, "
        "defence, hearing) or decision (a decision served by public notice)",
        "公告类别：僵尸型社会组织公告、撤销登记事先告知、决定书公告送达",
    ),
    F("number", "string", "Document number (文号)", "公告文号"),
    F("title", "string", "Title", "标题"),
    F("authority_code", "string", "The publishing registration authority", "发布机关代码"),
    F("authority_name", "string", "Its name", "发布机关名称"),
    F("basis", "string", "The legal basis the notice cites", "公告依据"),
    F("published_on", "date", "Day of publication (the period's first day)", "发布日期"),
    F(
        "ends_on",
        "date",
        "Last day to come forward, to request a hearing, or on which service is complete",
        "公告期满日期",
    ),
    F("current", "boolean", "Its period runs today (ends_on is today or later)", "是否在公告期内"),
    F("count", "integer", "How many organisations it names", "公告所列社会组织数量"),
)

#: each organisation a notice names
NOTICE_ORGANISATION_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "Its registered name", "社会组织名称"),
    F(
        "status",
        "string",
        "Its status on the register now: active, deregistered, revoked or certificate_cancelled",
        "当前登记状态",
    ),
    F(
        "responded_on",
        "date",
        "Day it came forward in response to the notice; empty if it did not",
        "回应（主动联系）日期",
        nullable=True,
    ),
)

#: one row per notice and organisation named: the bulk dataset and the CSV / JSON Lines
#: streams of /api/v1/notices (a flat table: typed columns, one organisation a row)
NOTICE_LISTING_FIELDS: tuple[FieldSpec, ...] = (
    F("notice_id", "integer", "Notice number in the register", "公告记录编号"),
    NOTICE_FIELDS[1],  # kind
    NOTICE_FIELDS[2],  # number
    NOTICE_FIELDS[3],  # title
    NOTICE_FIELDS[4],  # authority_code
    NOTICE_FIELDS[5],  # authority_name
    NOTICE_FIELDS[6],  # basis
    NOTICE_FIELDS[7],  # published_on
    NOTICE_FIELDS[8],  # ends_on
    F(
        "uscc",
        "string",
        "Credit code of an organisation the notice names",
        "所列社会组织统一社会信用代码",
        nullable=True,
    ),
    F("name", "string", "Its registered name", "社会组织名称", nullable=True),
    F(
        "status",
        "string",
        "Its status on the register now: active, deregistered, revoked or certificate_cancelled",
        "当前登记状态",
        nullable=True,
    ),
    NOTICE_ORGANISATION_FIELDS[3],  # responded_on
)


def notice_record(notice: PublicNotice, today: date) -> dict[str, Any]:
    """A notice as the API answers it; `today` decides whether it is current."""
    return notice_record_from_row(
        {
            "id": notice.id,
            "kind": notice.kind,
            "number": notice.number,
            "title": notice.title,
            "authority_code": notice.authority.code,
            "authority_name": notice.authority.name,
            "basis": notice.basis,
            "published_on": notice.published_on,
            "ends_on": notice.ends_on,
        },
        [_listing_row(listing) for listing in notice.listings],
        today,
    )


def _listing_row(listing: NoticeListing) -> dict[str, Any]:
    # Never listing.response: what the organisation said is the officers' record.
    return {
        "uscc": listing.organisation.uscc,
        "name": listing.organisation.name,
        "status": listing.organisation.status,
        "responded_on": listing.responded_on,
    }


def notice_record_from_row(
    row: dict[str, Any], organisations: Iterable[dict[str, Any]], today: date
) -> dict[str, Any]:
    named = [public_record(NOTICE_ORGANISATION_FIELDS, o) for o in organisations]
    ends_on: date = row["ends_on"]
    return public_record(
        NOTICE_FIELDS,
        row,
        current=ends_on >= today,
        count=len(named),
        organisations=named,
    )


def notice_listing_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(NOTICE_LISTING_FIELDS, row)


# -- decisions --------------------------------------------------------------------------------

DECISION_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "integer", "Decision number in the register", "决定记录编号"),
    F(
        "kind",
        "string",
        "simplified_deregistration (简易注销) or revocation (撤销登记, an administrative penalty)",
        "决定类别：简易注销、撤销登记",
    ),
    F("number", "string", "The decision letter's number (决定书文号)", "决定书文号"),
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "Its registered name", "社会组织名称"),
    F("authority_code", "string", "The deciding registration authority", "作出决定的机关代码"),
    F("authority_name", "string", "Its name", "作出决定的机关名称"),
    F("decided_on", "date", "Day the decision took effect", "决定生效日期"),
    F("reason", "string", "The reason, as the organisation's status reason", "决定理由"),
    F("basis", "string", "The legal basis it cites", "决定依据"),
    F(
        "certificate_due_on",
        "date",
        "Last day to return the certificate and seals; declared void from the next",
        "登记证书、印章缴回期限",
    ),
    F(
        "certificate_outcome",
        "string",
        "returned (certificate and seals handed back) or void (declared void); empty while "
        "outstanding",
        "登记证书、印章处理结果：已缴回、公告作废",
        nullable=True,
    ),
    F(
        "certificate_outcome_on",
        "date",
        "Day they were returned or declared void",
        "缴回或公告作废日期",
        nullable=True,
    ),
    F("review_until", "date", "Last day to apply for administrative review", "申请行政复议期限"),
    F("lawsuit_until", "date", "Last day to file an administrative lawsuit", "提起行政诉讼期限"),
    F(
        "served_by_notice",
        "string",
        "Number of the public notice that served the decision, when the organisation could "
        "not be reached",
        "公告送达的公告文号",
        nullable=True,
    ),
)


def decision_record(decision: DeregistrationDecision) -> dict[str, Any]:
    served = decision.served_by_notice
    return decision_record_from_row(
        {
            "id": decision.id,
            "kind": decision.kind,
            "number": decision.number,
            "uscc": decision.organisation.uscc,
            "name": decision.organisation.name,
            "authority_code": decision.authority.code,
            "authority_name": decision.authority.name,
            "decided_on": decision.decided_on,
            "reason": decision.reason,
            "basis": decision.basis,
            "certificate_due_on": decision.certificate_due_on,
            "certificate_outcome": decision.certificate_outcome,
            "certificate_outcome_on": decision.certificate_outcome_on,
            "review_until": decision.review_until,
            "lawsuit_until": decision.lawsuit_until,
            "served_by_notice": served.number if served is not None else None,
        }
    )


def decision_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(DECISION_FIELDS, row)


# -- the at-risk list ---------------------------------------------------------------------------

#: the public stage of an open case. Internal steps that are not public acts (an officer's
#: proposal waiting for the head's approval) show as the public step before them.
PUBLIC_STAGE: dict[CaseState, str] = {
    S.CANDIDATE: "under_review",
    S.UNDER_REVIEW: "under_review",
    S.CONTACTING: "contacting",
    S.NOTICE_PUBLISHED: "notice_published",
    S.AWAITING_DECISION: "awaiting_decision",
    S.DEREGISTRATION_PROPOSED: "awaiting_decision",
    S.PRIOR_NOTICE_ISSUED: "prior_notice_issued",
    S.HEARING_REQUESTED: "hearing_requested",
    S.REVOCATION_PROPOSED: "awaiting_decision",
}
#: a detected candidate without a case
DETECTED = "detected"
#: each public stage, in the order of the procedure, with its Chinese label
STAGE_LABELS: dict[str, str] = {
    DETECTED: "筛查发现，尚未立案核查",
    "under_review": "核查中",
    "contacting": "联系中",
    "notice_published": "公告期内",
    "awaiting_decision": "待作出决定",
    "prior_notice_issued": "已事先告知拟撤销登记",
    "hearing_requested": "已申请听证",
}


def internal_states(stage: str) -> list[CaseState]:
    """The case states a public stage stands for (none for `detected`)."""
    return [state for state, public in PUBLIC_STAGE.items() if public == stage]


AT_RISK_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "Its registered name", "社会组织名称"),
    F(
        "kind",
        "string",
        "social_group, social_service_agency or foundation",
        "类型：社会团体、社会服务机构、基金会",
    ),
    F("authority_code", "string", "The registration authority running it", "登记管理机关代码"),
    F("authority_name", "string", "Its name", "登记管理机关名称"),
    F(
        "source",
        "string",
        "case (an open dormant-organisation case) or candidate (detected, no case yet)",
        "来源：已立案、筛查发现",
    ),
    F(
        "state",
        "string",
        "The public stage: "
        + ", ".join(f"{stage} ({label})" for stage, label in STAGE_LABELS.items()),
        "所处阶段",
    ),
    F("opened_on", "date", "Day the case was opened, or the candidate detected", "立案或筛查日期"),
    F(
        "criteria",
        "string",
        "The criteria met, comma-separated: missed_reports (missed the most recent annual "
        "reports), no_activity (no activity after registration), unreachable (cannot be "
        "reached), long_abnormal (long on the abnormal-activities list)",
        "符合的认定情形：未参加年检、成立后未开展活动、无法取得联系、长期列入活动异常名录",
    ),
    F(
        "notice_number",
        "string",
        "The latest public notice naming it in this case (a prior notice once issued)",
        "公告文号",
        nullable=True,
    ),
    F(
        "notice_ends_on",
        "date",
        "That notice's last day",
        "公告期满日期",
        nullable=True,
    ),
)


def at_risk_record(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(AT_RISK_FIELDS, row)
