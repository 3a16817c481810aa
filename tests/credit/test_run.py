"""The daily credit run on a small register over simulated days: dated by the rules,
idempotent, the same when run late, set-based, audited, and published."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, event, select, update

from registry.audit.models import AuditEvent
from registry.credit import rules
from registry.credit.models import CreditListEntry, EntryGround, RemovalGround
from registry.credit.rules import Stay
from registry.credit.services import CreditService
from registry.errors import InvalidRecord
from registry.feed.models import FeedEntry
from registry.inspections.models import AnnualReport
from registry.organisations.models import Organisation, OrganisationStatus, PendingPublication
from registry.organisations.publication import drain, drain_all
from tests.credit.factories import entry, organisation, report
from tests.organisations.factories import foundation

G = EntryGround
R = RemovalGround
d = date


def at(day: date) -> datetime:
    """A moment on `day` in Beijing, as the clock gives it."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def service(session, clock, first_report_year: int = 2021) -> CreditService:
    return CreditService(session, clock, first_report_year=first_report_year)


def run_on(session, clock, day: date, first_report_year: int = 2021):
    clock.set(at(day))
    return service(session, clock, first_report_year).run()


def entries_of(session, org: Organisation) -> list[tuple]:
    rows = session.scalars(
        select(CreditListEntry)
        .where(CreditListEntry.organisation_id == org.id)
        .order_by(CreditListEntry.entered_on, CreditListEntry.id)
    )
    return [
        (e.ground.value, e.report_year, e.entered_on, e.removed_on, plain(e.removal_ground))
        for e in rows
    ]


def plain(value):
    return value.value if value is not None else None


def on_time(session, org, years, due=(5, 31)):
    for year in years:
        report(session, org, year, d(year + 1, *due) - timedelta(days=10))


# -- one rule at a time ---------------------------------------------------------------


def test_a_missing_report_is_entered_the_day_after_the_due_date(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2025))
    assert run_on(session, clock, d(2026, 5, 31)).entered[G.REPORT_NOT_FILED] == 0
    summary = run_on(session, clock, d(2026, 6, 1))
    assert summary.entered[G.REPORT_NOT_FILED] == 1
    assert entries_of(session, org) == [("report_not_filed", 2025, d(2026, 6, 1), None, None)]
    assert session.get(Organisation, org.id).abnormal_list is True


def test_run_late_the_entry_is_still_dated_the_day_after_the_due_date(session, clock):
    org = organisation(session, clock)
    early = organisation(session, clock, **_foundation())
    on_time(session, org, range(2021, 2024))
    on_time(session, early, range(2021, 2024), due=(3, 31))
    run_on(session, clock, d(2025, 10, 30))
    assert entries_of(session, org) == [("report_not_filed", 2024, d(2025, 6, 1), None, None)]
    assert entries_of(session, early) == [("report_not_filed", 2024, d(2025, 4, 1), None, None)]


def test_missing_past_years_are_entered_each_with_its_own_date(session, clock):
    org = organisation(session, clock)
    on_time(session, org, [2021])
    run_on(session, clock, d(2024, 7, 1))
    assert [e[:3] for e in entries_of(session, org)] == [
        ("report_not_filed", 2022, d(2023, 6, 1)),
        ("report_not_filed", 2023, d(2024, 6, 1)),
    ]


def test_a_second_run_on_the_same_day_changes_nothing(session, clock):
    org = organisation(session, clock)
    entry(session, org, G.MINOR_PENALTY, d(2025, 10, 1))
    first = run_on(session, clock, d(2026, 6, 15))
    assert first.changed
    before = entries_of(session, org)
    version = session.get(Organisation, org.id).version
    second = run_on(session, clock, d(2026, 6, 15))
    assert not second.changed
    assert second.entered == {"report_not_filed": 0, "abnormal_two_years": 0}
    assert set(second.removed.values()) == {0}
    assert second.queued == 0
    assert entries_of(session, org) == before
    assert session.get(Organisation, org.id).version == version


