"""The public record of a credit-list entry: every entry and removal, dated, with its ground.

Officers' notes and who entered or removed an entry are never public.
"""

from __future__ import annotations

from typing import Any

from registry.credit.models import CreditListEntry
from registry.public import FieldSpec, public_record

F = FieldSpec

ENTRY_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "integer", "Entry number", "列入记录编号"),
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "The organisation's registered name", "社会组织名称"),
    F(
        "list",
        "string",
        "abnormal (abnormal-activities list) or dishonest (serious-dishonesty list)",
        "名录：活动异常名录、严重违法失信名单",
    ),
    F(
        "ground",
        "string",
        "Why it was entered: report_not_filed, rectification_not_met, minor_penalty, "
        "unreachable, abnormal_two_years, revocation, major_fine or repeated_penalties",
        "列入事由",
    ),
    F("detail", "string", "The ground as the authority states it", "列入事由说明"),
    F(
        "report_year",
        "integer",
        "The year of the missing annual report (ground report_not_filed)",
        "未报送年度工作报告的年度",
        nullable=True,
    ),
    F("entered_on", "date", "Day it went onto the list", "列入日期"),
    F(
        "removed_on",
        "date",
        "Day it came off the list; empty while on it",
        "移出日期",
        nullable=True,
    ),
    F(
        "removal_ground",
        "string",
        "remedied, expired, escalated, deregistered or rescinded",
        "移出事由",
        nullable=True,
    ),
    F(
        "authority_code",
        "string",
        "The deciding registration authority",
        "作出决定的登记管理机关代码",
    ),
)


def entry_record(entry: CreditListEntry) -> dict[str, Any]:
    return entry_record_from_row(
        {
            "id": entry.id,
            "uscc": entry.organisation.uscc,
            "name": entry.organisation.name,
            "list": entry.list_name,
            "ground": entry.ground,
            "detail": entry.detail,
            "report_year": entry.report_year,
            "entered_on": entry.entered_on,
            "removed_on": entry.removed_on,
            "removal_ground": entry.removal_ground,
            "authority_code": entry.authority.code,
        }
    )


def entry_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(ENTRY_FIELDS, row)
