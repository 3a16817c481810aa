"""/api/v1/officer: receiving reports, the queue, the full report, conclusions, corrections
and the overdue list, each behind an officer's bearer token and jurisdiction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from tests.accounts.factories import bearer, officer_with_token
from tests.inspections.factories import contents, foundation_contents, organisation, report


@pytest.fixture
def xuanwu(session):  # type: ignore[no-untyped-def]
    """Tokens of a clerk and a reviewer of Xuanwu (320102)."""
    _clerk, clerk = officer_with_token(session, "clerk", "320102")
    _reviewer, reviewer = officer_with_token(session, "reviewer", "320102")
    return {"clerk": bearer(clerk), "reviewer": bearer(reviewer), "username": _clerk.username}


def submit(client, uscc: str, token: dict, **body):  # type: ignore[no-untyped-def]
    payload = {"year": 2025, "contents": contents(), **body}
    return client.post(f"/api/v1/officer/organisations/{uscc}/reports", json=payload, headers=token)


def test_a_clerk_submits_a_report_by_api(client, session, clock, xuanwu):
    org = organisation(session, clock)
    session.commit()
    response = submit(client, org.uscc, xuanwu["clerk"], submitted_on="2026-06-01")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["channel"] == "api" and body["status"] == "submitted"
    assert (body["due_on"], body["late"]) == ("2026-05-31", True)
    assert body["received_by"] == xuanwu["username"]
    assert body["next_steps"] == ["conclude"]
    assert body["contents"]["finances"]["income"] == "1250000.50"  # exact, as text
    assert body["contents"]["officers"][0] == {"name": "赵敏", "position": "理事长"}
    assert response.headers["Cache-Control"] == "no-store"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.submit"))
    assert event is not None and event.actor == xuanwu["username"]

    again = submit(client, org.uscc, xuanwu["clerk"])
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("/duplicate-report")


def test_submitting_needs_a_token_of_the_organisations_authority(client, session, clock):
    org = organisation(session, clock)
    _, elsewhere = officer_with_token(session, "clerk", "320104")
    _, admin = officer_with_token(session, "admin", "320102")
    session.commit()
    assert submit(client, org.uscc, {}).status_code == 401
    assert submit(client, org.uscc, bearer("rgo_not-a-token")).status_code == 401
    assert submit(client, org.uscc, bearer(elsewhere)).status_code == 403
    assert submit(client, org.uscc, bearer(admin)).status_code == 403


def test_invalid_reports_are_422_with_every_field(client, session, clock):
    fund = organisation(session, clock, kind="foundation")
    _, token = officer_with_token(session, "clerk", "320000")
    session.commit()
    # Shape errors come from the request's schema, all at once …
    body = contents(staff_count="many", finances={"income": "lots"})
    del body["compliance_statement"]
    response = submit(client, fund.uscc, bearer(token), contents=body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"contents.compliance_statement", "contents.staff_count"} <= fields
    assert "contents.finances.income" in fields
    # … and the rules of the kind from the service.
    response = submit(client, fund.uscc, bearer(token))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "finances.audit_opinion": "required",
        "finances.grants_made": "required",
    }
    response = submit(client, fund.uscc, bearer(token), year=2026)
    assert response.status_code == 422 and "year" in response.get_json()["errors"]
    assert (
        submit(client, fund.uscc, bearer(token), contents=foundation_contents()).status_code == 201
    )
    assert submit(client, "51320102MJ0000000X", bearer(token)).status_code == 404


def test_queue_detail_conclusion_and_correction(client, session, clock, xuanwu):
    orgs = [organisation(session, clock) for _ in range(3)]
    reports = [
        report(session, clock, org, 2025, date(2026, 5, day))
        for org, day in zip(orgs, (20, 2, 9), strict=True)
    ]
    reports[0].review_notes = "已电话核实"
    _, city = officer_with_token(session, "head", "320100")
    _, other = officer_with_token(session, "reviewer", "320104")
    session.commit()
    ids = [r.id for r in reports]

    page = client.get("/api/v1/officer/reports?limit=2", headers=xuanwu["clerk"]).get_json()
    assert [i["id"] for i in page["items"]] == [ids[1], ids[2]]  # oldest first
    rest = client.get(page["next"], headers=xuanwu["clerk"]).get_json()
    assert [i["id"] for i in rest["items"]] == [ids[0]] and rest["next"] is None
    assert len(client.get("/api/v1/officer/reports", headers=bearer(city)).get_json()["items"]) == 3
    assert client.get("/api/v1/officer/reports", headers=bearer(other)).get_json()["items"] == []
    assert client.get("/api/v1/officer/reports").status_code == 401

    detail = client.get(f"/api/v1/officer/reports/{ids[0]}", headers=bearer(city))
    assert detail.status_code == 200 and detail.headers["Cache-Control"] == "no-store"
    assert detail.get_json()["review_notes"] == "已电话核实"
    assert client.get(f"/api/v1/officer/reports/{ids[0]}", headers=bearer(other)).status_code == 403
    assert client.get("/api/v1/officer/reports/999999", headers=bearer(city)).status_code == 404

    url = f"/api/v1/officer/reports/{ids[0]}"
    clerk_try = client.post(
        f"{url}/conclusion", json={"conclusion": "pass"}, headers=xuanwu["clerk"]
    )
    assert clerk_try.status_code == 403
    no_reason = client.post(
        f"{url}/conclusion", json={"conclusion": "fail"}, headers=xuanwu["reviewer"]
    )
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"] == {"reasons": "required for a fail"}
    done = client.post(
        f"{url}/conclusion",
        json={"conclusion": "basic_pass", "reasons": "未按时公示", "review_notes": "复核"},
        headers=xuanwu["reviewer"],
    )
    assert done.status_code == 200
    assert done.get_json()["conclusion"] == "basic_pass"
    assert done.get_json()["next_steps"] == ["order_correction"]
    twice = client.post(
        f"{url}/conclusion", json={"conclusion": "pass"}, headers=xuanwu["reviewer"]
    )
    assert twice.status_code == 409
    assert twice.get_json()["allowed"] == ["order_correction"]
    assert twice.get_json()["current_status"] == "concluded"

    early = client.post(f"{url}/correction", json={}, headers=xuanwu["clerk"])
    assert early.status_code == 409 and early.get_json()["allowed"] == ["order_correction"]
    past = client.post(
        f"{url}/correction-order",
        json={"order": "补充公示", "deadline": "2026-06-15"},
        headers=xuanwu["reviewer"],
    )
    assert past.status_code == 422
    ordered = client.post(
        f"{url}/correction-order",
        json={"order": "补充公示", "deadline": "2026-07-15"},
        headers=xuanwu["reviewer"],
    )
    assert ordered.status_code == 200
    assert ordered.get_json()["correction_deadline"] == "2026-07-15"
    corrected = client.post(f"{url}/correction", json={}, headers=xuanwu["clerk"])
    assert corrected.status_code == 200
    assert corrected.get_json()["corrected_on"] == "2026-06-15"
    assert corrected.get_json()["next_steps"] == []

    concluded = client.get(
        "/api/v1/officer/reports?status=concluded", headers=xuanwu["clerk"]
    ).get_json()
    assert [i["id"] for i in concluded["items"]] == [ids[0]]
    public = client.get("/api/v1/inspections?conclusion=basic_pass").get_json()["items"]
    assert public[0]["corrected_on"] == "2026-06-15"
    assert "复核" not in client.get("/api/v1/inspections").get_data(as_text=True)


def test_overdue_list(client, session, clock, xuanwu):
    filed = organisation(session, clock)
    report(session, clock, filed)
    missing = [organisation(session, clock) for _ in range(3)]
    organisation(session, clock, authority_code="320104")
    session.commit()
    page = client.get("/api/v1/officer/overdue?limit=2", headers=xuanwu["clerk"]).get_json()
    rest = client.get(page["next"], headers=xuanwu["clerk"]).get_json()
    got = [i["uscc"] for i in page["items"] + rest["items"]]
    assert got == [o.uscc for o in missing]
    assert page["items"][0]["due_on"] == "2026-05-31" and page["items"][0]["year"] == 2025
    earlier = client.get("/api/v1/officer/overdue?year=2024", headers=xuanwu["clerk"])
    assert len(earlier.get_json()["items"]) == 4
    assert client.get("/api/v1/officer/overdue").status_code == 401