def test_the_entry_comes_off_the_day_the_report_is_filed(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2024))
    run_on(session, clock, d(2025, 6, 1))
    report(session, org, 2024, d(2025, 7, 10))
    run_on(session, clock, d(2025, 7, 9))
    assert entries_of(session, org)[0][3] is None  # filed tomorrow: still on
    summary = run_on(session, clock, d(2025, 7, 20))
    assert summary.removed[R.REMEDIED] == 1 and summary.taken_off_abnormal == 1
    assert entries_of(session, org) == [
        ("report_not_filed", 2024, d(2025, 6, 1), d(2025, 7, 10), "remedied")
    ]
    assert session.get(Organisation, org.id).abnormal_list is False


def test_filed_late_and_never_run_in_between_the_entry_is_still_made_and_removed(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2024))
    report(session, org, 2024, d(2025, 6, 20))
    run_on(session, clock, d(2025, 8, 1))
    assert entries_of(session, org) == [
        ("report_not_filed", 2024, d(2025, 6, 1), d(2025, 6, 20), "remedied")
    ]
    assert session.get(Organisation, org.id).abnormal_list is False


def test_six_month_expiry_and_a_new_ground_restarting_the_clock(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2026))
    first = entry(session, org, G.MINOR_PENALTY, d(2025, 1, 10))
    run_on(session, clock, d(2025, 7, 9))
    assert first.removed_on is None
    run_on(session, clock, d(2025, 7, 10))
    session.refresh(first)
    assert (first.removed_on, first.removal_ground) == (d(2025, 7, 10), R.EXPIRED)

    other = organisation(session, clock)
    on_time(session, other, range(2021, 2026))
    a = entry(session, other, G.MINOR_PENALTY, d(2025, 1, 10))
    b = entry(session, other, G.UNREACHABLE, d(2025, 5, 1))  # a new ground, remedy owed
    run_on(session, clock, d(2025, 7, 10))
    session.refresh(a)
    assert a.removed_on is None
    run_on(session, clock, d(2025, 11, 1))
    session.refresh(a), session.refresh(b)
    assert (a.removed_on, a.removal_ground) == (d(2025, 11, 1), R.EXPIRED)
    assert b.removed_on is None  # owes a remedy: it does not lapse
    assert session.get(Organisation, other.id).abnormal_list is True


def test_escalation_after_exactly_two_years_leaves_the_abnormal_entries_open(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2023))
    # 2023's report never comes: on the abnormal list from 1 June 2024
    run_on(session, clock, d(2026, 5, 31), first_report_year=2023)
    dishonest = [e for e in entries_of(session, org) if e[0] == "abnormal_two_years"]
    assert dishonest == []
    summary = run_on(session, clock, d(2026, 6, 1), first_report_year=2023)
    assert summary.entered[G.ABNORMAL_TWO_YEARS] == 1 and summary.put_on_dishonest == 1
    rows = entries_of(session, org)
    assert ("abnormal_two_years", None, d(2026, 6, 1), None, None) in rows
    assert ("report_not_filed", 2023, d(2024, 6, 1), None, None) in rows  # still open
    record = session.get(Organisation, org.id)
    assert record.abnormal_list is True and record.dishonest_list is True
    # once per stay, however often it runs
    assert run_on(session, clock, d(2026, 6, 15), first_report_year=2023).entered == {
        "report_not_filed": 0,
        "abnormal_two_years": 0,
    }


def test_no_escalation_for_an_organisation_deregistered_before_the_anniversary(session, clock):
    org = organisation(session, clock)
    entry(session, org, G.UNREACHABLE, d(2024, 6, 1))
    org.status, org.status_date = OrganisationStatus.DEREGISTERED, d(2026, 5, 1)
    run_on(session, clock, d(2026, 6, 15), first_report_year=2026)
    assert [e[0] for e in entries_of(session, org)] == ["unreachable"]


