"""The credit lists' rules, table by table (DOMAIN.md, "Credit lists")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry.credit import rules
from registry.credit.models import CreditList, EntryGround, RemovalGround
from registry.credit.rules import Stay

d = date
G = EntryGround


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2025, 1, 15), 6, d(2025, 7, 15)),
        (d(2025, 8, 31), 6, d(2026, 2, 28)),  # no 31 February: the month's last day
        (d(2023, 8, 31), 6, d(2024, 2, 29)),
        (d(2024, 2, 29), 24, d(2026, 2, 28)),
        (d(2025, 12, 31), 2, d(2026, 2, 28)),
        (d(2025, 3, 31), -1, d(2025, 2, 28)),
        (d(2028, 2, 29), -36, d(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("due", "on", "submitted_on", "expected"),
    [
        # the day after the due date, for an obliged organisation with no report
        (d(2025, 5, 31), d(2025, 5, 31), None, None),
        (d(2025, 5, 31), d(2025, 6, 1), None, d(2025, 6, 1)),
        # run late: still dated the day after the due date
        (d(2025, 5, 31), d(2025, 9, 30), None, d(2025, 6, 1)),
        (d(2025, 5, 31), d(2025, 9, 30), d(2025, 5, 31), None),  # filed on the due date
        # filed late: the entry stands (and comes off on the filing day)
        (d(2025, 5, 31), d(2025, 9, 30), d(2025, 7, 1), d(2025, 6, 1)),
        (d(2025, 3, 31), d(2025, 4, 1), None, d(2025, 4, 1)),  # foundations' due date
    ],
)
def test_automatic_entry_for_a_missing_report(due, on, submitted_on, expected):
    assert rules.report_entry(due, on, submitted_on) == expected


@pytest.mark.parametrize(
    ("entered_on", "submitted_on", "on", "expected"),
    [
        (d(2025, 6, 1), None, d(2025, 9, 1), None),
        (d(2025, 6, 1), d(2025, 7, 10), d(2025, 7, 9), None),  # not filed yet on `on`
        (d(2025, 6, 1), d(2025, 7, 10), d(2025, 7, 10), d(2025, 7, 10)),
        (d(2025, 6, 1), d(2025, 7, 10), d(2026, 1, 1), d(2025, 7, 10)),  # run late
        (d(2025, 6, 1), d(2025, 5, 20), d(2025, 6, 1), d(2025, 6, 1)),  # never before entry
    ],
)
def test_removal_on_remedy_is_the_filing_day(entered_on, submitted_on, on, expected):
    assert rules.remedy_day(entered_on, submitted_on, on) == expected


@pytest.mark.parametrize(
    ("entered_on", "others", "on", "expected"),
    [
        # 6 months after entry where no remedy was owed
        (d(2025, 1, 10), [], d(2025, 7, 9), None),
        (d(2025, 1, 10), [], d(2025, 7, 10), d(2025, 7, 10)),
        (d(2025, 1, 10), [], d(2026, 3, 1), d(2025, 7, 10)),  # run late
        # a new ground restarts the clock
        (d(2025, 1, 10), [Stay(d(2025, 5, 1))], d(2025, 7, 10), None),
        (d(2025, 1, 10), [Stay(d(2025, 5, 1))], d(2025, 11, 1), d(2025, 11, 1)),
        # … and the one after it again, as long as each came while the entry was on
        (d(2025, 1, 10), [Stay(d(2025, 5, 1)), Stay(d(2025, 10, 1))], d(2026, 4, 1), d(2026, 4, 1)),
        # a ground after the entry came off restarts nothing
        (d(2025, 1, 10), [Stay(d(2025, 7, 10))], d(2025, 7, 10), d(2025, 7, 10)),
        (d(2025, 1, 10), [Stay(d(2025, 9, 1))], d(2026, 6, 1), d(2025, 7, 10)),
        # an earlier entry is no new ground; a rescinded one was never a ground
        (d(2025, 1, 10), [Stay(d(2024, 12, 1))], d(2025, 7, 10), d(2025, 7, 10)),
        (
            d(2025, 1, 10),
            [Stay(d(2025, 3, 1), d(2025, 3, 5), RemovalGround.RESCINDED)],
            d(2025, 7, 10),
            d(2025, 7, 10),
        ),
        # a removed entry was a ground while it stood
        (
            d(2025, 1, 10),
            [Stay(d(2025, 3, 1), d(2025, 4, 1), RemovalGround.REMEDIED)],
            d(2025, 9, 1),
            d(2025, 9, 1),
        ),
    ],
)
def test_abnormal_lapse_after_six_months_restarted_by_new_grounds(entered_on, others, on, expected):
    stays = [Stay(entered_on), *others]
    assert rules.abnormal_lapse(entered_on, stays, on) == expected


@pytest.mark.parametrize(
    ("abnormal", "escalations", "on", "until", "expected"),
    [
        # exactly 2 years on the list
        ([Stay(d(2024, 6, 1))], [], d(2026, 5, 31), None, None),
        ([Stay(d(2024, 6, 1))], [], d(2026, 6, 1), None, d(2026, 6, 1)),
        ([Stay(d(2024, 6, 1))], [], d(2027, 1, 1), None, d(2026, 6, 1)),  # run late
        # removed before (or on) the anniversary: no escalation, however late the run
        ([Stay(d(2024, 6, 1), d(2026, 6, 1))], [], d(2027, 1, 1), None, None),
        ([Stay(d(2024, 6, 1), d(2026, 6, 2))], [], d(2027, 1, 1), None, d(2026, 6, 1)),
        # the earliest open entry counts
        ([Stay(d(2024, 9, 1)), Stay(d(2024, 6, 1))], [], d(2026, 6, 1), None, d(2026, 6, 1)),
        # escalated once per stay
        ([Stay(d(2024, 6, 1))], [d(2026, 6, 1)], d(2027, 1, 1), None, None),
        ([Stay(d(2024, 6, 1)), Stay(d(2025, 1, 1))], [d(2026, 6, 1)], d(2028, 1, 1), None, None),
        # a new stay after an escalated one that ended escalates in its turn
        (
            [Stay(d(2020, 6, 1), d(2023, 1, 1)), Stay(d(2024, 6, 1))],
            [d(2022, 6, 1)],
            d(2026, 6, 1),
            None,
            d(2026, 6, 1),
        ),
        # deregistered before the anniversary
        ([Stay(d(2024, 6, 1))], [], d(2027, 1, 1), d(2026, 3, 1), None),
        ([Stay(d(2024, 6, 1))], [], d(2027, 1, 1), d(2026, 7, 1), d(2026, 6, 1)),
        # rescinded entries do not count
        (
            [Stay(d(2024, 6, 1), d(2026, 9, 1), RemovalGround.RESCINDED)],
            [],
            d(2027, 1, 1),
            None,
            None,
        ),
    ],
)
def test_escalation_after_two_years_on_the_abnormal_list(
    abnormal, escalations, on, until, expected
):
    assert rules.escalation_day(abnormal, escalations, on, until) == expected


@pytest.mark.parametrize(
    ("entered_on", "ground", "dishonest", "reports", "on", "expected"),
    [
        # 2 years with no new ground and obligations met
        (d(2024, 3, 1), G.MAJOR_FINE, [], [], d(2026, 2, 28), None),
        (d(2024, 3, 1), G.MAJOR_FINE, [], [], d(2026, 3, 1), d(2026, 3, 1)),
        (d(2024, 3, 1), G.MAJOR_FINE, [], [], d(2030, 1, 1), d(2026, 3, 1)),  # run late
        # a new dishonest ground restarts the clock
        (d(2024, 3, 1), G.MAJOR_FINE, [Stay(d(2025, 1, 1))], [], d(2026, 3, 1), None),
        (d(2024, 3, 1), G.MAJOR_FINE, [Stay(d(2025, 1, 1))], [], d(2027, 1, 1), d(2027, 1, 1)),
        # obligations not met: waits for the missing report, then comes off the filing day
        (d(2024, 3, 1), G.MAJOR_FINE, [], [Stay(d(2025, 6, 1))], d(2027, 1, 1), None),
        (
            d(2024, 3, 1),
            G.MAJOR_FINE,
            [],
            [Stay(d(2025, 6, 1), d(2026, 8, 20), RemovalGround.REMEDIED)],
            d(2027, 1, 1),
            d(2026, 8, 20),
        ),
        (
            d(2024, 3, 1),
            G.ABNORMAL_TWO_YEARS,
            [],
            [Stay(d(2025, 6, 1), d(2025, 8, 20), RemovalGround.REMEDIED)],
            d(2027, 1, 1),
            d(2026, 3, 1),
        ),
        # met on the term's end, then a report missing again: removed on the term's end
        (
            d(2024, 3, 1),
            G.REPEATED_PENALTIES,
            [],
            [Stay(d(2026, 6, 1))],
            d(2026, 12, 1),
            d(2026, 3, 1),
        ),
        # revocation stays until deregistration
        (d(2024, 3, 1), G.REVOCATION, [], [], d(2030, 1, 1), None),
    ],
)
def test_dishonest_lapse_after_two_years_with_obligations_met(
    entered_on, ground, dishonest, reports, on, expected
):
    stays = [Stay(entered_on), *dishonest]
    assert rules.dishonest_lapse(entered_on, ground, stays, reports, on) == expected


@pytest.mark.parametrize(
    ("ground", "deregistered_on", "on", "expected"),
    [
        (G.REVOCATION, d(2026, 3, 1), d(2026, 3, 1), d(2026, 3, 1)),
        (G.REVOCATION, d(2026, 3, 1), d(2026, 2, 28), None),
        (G.REVOCATION, None, d(2026, 3, 1), None),
        (G.MAJOR_FINE, d(2026, 3, 1), d(2026, 3, 1), None),
    ],
)
def test_deregistration_takes_a_revoked_organisation_off(ground, deregistered_on, on, expected):
    assert rules.deregistration_removal(ground, deregistered_on, on) == expected


@pytest.mark.parametrize(
    ("kind", "amount", "earlier", "expected"),
    [
        ("warning", None, [], (CreditList.ABNORMAL, G.MINOR_PENALTY)),
        ("fine", Decimal("49999.99"), [], (CreditList.ABNORMAL, G.MINOR_PENALTY)),
        ("fine", Decimal("50000"), [], (CreditList.DISHONEST, G.MAJOR_FINE)),
        ("fine", Decimal("200000"), [d(2025, 1, 1)], (CreditList.DISHONEST, G.MAJOR_FINE)),
        # two or more warnings or fines within 3 years
        ("warning", None, [d(2023, 6, 1)], (CreditList.DISHONEST, G.REPEATED_PENALTIES)),
        ("fine", Decimal("1000"), [d(2023, 5, 31)], (CreditList.DISHONEST, G.REPEATED_PENALTIES)),
        ("warning", None, [d(2023, 5, 30)], (CreditList.ABNORMAL, G.MINOR_PENALTY)),
        # a penalty decided after this one does not count for it
        ("warning", None, [d(2026, 7, 1)], (CreditList.ABNORMAL, G.MINOR_PENALTY)),
    ],
)
def test_which_list_a_penalty_puts_the_organisation_on(kind, amount, earlier, expected):
    outcome = rules.penalty_ground(kind, amount, d(2026, 5, 31), earlier)
    assert (outcome.list_name, outcome.ground) == expected


@pytest.mark.parametrize(
    ("kind", "amount", "reason"),
    [
        ("warning", None, None),
        ("warning", Decimal("100"), "a warning has no amount"),
        ("fine", None, "a fine needs its amount"),
        ("fine", Decimal("0"), "a fine needs its amount"),
        ("fine", Decimal("10"), None),
    ],
)
def test_penalty_amounts(kind, amount, reason):
    found = rules.penalty_refusal(kind, amount)
    assert (found is None) if reason is None else (reason in found)


LETTER_A = (d(2026, 3, 1), False)


@pytest.mark.parametrize(
    ("letters", "others", "on", "reason"),
    [
        ([LETTER_A, (d(2026, 3, 21), False)], [], d(2026, 4, 1), None),  # 20 days
        ([LETTER_A, (d(2026, 4, 30), False)], [], d(2026, 5, 1), None),  # 60 days
        ([LETTER_A], [], d(2026, 5, 1), "needs two failed registered letters"),
        ([LETTER_A, (d(2026, 3, 20), False)], [], d(2026, 5, 1), "gaps recorded are 19 days"),
        ([LETTER_A, (d(2026, 5, 1), False)], [], d(2026, 5, 1), "gaps recorded are 61 days"),
        # a letter that reached it is no failed letter
        ([LETTER_A, (d(2026, 3, 25), True)], [], d(2026, 5, 1), "1 recorded"),
        # letters sent after the entry day do not count
        ([LETTER_A, (d(2026, 3, 25), False)], [], d(2026, 3, 24), "1 recorded"),
        # any pair of the failed letters will do
        (
            [LETTER_A, (d(2026, 3, 10), False), (d(2026, 4, 5), False)],
            [],
            d(2026, 5, 1),
            None,
        ),
        # reached by telephone after the letters began
        (
            [LETTER_A, (d(2026, 3, 25), False)],
            [(d(2026, 4, 2), True)],
            d(2026, 5, 1),
            "reached on 2026-04-02",
        ),
        # reached before the letters: still unreachable now
        ([LETTER_A, (d(2026, 3, 25), False)], [(d(2026, 2, 1), True)], d(2026, 5, 1), None),
    ],
)
def test_unreachable_needs_two_failed_registered_letters(letters, others, on, reason):
    found = rules.unreachable_refusal(letters, [*letters, *others], on)
    assert (found is None) if reason is None else (reason in found), found


@pytest.mark.parametrize(
    ("ground", "removal", "reason"),
    [
        (G.RECTIFICATION_NOT_MET, RemovalGround.REMEDIED, None),
        (G.UNREACHABLE, RemovalGround.REMEDIED, None),
        (G.REPORT_NOT_FILED, RemovalGround.REMEDIED, "when the report is filed"),
        (G.MINOR_PENALTY, RemovalGround.REMEDIED, "after 6 months"),
        (G.MAJOR_FINE, RemovalGround.REMEDIED, "after 2 years"),
        (G.MAJOR_FINE, RemovalGround.RESCINDED, None),
        (G.REPORT_NOT_FILED, RemovalGround.RESCINDED, None),
        (G.MINOR_PENALTY, RemovalGround.EXPIRED, "remedied or rescinded"),
    ],
)
def test_what_an_officer_may_remove(ground, removal, reason):
    found = rules.removal_refusal(ground, removal, d(2026, 1, 1), d(2026, 2, 1))
    assert (found is None) if reason is None else (reason in found)


def test_a_removal_is_never_before_the_entry():
    found = rules.removal_refusal(G.UNREACHABLE, "remedied", d(2026, 2, 1), d(2026, 1, 31))
    assert "before the entry" in found


@pytest.mark.parametrize(
    ("ground", "list_name", "owed"),
    [
        (G.REPORT_NOT_FILED, CreditList.ABNORMAL, True),
        (G.RECTIFICATION_NOT_MET, CreditList.ABNORMAL, True),
        (G.UNREACHABLE, CreditList.ABNORMAL, True),
        (G.MINOR_PENALTY, CreditList.ABNORMAL, False),
        (G.ABNORMAL_TWO_YEARS, CreditList.DISHONEST, False),
        (G.REVOCATION, CreditList.DISHONEST, False),
        (G.MAJOR_FINE, CreditList.DISHONEST, False),
        (G.REPEATED_PENALTIES, CreditList.DISHONEST, False),
    ],
)
def test_each_ground_has_its_list_and_remedy(ground, list_name, owed):
    assert rules.list_of(ground) is list_name
    assert rules.remedy_owed(ground) is owed
