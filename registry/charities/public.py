"""What the public sees of charities, fundraising plans and charity trusts: field names,
types and descriptions shared by the API, the bulk files, the change feed and the pages.

Never public: officers' notes, who recorded what, refused and pending applications, the
trusts' search text. Settlors who are persons are shown by name only; nothing else about
them is kept.
"""

from __future__ import annotations

import json
from typing import Any

from registry.charities.models import (
    Charity,
    CharityTrust,
    FundraisingPlan,
    PartyRole,
    TrustFiling,
    TrustReport,
)
from registry.public import FieldSpec, plain, public_record

F = FieldSpec

CHARITY_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "Registered name", "名称"),
    F("kind", "string", "social_group, social_service_agency or foundation", "组织类型"),
    F(
        "registration_authority_code",
        "string",
        "The authority that recognised it and registers it",
        "登记管理机关代码",
    ),
    F(
        "organisation_status",
        "string",
        "The organisation's registration status: active, deregistered, revoked or "
        "certificate_cancelled",
        "登记状态",
    ),
    F(
        "charity_status",
        "string",
        "recognised, withdrawn (recognition withdrawn) or certificate_cancelled (吊销)",
        "慈善组织状态：已认定、取消认定、吊销登记证书",
    ),
    F("recognised_on", "date", "Day of the recognition decision", "慈善组织认定日期"),
    F(
        "recognition_document_no",
        "string",
        "The recognition decision's document number",
        "认定决定文号",
        nullable=True,
    ),
    F(
        "public_fundraising",
        "boolean",
        "Holds the public-fundraising qualification now",
        "是否具有公开募捐资格",
    ),
    F(
        "qualification_granted_on",
        "date",
        "Day the current (or last) public-fundraising qualification was granted",
        "公开募捐资格取得日期",
        nullable=True,
    ),
    F(
        "qualification_revoked_on",
        "date",
        "Day the last qualification was revoked; empty while it is held",
        "公开募捐资格撤销日期",
        nullable=True,
    ),
    F(
        "lost_on",
        "date",
        "Day the charity status was lost (withdrawn or certificate cancelled)",
        "丧失慈善组织身份日期",
        nullable=True,
    ),
    F("loss_reason", "string", "Why the status was lost", "丧失原因", nullable=True),
    F(
        "no_activity_years",
        "string",
        "The last two years whose annual report is due, when neither records charitable "
        "activity (an activity or grants made) or the report is missing, comma-separated; "
        "empty otherwise",
        "连续两年未从事慈善活动的年度",
        nullable=True,
    ),
    F(
        "fundraising_plans",
        "integer",
        "Fundraising plans filed (see /api/v1/charities/{uscc}/fundraising-plans)",
        "募捐方案备案数",
    ),
    F("updated_at", "datetime", "When the charity record last changed", "最后更新时间"),
    F("version", "integer", "Increases with every change of the record", "版本号"),
)

PLAN_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "integer", "Filing number of the plan", "方案备案编号"),
    F("uscc", "string", "The charity's credit code", "统一社会信用代码"),
    F("name", "string", "The charity's name", "慈善组织名称"),
    F("purpose", "string", "Purpose of the fundraising", "募捐目的"),
    F("starts_on", "date", "First day", "起始日期"),
    F("ends_on", "date", "Last day", "终止日期"),
    F("area", "string", "Where it is carried out", "募捐活动地域"),
    F(
        "method",
        "string",
        "public_place, event, media, internet or other",
        "募捐方式：公共场所、义演义卖等活动、媒体、互联网、其他",
    ),
    F("person_in_charge", "string", "Person in charge", "募捐活动负责人"),
    F("beneficiaries", "string", "Who benefits", "受益人"),
    F("use_of_funds", "string", "How the funds raised will be used", "募得款物用途"),
    F("cost", "number", "Budgeted cost of the fundraising, yuan", "募捐成本（元）"),
    F("filed_on", "date", "Day the plan was filed", "备案日期"),
    F(
        "working_days_ahead",
        "integer",
        "Working days from the filing day up to the first day",
        "备案日距起始日的工作日数",
    ),
    F(
        "filed_late",
        "boolean",
        "Filed fewer than 5 working days (configurable) before the first day",
        "是否逾期备案",
    ),
    F("authority_code", "string", "Where it was filed", "备案民政部门代码"),
)

