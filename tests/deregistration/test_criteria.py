"""Detection's criteria as pure functions: each one, its edges and its settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registry.deregistration.criteria import (
    AbnormalEntry,
    Contact,
    OrganisationFacts,
    Verdict,
    detect,
    long_abnormal,
    missed_reports,
    no_activity,
    report_years,
    unreachable,
)
from registry.deregistration.models import Criterion
from registry.deregistration.rules import DormantRules
from registry.inspections.rules import DueDates

ON = date(2026, 6, 15)
GROUP = "social_group"
AGENCY = "social_service_agency"
FOUNDATION = "foundation"


def org(**overrides) -> OrganisationFacts:  # type: ignore[no-untyped-def]
    values = {"kind": GROUP, "is_charity": False, "founded_on": date(2015, 3, 2)}
    values.update(overrides)
    return OrganisationFacts(**values)


def failed(n: int, day: date, method: str = "letter") -> Contact:
    return Contact(n, method, day, False, f"XA{n}")


def answered(n: int, day: date) -> Contact:
    return Contact(n, "call", day, True)


# -- missed reports -----------------------------------------------------------------------


def test_the_two_most_recent_years_due_before_the_day():
    assert report_years(ON, GROUP, False, 2) == (2024, 2025)
    # On the due date itself the year is not yet due "before" the day.
    assert report_years(date(2026, 5, 31), GROUP, False, 2) == (2023, 2024)
    assert report_years(date(2026, 6, 1), GROUP, False, 2) == (2024, 2025)
    # Foundations and charities report by 31 March: in April their latest year is ahead.
    assert report_years(date(2026, 4, 15), FOUNDATION, False, 2) == (2024, 2025)
    assert report_years(date(2026, 4, 15), GROUP, True, 2) == (2024, 2025)
    assert report_years(date(2026, 4, 15), AGENCY, False, 2) == (2023, 2024)
    assert report_years(ON, GROUP, False, 3, DueDates(social=(6, 30))) == (2022, 2023, 2024)


def test_missing_both_reports_meets_it_and_names_the_years():
    assert missed_reports(org(), ON) == (2024, 2025)
    # Older reports do not help; any of the two does.
    assert missed_reports(org(reports={2023: date(2024, 4, 1)}), ON) == (2024, 2025)
    assert missed_reports(org(reports={2024: date(2025, 4, 1)}), ON) is None
    assert missed_reports(org(reports={2025: date(2026, 5, 1)}), ON) is None


def test_a_late_report_is_filed_but_one_after_the_day_is_not_yet():
    late = org(reports={2025: date(2026, 6, 10)})
    assert missed_reports(late, ON) is None
    assert missed_reports(late, date(2026, 6, 9)) == (2024, 2025)


def test_only_years_the_organisation_was_obliged_for():
    # Founded in 2025: obliged for 2025 only, so it cannot have missed two reports.
    assert missed_reports(org(founded_on=date(2025, 1, 10)), ON) is None
    assert missed_reports(org(founded_on=date(2024, 12, 31)), ON) == (2024, 2025)
    # An agency registered from 1 July is exempt for that year; on 30 June it is not.
    assert missed_reports(org(kind=AGENCY, founded_on=date(2024, 7, 1)), ON) is None
    assert missed_reports(org(kind=AGENCY, founded_on=date(2024, 6, 30)), ON) == (2024, 2025)
    # The exemption is the agencies' alone.
    assert missed_reports(org(kind=GROUP, founded_on=date(2024, 7, 1)), ON) == (2024, 2025)


def test_foundations_years_follow_their_earlier_due_date():
    day = date(2026, 4, 15)
    assert missed_reports(org(kind=FOUNDATION), day) == (2024, 2025)
    assert missed_reports(org(kind=GROUP), day) == (2023, 2024)
    assert missed_reports(org(kind=GROUP, reports={2025: date(2026, 4, 1)}), day) == (2023, 2024)


def test_the_number_of_reports_is_a_setting():
    three = DormantRules(missed_reports=3)
    one = DormantRules(missed_reports=1)
    filed_2023 = org(reports={2023: date(2024, 5, 1)})
    assert missed_reports(filed_2023, ON) == (2024, 2025)
    assert missed_reports(filed_2023, ON, three) is None
    assert missed_reports(org(), ON, three) == (2023, 2024, 2025)
    assert missed_reports(org(reports={2024: date(2025, 5, 1)}), ON, one) == (2025,)
    assert missed_reports(org(), ON, DormantRules(missed_reports=0)) is None


# -- no activity within a year of registration ----------------------------------------------


def test_quiet_for_the_year_after_registration():
    new = org(founded_on=date(2025, 6, 15))
    assert no_activity(new, ON) == date(2026, 6, 15)
    assert no_activity(new, ON - timedelta(days=1)) is None  # the year has not run out


def test_what_counts_as_activity_in_the_window():
    founded = date(2024, 3, 1)
    assert no_activity(org(founded_on=founded), ON) == date(2025, 3, 1)
    # A change of registration on the window's last day counts; the day after does not.
    assert no_activity(org(founded_on=founded, changes=(date(2025, 3, 1),)), ON) is None
    assert no_activity(org(founded_on=founded, changes=(date(2025, 3, 2),)), ON) == date(2025, 3, 1)
    # Answering a contact counts; a failed attempt does not.
    assert (
        no_activity(org(founded_on=founded, contacts=(answered(1, date(2024, 9, 1)),)), ON) is None
    )
    assert no_activity(
        org(founded_on=founded, contacts=(failed(1, date(2024, 9, 1)),)), ON
    ) == date(2025, 3, 1)
    assert no_activity(
        org(founded_on=founded, contacts=(answered(1, date(2025, 9, 1)),)), ON
    ) == date(2025, 3, 1)


def test_a_report_at_any_time_by_the_day_ends_it():
    founded = date(2023, 2, 1)
    assert no_activity(org(founded_on=founded, reports={2023: date(2024, 3, 1)}), ON) is None
    # Quiet in its first year, reporting later: active after all.
    assert no_activity(org(founded_on=founded, reports={2025: date(2026, 5, 1)}), ON) is None
    # A report after the day of detection is not known on it.
    assert no_activity(
        org(founded_on=founded, reports={2025: date(2026, 5, 1)}), date(2026, 4, 30)
    ) == date(2024, 2, 1)


def test_the_window_is_a_setting_and_clamps_to_the_month_end():
    six = DormantRules(inactive_months=6)
    founded = date(2025, 8, 31)
    assert no_activity(org(founded_on=founded), ON, six) == date(2026, 2, 28)
    assert no_activity(org(founded_on=founded), ON) is None
    assert no_activity(org(founded_on=founded, changes=(date(2026, 3, 1),)), ON, six) == date(
        2026, 2, 28
    )


# -- unreachable ----------------------------------------------------------------------------


@pytest.mark.parametrize(("gap", "met"), [(19, False), (20, True), (60, True), (61, False)])
def test_two_failures_between_20_and_60_days_apart(gap, met):
    first = failed(1, date(2026, 3, 1))
    second = failed(2, first.attempted_on + timedelta(days=gap), "visit")
    found = unreachable(org(contacts=(first, second)), ON)
    assert found == ((first, second) if met else None)


def test_a_success_from_the_first_failure_on_clears_it():
    first, second = failed(1, date(2026, 3, 1)), failed(2, date(2026, 4, 1))
    pair = (first, second)
    assert unreachable(org(contacts=(*pair, answered(3, date(2026, 2, 28)))), ON) == pair
    assert unreachable(org(contacts=(*pair, answered(3, date(2026, 3, 1)))), ON) is None
    assert unreachable(org(contacts=(*pair, answered(3, date(2026, 5, 1)))), ON) is None
    # ... unless it came after the day of detection.
    assert unreachable(org(contacts=(*pair, answered(3, ON + timedelta(days=1)))), ON) == pair


def test_attempts_after_the_day_are_not_known_and_the_latest_pair_is_named():
    a, b = failed(1, date(2025, 1, 10)), failed(2, date(2025, 2, 10))
    c, d = failed(3, date(2026, 1, 5)), failed(4, date(2026, 2, 1))
    e = failed(5, date(2026, 2, 20))
    assert unreachable(org(contacts=(a, b)), date(2025, 2, 9)) is None
    assert unreachable(org(contacts=(a, b)), date(2025, 2, 10)) == (a, b)
    # c–e is 46 days apart, d–e 19: the latest second attempt is e, its latest first c.
    assert unreachable(org(contacts=(a, b, c, d, e)), ON) == (c, e)
    # With a success between the pairs only the later ones count.
    later = org(contacts=(a, b, answered(6, date(2025, 6, 1)), c, d))
    assert unreachable(later, ON) == (c, d)


def test_the_gap_is_a_setting():
    first, second = failed(1, date(2026, 3, 1)), failed(2, date(2026, 3, 11))
    assert unreachable(org(contacts=(first, second)), ON) is None
    assert unreachable(org(contacts=(first, second)), ON, DormantRules(contact_gap_days=(10, 30)))


# -- long on the abnormal list --------------------------------------------------------------


def entry(n: int, entered_on: date, removed_on: date | None = None, removal=None) -> AbnormalEntry:  # type: ignore[no-untyped-def]
    return AbnormalEntry(n, entered_on, "report_not_filed", removed_on, removal)


def test_over_twelve_months_on_the_list():
    # Exactly twelve months is not over twelve.
    assert long_abnormal(org(abnormal=(entry(1, date(2025, 6, 15)),)), ON) is None
    found = entry(1, date(2025, 6, 14))
    assert long_abnormal(org(abnormal=(found,)), ON) == found


def test_the_entry_must_still_be_open_on_the_day():
    old = date(2024, 6, 1)
    assert long_abnormal(org(abnormal=(entry(1, old, ON),)), ON) is None
    assert long_abnormal(org(abnormal=(entry(1, old, ON + timedelta(days=1)),)), ON) is not None
    assert long_abnormal(org(abnormal=(entry(1, old, None, "rescinded"),)), ON) is None


def test_the_earliest_open_entry_decides():
    removed = entry(1, date(2023, 6, 1), date(2025, 1, 1), "remedied")
    recent = entry(2, date(2025, 9, 1))
    assert long_abnormal(org(abnormal=(removed, recent)), ON) is None
    older = entry(3, date(2024, 1, 1))
    same_day = entry(4, date(2024, 1, 1))
    assert long_abnormal(org(abnormal=(recent, same_day, older)), ON) == older


def test_the_months_are_a_setting():
    found = entry(1, date(2025, 12, 14))
    assert long_abnormal(org(abnormal=(found,)), ON) is None
    assert long_abnormal(org(abnormal=(found,)), ON, DormantRules(abnormal_months=6)) == found


# -- all of them ----------------------------------------------------------------------------


def dormant() -> OrganisationFacts:
    return org(
        contacts=(failed(1, date(2026, 3, 1)), failed(2, date(2026, 4, 1))),
        abnormal=(entry(7, date(2024, 6, 1)),),
    )


def test_detect_names_every_criterion_met():
    verdict = detect(dormant(), ON)
    assert verdict is not None
    assert verdict.criteria == [
        Criterion.MISSED_REPORTS,
        Criterion.NO_ACTIVITY,
        Criterion.UNREACHABLE,
        Criterion.LONG_ABNORMAL,
    ]
    assert verdict.missed_years == (2024, 2025)
    assert verdict.inactive_until == date(2016, 3, 2)
    assert [c.id for c in verdict.failed_contacts] == [1, 2]
    assert verdict.abnormal_entry.id == 7


def test_only_the_criteria_of_the_settings_apply():
    rules = DormantRules(criteria=frozenset({Criterion.UNREACHABLE}))
    verdict = detect(dormant(), ON, rules)
    assert verdict is not None and verdict.criteria == [Criterion.UNREACHABLE]
    assert verdict.missed_years is None and verdict.abnormal_entry is None
    assert detect(org(), ON, rules) is None
    assert detect(dormant(), ON, DormantRules(criteria=frozenset())) is None


@pytest.mark.parametrize("status", ["deregistered", "revoked", "certificate_cancelled"])
def test_organisations_off_the_register_are_not_candidates(status):
    gone = dormant()
    removed = OrganisationFacts(**{**gone.__dict__, "status": status, "status_date": ON})
    assert detect(removed, ON) is None


def test_an_organisation_meeting_nothing_is_not_a_candidate():
    reporting = org(
        founded_on=date(2020, 1, 1),
        reports={y: date(y + 1, 4, 1) for y in range(2020, 2026)},
    )
    assert detect(reporting, ON) is None
    assert Verdict().criteria == []