def test_dishonest_expiry_after_two_years_with_obligations_met(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2026))
    fine = entry(session, org, G.MAJOR_FINE, d(2024, 6, 14))
    run_on(session, clock, d(2026, 6, 13))
    assert fine.removed_on is None and session.get(Organisation, org.id).dishonest_list
    summary = run_on(session, clock, d(2026, 6, 14))
    session.refresh(fine)
    assert (fine.removed_on, fine.removal_ground) == (d(2026, 6, 14), R.EXPIRED)
    assert summary.taken_off_dishonest == 1
    assert session.get(Organisation, org.id).dishonest_list is False


def test_dishonest_entry_waits_for_the_missing_report(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2024))
    fine = entry(session, org, G.MAJOR_FINE, d(2024, 3, 1))
    run_on(session, clock, d(2026, 3, 1))  # 2024's report missing since 1 June 2025
    assert fine.removed_on is None
    report(session, org, 2024, d(2026, 4, 20))
    run_on(session, clock, d(2026, 5, 1))
    session.refresh(fine)
    assert (fine.removed_on, fine.removal_ground) == (d(2026, 4, 20), R.EXPIRED)


def test_revocation_stays_until_deregistration(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2026))
    revoked = entry(session, org, G.REVOCATION, d(2023, 2, 1))
    run_on(session, clock, d(2026, 1, 1))
    assert revoked.removed_on is None
    org.status, org.status_date = OrganisationStatus.DEREGISTERED, d(2026, 2, 10)
    run_on(session, clock, d(2026, 3, 1))
    session.refresh(revoked)
    assert (revoked.removed_on, revoked.removal_ground) == (d(2026, 2, 10), R.DEREGISTERED)


def test_ratings_that_ran_out_are_cleared(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2026))
    org.rating, org.rating_valid_until = "4A", d(2026, 6, 14)
    kept = organisation(session, clock)
    on_time(session, kept, range(2021, 2026))
    kept.rating, kept.rating_valid_until = "3A", d(2026, 6, 15)
    session.flush()
    summary = run_on(session, clock, d(2026, 6, 15))
    assert summary.ratings_expired == 1 and summary.queued == 1
    assert (org.rating, org.rating_valid_until) == (None, None)
    assert kept.rating == "3A"


def test_a_run_cannot_be_dated_after_today(session, clock):
    with pytest.raises(InvalidRecord, match="after today"):
        service(session, clock).run(d(2026, 6, 16))


def test_one_audit_event_per_run_with_the_counts(session, clock):
    org = organisation(session, clock)
    entry(session, org, G.MINOR_PENALTY, d(2025, 1, 10))
    count = session.query(AuditEvent).count()
    summary = run_on(session, clock, d(2026, 6, 15), first_report_year=2026)
    events = session.scalars(select(AuditEvent).where(AuditEvent.id > 0)).all()[count:]
    assert len(events) == 1
    event_ = events[0]
    assert (event_.actor, event_.action, event_.subject_key) == (
        "system:credit-run",
        "credit.run",
        "2026-06-15",
    )
    assert '"expired":1' in event_.after and summary.removed[R.EXPIRED] == 1


# -- set-based ----------------------------------------------------------------------------


def test_the_run_issues_the_same_statements_for_three_or_thirty_organisations(session, clock):
    def statements(n: int) -> int:
        for _ in range(n):
            org = organisation(session, clock)
            entry(session, org, G.MINOR_PENALTY, d(2025, 10, 1))
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            run_on(session, clock, d(2026, 6, 15))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    assert statements(3) == statements(30)


