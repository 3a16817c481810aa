"""The inspection's rules, table by table: pure functions of dates and facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry.inspections import rules
from registry.inspections.contents import check_contents
from registry.inspections.rules import DueDates
from tests.inspections.factories import contents, foundation_contents

SG, SSA, FDN = "social_group", "social_service_agency", "foundation"
ACTIVE, DEREGISTERED, REVOKED = "active", "deregistered", "revoked"
FIVE_THIRTY_ONE = DueDates(social=(5, 31), foundation=(3, 31))
PROVINCE_X = DueDates(social=(6, 30), foundation=(4, 30))


@pytest.mark.parametrize(
    ("kind", "charity", "dues", "due"),
    [
        (SG, False, FIVE_THIRTY_ONE, date(2026, 5, 31)),
        (SSA, False, FIVE_THIRTY_ONE, date(2026, 5, 31)),
        (FDN, False, FIVE_THIRTY_ONE, date(2026, 3, 31)),
        (SG, True, FIVE_THIRTY_ONE, date(2026, 3, 31)),  # a charity reports early
        (SSA, True, FIVE_THIRTY_ONE, date(2026, 3, 31)),
        (FDN, True, FIVE_THIRTY_ONE, date(2026, 3, 31)),
        (SG, False, PROVINCE_X, date(2026, 6, 30)),  # configurable
        (FDN, False, PROVINCE_X, date(2026, 4, 30)),
    ],
)
def test_due_dates_by_kind_and_charity(kind, charity, dues, due):
    assert rules.due_date(2025, kind, charity, dues) == due


def test_due_dates_come_from_the_settings():
    class Settings:
        report_due_social = (6, 15)
        report_due_foundation = (4, 1)

    dues = DueDates.from_settings(Settings())
    assert dues == DueDates(social=(6, 15), foundation=(4, 1))
    assert DueDates.from_settings(object()) == DueDates()


@pytest.mark.parametrize(
    ("kind", "founded_on", "year", "obliged"),
    [
        (SSA, date(2025, 6, 30), 2025, True),  # six months and a day before 31 December
        (SSA, date(2025, 7, 1), 2025, False),  # less than six months: exempt
        (SSA, date(2025, 12, 31), 2025, False),
        (SSA, date(2025, 7, 1), 2026, True),  # exempt for its first year only
        (SG, date(2025, 7, 1), 2025, True),  # the exemption is for agencies
        (FDN, date(2025, 12, 31), 2025, True),
        (SG, date(2026, 1, 1), 2025, False),  # registered after the year
        (SG, date(2025, 12, 31), 2025, True),
    ],
)
def test_exemption_boundary_is_30_june(kind, founded_on, year, obliged):
    got = rules.is_obliged(
        year, kind=kind, is_charity=False, founded_on=founded_on, status=ACTIVE, status_date=None
    )
    assert got is obliged


@pytest.mark.parametrize(
    ("kind", "charity", "status", "status_date", "obliged"),
    [
        (SG, False, DEREGISTERED, date(2026, 5, 31), False),  # removed on the due date
        (SG, False, DEREGISTERED, date(2026, 6, 1), True),  # removed after it
        (SG, False, REVOKED, date(2026, 1, 10), False),
        (SG, True, DEREGISTERED, date(2026, 4, 1), True),  # a charity's due date: 31 March
        (SG, True, DEREGISTERED, date(2026, 3, 31), False),
        (FDN, False, REVOKED, date(2026, 4, 1), True),
        (FDN, False, REVOKED, date(2026, 3, 31), False),
        (SSA, False, DEREGISTERED, None, False),  # removed, date unknown: nothing owed
        (SSA, False, ACTIVE, None, True),
    ],
)
def test_removal_before_or_after_the_due_date(kind, charity, status, status_date, obliged):
    got = rules.is_obliged(
        2025,
        kind=kind,
        is_charity=charity,
        founded_on=date(2015, 1, 1),
        status=status,
        status_date=status_date,
    )
    assert got is obliged


@pytest.mark.parametrize(
    ("today", "kind", "charity", "year"),
    [
        (date(2026, 5, 31), SG, False, 2025),  # the due day itself
        (date(2026, 5, 30), SG, False, 2024),
        (date(2026, 6, 15), SSA, False, 2025),
        (date(2026, 3, 31), FDN, False, 2025),
        (date(2026, 3, 30), FDN, False, 2024),
        (date(2026, 4, 1), SG, True, 2025),
        (date(2026, 1, 1), SG, False, 2024),
        (date(2026, 12, 31), FDN, False, 2025),
    ],
)
def test_latest_due_year(today, kind, charity, year):
    assert rules.latest_due_year(today, kind, charity) == year


@pytest.mark.parametrize(
    ("filed", "obliged", "rate"),
    [
        (111, 140, Decimal("79.29")),  # Lianyungang's 79.29%
        (0, 0, None),
        (0, 10, Decimal("0.00")),
        (10, 10, Decimal("100.00")),
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (1, 800, Decimal("0.13")),  # 0.125: half up, not to even
        (1, 8, Decimal("12.50")),
    ],
)
def test_participation_rate_rounds_half_up_to_two_decimals(filed, obliged, rate):
    assert rules.participation_rate(filed, obliged) == rate


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(date(2026, 5, 30), False), (date(2026, 5, 31), False), (date(2026, 6, 1), True)],
)
def test_late_is_after_the_due_day(submitted_on, late):
    assert rules.is_late(submitted_on, date(2026, 5, 31)) is late


@pytest.mark.parametrize(
    ("today", "submitted_on", "overdue"),
    [
        (date(2026, 5, 31), None, False),
        (date(2026, 6, 1), None, True),
        (date(2026, 6, 1), date(2026, 6, 1), False),
    ],
)
def test_overdue_starts_the_day_after_the_due_date(today, submitted_on, overdue):
    assert rules.is_overdue(date(2026, 5, 31), today, submitted_on) is overdue


@pytest.mark.parametrize(
    ("status", "conclusion", "deadline", "corrected_on", "steps"),
    [
        ("submitted", None, None, None, ["conclude"]),
        ("concluded", "pass", None, None, []),
        ("concluded", "basic_pass", None, None, ["order_correction"]),
        ("concluded", "fail", None, None, ["order_correction"]),
        ("concluded", "fail", date(2026, 9, 1), None, ["record_correction"]),
        ("concluded", "basic_pass", date(2026, 9, 1), date(2026, 8, 1), []),
    ],
)
def test_next_steps(status, conclusion, deadline, corrected_on, steps):
    assert rules.next_steps(status, conclusion, deadline, corrected_on) == steps


@pytest.mark.parametrize(
    ("deadline", "corrected_on", "today", "overdue"),
    [
        (None, None, date(2026, 9, 2), False),  # nothing ordered
        (date(2026, 9, 1), None, date(2026, 9, 1), False),  # the deadline day is in time
        (date(2026, 9, 1), None, date(2026, 9, 2), True),
        (date(2026, 9, 1), date(2026, 8, 20), date(2026, 9, 2), False),
        (date(2026, 9, 1), date(2026, 9, 5), date(2026, 9, 10), False),  # late, but done
    ],
)
def test_correction_overdue(deadline, corrected_on, today, overdue):
    assert rules.is_correction_overdue(deadline, corrected_on, today) is overdue


@pytest.mark.parametrize(
    ("conclusion", "needs"), [("pass", False), ("basic_pass", True), ("fail", True)]
)
def test_basic_pass_and_fail_need_reasons(conclusion, needs):
    assert rules.needs_reasons(conclusion) is needs
    assert rules.may_order_correction(conclusion) is needs


# -- contents -------------------------------------------------------------------------------


def test_complete_contents_give_exact_column_values():
    values, errors = check_contents(contents(finances={"income": 1234.5}), SSA)
    assert errors == {}
    assert values["income"] == Decimal("1234.50")
    assert values["net_assets"] == Decimal("-3500.25")  # net assets may be negative
    assert values["donations_received"] == Decimal("200000.00")
    assert values["staff_count"] == 12 and values["branch_count"] == 0
    assert values["grants_made"] is None and values["audit_opinion"] is None
    assert '"理事长"' in values["officers"]


@pytest.mark.parametrize(
    ("kind", "body", "errors"),
    [
        (
            SSA,
            {},
            {
                "activities": "required",
                "compliance_statement": "required",
                "finances": "required",
                "finances.donations_received": "required",
                "finances.expenditure": "required",
                "finances.income": "required",
                "finances.net_assets": "required",
                "officers": "required",
                "staff_count": "required",
            },
        ),
        (
            FDN,
            contents(),
            {"finances.audit_opinion": "required", "finances.grants_made": "required"},
        ),
        (FDN, foundation_contents(), {}),
        (SSA, contents(finances={"income": "-1"}), {"finances.income": "cannot be negative"}),
        (
            SSA,
            contents(finances={"expenditure": "10.005"}),
            {"finances.expenditure": "at most two decimals (fen)"},
        ),
        (
            SSA,
            contents(finances={"income": "a lot"}),
            {"finances.income": "not an amount: 'a lot'"},
        ),
        (SSA, contents(finances={"income": "NaN"}), {"finances.income": "must be a finite amount"}),
        (
            SSA,
            contents(finances={"income": "1e15"}),
            {"finances.income": "at most 99999999999999.99 yuan"},
        ),
        (SSA, contents(staff_count=-1), {"staff_count": "must be between 0 and 10000000"}),
        (SSA, contents(staff_count=True), {"staff_count": "must be a whole number"}),
        (SSA, contents(officers=[]), {"officers": "at least 1 required"}),
        (SSA, contents(activities=[]), {}),
        (
            SSA,
            contents(officers=[{"name": "赵敏"}], activities=[{"title": "x", "date": "soon"}]),
            {
                "activities[0].date": "must be a date, YYYY-MM-DD",
                "officers[0].position": "required",
            },
        ),
        (
            SSA,
            contents(staff_phone="13800000000", finances={"bonus": "1"}),
            {"finances.bonus": "unknown field", "staff_phone": "unknown field"},
        ),
        (SSA, contents(compliance_statement="   "), {"compliance_statement": "required"}),
    ],
)
def test_contents_problems_are_listed_by_field(kind, body, errors):
    assert check_contents(body, kind)[1] == errors


def test_contents_must_be_an_object():
    assert check_contents(["not", "an", "object"], SG)[1] == {"contents": "must be an object"}  # type: ignore[arg-type]