TRUST_FIELDS: tuple[FieldSpec, ...] = (
    F("record_no", "string", "Filing number (备案编号)", "备案编号"),
    F("name", "string", "Name of the trust", "慈善信托名称"),
    F(
        "authority_code",
        "string",
        "Where it is filed: the civil-affairs department where the trustee is",
        "备案民政部门代码",
    ),
    F("authority", "string", "Name of that department", "备案民政部门"),
    F("signed_on", "date", "The trust contract was signed (established)", "成立日期"),
    F("filed_on", "date", "Day of the establishment filing", "备案日期"),
    F(
        "filed_late",
        "boolean",
        "Filed more than 7 days (configurable) after the contract",
        "是否逾期备案",
    ),
    F("property_amount", "number", "Trust property now, yuan", "信托财产总额（元）"),
    F("purpose", "string", "Charitable purpose", "信托目的"),
    F(
        "fields",
        "string",
        "Charitable fields, comma-separated: poverty_relief, care, disaster_relief, "
        "education, science, culture, health, sports, environment, other",
        "慈善领域",
    ),
    F(
        "trustees",
        "string",
        "Trustees: names with credit codes, '; '-separated",
        "受托人",
    ),
    F(
        "trustee_usccs",
        "string",
        "The trustees' credit codes, comma-separated",
        "受托人统一社会信用代码",
    ),
    F(
        "settlors",
        "string",
        "Settlors: organisations' names, persons' names only, '; '-separated",
        "委托人",
    ),
    F("supervisor", "string", "Trust supervisor, when there is one", "信托监察人", nullable=True),
    F(
        "term_ends_on",
        "date",
        "Last day of its term; empty: no fixed term (永续)",
        "信托期限届满日",
        nullable=True,
    ),
    F("status", "string", "established, changed or terminated", "状态：已成立、已变更、已终止"),
    F(
        "terminated_on",
        "date",
        "Day it terminated",
        "终止日期",
        nullable=True,
    ),
    F(
        "termination_reason",
        "string",
        "Why it terminated",
        "终止原因",
        nullable=True,
    ),
    F("updated_at", "datetime", "When the record last changed", "最后更新时间"),
    F("version", "integer", "Increases with every filing", "版本号"),
)

FILING_FIELDS: tuple[FieldSpec, ...] = (
    F("record_no", "string", "The trust's filing number", "备案编号"),
    F("kind", "string", "establishment, change or termination", "备案事项：设立、变更、终止"),
    F("event_on", "date", "The contract signed, the change made or the trust ended", "事项日期"),
    F("filed_on", "date", "Day filed", "备案日期"),
    F("days_after", "integer", "Days from the event to the filing", "事项发生后备案天数"),
    F("filed_late", "boolean", "Filed more than 7 days after the event", "是否逾期备案"),
    F(
        "changes",
        "string",
        "What changed, as JSON: a list of {field, old, new}",
        "变更内容",
    ),
    F("summary", "string", "Description or reason, as filed", "说明", nullable=True),
)

TRUST_REPORT_FIELDS: tuple[FieldSpec, ...] = (
    F("record_no", "string", "The trust's filing number", "备案编号"),
    F("year", "integer", "Year reported on", "报告年度"),
    F("income", "number", "Income of the year, yuan", "本年收入（元）"),
    F("grants_made", "number", "Grants made in the year, yuan", "本年慈善支出（元）"),
    F("balance", "number", "Property at the year's end, yuan", "年末信托财产余额（元）"),
    F("submitted_on", "date", "Day the trustee reported", "报告日期"),
)