def test_flags_are_queued_with_the_change_and_published_by_the_drain(session, clock):
    org = organisation(session, clock)
    on_time(session, org, range(2021, 2025))
    version = org.version
    feed_before = session.query(FeedEntry).count()
    run_on(session, clock, d(2026, 6, 1))
    record = session.get(Organisation, org.id)
    assert record.abnormal_list is True and record.version == version + 1
    queued = session.scalars(select(PendingPublication.organisation_id)).all()
    assert queued == [org.id]
    assert session.query(FeedEntry).count() == feed_before  # nothing built in the run
    assert drain(session, clock) == 1
    assert drain(session, clock) == 0
    published = session.scalars(select(FeedEntry).order_by(FeedEntry.id.desc())).first()
    assert (published.key, published.version, published.operation.value) == (
        org.uscc,
        version + 1,
        "updated",
    )
    assert '"abnormal_list":true' in published.record


def test_drain_all_publishes_batch_by_batch(session, clock):
    for _ in range(5):
        entry(session, organisation(session, clock), G.MINOR_PENALTY, d(2026, 6, 1))
    run_on(session, clock, d(2026, 6, 15), first_report_year=2026)
    commits: list[int] = []
    published = drain_all(session, clock, lambda: commits.append(1), batch=2)
    assert published == 5 and len(commits) == 3
    assert session.scalar(select(PendingPublication.organisation_id)) is None


def test_flags_in_the_public_record_and_the_search_after_the_drain(client, session, clock):
    org = organisation(session, clock, name="南京市玄武区阳光助残服务中心")
    on_time(session, org, range(2021, 2025))
    session.commit()
    assert client.get(f"/api/v1/organisations/{org.uscc}").get_json()["abnormal_list"] is False
    run_on(session, clock, d(2026, 6, 1))
    session.commit()
    drain_all(session, clock, session.commit)
    record = client.get(f"/api/v1/organisations/{org.uscc}").get_json()
    assert record["abnormal_list"] is True and record["dishonest_list"] is False
    found = client.get("/api/v1/search?q=阳光助残&abnormal_list=true").get_json()
    assert [hit["uscc"] for hit in found["items"]] == [org.uscc]
    assert client.get("/api/v1/search?q=阳光助残&abnormal_list=false").get_json()["items"] == []


# -- late runs write what daily runs would have ---------------------------------------


def _foundation() -> dict:
    request = foundation()
    return {
        "kind": request.kind,
        "fundraising": request.fundraising,
        "authority_code": "320000",
        "registered_funds": request.registered_funds,
        "name": request.name,
    }


def small_register(session, clock) -> dict[str, Organisation]:
    """Organisations whose facts (reports, officers' entries, status) cover every rule."""
    orgs = {name: organisation(session, clock) for name in SCENARIOS}
    orgs["foundation"] = organisation(session, clock, **_foundation())
    for name, org in orgs.items():
        missing = MISSING.get(name, ())
        due = (3, 31) if name == "foundation" else (5, 31)
        on_time(session, org, [y for y in range(2021, 2026) if y not in missing], due)
    report(session, orgs["late"], 2023, d(2024, 8, 10))
    report(session, orgs["foundation"], 2024, d(2026, 1, 5))
    report(session, orgs["fine_then_report"], 2023, d(2025, 5, 10))
    report(session, orgs["escalated_then_filed"], 2022, d(2025, 7, 1))
    entry(session, orgs["minor"], G.MINOR_PENALTY, d(2024, 1, 10))
    entry(session, orgs["minor"], G.MINOR_PENALTY, d(2024, 5, 1))
    entry(session, orgs["minor"], G.MINOR_PENALTY, d(2025, 3, 1))
    entry(session, orgs["fine"], G.MAJOR_FINE, d(2023, 3, 1))
    entry(session, orgs["fine_then_report"], G.MAJOR_FINE, d(2023, 3, 1))
    entry(session, orgs["unreachable"], G.UNREACHABLE, d(2023, 9, 1))
    entry(session, orgs["unreachable"], G.MINOR_PENALTY, d(2024, 2, 1))
    entry(session, orgs["revoked"], G.REVOCATION, d(2024, 2, 1))
    orgs["revoked"].status = OrganisationStatus.DEREGISTERED
    orgs["revoked"].status_date = d(2025, 1, 10)
    orgs["rated"].rating, orgs["rated"].rating_valid_until = "4A", d(2025, 12, 31)
    session.flush()
    return orgs


