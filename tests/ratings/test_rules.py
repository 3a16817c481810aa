"""Rating rules, table by table (DOMAIN.md, "Rating")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from registry.ratings import rules
from registry.ratings.rules import Facts, Inspection

d = date


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (1000, "5A"),
        (900, "5A"),
        (Decimal("899.9"), "4A"),
        (800, "4A"),
        (700, "3A"),
        (650.5, "2A"),
        (500, "1A"),
        (Decimal("499.9"), None),
        (0, None),
    ],
)
def test_grade_from_the_default_bands(score, grade):
    assert rules.grade_for(score) == grade


def test_bands_are_configurable_and_order_does_not_matter():
    bands = (("1A", 60), ("3A", 80), ("2A", 70))
    assert rules.grade_for(85, bands) == "3A"
    assert rules.grade_for(60, bands) == "1A"
    assert rules.grade_for(59, bands) is None


@pytest.mark.parametrize(
    ("rated_on", "until"),
    [
        (d(2026, 6, 15), d(2031, 6, 14)),
        (d(2024, 2, 29), d(2029, 2, 27)),  # 28 Feb 2029 less a day
        (d(2026, 1, 1), d(2030, 12, 31)),
    ],
)
def test_valid_five_years(rated_on, until):
    assert rules.valid_until(rated_on) == until


ELIGIBLE = Facts(
    rated_on=d(2026, 6, 15),
    founded_on=d(2020, 3, 1),
    active=True,
    last_inspection=Inspection(2025, obliged=True, filed=True, conclusion="pass"),
    previous_inspection=Inspection(2024, obliged=True, filed=True, conclusion="basic_pass"),
    penalties=[d(2024, 5, 1), d(2026, 2, 1)],
    lists=[],
)


def test_an_eligible_organisation_has_no_refusal():
    assert rules.refusals(ELIGIBLE) == []


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        ({"founded_on": d(2024, 6, 16)}, "registered_two_years", "eligible from 2026-06-16"),
        ({"active": False}, "active", "only an active organisation"),
        (
            {"last_inspection": Inspection(2025, obliged=True, filed=False)},
            "missed_inspection",
            "no annual report for 2025",
        ),
        (
            {"last_inspection": Inspection(2025, True, True, "fail")},
            "failed_inspection",
            "failed last year's inspection (2025)",
        ),
        (
            {"last_inspection": Inspection(2025, True, True, "basic_pass")},
            "basic_pass_two_years",
            "2024 and 2025 were both basic passes",
        ),
        ({"penalties": [d(2025, 12, 31)]}, "penalised_last_year", "penalised last year"),
        ({"lists": ["abnormal"]}, "on_credit_list", "the abnormal-activities list"),
        ({"lists": ["dishonest"]}, "on_credit_list", "the serious-dishonesty list"),
    ],
)
def test_each_rule_refuses_on_its_own(change, rule, words):
    found = rules.refusals(replace(ELIGIBLE, **change))
    assert [r.rule for r in found] == [rule]
    assert words in found[0].reason


@pytest.mark.parametrize(
    "change",
    [
        {"founded_on": d(2024, 6, 15)},  # exactly 2 full years
        {"last_inspection": Inspection(2025, obliged=False, filed=False)},  # not obliged
        {"last_inspection": Inspection(2025, True, True, None)},  # not concluded yet
        {"penalties": [d(2024, 12, 31), d(2026, 1, 1)]},  # not last year
    ],
)
def test_what_does_not_refuse(change):
    assert rules.refusals(replace(ELIGIBLE, **change)) == []


def test_every_broken_rule_is_named():
    facts = replace(ELIGIBLE, founded_on=d(2025, 1, 1), lists=["abnormal", "dishonest"])
    assert [r.rule for r in rules.refusals(facts)] == ["registered_two_years", "on_credit_list"]


@pytest.mark.parametrize(
    ("ratings", "today", "expected"),
    [
        ([], d(2026, 6, 15), None),
        ([("4A", d(2022, 1, 1), d(2026, 12, 31), None)], d(2026, 6, 15), ("4A", d(2026, 12, 31))),
        ([("4A", d(2021, 1, 1), d(2025, 12, 31), None)], d(2026, 6, 15), None),  # ran out
        ([("4A", d(2022, 1, 1), d(2026, 12, 31), d(2026, 3, 1))], d(2026, 6, 15), None),
        (
            [
                ("3A", d(2022, 1, 1), d(2026, 12, 31), None),
                ("5A", d(2026, 5, 1), d(2031, 4, 30), None),
            ],
            d(2026, 6, 15),
            ("5A", d(2031, 4, 30)),
        ),
        (  # the newer one withdrawn: the older one is in force again
            [
                ("3A", d(2022, 1, 1), d(2026, 12, 31), None),
                ("5A", d(2026, 5, 1), d(2031, 4, 30), d(2026, 6, 1)),
            ],
            d(2026, 6, 15),
            ("3A", d(2026, 12, 31)),
        ),
    ],
)
def test_the_rating_in_force(ratings, today, expected):
    assert rules.current_rating(ratings, today) == expected
