"""Acceptance, through the officers' API and the public API over simulated time:
recognition → public-fundraising qualification → fundraising plans → loss of status, with
the lateness warnings firing exactly where the rules put them (the 20-day decision limit,
5 working days before a plan on the State Council's calendar: Dragon Boat Festival falls on
Friday 19 June 2026)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from registry.feed.models import FeedEntry
from registry.organisations.services import OrganisationService
from tests.accounts.factories import bearer, officer_with_token
from tests.organisations.factories import registration

OFFICER = "/api/v1/officer"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def call(client, method: str, path: str, secret: str, body: Any = None, status: int = 200):
    response = client.open(path, method=method, json=body, headers=bearer(secret))
    assert response.status_code == status, (path, response.status_code, response.get_json())
    return response.get_json()


def plan_body(starts_on: str, **overrides: Any) -> dict[str, Any]:
    return {
        "purpose": "资助困难家庭学生完成学业",
        "starts_on": starts_on,
        "ends_on": "2026-12-31",
        "area": "南京市",
        "method": "internet",
        "person_in_charge": "李华",
        "beneficiaries": "家庭经济困难的在校学生",
        "use_of_funds": "发放助学金",
        "cost": "1234.56",
        **overrides,
    }


def test_recognition_qualification_plans_and_loss(client, session, clock):
    clock.set(at(date(2026, 5, 4)))
    organisation = OrganisationService(session, clock).register(
        registration(name="南京市春蕾助学服务中心", founded_on=date(2025, 6, 10))
    )
    code = organisation.uscc
    _clerk, clerk = officer_with_token(session, "clerk", "320102")
    _reviewer, reviewer = officer_with_token(session, "reviewer", "320102")
    _head, head = officer_with_token(session, "head", "320102")
    _other, foreign = officer_with_token(session, "reviewer", "320104")
    session.commit()

    # -- the application, received on 4 May: decision due 24 May ----------------------
    application = call(
        client, "POST", f"{OFFICER}/organisations/{code}/charity-applications", clerk, {}, 201
    )
    assert application["applied_on"] == "2026-05-04"
    assert application["decision_due_on"] == "2026-05-24"
    pending = f"{OFFICER}/charity-applications?pending=true"
    clock.set(at(date(2026, 5, 24)))  # the last day in time: not overdue
    listed = call(client, "GET", pending, reviewer)["items"]
    assert [(a["id"], a["late"]) for a in listed] == [(application["id"], False)]
    assert call(client, "GET", f"{pending}&overdue=true", reviewer)["items"] == []
    clock.set(at(date(2026, 5, 25)))  # day 21: overdue
    overdue = call(client, "GET", f"{pending}&overdue=true", reviewer)["items"]
    assert [a["id"] for a in overdue] == [application["id"]]
    decision = f"{OFFICER}/charity-applications/{application['id']}/decision"
    call(client, "POST", decision, clerk, {"decision": "recognised", "document_no": "x"}, 403)
    call(client, "POST", decision, foreign, {"decision": "recognised", "document_no": "x"}, 403)
    call(client, "POST", decision, reviewer, {"decision": "recognised"}, 422)
    decided = call(
        client,
        "POST",
        decision,
        reviewer,
        {"decision": "recognised", "document_no": "宁民认〔2026〕7号"},
    )
    assert decided["warnings"] == [
        "decided 21 days after the application (2026-05-04): past the 20-day limit, due 2026-05-24"
    ]
    assert decided["application"]["days_taken"] == 21 and decided["application"]["late"]
    assert decided["charity"]["charity_status"] == "recognised"
    call(client, "POST", decision, reviewer, {"decision": "refused", "reason": "x"}, 409)
    public = call(client, "GET", f"/api/v1/charities/{code}", clerk)
    assert public["recognised_on"] == "2026-05-25"
    assert public["recognition_document_no"] == "宁民认〔2026〕7号"
    assert public["public_fundraising"] is False
    record = client.get(f"/api/v1/organisations/{code}").get_json()
    assert record["is_charity"] is True and record["charity_recognised_on"] == "2026-05-25"

    # -- the qualification: registered 10 June 2025, eligible from 10 June 2026 ----------
    qualification = f"{OFFICER}/organisations/{code}/fundraising-qualification"
    clock.set(at(date(2026, 6, 9)))
    refused = call(
        client, "POST", qualification, reviewer, {"document_no": "宁民募〔2026〕1号"}, 422
    )
    assert "2026-06-10" in refused["detail"]
    plans = f"{OFFICER}/organisations/{code}/fundraising-plans"
    call(client, "POST", plans, clerk, plan_body("2026-06-29"), 422)  # no qualification yet
    clock.set(at(date(2026, 6, 10)))
    granted = call(
        client, "POST", qualification, reviewer, {"document_no": "宁民募〔2026〕1号"}, 201
    )
    assert granted["public_fundraising"] is True
    assert granted["qualification_granted_on"] == "2026-06-10"
    call(client, "POST", qualification, reviewer, {"document_no": "again"}, 422)

    # -- plans filed on Monday 15 June ---------------------------------------------------
    clock.set(at(date(2026, 6, 15)))
    # Starting Monday 22 June: 15–18 June are 4 working days (19 June is a holiday): late.
    late = call(client, "POST", plans, clerk, plan_body("2026-06-22"), 201)
    assert late["plan"]["filed_late"] is True and late["plan"]["working_days_ahead"] == 4
    assert late["warnings"] == [
        "filed 4 working days before the start (2026-06-22): plans are filed at least "
        "5 working days before; the last day in time was 2026-06-12"
    ]
    # Starting Tuesday 23 June: 15–18 and 22 June are 5 working days: in time.
    in_time = call(client, "POST", plans, clerk, plan_body("2026-06-23", cost="0.10"), 201)
    assert in_time["warnings"] == [] and in_time["plan"]["filed_late"] is False
    assert in_time["plan"]["cost"] == 0.1
    call(client, "POST", plans, clerk, plan_body("2026-06-23", ends_on="2026-06-01"), 422)

    listed = client.get(f"/api/v1/charities/{code}/fundraising-plans").get_json()["items"]
    assert [(p["starts_on"], p["filed_late"]) for p in listed] == [
        ("2026-06-22", True),
        ("2026-06-23", False),
    ]
    assert client.get(f"/api/v1/charities/{code}").get_json()["fundraising_plans"] == 2
    late_only = client.get("/api/v1/fundraising-plans?filed_late=true").get_json()["items"]
    assert [p["id"] for p in late_only] == [late["plan"]["id"]]

    # -- revocation, then the recognition withdrawn ---------------------------------------
    clock.set(at(date(2026, 7, 1)))
    revoked = call(
        client, "POST", f"{qualification}/revocation", reviewer, {"reason": "未按方案开展募捐"}
    )
    assert revoked["public_fundraising"] is False and revoked["qualification_revoked_on"]
    call(client, "POST", plans, clerk, plan_body("2026-08-03"), 422)
    withdrawal = f"{OFFICER}/organisations/{code}/charity-withdrawal"
    call(client, "POST", withdrawal, reviewer, {"reason": "自愿申请取消认定"}, 403)  # head only
    lost = call(client, "POST", withdrawal, head, {"reason": "自愿申请取消认定"})
    assert lost["charity_status"] == "withdrawn" and lost["loss_reason"] == "自愿申请取消认定"
    detail = client.get(f"/api/v1/charities/{code}").get_json()
    assert [loss["kind"] for loss in detail["losses"]] == ["withdrawn"]
    assert [q["revoked_on"] for q in detail["qualifications"]] == ["2026-07-01"]
    assert client.get(f"/api/v1/organisations/{code}").get_json()["is_charity"] is False
    assert client.get("/api/v1/charities?status=withdrawn").get_json()["items"][0]["uscc"] == code

    # -- the change feed followed every step ---------------------------------------------
    entries = session.scalars(
        select(FeedEntry).where(FeedEntry.dataset == "charities").order_by(FeedEntry.id)
    ).all()
    assert [e.version for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].operation.value == "created"
    assert entries[-1].operation.value == "removed"
    assert json.loads(entries[-1].record)["charity_status"] == "withdrawn"
    plans_fed = session.scalars(
        select(FeedEntry.key).where(FeedEntry.dataset == "fundraising-plans")
    ).all()
    assert sorted(plans_fed) == sorted([str(late["plan"]["id"]), str(in_time["plan"]["id"])])