SCENARIOS = (
    "on_time",
    "never",
    "late",
    "minor",
    "fine",
    "fine_then_report",
    "escalated_then_filed",
    "unreachable",
    "revoked",
    "rated",
)
MISSING = {
    "never": (2022, 2023, 2024, 2025),
    "late": (2023,),
    "foundation": (2024,),
    "fine_then_report": (2023,),
    "escalated_then_filed": (2022,),
}
START, END = d(2023, 1, 1), d(2026, 6, 15)


def snapshot(session, orgs) -> dict[str, list[tuple]]:
    session.expire_all()
    return {name: entries_of(session, org) for name, org in orgs.items()}


def flags(session, orgs) -> dict[str, tuple]:
    return {
        name: (o.abnormal_list, o.dishonest_list, o.rating)
        for name, o in ((n, session.get(Organisation, org.id)) for n, org in orgs.items())
    }


def forget_the_runs(session, orgs) -> None:
    """Back to the facts: no job-made entry, no job-made removal, flags and ratings reset."""
    ids = [org.id for org in orgs.values()]
    automatic = (G.REPORT_NOT_FILED, G.ABNORMAL_TWO_YEARS)
    session.execute(
        delete(CreditListEntry).where(
            CreditListEntry.organisation_id.in_(ids), CreditListEntry.ground.in_(automatic)
        )
    )
    session.execute(
        update(CreditListEntry)
        .where(CreditListEntry.organisation_id.in_(ids))
        .values(removed_on=None, removal_ground=None)
    )
    session.execute(
        update(Organisation)
        .where(Organisation.id.in_(ids))
        .values(abnormal_list=False, dishonest_list=False)
    )
    rated = orgs["rated"]
    session.execute(
        update(Organisation)
        .where(Organisation.id == rated.id)
        .values(rating="4A", rating_valid_until=d(2025, 12, 31))
    )
    session.expire_all()


def test_running_late_writes_what_running_often_wrote(session, clock):
    orgs = small_register(session, clock)
    day = START
    while day <= END:
        run_on(session, clock, day)
        day += timedelta(days=9)
    run_on(session, clock, END)
    often, often_flags = snapshot(session, orgs), flags(session, orgs)
    forget_the_runs(session, orgs)
    run_on(session, clock, END)
    assert snapshot(session, orgs) == often
    assert flags(session, orgs) == often_flags

    assert often["on_time"] == [] and often["late"] == [
        ("report_not_filed", 2023, d(2024, 6, 1), d(2024, 8, 10), "remedied")
    ]
    assert often["foundation"] == [
        ("report_not_filed", 2024, d(2025, 4, 1), d(2026, 1, 5), "remedied")
    ]
    assert often["minor"] == [
        ("minor_penalty", None, d(2024, 1, 10), d(2024, 11, 1), "expired"),
        ("minor_penalty", None, d(2024, 5, 1), d(2024, 11, 1), "expired"),
        ("minor_penalty", None, d(2025, 3, 1), d(2025, 9, 1), "expired"),
    ]
    assert often["fine"] == [("major_fine", None, d(2023, 3, 1), d(2025, 3, 1), "expired")]
    assert often["fine_then_report"] == [
        ("major_fine", None, d(2023, 3, 1), d(2025, 5, 10), "expired"),
        ("report_not_filed", 2023, d(2024, 6, 1), d(2025, 5, 10), "remedied"),
    ]
    assert often["escalated_then_filed"] == [
        ("report_not_filed", 2022, d(2023, 6, 1), d(2025, 7, 1), "remedied"),
        ("abnormal_two_years", None, d(2025, 6, 1), None, None),
    ]
    assert often["never"] == [
        ("report_not_filed", 2022, d(2023, 6, 1), None, None),
        ("report_not_filed", 2023, d(2024, 6, 1), None, None),
        ("report_not_filed", 2024, d(2025, 6, 1), None, None),
        ("abnormal_two_years", None, d(2025, 6, 1), None, None),
        ("report_not_filed", 2025, d(2026, 6, 1), None, None),
    ]
    assert often["unreachable"] == [
        ("unreachable", None, d(2023, 9, 1), None, None),
        ("minor_penalty", None, d(2024, 2, 1), d(2024, 8, 1), "expired"),
        ("abnormal_two_years", None, d(2025, 9, 1), None, None),
    ]
    assert often["revoked"] == [("revocation", None, d(2024, 2, 1), d(2025, 1, 10), "deregistered")]
    assert often_flags["never"] == (True, True, None)
    assert often_flags["fine"] == (False, False, None)
    assert often_flags["escalated_then_filed"] == (False, True, None)
    assert often_flags["rated"] == (False, False, None)


