"""The public record of a community organisation filing."""

from __future__ import annotations

from typing import Any

from registry.community.models import CommunityOrganisation
from registry.public import FieldSpec, public_record

F = FieldSpec

COMMUNITY_FIELDS: tuple[FieldSpec, ...] = (
    F("filing_number", "string", "Filing number", "备案编号"),
    F("name", "string", "Name", "名称"),
    F("filing_authority_code", "string", "County department that keeps the filing", "备案机关代码"),
    F("filing_authority", "string", "County department that keeps the filing", "备案机关"),
    F(
        "street_office",
        "string",
        "Street office or township that received it",
        "受理街道（乡镇）",
        nullable=True,
    ),
    F("division_code", "string", "GB/T 2260 code of its county", "所在行政区划代码"),
    F("person_in_charge", "string", "Person in charge", "负责人"),
    F("domicile", "string", "Where it is based", "活动地址"),
    F("activity_scope", "string", "Activities", "活动范围"),
    F("filed_on", "date", "Filing date", "备案日期"),
    F("status", "string", "active or withdrawn", "备案状态"),
    F("status_date", "date", "Date of withdrawal", "撤销备案日期", nullable=True),
    F("status_reason", "string", "Reason of withdrawal", "撤销备案原因", nullable=True),
    F("updated_at", "datetime", "When the record last changed", "最后更新时间"),
    F("version", "integer", "Increases with every change of the record", "版本号"),
)


def community_record(record: CommunityOrganisation) -> dict[str, Any]:
    values = {spec.name: getattr(record, spec.name, None) for spec in COMMUNITY_FIELDS}
    return community_record_from_row(values, record.authority.code, record.authority.name)


def community_record_from_row(
    row: dict[str, Any], authority_code: str, authority_name: str
) -> dict[str, Any]:
    return public_record(
        COMMUNITY_FIELDS, row, filing_authority_code=authority_code, filing_authority=authority_name
    )
