"""The public record of a rating (等级评估)."""

from __future__ import annotations

from typing import Any

from registry.public import FieldSpec, public_record
from registry.ratings.models import Rating

F = FieldSpec

RATING_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "integer", "Rating number", "评估记录编号"),
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "The organisation's registered name", "社会组织名称"),
    F("grade", "string", "1A to 5A", "评估等级"),
    F("rated_on", "date", "Day of the rating decision", "评估日期"),
    F("valid_until", "date", "Last day the rating is valid", "有效期至"),
    F(
        "withdrawn_on",
        "date",
        "Day it was withdrawn before its term; empty otherwise",
        "撤销日期",
        nullable=True,
    ),
    F("withdrawal_reason", "string", "Why it was withdrawn", "撤销原因", nullable=True),
    F("authority_code", "string", "The rating authority", "评估机关代码"),
)


def rating_record(rating: Rating) -> dict[str, Any]:
    return public_record(
        RATING_FIELDS,
        {
            "id": rating.id,
            "uscc": rating.organisation.uscc,
            "name": rating.organisation.name,
            "grade": rating.grade,
            "rated_on": rating.rated_on,
            "valid_until": rating.valid_until,
            "withdrawn_on": rating.withdrawn_on,
            "withdrawal_reason": rating.withdrawal_reason,
            "authority_code": rating.authority.code,
        },
    )


def rating_record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return public_record(RATING_FIELDS, row)
