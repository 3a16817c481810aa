"""InspectionService: receiving reports, the queue, conclusions, corrections, overdue lists
and participation, each change with its audit event."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.accounts.models import OfficerRole
from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.audit.services import verify
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.inspections.models import Conclusion, ReportChannel, ReportStatus
from registry.inspections.rules import DueDates
from registry.inspections.services import DuplicateReport, InspectionService
from tests.accounts.factories import actor, officer
from tests.inspections.factories import contents, foundation_contents, organisation, report

R = OfficerRole


@pytest.fixture
def service(session, clock) -> InspectionService:  # type: ignore[no-untyped-def]
    return InspectionService(session, clock)


@pytest.fixture
def clerk(session) -> Actor:  # type: ignore[no-untyped-def]
    return actor(officer(session, R.CLERK, "320102"))


@pytest.fixture
def reviewer(session) -> Actor:  # type: ignore[no-untyped-def]
    return actor(officer(session, R.REVIEWER, "320102"))


def events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- submit ---------------------------------------------------------------------------------


def test_submit_records_the_report_its_lateness_and_an_audit_event(session, clock, service, clerk):
    org = organisation(session, clock)
    got = service.submit(
        clerk, org.uscc.lower(), 2025, contents(), date(2026, 6, 2), channel="counter"
    )
    assert got.status is ReportStatus.SUBMITTED and got.channel is ReportChannel.COUNTER
    assert got.received_by_id == clerk.officer_id
    assert got.income == Decimal("1250000.50") and got.net_assets == Decimal("-3500.25")
    assert json.loads(got.officers)[0] == {"name": "赵敏", "position": "理事长"}
    assert service.due_on(got) == date(2026, 5, 31)
    assert service.is_late(got)  # two days after 31 May
    (event,) = events(session, "report.submit")
    assert event.subject_type == "annual_report"
    assert event.subject_key == f"{org.uscc}/2025"
    assert event.actor == clerk.username
    assert json.loads(event.after)["late"] is True
    assert verify(session).ok


def test_a_foundation_is_late_after_31_march(session, clock, service):
    fund = organisation(session, clock, kind="foundation")
    on_time = report(session, clock, fund, 2024, date(2025, 3, 31))
    late = report(session, clock, fund, 2025, date(2026, 4, 1))
    assert not service.is_late(on_time) and service.is_late(late)


def test_a_second_report_for_the_same_year_is_a_409(session, clock, service, clerk):
    org = organisation(session, clock)
    first = service.submit(clerk, org.uscc, 2025, contents(), channel="counter")
    with pytest.raises(DuplicateReport) as caught:
        service.submit(clerk, org.uscc, 2025, contents(), channel="api")
    assert caught.value.http_status == 409
    assert caught.value.details["report_id"] == first.id
    service.submit(clerk, org.uscc, 2024, contents(), channel="counter")  # another year


def test_invalid_contents_are_a_422_listing_every_field(session, clock, service, clerk):
    fund = organisation(session, clock, kind="foundation", authority_code="320000")
    chief = actor(officer(session, R.CLERK, "320000"))
    body = contents(staff_count=-3, finances={"income": "12.345"})
    del body["compliance_statement"]
    with pytest.raises(InvalidRecord) as caught:
        service.submit(chief, fund.uscc, 2025, body, channel="counter")
    assert caught.value.details["errors"] == {
        "compliance_statement": "required",
        "finances.audit_opinion": "required",
        "finances.grants_made": "required",
        "finances.income": "at most two decimals (fen)",
        "staff_count": "must be between 0 and 10000000",
    }
    assert events(session, "report.submit") == []


@pytest.mark.parametrize(
    ("facts", "year", "submitted_on", "field", "message"),
    [
        ({}, 2026, None, "year", "2026 has not ended"),
        ({"founded_on": date(2025, 2, 1)}, 2024, None, "year", "after 2024"),
        ({"founded_on": date(2025, 7, 1)}, 2025, None, "year", "less than 6 months"),
        (
            {"status": "deregistered", "status_date": date(2026, 5, 1)},
            2025,
            None,
            "year",
            "before its report for 2025 was due",
        ),
        ({}, 2025, date(2026, 6, 16), "submitted_on", "future"),
        ({}, 2025, date(2025, 12, 31), "submitted_on", "after the year ends"),
    ],
)
def test_a_year_not_owed_is_refused_with_a_reason(
    session, clock, service, clerk, facts, year, submitted_on, field, message
):
    org = organisation(session, clock, **facts)
    with pytest.raises(InvalidRecord) as caught:
        service.submit(clerk, org.uscc, year, contents(), submitted_on, channel="counter")
    assert message in caught.value.details["errors"][field]


def test_submitting_needs_the_organisations_own_authority(session, clock, service):
    org = organisation(session, clock)
    elsewhere = actor(officer(session, R.CLERK, "320104"))
    above = actor(officer(session, R.CLERK, "320100"))
    admin = actor(officer(session, R.ADMIN, "320102"))
    for who in (elsewhere, above, admin):
        with pytest.raises(Forbidden):
            service.submit(who, org.uscc, 2025, contents(), channel="counter")
    with pytest.raises(NotFound):
        service.submit(Actor.system("t"), "51320102MJ0000000X", 2025, contents(), channel="api")


# -- queue and reading ----------------------------------------------------------------------


def test_the_queue_is_oldest_first_within_the_jurisdiction(session, clock, service):
    xuanwu = [organisation(session, clock) for _ in range(3)]
    qinhuai = organisation(session, clock, authority_code="320104")
    lianyungang = organisation(session, clock, authority_code="320703")
    days = [date(2026, 5, 3), date(2026, 4, 1), date(2026, 5, 3)]
    reports = [report(session, clock, o, 2025, d) for o, d in zip(xuanwu, days, strict=True)]
    other = report(session, clock, qinhuai, 2025, date(2026, 3, 1))
    far = report(session, clock, lianyungang, 2025, date(2026, 3, 2))
    old = report(session, clock, xuanwu[0], 2024, date(2025, 2, 1))

    county = actor(officer(session, R.CLERK, "320102"))
    assert service.queue(county) == [old, reports[1], reports[0], reports[2]]
    assert service.queue(county, year=2025) == [reports[1], reports[0], reports[2]]
    assert service.queue(county, 2025, after=(date(2026, 5, 3), reports[0].id)) == [reports[2]]
    city = actor(officer(session, R.REVIEWER, "320100"))
    assert service.queue(city, 2025) == [other, reports[1], reports[0], reports[2]]
    province = actor(officer(session, R.HEAD, "320000"))
    assert service.queue(province, 2025, limit=2) == [other, far]
    assert service.queue(county, status="concluded") == []
    with pytest.raises(Forbidden):
        service.queue(actor(officer(session, R.ADMIN, "320102")))
    with pytest.raises(InvalidRecord):
        service.queue(county, status="lost")

    assert service.read(city, other.id) is other
    with pytest.raises(Forbidden):
        service.read(county, far.id)
    with pytest.raises(NotFound):
        service.read(county, 10**9)


# -- conclusion and correction ---------------------------------------------------------------


def test_conclude_pass_and_the_409_after(session, clock, service, reviewer):
    got = report(session, clock, organisation(session, clock))
    service.conclude(reviewer, got.id, "pass", None, review_notes="账目清楚")
    assert got.status is ReportStatus.CONCLUDED and got.conclusion is Conclusion.PASS
    assert got.concluded_on == date(2026, 6, 15) and got.concluded_by_id == reviewer.officer_id
    assert got.review_notes == "账目清楚"
    with pytest.raises(IllegalTransition) as caught:
        service.conclude(reviewer, got.id, "fail", "x")
    assert caught.value.http_status == 409
    assert caught.value.details["allowed"] == []
    assert caught.value.details["status"] == "concluded"
    with pytest.raises(IllegalTransition) as caught:
        service.order_correction(reviewer, got.id, "补交", date(2026, 9, 1))
    assert "nothing more to do" in caught.value.message
    (event,) = events(session, "report.conclude")
    assert json.loads(event.before)["status"] == "submitted"
    assert json.loads(event.after)["conclusion"] == "pass"


@pytest.mark.parametrize(
    ("conclusion", "reasons", "concluded_on", "errors"),
    [
        ("fail", None, None, {"reasons": "required for a fail"}),
        ("basic_pass", "  ", None, {"reasons": "required for a basic_pass"}),
        ("pass", None, date(2026, 6, 16), {"concluded_on": "cannot be in the future"}),
        (
            "pass",
            None,
            date(2026, 4, 19),
            {"concluded_on": "before the report was received (2026-04-20)"},
        ),
        ("excellent", None, None, {"conclusion": "one of pass, basic_pass, fail"}),
    ],
)
def test_conclusion_problems_are_422(
    session, clock, service, reviewer, conclusion, reasons, concluded_on, errors
):
    got = report(session, clock, organisation(session, clock))
    with pytest.raises(InvalidRecord) as caught:
        service.conclude(reviewer, got.id, conclusion, reasons, concluded_on)
    assert caught.value.details["errors"] == errors
    assert got.status is ReportStatus.SUBMITTED


def test_only_reviewers_and_heads_of_its_authority_conclude(session, clock, service, clerk):
    got = report(session, clock, organisation(session, clock))
    above = actor(officer(session, R.HEAD, "320100"))
    for who in (clerk, above):
        with pytest.raises(Forbidden):
            service.conclude(who, got.id, "pass", None)
    head = actor(officer(session, R.HEAD, "320102"))
    service.conclude(head, got.id, "pass", None)


def test_basic_pass_correction_order_and_its_record(session, clock, service, reviewer, clerk):
    got = report(session, clock, organisation(session, clock))
    with pytest.raises(IllegalTransition) as caught:
        service.order_correction(reviewer, got.id, "补交审计报告", date(2026, 9, 1))
    assert caught.value.details["allowed"] == ["conclude"]
    service.conclude(reviewer, got.id, "basic_pass", "财务报表不完整", date(2026, 6, 10))
    assert service.next_steps(got) == ["order_correction"]

    with pytest.raises(InvalidRecord) as caught:
        service.order_correction(reviewer, got.id, " ", date(2026, 6, 15))
    assert caught.value.details["errors"] == {
        "order": "required: what must be corrected",
        "deadline": "must be after today (2026-06-15)",
    }
    with pytest.raises(Forbidden):
        service.order_correction(clerk, got.id, "补交审计报告", date(2026, 9, 1))
    service.order_correction(reviewer, got.id, "补交审计报告", date(2026, 9, 1))
    assert got.correction_deadline == date(2026, 9, 1)
    assert service.next_steps(got) == ["record_correction"]
    assert not service.is_correction_overdue(got)
    clock.set(clock.now().replace(year=2026, month=9, day=2))
    assert service.is_correction_overdue(got)

    with pytest.raises(InvalidRecord):
        service.record_correction(clerk, got.id, date(2026, 9, 3))  # the future
    with pytest.raises(InvalidRecord):
        service.record_correction(clerk, got.id, date(2026, 6, 9))  # before the conclusion
    service.record_correction(clerk, got.id, date(2026, 9, 2))
    assert got.corrected_on == date(2026, 9, 2) and not service.is_correction_overdue(got)
    with pytest.raises(IllegalTransition):
        service.record_correction(clerk, got.id, date(2026, 9, 2))
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-4:] == [
        "report.submit",
        "report.conclude",
        "report.order_correction",
        "report.record_correction",
    ]
    assert verify(session).ok


# -- overdue and participation --------------------------------------------------------------


def test_overdue_lists_the_jurisdictions_missing_reports(session, clock, service):
    filed = organisation(session, clock)
    report(session, clock, filed)
    missing = organisation(session, clock)
    exempt = organisation(session, clock, founded_on=date(2025, 8, 1))
    gone = organisation(session, clock, status="deregistered", status_date=date(2026, 2, 1))
    elsewhere = organisation(session, clock, authority_code="320104")
    fund = organisation(session, clock, kind="foundation")
    county = actor(officer(session, R.CLERK, "320102"))
    province = actor(officer(session, R.CLERK, "320000"))

    got = service.overdue(county, 2025)
    assert [o.uscc for o in got] == [missing.uscc]
    assert got[0].due_on == date(2026, 5, 31) and got[0].authority_code == "320102"
    everywhere = {o.uscc for o in service.overdue(province, 2025)}
    assert everywhere == {missing.uscc, elsewhere.uscc, fund.uscc}
    assert {o.uscc for o in service.overdue(province, 2025, date(2026, 5, 31))} == {fund.uscc}
    assert service.overdue(province, 2025, date(2026, 3, 31)) == []
    assert len(service.overdue(province, 2025, limit=2)) == 2
    assert filed.uscc not in everywhere and exempt.uscc not in everywhere
    assert gone.uscc not in everywhere


def test_participation_per_authority_with_rollups(session, clock, service):
    # Xuanwu (320102): 4 obliged, 3 filed, 2 on time; Qinhuai (320104): 2 obliged, 1 filed
    # on time; Lianyungang's Lianyun district (320703): 1 obliged, none filed; the
    # province (320000): 2 foundations, 1 filed late; Beijing's Dongcheng (110101): 1, 1.
    def orgs(code: str, n: int, **facts) -> list:  # type: ignore[no-untyped-def]
        return [organisation(session, clock, authority_code=code, **facts) for _ in range(n)]

    xuanwu = orgs("320102", 4)
    orgs("320102", 1, founded_on=date(2025, 9, 1))  # exempt
    report(session, clock, xuanwu[0], submitted_on=date(2026, 5, 31))
    report(session, clock, xuanwu[1], submitted_on=date(2026, 1, 5))
    report(session, clock, xuanwu[2], submitted_on=date(2026, 6, 1))
    qinhuai = orgs("320104", 2)
    report(session, clock, qinhuai[0])
    orgs("320703", 1)
    funds = orgs("320000", 2, kind="foundation")
    report(session, clock, funds[0], submitted_on=date(2026, 4, 1))
    beijing = orgs("110101", 1, domicile_division_code="110101")
    report(session, clock, beijing[0])

    got = service.participation(2025)
    assert got["total"] == {
        "obliged": 10,
        "filed": 6,
        "on_time": 4,
        "rate": 60.0,
        "on_time_rate": 40.0,
    }
    authorities = {a["authority_code"]: a for a in got["authorities"]}
    assert list(authorities) == ["110101", "320000", "320102", "320104", "320703"]
    assert authorities["320102"] | {"name": None} == {
        "authority_code": "320102",
        "name": None,
        "level": "county",
        "obliged": 4,
        "filed": 3,
        "on_time": 2,
        "rate": 75.0,
        "on_time_rate": 50.0,
    }
    assert authorities["320000"]["filed"] == 1 and authorities["320000"]["on_time"] == 0
    provinces = {p["division_code"]: p for p in got["provinces"]}
    assert provinces["320000"]["obliged"] == 9 and provinces["320000"]["name"] == "江苏省"
    assert provinces["110000"]["filed"] == 1
    prefectures = {p["division_code"]: (p["obliged"], p["filed"]) for p in got["prefectures"]}
    assert prefectures == {"110100": (1, 1), "320100": (6, 4), "320700": (1, 0)}

    jiangsu = service.participation(2025, "320000")
    assert jiangsu["total"]["obliged"] == 9 and jiangsu["division_name"] == "江苏省"
    assert jiangsu["provinces"] == []
    assert [p["division_code"] for p in jiangsu["prefectures"]] == ["320100", "320700"]
    nanjing = service.participation(2025, "320100")
    assert nanjing["total"] == {
        "obliged": 6,
        "filed": 4,
        "on_time": 3,
        "rate": 66.67,
        "on_time_rate": 50.0,
    }
    assert nanjing["prefectures"] == [] and len(nanjing["authorities"]) == 2
    assert service.participation(2010)["total"]["rate"] is None  # none founded yet


def test_configured_due_dates_move_lateness_and_overdue(session, clock):
    service = InspectionService(session, clock, DueDates(social=(6, 30), foundation=(4, 30)))
    org = organisation(session, clock)
    late_by_default = report(session, clock, org, submitted_on=date(2026, 6, 10))
    assert service.is_late(late_by_default) is False
    organisation(session, clock)
    assert service.overdue(Actor.system("t"), 2025) == []  # due 30 June


def test_contents_round_trip(session, clock, service):
    from registry.inspections.contents import check_contents, contents_of

    fund = organisation(session, clock, kind="foundation")
    got = report(session, clock, fund)
    stored = contents_of(got)
    assert stored["finances"]["grants_made"] == Decimal("300000.00")
    assert stored["activities"][0]["date"] == date(2025, 10, 29)
    assert check_contents(stored, "foundation")[1] == {}
    assert foundation_contents()["finances"]["audit_opinion"] == stored["finances"]["audit_opinion"]
