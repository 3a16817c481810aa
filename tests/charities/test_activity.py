"""no_activity_years: the last two years whose report is due, when none records charitable
activity (慈善法: no charitable activity for two consecutive years)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from registry.charities.activity import no_activity_years
from registry.charities.rules import DEFAULT_RULES, CharityRules
from registry.inspections.rules import DEFAULT_DUES, DueDates
from tests.charities.factories import ACTIVITY, charity, report

TODAY = date(2026, 6, 15)  # the reports for 2024 and 2025 are due (31 March)


def years(session, row, today: date = TODAY, **kwargs) -> list[int]:
    return no_activity_years(
        session,
        row.organisation_id,
        row.recognised_on,
        today,
        kwargs.get("dues", DEFAULT_DUES),
        kwargs.get("rules", DEFAULT_RULES),
    )


@contextmanager
def counted(session):
    """The SQL statements run inside the block."""
    session.flush()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", count)


def test_no_reports_at_all_flags_both_years_in_one_query(session, clock):
    row = charity(session, clock)
    with counted(session) as statements:
        assert years(session, row) == [2024, 2025]
    assert len(statements) == 1


def test_reports_without_activity_or_grants_flag_both_years(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2024)
    report(session, row.organisation, 2025, grants_made=0)
    assert years(session, row) == [2024, 2025]


def test_one_missing_report_and_one_without_activity(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2025, activities="[]")
    assert years(session, row) == [2024, 2025]


@pytest.mark.parametrize("year", [2024, 2025])
def test_an_activity_in_either_year_clears_the_flag(session, clock, year):
    row = charity(session, clock)
    report(session, row.organisation, year, activities=ACTIVITY)
    assert years(session, row) == []


def test_grants_made_alone_count_as_activity(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2024)
    report(session, row.organisation, 2025, grants_made=Decimal("12000.50"))
    assert years(session, row) == []


def test_activity_outside_the_two_years_does_not_count(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2023, activities=ACTIVITY, grants_made=50000)
    report(session, row.organisation, 2026, activities=ACTIVITY, submitted_on=TODAY)
    assert years(session, row) == [2024, 2025]


def test_another_organisations_activity_does_not_count(session, clock):
    row = charity(session, clock)
    other = charity(session, clock)
    report(session, other.organisation, 2024, activities=ACTIVITY)
    report(session, other.organisation, 2025, activities=ACTIVITY)
    assert years(session, row) == [2024, 2025]
    assert years(session, other) == []


def test_a_report_in_free_text_counts_when_it_says_something(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2025, activities="开展社区助老活动12次")
    assert years(session, row) == []


@pytest.mark.parametrize(
    ("recognised_on", "expected"),
    [
        (date(2024, 1, 1), [2024, 2025]),
        (date(2024, 12, 31), [2024, 2025]),
        (date(2025, 1, 1), []),  # too recent: the first year looked at began before it
        (date(2026, 3, 1), []),
    ],
)
def test_a_charity_recognised_too_recently_has_no_years(session, clock, recognised_on, expected):
    row = charity(session, clock, recognised_on=recognised_on)
    with counted(session) as statements:
        assert years(session, row) == expected
    assert len(statements) == (1 if expected else 0)


def test_the_years_move_on_the_foundations_due_date(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2023, activities=ACTIVITY)
    # On 30 March 2026 the 2025 report is not due yet: 2023 and 2024 are looked at.
    assert years(session, row, date(2026, 3, 30)) == []
    assert years(session, row, date(2026, 3, 31)) == [2024, 2025]


def test_configured_due_date_and_period(session, clock):
    row = charity(session, clock)
    report(session, row.organisation, 2023)
    three = CharityRules(inactive_years=3)
    assert years(session, row, rules=three) == [2023, 2024, 2025]
    # Reports due by 30 June: on 15 June 2026 the last due one is for 2024.
    late_dues = DueDates(foundation=(6, 30))
    assert years(session, row, dues=late_dues) == [2023, 2024]