def charity_record(
    charity: Charity, no_activity_years: list[int] | None = None, plans: int = 0
) -> dict[str, Any]:
    organisation = charity.organisation
    return charity_record_from_row(
        {
            "uscc": organisation.uscc,
            "name": organisation.name,
            "kind": organisation.kind,
            "registration_authority_code": organisation.authority.code,
            "organisation_status": organisation.status,
            "charity_status": charity.status,
            "recognised_on": charity.recognised_on,
            "recognition_document_no": charity.recognition_document_no,
            "public_fundraising": charity.public_fundraising,
            "qualification_granted_on": charity.qualification_granted_on,
            "qualification_revoked_on": charity.qualification_revoked_on,
            "lost_on": charity.lost_on,
            "loss_reason": charity.loss_reason,
            "no_activity_years": ",".join(map(str, no_activity_years or [])) or None,
            "fundraising_plans": plans,
            "updated_at": charity.updated_at,
            "version": charity.version,
        }
    )


def charity_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(CHARITY_FIELDS, row)


def plan_record(plan: FundraisingPlan) -> dict[str, Any]:
    row = {spec.name: getattr(plan, spec.name, None) for spec in PLAN_FIELDS}
    row.update(
        uscc=plan.organisation.uscc,
        name=plan.organisation.name,
        authority_code=plan.authority.code,
    )
    return public_record(PLAN_FIELDS, row)


def _party(name: str, uscc: str | None) -> str:
    return f"{name} ({uscc})" if uscc else name


def summarise(trust: CharityTrust) -> None:
    """Write the trust's list columns from its parties and fields: call it whenever they
    change, before the record is published."""
    trustees = [p for p in trust.parties if p.role is PartyRole.TRUSTEE]
    settlors = [p for p in trust.parties if p.role is PartyRole.SETTLOR]
    trust.field_list = ",".join(sorted(f.field.value for f in trust.fields))
    trust.trustee_list = "; ".join(_party(p.name, p.uscc) for p in trustees)
    trust.trustee_uscc_list = ",".join(p.uscc for p in trustees if p.uscc)
    # persons by name only, and organisations by name too: settlors' codes are not needed
    trust.settlor_list = "; ".join(p.name for p in settlors)


def supervisor_text(name: str | None, uscc: str | None) -> str | None:
    return _party(name, uscc) if name else None


def trust_record(trust: CharityTrust) -> dict[str, Any]:
    row = {spec.name: getattr(trust, spec.name, None) for spec in TRUST_FIELDS}
    row.update(
        authority_code=trust.authority.code,
        authority=trust.authority.name,
        fields=trust.field_list,
        trustees=trust.trustee_list,
        trustee_usccs=trust.trustee_uscc_list,
        settlors=trust.settlor_list,
        supervisor=supervisor_text(trust.supervisor_name, trust.supervisor_uscc),
    )
    return trust_record_from_row(row)


def trust_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(TRUST_FIELDS, row)


def trust_detail(trust: CharityTrust) -> dict[str, Any]:
    """The trust's record with its parties, filings and yearly reports, for one trust."""
    return {
        **trust_record(trust),
        "parties": [
            {
                "role": party.role.value,
                "kind": party.kind.value,
                "name": party.name,
                "uscc": party.uscc,
            }
            for party in trust.parties
        ],
        "filings": [filing_record(f) for f in trust.filings],
        "reports": [report_record(r) for r in trust.reports],
    }


def filing_record(filing: TrustFiling) -> dict[str, Any]:
    row = {spec.name: getattr(filing, spec.name, None) for spec in FILING_FIELDS}
    row["record_no"] = filing.trust.record_no
    return public_record(FILING_FIELDS, row)


def report_record(report: TrustReport) -> dict[str, Any]:
    row = {spec.name: getattr(report, spec.name, None) for spec in TRUST_REPORT_FIELDS}
    row["record_no"] = report.trust.record_no
    return public_record(TRUST_REPORT_FIELDS, row)


def changes_list(text: str | None) -> list[dict[str, Any]]:
    return json.loads(text or "[]")


__all__ = [
    "CHARITY_FIELDS",
    "FILING_FIELDS",
    "PLAN_FIELDS",
    "TRUST_FIELDS",
    "TRUST_REPORT_FIELDS",
    "charity_record",
    "filing_record",
    "plain",
    "plan_record",
    "report_record",
    "summarise",
    "trust_detail",
    "trust_record",
]
