"""The officers' charity endpoints: recognition, qualifications, loss of status and
fundraising plans through /api/v1/officer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.charities.public import CHARITY_FIELDS, PLAN_FIELDS
from tests.accounts.factories import bearer, officer, token_for
from tests.charities.factories import charity, organisation

API = "/api/v1/officer"
PLAN = {
    "purpose": "为困难家庭儿童筹集助学款",
    "starts_on": "2026-07-01",
    "ends_on": "2026-07-31",
    "area": "南京市",
    "method": "internet",
    "person_in_charge": "张敏",
    "beneficiaries": "玄武区困难家庭在校儿童",
    "use_of_funds": "发放助学金",
    "cost": 20000.5,
}


@pytest.fixture(autouse=True)
def _blueprint_registered(app):
    if "officer_charities" not in app.blueprints:
        pytest.fail(
            "the officer_charities blueprint is not registered: add "
            "openapi.resources.officer_charities.routes.bp in openapi/resources/__init__.py",
            pytrace=False,
        )


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def tokens(session):
    """Bearer headers of a clerk, a reviewer and a head of 320102, and a reviewer and a
    head of 320104; the tokens last a year, as some tests move the clock months on."""
    made = {
        name: bearer(token_for(session, officer(session, role, code), days=365)[1])
        for name, role, code in (
            ("clerk", "clerk", "320102"),
            ("reviewer", "reviewer", "320102"),
            ("head", "head", "320102"),
            ("other_reviewer", "reviewer", "320104"),
            ("other_head", "head", "320104"),
        )
    }
    session.commit()
    return made


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_every_endpoint_needs_a_token(client, session, clock):
    uscc = organisation(session, clock).uscc
    session.commit()
    for path in (
        f"/organisations/{uscc}/charity-applications",
        "/charity-applications/1/decision",
        f"/organisations/{uscc}/fundraising-qualification",
        f"/organisations/{uscc}/fundraising-qualification/revocation",
        f"/organisations/{uscc}/charity-withdrawal",
        f"/organisations/{uscc}/certificate-cancellation",
        f"/organisations/{uscc}/fundraising-plans",
    ):
        response = client.post(API + path, json={})
        problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem(client.get(f"{API}/charity-applications"), 401)


def test_recognition_qualification_and_a_plan(client, session, clock, tokens):
    org = organisation(session, clock)
    session.commit()
    uscc = org.uscc
    applied = ok(
        client.post(
            f"{API}/organisations/{uscc}/charity-applications",
            json={"applied_on": "2026-05-20", "notes": "材料齐全"},
            headers=tokens["clerk"],
        ),
        201,
    )
    assert applied == {
        "id": applied["id"],
        "uscc": uscc,
        "name": org.name,
        "authority_code": "320102",
        "applied_on": "2026-05-20",
        "decision_due_on": "2026-06-09",
        "decision": None,
        "decided_on": None,
        "document_no": None,
        "reason": None,
        "days_taken": None,
        "late": True,
    }
    listed = ok(client.get(f"{API}/charity-applications?pending=true", headers=tokens["clerk"]))
    assert [item["id"] for item in listed["items"]] == [applied["id"]]
    decided = ok(
        client.post(
            f"{API}/charity-applications/{applied['id']}/decision",
            json={"decision": "recognised", "document_no": "玄民慈认〔2026〕3号"},
            headers=tokens["reviewer"],
        )
    )
    assert (decided["application"]["decision"], decided["application"]["days_taken"]) == (
        "recognised",
        26,
    )
    assert decided["warnings"] == [
        "decided 26 days after the application (2026-05-20): past the 20-day limit, due 2026-06-09"
    ]
    assert list(decided["charity"]) == [spec.name for spec in CHARITY_FIELDS]
    assert (decided["charity"]["charity_status"], decided["charity"]["version"]) == (
        "recognised",
        1,
    )
    granted = ok(
        client.post(
            f"{API}/organisations/{uscc}/fundraising-qualification",
            json={"document_no": "玄民募〔2026〕1号", "applied_on": "2026-06-15"},
            headers=tokens["reviewer"],
        ),
        201,
    )
    assert (granted["public_fundraising"], granted["qualification_granted_on"]) == (
        True,
        "2026-06-15",
    )
    filed = ok(
        client.post(
            f"{API}/organisations/{uscc}/fundraising-plans", json=PLAN, headers=tokens["clerk"]
        ),
        201,
    )
    assert filed["warnings"] == []
    plan = filed["plan"]
    assert list(plan) == [spec.name for spec in PLAN_FIELDS]
    assert (plan["cost"], plan["filed_on"], plan["filed_late"], plan["method"]) == (
        20000.5,
        "2026-06-15",
        False,
        "internet",
    )
    assert plan["working_days_ahead"] == 11  # 15–30 June less the Dragon Boat Festival (19th)
    assert actions(session) == [
        "charity.application",
        "charity.decide",
        "qualification.decide",
        "plan.file",
    ]
    assert "材料齐全" not in client.get(
        f"{API}/charity-applications", headers=tokens["clerk"]
    ).get_data(as_text=True)


def test_the_application_list_by_scope_and_filters(client, session, clock, tokens):
    mine = organisation(session, clock)
    theirs = organisation(session, clock, authority_code="320104", domicile_division_code="320104")
    session.commit()
    for uscc, token, day in (
        (mine.uscc, tokens["clerk"], "2026-06-10"),
        (theirs.uscc, tokens["other_reviewer"], "2026-05-01"),
    ):
        ok(
            client.post(
                f"{API}/organisations/{uscc}/charity-applications",
                json={"applied_on": day},
                headers=token,
            ),
            201,
        )

    def usccs(query: str, token: dict) -> list[str]:
        body = ok(client.get(f"{API}/charity-applications{query}", headers=token))
        return [item["uscc"] for item in body["items"]]

    assert usccs("", tokens["clerk"]) == [mine.uscc]
    assert usccs("", tokens["other_reviewer"]) == [theirs.uscc]
    assert usccs("?overdue=true", tokens["other_reviewer"]) == [theirs.uscc]
    assert usccs("?overdue=true", tokens["clerk"]) == []
    assert usccs("?pending=false", tokens["clerk"]) == []
    problem(client.get(f"{API}/charity-applications?pending=perhaps", headers=tokens["clerk"]), 422)


def test_refusals_are_clear_problems(client, session, clock, tokens):
    org = organisation(session, clock)
    session.commit()
    uscc = org.uscc
    path = f"{API}/organisations/{uscc}/charity-applications"
    problem(client.post(path, json={}, headers=tokens["other_reviewer"]), 403)
    problem(client.post(path, json={"secret": "x"}, headers=tokens["clerk"]), 422)
    problem(client.post(path, json={"applied_on": "2026-06-16"}, headers=tokens["clerk"]), 422)
    missing = f"{API}/organisations/51320102MJ0000000X/charity-applications"
    problem(client.post(missing, json={}, headers=tokens["clerk"]), 404)
    application = ok(client.post(path, json={}, headers=tokens["clerk"]), 201)
    again = problem(client.post(path, json={}, headers=tokens["clerk"]), 422)
    assert f"pending application ({application['id']}" in again["detail"]
    decision = f"{API}/charity-applications/{application['id']}/decision"
    recognise = {"decision": "recognised", "document_no": "慈认1号"}
    clerk = problem(client.post(decision, json=recognise, headers=tokens["clerk"]), 403)
    assert "allowed roles: head, reviewer" in clerk["detail"]
    problem(client.post(decision, json=recognise, headers=tokens["other_reviewer"]), 403)
    no_number = problem(
        client.post(decision, json={"decision": "recognised"}, headers=tokens["reviewer"]), 422
    )
    assert no_number["errors"] == {"document_no": "required for a recognition"}
    problem(
        client.post(
            f"{API}/charity-applications/99999/decision", json=recognise, headers=tokens["reviewer"]
        ),
        404,
    )
    ok(client.post(decision, json=recognise, headers=tokens["reviewer"]))
    twice = problem(client.post(decision, json=recognise, headers=tokens["reviewer"]), 409)
    assert (twice["current_status"], twice["allowed"]) == ("recognised", [])
    grant = f"{API}/organisations/{uscc}/fundraising-qualification"
    problem(client.post(grant, json={"document_no": "募1号"}, headers=tokens["clerk"]), 403)
    problem(client.post(grant, json={}, headers=tokens["reviewer"]), 422)
    revoke = f"{grant}/revocation"
    problem(client.post(revoke, json={"reason": "违规"}, headers=tokens["reviewer"]), 409)
    never = organisation(session, clock).uscc
    session.commit()
    problem(
        client.post(
            f"{API}/organisations/{never}/charity-withdrawal",
            json={"reason": "x"},
            headers=tokens["head"],
        ),
        404,
    )
    plans = f"{API}/organisations/{uscc}/fundraising-plans"
    no_qualification = problem(client.post(plans, json=PLAN, headers=tokens["clerk"]), 422)
    assert "public-fundraising qualification" in no_qualification["detail"]
    for bad in ({"cost": -1}, {"method": "door_to_door"}, {"area": ""}, {"ends_on": "2026-06-30"}):
        problem(client.post(plans, json={**PLAN, **bad}, headers=tokens["clerk"]), 422)
    assert actions(session) == ["charity.application", "charity.decide"]


def test_withdrawal_and_certificate_cancellation(client, session, clock, tokens):
    withdrawn = charity(session, clock, qualified_on=datetime(2021, 6, 1, tzinfo=UTC).date())
    cancelled = charity(session, clock)
    session.commit()
    path = f"{API}/organisations/{withdrawn.organisation.uscc}/charity-withdrawal"
    body = {"reason": "连续两年未从事慈善活动", "document_no": "玄民慈撤1号", "on": "2026-06-12"}
    reviewer = problem(client.post(path, json=body, headers=tokens["reviewer"]), 403)
    assert "allowed roles: head" in reviewer["detail"]
    problem(client.post(path, json=body, headers=tokens["other_head"]), 403)
    record = ok(client.post(path, json=body, headers=tokens["head"]))
    assert (
        record["charity_status"],
        record["lost_on"],
        record["loss_reason"],
        record["public_fundraising"],
        record["qualification_revoked_on"],
        record["organisation_status"],
    ) == ("withdrawn", "2026-06-12", "连续两年未从事慈善活动", False, "2026-06-12", "active")
    again = problem(client.post(path, json=body, headers=tokens["head"]), 409)
    assert again["current_status"] == "withdrawn"
    uscc = cancelled.organisation.uscc
    record = ok(
        client.post(
            f"{API}/organisations/{uscc}/certificate-cancellation",
            json={"reason": "违法开展募捐，情节严重"},
            headers=tokens["head"],
        )
    )
    assert (record["charity_status"], record["organisation_status"]) == (
        "certificate_cancelled",
        "certificate_cancelled",
    )
    public = client.get(f"/api/v1/organisations/{uscc}").get_json()
    assert public["status"] == "certificate_cancelled"
    assert actions(session) == ["charity.withdraw", "charity.withdraw"]


def test_revocation_and_a_late_plan(client, session, clock, tokens):
    row = charity(session, clock, qualified_on=datetime(2021, 6, 1, tzinfo=UTC).date())
    session.commit()
    uscc = row.organisation.uscc
    clock.set(datetime(2026, 9, 24, 2, 0, tzinfo=UTC))
    late = ok(
        client.post(
            f"{API}/organisations/{uscc}/fundraising-plans",
            json={**PLAN, "starts_on": "2026-10-08", "ends_on": "2026-10-31"},
            headers=tokens["clerk"],
        ),
        201,
    )
    assert (late["plan"]["working_days_ahead"], late["plan"]["filed_late"]) == (4, True)
    assert late["warnings"] == [
        "filed 4 working days before the start (2026-10-08): plans are filed at least "
        "5 working days before; the last day in time was 2026-09-23"
    ]
    revoked = ok(
        client.post(
            f"{API}/organisations/{uscc}/fundraising-qualification/revocation",
            json={"reason": "违规开展公开募捐"},
            headers=tokens["reviewer"],
        )
    )
    assert (revoked["public_fundraising"], revoked["qualification_revoked_on"]) == (
        False,
        "2026-09-24",
    )
    assert revoked["fundraising_plans"] == 1