def test_what_the_run_wrote_agrees_with_the_pure_rules(session, clock):
    """Every removal and escalation the SQL wrote, recomputed entry by entry in Python."""
    orgs = small_register(session, clock)
    run_on(session, clock, END)
    by_org: dict[int, list[CreditListEntry]] = defaultdict(list)
    for row in session.scalars(select(CreditListEntry).order_by(CreditListEntry.id)):
        by_org[row.organisation_id].append(row)
    reports = {
        (r.organisation_id, r.year): r.submitted_on for r in session.scalars(select(AnnualReport))
    }
    checked = 0
    for org in orgs.values():
        rows = by_org[org.id]
        facts = [r for r in rows if r.ground is not G.ABNORMAL_TWO_YEARS]
        abnormal = [_stay(r) for r in facts if rules.list_of(r.ground).value == "abnormal"]
        escalations = [r.entered_on for r in rows if r.ground is G.ABNORMAL_TWO_YEARS]
        # each escalation is the one the rules give with the escalations before it
        for i, day in enumerate(escalations):
            until = org.status_date if org.status is not OrganisationStatus.ACTIVE else None
            assert rules.escalation_day(abnormal, escalations[:i], END, until) == day
        until = org.status_date if org.status is not OrganisationStatus.ACTIVE else None
        assert rules.escalation_day(abnormal, escalations, END, until) is None
        dishonest = [_stay(r) for r in rows if rules.list_of(r.ground).value == "dishonest"]
        missing = [_stay(r) for r in rows if r.ground is G.REPORT_NOT_FILED]
        for row in rows:
            if row.ground is G.REPORT_NOT_FILED:
                expected = rules.remedy_day(
                    row.entered_on, reports.get((org.id, row.report_year)), END
                )
            elif row.ground is G.REVOCATION:
                status_date = (
                    org.status_date if org.status is OrganisationStatus.DEREGISTERED else None
                )
                expected = rules.deregistration_removal(row.ground, status_date, END)
            elif rules.list_of(row.ground).value == "dishonest":
                expected = rules.dishonest_lapse(
                    row.entered_on, row.ground, dishonest, missing, END
                )
            elif not row.remedy_owed:
                expected = rules.abnormal_lapse(row.entered_on, abnormal, END)
            else:
                expected = None
            assert row.removed_on == expected, (row.ground, row.entered_on)
            checked += 1
    assert checked >= 15


def _stay(row: CreditListEntry) -> Stay:
    return Stay(row.entered_on, row.removed_on, row.removal_ground)


def test_the_summary_reads_plainly(session, clock):
    entry(session, organisation(session, clock), G.MINOR_PENALTY, d(2025, 10, 1))
    summary = run_on(session, clock, d(2026, 6, 15), first_report_year=2026)
    assert summary.as_dict()["on"] == "2026-06-15"
    assert summary.lines() == [
        "credit run for 2026-06-15",
        "entered: none",
        "removed: expired 1",
        "abnormal list: +0 −0; dishonest list: +0 −0; ratings expired: 0",
        "organisations queued for publication: 0",
    ]
