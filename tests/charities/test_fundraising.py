"""CharityService's fundraising steps: granting and revoking the public-fundraising
qualification and filing fundraising plans; who may, what is refused and why, the audit
trail and the change feed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.charities.models import FundraisingQualification
from registry.charities.public import plan_record
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedOperation
from tests.accounts.factories import actor, officer
from tests.charities.factories import charity, events, feed, organisation

d = date


def on(clock, day: date) -> None:
    """Move "today" (a Beijing date) to `day`."""
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


# -- the public-fundraising qualification ----------------------------------------------


def test_qualification_a_full_year_after_registration(session, clock, service, reviewer):
    row = charity(session, clock, founded_on=d(2025, 6, 15), recognised_on=d(2025, 9, 1))
    uscc = row.organisation.uscc
    with pytest.raises(InvalidRecord) as early:
        service.grant_qualification(reviewer, uscc, "募字1号", granted_on=d(2026, 6, 14))
    message = (
        "registered on 2025-06-15: eligible for the public-fundraising qualification from "
        "2026-06-15 (1 year after registration)"
    )
    assert early.value.message == message
    assert early.value.details["errors"] == {"granted_on": message}
    assert events(session) == []
    granted = service.grant_qualification(
        reviewer, uscc, "募字1号", granted_on=d(2026, 6, 15), applied_on=d(2026, 6, 1)
    )
    assert (granted.public_fundraising, granted.qualification_granted_on, granted.version) == (
        True,
        d(2026, 6, 15),
        2,
    )
    [qualification] = session.scalars(
        select(FundraisingQualification).where(
            FundraisingQualification.organisation_id == row.organisation_id
        )
    )
    assert (qualification.document_no, qualification.applied_on) == ("募字1号", d(2026, 6, 1))
    [event] = events(session)
    assert (event.action, event.subject_key) == ("qualification.decide", uscc)
    [entry] = feed(session, "charities", uscc)
    assert (entry.operation, entry.version) == (FeedOperation.UPDATED, 2)
    assert json.loads(entry.record)["public_fundraising"] is True


def test_qualification_refusals(session, clock, service, clerk, reviewer, head):
    plain_org = organisation(session, clock)
    with pytest.raises(InvalidRecord, match="only a recognised charity may hold"):
        service.grant_qualification(reviewer, plain_org.uscc, "募字2号")
    holder = charity(session, clock, qualified_on=d(2021, 6, 1))
    with pytest.raises(InvalidRecord, match="already holds"):
        service.grant_qualification(reviewer, holder.organisation.uscc, "募字3号")
    fresh = charity(session, clock)
    uscc = fresh.organisation.uscc
    with pytest.raises(Forbidden, match="allowed roles: head, reviewer"):
        service.grant_qualification(clerk, uscc, "募字4号")
    with pytest.raises(InvalidRecord, match="before the recognition"):
        service.grant_qualification(reviewer, uscc, "募字4号", granted_on=d(2020, 4, 30))
    with pytest.raises(InvalidRecord) as no_number:
        service.grant_qualification(reviewer, uscc, " ")
    assert no_number.value.details["errors"] == {"document_no": "required"}
    with pytest.raises(InvalidRecord, match="after granted_on"):
        service.grant_qualification(
            reviewer, uscc, "募字4号", granted_on=d(2026, 6, 1), applied_on=d(2026, 6, 2)
        )
    service.withdraw(head, uscc, "自愿申请取消")
    with pytest.raises(InvalidRecord, match="only a recognised charity"):
        service.grant_qualification(reviewer, uscc, "募字4号")


def test_revoking_a_qualification(session, clock, service, reviewer):
    row = charity(session, clock, qualified_on=d(2021, 6, 1))
    uscc = row.organisation.uscc
    with pytest.raises(InvalidRecord, match="before the grant"):
        service.revoke_qualification(reviewer, uscc, "违规募捐", revoked_on=d(2021, 5, 31))
    with pytest.raises(InvalidRecord) as no_reason:
        service.revoke_qualification(reviewer, uscc, "")
    assert no_reason.value.details["errors"] == {"reason": "required"}
    service.revoke_qualification(reviewer, uscc, "违规开展公开募捐", revoked_on=d(2026, 6, 1))
    assert (row.public_fundraising, row.qualification_revoked_on, row.version) == (
        False,
        d(2026, 6, 1),
        2,
    )
    qualification = session.scalar(
        select(FundraisingQualification).where(
            FundraisingQualification.organisation_id == row.organisation_id
        )
    )
    assert (qualification.revoked_on, qualification.revocation_reason) == (
        d(2026, 6, 1),
        "违规开展公开募捐",
    )
    assert qualification.revoked_by_id == reviewer.officer_id
    with pytest.raises(IllegalTransition, match="does not hold"):
        service.revoke_qualification(reviewer, uscc, "again")
    with pytest.raises(NotFound, match="never recognised"):
        service.revoke_qualification(reviewer, organisation(session, clock).uscc, "x")
    assert [e.action for e in events(session)] == ["qualification.decide"]


# -- fundraising plans -----------------------------------------------------------------

PLAN = {
    "purpose": "为困难家庭儿童筹集助学款",
    "area": "南京市",
    "method": "internet",
    "person_in_charge": "张敏",
    "beneficiaries": "玄武区困难家庭在校儿童",
    "use_of_funds": "发放助学金",
    "cost": Decimal("1234567.89"),
}


@pytest.fixture
def holder(session, clock):
    return charity(session, clock, qualified_on=d(2021, 6, 1))


@pytest.mark.parametrize(
    ("filed_on", "starts_on", "ahead", "warning"),
    [
        # After National Day (1–7 October 2026): 23, 24, 28, 29, 30 September.
        (d(2026, 9, 23), d(2026, 10, 8), 5, None),
        (
            d(2026, 9, 24),
            d(2026, 10, 8),
            4,
            "filed 4 working days before the start (2026-10-08): plans are filed at least "
            "5 working days before; the last day in time was 2026-09-23",
        ),
        # Saturday 10 October 2026 is a make-up working day.
        (d(2026, 9, 29), d(2026, 10, 12), 5, None),
        (
            d(2026, 9, 30),
            d(2026, 10, 12),
            4,
            "filed 4 working days before the start (2026-10-12): plans are filed at least "
            "5 working days before; the last day in time was 2026-09-29",
        ),
        # Sunday 20 September 2026 is one too: weekdays alone would count 4.
        (d(2026, 9, 18), d(2026, 9, 24), 5, None),
        (
            d(2026, 9, 24),
            d(2026, 9, 24),
            0,
            "filed 0 working days before the start (2026-09-24): plans are filed at least "
            "5 working days before; the last day in time was 2026-09-18",
        ),
    ],
)
def test_plans_count_working_days_with_the_real_calendar(
    session, clock, service, clerk, holder, filed_on, starts_on, ahead, warning
):
    on(clock, filed_on)
    filed = service.file_plan(
        clerk, holder.organisation.uscc, **PLAN, starts_on=starts_on, ends_on=d(2026, 12, 31)
    )
    plan = filed.plan
    assert (plan.filed_on, plan.working_days_ahead, plan.filed_late) == (
        filed_on,
        ahead,
        warning is not None,
    )
    assert filed.warnings == ([warning] if warning else [])


def test_a_filed_plan_is_published_audited_and_counted(session, clock, service, clerk, holder):
    uscc = holder.organisation.uscc
    filed = service.file_plan(clerk, uscc, **PLAN, starts_on=d(2026, 7, 1), ends_on=d(2026, 7, 31))
    plan = filed.plan
    assert plan.cost == Decimal("1234567.89") and plan.recorded_by_id == clerk.officer_id
    [entry] = feed(session, "fundraising-plans", str(plan.id))
    assert (entry.operation, entry.version) == (FeedOperation.CREATED, 1)
    assert json.loads(entry.record) == plan_record(plan)
    assert json.loads(entry.record)["cost"] == 1234567.89
    [charity_entry] = feed(session, "charities", uscc)
    assert (charity_entry.operation, charity_entry.version) == (FeedOperation.UPDATED, 2)
    assert json.loads(charity_entry.record)["fundraising_plans"] == 1
    assert service.plans_count(holder.organisation_id) == 1
    [event] = events(session)
    assert (event.action, event.subject_type, event.subject_key) == (
        "plan.file",
        "fundraising_plan",
        str(plan.id),
    )


def test_plan_refusals(session, clock, service, clerk, reviewer, holder):
    uscc = holder.organisation.uscc
    dates = {"starts_on": d(2026, 7, 1), "ends_on": d(2026, 7, 31)}
    cases = [
        ({**PLAN, "starts_on": d(2026, 7, 2), "ends_on": d(2026, 7, 1)}, "ends_on"),
        ({**PLAN, **dates, "cost": Decimal("-0.01")}, "cost"),
        ({**PLAN, **dates, "cost": "12.345"}, "cost"),
        ({**PLAN, **dates, "cost": "lots"}, "cost"),
        ({**PLAN, **dates, "method": "door_to_door"}, "method"),
        ({**PLAN, **dates, "purpose": "  "}, "purpose"),
        ({**PLAN, **dates, "person_in_charge": "张" * 101}, "person_in_charge"),
        ({**PLAN, **dates, "filed_on": d(2026, 6, 16)}, "filed_on"),
    ]
    for arguments, name in cases:
        with pytest.raises(InvalidRecord) as refused:
            service.file_plan(clerk, uscc, **arguments)
        assert list(refused.value.details["errors"]) == [name]
    other = actor(officer(session, "clerk", "320104"))
    with pytest.raises(Forbidden):
        service.file_plan(other, uscc, **PLAN, **dates)
    unqualified = charity(session, clock)
    with pytest.raises(InvalidRecord, match="not a recognised charity holding the public"):
        service.file_plan(clerk, unqualified.organisation.uscc, **PLAN, **dates)
    assert events(session) == []
    free = service.file_plan(clerk, uscc, **{**PLAN, "cost": 0}, **dates)
    assert free.plan.cost == Decimal("0.00")


def test_a_plan_needs_the_qualification_on_its_filing_day(
    session, clock, service, clerk, reviewer, holder
):
    uscc = holder.organisation.uscc
    service.revoke_qualification(reviewer, uscc, "违规募捐", revoked_on=d(2026, 6, 1))
    dates = {"starts_on": d(2026, 7, 1), "ends_on": d(2026, 7, 31)}
    with pytest.raises(InvalidRecord, match="on 2026-06-01: only such a charity"):
        service.file_plan(clerk, uscc, **PLAN, **dates, filed_on=d(2026, 6, 1))
    # Filed (and recorded late) while the qualification was still held.
    filed = service.file_plan(clerk, uscc, **PLAN, **dates, filed_on=d(2026, 5, 29))
    assert filed.plan.filed_on == d(2026, 5, 29)
    assert filed.plan.filed_late is False
