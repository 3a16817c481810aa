"""The public record of an organisation and of its change records."""

from __future__ import annotations

from typing import Any

from registry.organisations.models import ChangeRecord, Organisation
from registry.public import FieldSpec, plain, public_record

F = FieldSpec

ORGANISATION_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "Unified social credit code (GB 32100)", "统一社会信用代码"),
    F("name", "string", "Registered name", "名称"),
    F("name_en", "string", "English name", "英文名称", nullable=True),
    F(
        "kind",
        "string",
        "social_group, social_service_agency or foundation",
        "类型：社会团体、社会服务机构、基金会",
    ),
    F(
        "fundraising",
        "string",
        "Foundations only: public or non_public",
        "基金会公募/非公募",
        nullable=True,
    ),
    F(
        "registration_authority_code",
        "string",
        "Division code of the registration authority",
        "登记管理机关代码",
    ),
    F("registration_authority", "string", "Registration authority", "登记管理机关"),
    F(
        "supervisory_unit",
        "string",
        "Supervisory unit; empty when registered directly",
        "业务主管单位",
        nullable=True,
    ),
    F("legal_representative", "string", "Legal representative", "法定代表人"),
    F(
        "registered_funds",
        "number",
        "Registered, start-up or original funds, in yuan",
        "注册资金/开办资金/原始基金（元）",
    ),
    F("founded_on", "date", "Date of registration", "成立登记日期"),
    F("domicile", "string", "Domicile", "住所"),
    F(
        "domicile_division_code",
        "string",
        "GB/T 2260 code of the domicile's division",
        "住所所在行政区划代码",
    ),
    F("business_scope", "string", "Business scope", "业务范围"),
    F("certificate_issued_on", "date", "Certificate issue date", "登记证书发证日期"),
    F(
        "certificate_valid_until",
        "date",
        "Certificate valid until",
        "登记证书有效期至",
        nullable=True,
    ),
    F(
        "status",
        "string",
        "active, deregistered, revoked or certificate_cancelled",
        "登记状态：正常、注销、撤销登记、吊销登记证书",
    ),
    F("status_date", "date", "Date of the last status change", "状态变更日期", nullable=True),
    F("status_reason", "string", "Reason of the last status change", "状态变更原因", nullable=True),
    F("is_charity", "boolean", "Recognised as a charity organisation", "是否慈善组织"),
    F(
        "charity_recognised_on",
        "date",
        "Date of charity recognition",
        "慈善组织认定日期",
        nullable=True,
    ),
    F(
        "abnormal_list",
        "boolean",
        "On the abnormal-activities list now (see the credit-list entries)",
        "是否列入活动异常名录",
    ),
    F(
        "dishonest_list",
        "boolean",
        "On the serious-dishonesty list now (see the credit-list entries)",
        "是否列入严重违法失信名单",
    ),
    F(
        "deregistration_procedure",
        "boolean",
        "Under a deregistration procedure now (see the at-risk list and the notices)",
        "是否处于注销或撤销登记程序中",
    ),
    F("rating", "string", "Current rating, 1A to 5A", "评估等级", nullable=True),
    F(
        "rating_valid_until",
        "date",
        "Last day the current rating is valid",
        "评估等级有效期至",
        nullable=True,
    ),
    F("updated_at", "datetime", "When the record last changed", "最后更新时间"),
    F("version", "integer", "Increases with every change of the record", "版本号"),
)

CHANGE_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("change_type", "string", "registration, change or status", "事项类型：成立、变更、状态"),
    F("field", "string", "The registered field that changed", "变更事项"),
    F("old_value", "string", "Value before", "变更前", nullable=True),
    F("new_value", "string", "Value after", "变更后", nullable=True),
    F("effective_on", "date", "Date the change took effect", "生效日期"),
    F("approved_by", "string", "Division code of the approving authority", "核准机关代码"),
    F("basis", "string", "Legal basis or document", "依据", nullable=True),
    F("recorded_at", "datetime", "When the register recorded it", "记录时间"),
)


def organisation_record(org: Organisation) -> dict[str, Any]:
    values = {spec.name: getattr(org, spec.name, None) for spec in ORGANISATION_FIELDS}
    return organisation_record_from_row(values, org.authority.code, org.authority.name)


def organisation_record_from_row(
    row: dict[str, Any], authority_code: str, authority_name: str
) -> dict[str, Any]:
    """The public record from column values (bulk loaders have rows, not objects)."""
    return public_record(
        ORGANISATION_FIELDS,
        row,
        registration_authority_code=authority_code,
        registration_authority=authority_name,
    )


def change_record(change: ChangeRecord, uscc: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "change_type": change.change_type.value,
        "field": change.field,
        "old_value": change.old_value,
        "new_value": change.new_value,
        "effective_on": change.effective_on.isoformat(),
        "approved_by": change.approved_by.code,
        "basis": change.basis,
        "recorded_at": plain(change.recorded_at),
    }
