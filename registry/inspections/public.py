"""What the public sees of an annual inspection: the year, the dates and the conclusion.

Never the report's contents (finances, officers, staff), the reviewer's notes or who
reviewed it: those are for the officers (/api/v1/officer/reports/{id}).
"""

from __future__ import annotations

from registry.public import FieldSpec

F = FieldSpec

INSPECTION_FIELDS: tuple[FieldSpec, ...] = (
    F("uscc", "string", "The organisation's credit code", "统一社会信用代码"),
    F("name", "string", "The organisation's registered name", "社会组织名称"),
    F("year", "integer", "The year reported on", "年度"),
    F(
        "registration_authority_code",
        "string",
        "Division code of the registration authority that inspects it",
        "登记管理机关代码",
    ),
    F("submitted_on", "date", "Day the annual report was received", "年度报告报送日期"),
    F(
        "due_on",
        "date",
        "Last day to report: 31 May of the next year, 31 March for foundations and "
        "charities (configurable)",
        "报送截止日期",
    ),
    F("late", "boolean", "Received after the due date", "是否逾期报送"),
    F(
        "conclusion",
        "string",
        "pass, basic_pass or fail; empty while under review",
        "年检结论：合格、基本合格、不合格",
        nullable=True,
    ),
    F(
        "conclusion_reasons",
        "string",
        "Why a basic pass or a fail",
        "基本合格、不合格的原因",
        nullable=True,
    ),
    F("concluded_on", "date", "Day of the conclusion", "年检结论日期", nullable=True),
    F(
        "correction_deadline",
        "date",
        "Deadline of the order to correct, after a basic pass or a fail",
        "责令整改期限",
        nullable=True,
    ),
    F("corrected_on", "date", "Day the correction was recorded", "整改完成日期", nullable=True),
)

PARTICIPATION_FIGURES: tuple[FieldSpec, ...] = (
    F("obliged", "integer", "Organisations obliged to report for the year", "应参检数"),
    F("filed", "integer", "Of them, those that reported, on time or late", "已参检数"),
    F("on_time", "integer", "Of them, those that reported by the due date", "按时参检数"),
    F(
        "rate",
        "number",
        "Participation rate: filed ÷ obliged, in percent, two decimals; empty when none "
        "was obliged",
        "参检率（%）",
        nullable=True,
    ),
    F(
        "on_time_rate",
        "number",
        "On time ÷ obliged, in percent, two decimals",
        "按时参检率（%）",
        nullable=True,
    ),
)
