"""CharityService: recognition, loss of status and the charity's record; who may, what is
refused and why, the audit trail and the change feed. The qualification and the plans are
in test_fundraising.py."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEvent
from registry.charities.models import (
    ApplicationDecision,
    CharityLoss,
    CharityStatus,
    FundraisingQualification,
    LossKind,
)
from registry.charities.services import QUALIFICATION_ENDS, CharityService
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedOperation
from registry.organisations.models import ChangeRecord, OrganisationStatus
from registry.organisations.services import OrganisationService
from tests.accounts.factories import actor, officer
from tests.charities.factories import charity, events, feed, organisation

d = date


def recognised(session, clock, service, clerk, reviewer, **registration):
    org = organisation(session, clock, **registration)
    application = service.apply(clerk, org.uscc, applied_on=d(2026, 6, 1))
    return service.decide(reviewer, application.id, "recognised", document_no="玄民慈〔2026〕7号")


# -- applications ----------------------------------------------------------------------


def test_an_application_is_recorded_and_audited_not_published(session, clock, service, clerk):
    org = organisation(session, clock)
    application = service.apply(clerk, org.uscc.lower(), notes="材料齐全，待实地核查")
    assert (application.applied_on, application.decision, application.recorded_by_id) == (
        d(2026, 6, 15),
        None,
        clerk.officer_id,
    )
    assert application.authority.code == "320102"
    [event] = events(session)
    assert (event.action, event.subject_type, event.subject_key) == (
        "charity.application",
        "charity_application",
        str(application.id),
    )
    assert json.loads(event.after)["notes"] == "材料齐全，待实地核查"
    assert feed(session, "charities", org.uscc) == []


def test_application_refusals(session, clock, service, clerk):
    org = organisation(session, clock)
    with pytest.raises(InvalidRecord) as future:
        service.apply(clerk, org.uscc, applied_on=d(2026, 6, 16))
    assert future.value.details["errors"] == {"applied_on": "after today"}
    with pytest.raises(InvalidRecord, match=r"before .* was registered"):
        service.apply(clerk, org.uscc, applied_on=d(2015, 3, 1))
    with pytest.raises(NotFound):
        service.apply(clerk, "51320102MJ0000000X")
    other = actor(officer(session, "clerk", "320104"))
    with pytest.raises(Forbidden, match="registered with authority 320102"):
        service.apply(other, org.uscc)
    first = service.apply(clerk, org.uscc, applied_on=d(2026, 6, 1))
    with pytest.raises(InvalidRecord) as pending:
        service.apply(clerk, org.uscc)
    assert f"pending application ({first.id}, applied on 2026-06-01)" in pending.value.message
    assert pending.value.details["application"] == first.id
    existing = charity(session, clock)
    with pytest.raises(InvalidRecord, match="is a recognised charity since 2020-05-01"):
        service.apply(clerk, existing.organisation.uscc)


def test_only_an_active_organisation_applies(session, clock, service, clerk):
    org = organisation(session, clock)
    OrganisationService(session, clock).deregister(org.uscc, on=d(2026, 1, 5), reason="自行解散")
    with pytest.raises(IllegalTransition) as refused:
        service.apply(clerk, org.uscc)
    assert refused.value.http_status == 409
    assert refused.value.details == {"status": "deregistered", "allowed": []}


# -- decisions -------------------------------------------------------------------------


def test_a_recognition_creates_the_charity_flags_and_publishes_it(
    session, clock, service, clerk, reviewer
):
    decided = recognised(session, clock, service, clerk, reviewer)
    row, org = decided.charity, decided.charity.organisation
    assert decided.warnings == []
    assert (row.status, row.recognised_on, row.recognition_document_no, row.version) == (
        CharityStatus.RECOGNISED,
        d(2026, 6, 15),
        "玄民慈〔2026〕7号",
        1,
    )
    assert (org.is_charity, org.charity_recognised_on) == (True, d(2026, 6, 15))
    bases = session.scalars(
        select(ChangeRecord.basis).where(
            ChangeRecord.organisation_id == org.id, ChangeRecord.field == "is_charity"
        )
    ).all()
    assert bases == ["《中华人民共和国慈善法》第十条 玄民慈〔2026〕7号"]
    application = decided.application
    assert (application.decision, application.decided_by_id) == (
        ApplicationDecision.RECOGNISED,
        reviewer.officer_id,
    )
    [entry] = feed(session, "charities", org.uscc)
    assert (entry.operation, entry.version) == (FeedOperation.CREATED, 1)
    record = json.loads(entry.record)
    assert record == service.record(row)
    assert (record["charity_status"], record["recognised_on"], record["fundraising_plans"]) == (
        "recognised",
        "2026-06-15",
        0,
    )
    assert [e.action for e in events(session)] == ["charity.application", "charity.decide"]


@pytest.mark.parametrize(
    ("applied_on", "decided_on", "warnings"),
    [
        (d(2026, 5, 26), d(2026, 6, 15), []),  # day 20: in time
        (
            d(2026, 5, 25),
            d(2026, 6, 15),
            [
                "decided 21 days after the application (2026-05-25): past the 20-day limit, "
                "due 2026-06-14"
            ],
        ),
        (
            d(2026, 5, 1),
            d(2026, 5, 24),
            [
                "decided 23 days after the application (2026-05-01): past the 20-day limit, "
                "due 2026-05-21"
            ],
        ),
    ],
)
def test_the_20_day_limit(
    session, clock, service, clerk, reviewer, applied_on, decided_on, warnings
):
    org = organisation(session, clock)
    application = service.apply(clerk, org.uscc, applied_on=applied_on)
    decided = service.decide(reviewer, application.id, "refused", decided_on, reason="不符合条件")
    assert decided.warnings == warnings
    assert decided.charity is None


def test_a_configured_limit_from_the_settings(session, clock, clerk, reviewer):
    service = CharityService.from_settings(
        session, clock, SimpleNamespace(charity_recognition_days=30)
    )
    org = organisation(session, clock)
    application = service.apply(clerk, org.uscc, applied_on=d(2026, 5, 16))
    assert service.decide(reviewer, application.id, "refused", reason="x").warnings == []


def test_decision_refusals(session, clock, service, clerk, reviewer):
    org = organisation(session, clock)
    application = service.apply(clerk, org.uscc, applied_on=d(2026, 6, 1))
    with pytest.raises(Forbidden, match=r"a clerk may not charity\.decide"):
        service.decide(clerk, application.id, "recognised", document_no="1号")
    cases = [
        ({"decision": "recognised"}, {"document_no": "required for a recognition"}),
        ({"decision": "refused", "reason": "  "}, {"reason": "required for a refusal"}),
        ({"decision": "approved"}, {"decision": "one of recognised, refused"}),
        (
            {"decision": "refused", "reason": "x", "decided_on": d(2026, 5, 31)},
            {"decided_on": "before the application"},
        ),
        (
            {"decision": "refused", "reason": "x", "decided_on": d(2026, 6, 16)},
            {"decided_on": "after today"},
        ),
    ]
    for arguments, errors in cases:
        with pytest.raises(InvalidRecord) as refused:
            service.decide(reviewer, application.id, **arguments)
        assert refused.value.details["errors"] == errors
    with pytest.raises(NotFound):
        service.decide(reviewer, application.id + 1000, "refused", reason="x")
    service.decide(reviewer, application.id, "refused", reason="章程不符合慈善组织要求")
    with pytest.raises(IllegalTransition) as twice:
        service.decide(reviewer, application.id, "recognised", document_no="2号")
    assert twice.value.details == {"status": "refused", "allowed": []}
    assert "decided on 2026-06-15 (refused)" in twice.value.message


def test_a_refusal_publishes_nothing_and_allows_a_new_application(
    session, clock, service, clerk, reviewer
):
    org = organisation(session, clock)
    first = service.apply(clerk, org.uscc, applied_on=d(2026, 6, 1))
    decided = service.decide(reviewer, first.id, "refused", reason="章程不符合要求")
    assert (decided.application.reason, org.is_charity) == ("章程不符合要求", False)
    assert feed(session, "charities", org.uscc) == []
    with pytest.raises(NotFound, match="never recognised"):
        service.charity(org.uscc)
    assert service.apply(clerk, org.uscc).id != first.id


def test_recognised_again_after_a_withdrawal(session, clock, service, clerk, reviewer, head):
    row = charity(session, clock)
    org = row.organisation
    service.withdraw(head, org.uscc, "连续两年未从事慈善活动", on=d(2026, 3, 1))
    application = service.apply(clerk, org.uscc, applied_on=d(2026, 6, 10))
    decided = service.decide(reviewer, application.id, "recognised", document_no="慈认8号")
    assert decided.charity is row
    assert (row.status, row.recognised_on, row.lost_on, row.loss_reason, row.version) == (
        CharityStatus.RECOGNISED,
        d(2026, 6, 15),
        None,
        None,
        3,
    )
    assert org.is_charity is True
    losses = session.scalars(select(CharityLoss).where(CharityLoss.organisation_id == org.id))
    assert [(x.kind, x.lost_on) for x in losses] == [(LossKind.WITHDRAWN, d(2026, 3, 1))]
    operations = [e.operation for e in feed(session, "charities", org.uscc)]
    assert operations == [FeedOperation.REMOVED, FeedOperation.RESTORED]


def test_the_officers_list_of_applications(session, clock, service, clerk, reviewer):
    a = organisation(session, clock)
    b = organisation(session, clock, authority_code="320104", domicile_division_code="320104")
    decided_late = service.apply(clerk, a.uscc, applied_on=d(2026, 5, 1), notes="内部备注")
    service.decide(reviewer, decided_late.id, "refused", d(2026, 5, 25), reason="不符合条件")
    pending_late = service.apply(clerk, a.uscc, applied_on=d(2026, 5, 25))
    other_clerk = actor(officer(session, "clerk", "320104"))
    pending = service.apply(other_clerk, b.uscc, applied_on=d(2026, 6, 10))
    city = actor(officer(session, "clerk", "320100"))
    views = service.applications(city)
    assert [v.id for v in views] == [decided_late.id, pending_late.id, pending.id]
    first = views[0].as_dict()
    assert first == {
        "id": decided_late.id,
        "uscc": a.uscc,
        "name": a.name,
        "authority_code": "320102",
        "applied_on": "2026-05-01",
        "decision_due_on": "2026-05-21",
        "decision": "refused",
        "decided_on": "2026-05-25",
        "document_no": None,
        "reason": "不符合条件",
        "days_taken": 24,
        "late": True,
    }
    assert (views[1].late, views[1].days_taken) == (True, None)  # due on 06-14
    assert views[2].late is False
    assert [v.id for v in service.applications(clerk)] == [decided_late.id, pending_late.id]
    assert [v.id for v in service.applications(city, pending=True)] == [
        pending_late.id,
        pending.id,
    ]
    assert [v.id for v in service.applications(city, pending=False)] == [decided_late.id]
    assert [v.id for v in service.applications(city, overdue=False)] == [pending.id]
    assert [v.id for v in service.applications(city, pending=True, overdue=True)] == [
        pending_late.id
    ]
    admin = actor(officer(session, "admin", "320102"))
    with pytest.raises(Forbidden):
        service.applications(admin)


# -- loss of status --------------------------------------------------------------------


def test_a_withdrawal_revokes_the_qualification_and_clears_the_flag(
    session, clock, service, reviewer, head
):
    row = charity(session, clock, qualified_on=d(2021, 6, 1))
    org = row.organisation
    with pytest.raises(Forbidden, match="allowed roles: head"):
        service.withdraw(reviewer, org.uscc, "x")
    service.withdraw(head, org.uscc, "连续两年未从事慈善活动", document_no="玄民慈撤1号")
    assert (row.status, row.lost_on, row.loss_reason, row.public_fundraising) == (
        CharityStatus.WITHDRAWN,
        d(2026, 6, 15),
        "连续两年未从事慈善活动",
        False,
    )
    assert row.qualification_revoked_on == d(2026, 6, 15)
    qualification = session.scalar(
        select(FundraisingQualification).where(FundraisingQualification.organisation_id == org.id)
    )
    assert (qualification.revoked_on, qualification.revocation_reason) == (
        d(2026, 6, 15),
        QUALIFICATION_ENDS,
    )
    assert (org.is_charity, org.charity_recognised_on, org.status) == (
        False,
        None,
        OrganisationStatus.ACTIVE,
    )
    [loss] = session.scalars(select(CharityLoss).where(CharityLoss.organisation_id == org.id))
    assert (loss.kind, loss.document_no, loss.recorded_by_id) == (
        LossKind.WITHDRAWN,
        "玄民慈撤1号",
        head.officer_id,
    )
    [event] = events(session)
    assert (event.action, event.subject_type) == ("charity.withdraw", "charity")
    [entry] = feed(session, "charities", org.uscc)
    assert entry.operation is FeedOperation.REMOVED
    assert json.loads(entry.record)["charity_status"] == "withdrawn"
    with pytest.raises(IllegalTransition) as again:
        service.withdraw(head, org.uscc, "x")
    assert again.value.details == {"status": "withdrawn", "allowed": []}


def test_withdrawal_refusals(session, clock, service, head):
    with pytest.raises(NotFound, match="never recognised"):
        service.withdraw(head, organisation(session, clock).uscc, "x")
    uscc = charity(session, clock).organisation.uscc
    with pytest.raises(InvalidRecord, match="before the recognition"):
        service.withdraw(head, uscc, "x", on=d(2020, 4, 1))
    with pytest.raises(InvalidRecord) as no_reason:
        service.withdraw(head, uscc, " ")
    assert no_reason.value.details["errors"] == {"reason": "required"}
    assert events(session) == []


def test_a_certificate_cancellation_changes_the_organisations_status(session, clock, service, head):
    row = charity(session, clock, qualified_on=d(2021, 6, 1))
    org = row.organisation
    service.cancel_certificate(head, org.uscc, "违法开展募捐，情节严重", on=d(2026, 6, 10))
    assert (org.status, org.status_date, org.status_reason, org.is_charity) == (
        OrganisationStatus.CERTIFICATE_CANCELLED,
        d(2026, 6, 10),
        "违法开展募捐，情节严重",
        True,
    )
    assert (row.status, row.lost_on, row.public_fundraising) == (
        CharityStatus.CERTIFICATE_CANCELLED,
        d(2026, 6, 10),
        False,
    )
    basis = session.scalar(
        select(ChangeRecord.basis).where(
            ChangeRecord.organisation_id == org.id, ChangeRecord.field == "status"
        )
    )
    assert basis == "《中华人民共和国慈善法》吊销登记证书决定"
    [loss] = session.scalars(select(CharityLoss).where(CharityLoss.organisation_id == org.id))
    assert loss.kind is LossKind.CERTIFICATE_CANCELLED
    assert [e.operation for e in feed(session, "organisations", org.uscc)][-1] is (
        FeedOperation.REMOVED
    )
    [entry] = feed(session, "charities", org.uscc)
    record = json.loads(entry.record)
    assert (entry.operation, record["organisation_status"], record["charity_status"]) == (
        FeedOperation.REMOVED,
        "certificate_cancelled",
        "certificate_cancelled",
    )
    assert record["no_activity_years"] is None  # no longer a charity: no flag
    assert [e.action for e in events(session)] == ["charity.withdraw"]
    with pytest.raises(IllegalTransition):
        service.cancel_certificate(head, org.uscc, "again")


def test_a_cancellation_needs_an_active_organisation(session, clock, service, head):
    row = charity(session, clock)
    OrganisationService(session, clock).revoke(
        row.organisation.uscc, on=d(2026, 1, 10), reason="违法"
    )
    with pytest.raises(IllegalTransition, match="revoked and cannot become"):
        service.cancel_certificate(head, row.organisation.uscc, "x")
    assert row.status is CharityStatus.RECOGNISED and events(session) == []


# -- reading ---------------------------------------------------------------------------


@pytest.fixture
def holder(session, clock):
    return charity(session, clock, qualified_on=d(2021, 6, 1))


def test_the_charity_record_computes_the_inactivity_flag_and_the_plans(
    session, clock, service, clerk, holder
):
    record = service.record(holder)
    assert (record["no_activity_years"], record["fundraising_plans"]) == ("2024,2025", 0)
    assert service.charity(holder.organisation.uscc.lower()) is holder
    recent = charity(session, clock, recognised_on=d(2025, 2, 1))
    assert service.record(recent)["no_activity_years"] is None
    audited = session.scalar(select(func.count()).select_from(AuditEvent))
    assert audited == 0
