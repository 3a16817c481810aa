"""The SQL date arithmetic agrees with rules.add_months on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Date, literal, select

from registry.credit import queries, rules

DAYS = [
    date(2025, 1, 31),
    date(2025, 8, 31),
    date(2023, 8, 30),
    date(2024, 2, 29),
    date(2025, 12, 31),
    date(2025, 6, 1),
]


@pytest.mark.parametrize("months", [1, 6, 24, 12 * 3, -36])
def test_add_months_in_sql_is_the_pure_rule(session, months):
    sql = [session.scalar(select(queries.add_months(literal(day, Date), months))) for day in DAYS]
    assert sql == [rules.add_months(day, months) for day in DAYS]


def test_months_are_part_of_the_statement_cache_key(session):
    day = literal(date(2025, 8, 31), Date)
    six = session.scalar(select(queries.add_months(day, 6)))
    twenty_four = session.scalar(select(queries.add_months(day, 24)))
    assert (six, twenty_four) == (date(2026, 2, 28), date(2027, 8, 31))
