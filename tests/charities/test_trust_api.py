"""/api/v1/officer/charity-trusts: filing, changes, yearly reports and termination."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.charities.public import FILING_FIELDS, TRUST_FIELDS, TRUST_REPORT_FIELDS
from tests.accounts.factories import bearer, officer_with_token
from tests.charities.trust_factories import charity, company_code

BASE = "/api/v1/officer/charity-trusts"
DETAIL = [spec.name for spec in TRUST_FIELDS] + ["parties", "filings", "reports"]


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.fixture
def setting(session, clock):
    """A charity of 320102, and tokens of a clerk there, a clerk of 320104 and an admin."""
    foundation = charity(session, clock, name="南京市玄武区仁爱慈善基金会")
    _c, clerk = officer_with_token(session, "clerk", "320102")
    _o, other = officer_with_token(session, "clerk", "320104")
    _a, admin = officer_with_token(session, "admin", "320102")
    session.commit()
    return {"charity": foundation, "clerk": clerk, "other": other, "admin": admin}


def body(setting, **overrides) -> dict:
    values = {
        "name": "玄武仁爱助学慈善信托",
        "signed_on": "2024-03-01",
        "filed_on": "2024-03-05",
        "property_amount": "1000000.00",
        "purpose": "资助困难家庭学生完成学业",
        "fields": ["education", "poverty_relief"],
        "trustees": [
            {"kind": "charity_organisation", "uscc": setting["charity"].uscc},
            {"kind": "trust_company", "uscc": company_code(3), "name": "紫金信托有限责任公司"},
        ],
        "settlors": [
            {"kind": "person", "name": "张明"},
            {"kind": "organisation", "name": "南京新街口实业有限公司", "uscc": company_code(4)},
        ],
        "supervisor_name": "江苏某律师事务所",
        "notes": "内部备注",
    }
    values.update(overrides)
    return values


def test_a_trust_filed_changed_reported_on_and_terminated(client, session, setting):
    token = bearer(setting["clerk"])
    created = client.post(BASE, json=body(setting), headers=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    trust = created.get_json()["trust"]
    assert created.get_json()["warnings"] == []
    assert list(trust) == DETAIL
    number = trust["record_no"]
    assert number == "320102202400001"
    assert trust["trustees"] == (
        f"南京市玄武区仁爱慈善基金会 ({setting['charity'].uscc}); "
        f"紫金信托有限责任公司 ({company_code(3)})"
    )
    assert (trust["status"], trust["version"], trust["property_amount"]) == (
        "established",
        1,
        1000000.0,
    )
    assert trust["parties"] == [
        {"role": "settlor", "kind": "person", "name": "张明", "uscc": None},
        {
            "role": "settlor",
            "kind": "organisation",
            "name": "南京新街口实业有限公司",
            "uscc": company_code(4),
        },
        {
            "role": "trustee",
            "kind": "charity_organisation",
            "name": "南京市玄武区仁爱慈善基金会",
            "uscc": setting["charity"].uscc,
        },
        {
            "role": "trustee",
            "kind": "trust_company",
            "name": "紫金信托有限责任公司",
            "uscc": company_code(3),
        },
    ]
    [filing] = trust["filings"]
    assert list(filing) == [spec.name for spec in FILING_FIELDS]
    assert (filing["kind"], filing["days_after"], filing["filed_late"]) == (
        "establishment",
        4,
        False,
    )
    assert "内部备注" not in created.get_data(as_text=True)

    changed = client.post(
        f"{BASE}/{number}/changes",
        json={
            "changed_on": "2026-06-05",
            "changes": {"property_amount": 1500000.5, "fields": ["education", "health"]},
            "summary": "追加信托财产",
        },
        headers=token,
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    after = changed.get_json()
    assert after["warnings"] == [
        "filed 10 days after the change was made (2026-06-05): changes are filed within "
        "7 days, by 2026-06-12"
    ]
    trust = after["trust"]
    assert (trust["status"], trust["version"], trust["fields"]) == (
        "changed",
        2,
        "education,health",
    )
    assert json.loads(trust["filings"][1]["changes"]) == [
        {"field": "property_amount", "old": "1000000.00", "new": "1500000.50"},
        {"field": "fields", "old": "education,poverty_relief", "new": "education,health"},
    ]
    assert (trust["filings"][1]["filed_late"], trust["filings"][1]["summary"]) == (
        True,
        "追加信托财产",
    )

    reported = client.post(
        f"{BASE}/{number}/reports",
        json={"year": 2025, "income": 80000, "grants_made": "60000.5", "balance": 1520000},
        headers=token,
    )
    assert reported.status_code == 201, reported.get_data(as_text=True)
    assert reported.get_json() == {
        "record_no": number,
        "year": 2025,
        "income": 80000.0,
        "grants_made": 60000.5,
        "balance": 1520000.0,
        "submitted_on": "2026-06-15",
    }
    assert list(reported.get_json()) == [spec.name for spec in TRUST_REPORT_FIELDS]
    again = client.post(
        f"{BASE}/{number}/reports",
        json={"year": 2025, "income": 1, "grants_made": 1, "balance": 1},
        headers=token,
    )
    assert problem(again, 409)["year"] == 2025

    ended = client.post(
        f"{BASE}/{number}/termination",
        json={"terminated_on": "2026-06-12", "reason": "信托目的已经实现"},
        headers=token,
    )
    assert ended.status_code == 200, ended.get_data(as_text=True)
    trust = ended.get_json()["trust"]
    assert ended.get_json()["warnings"] == []
    assert (trust["status"], trust["terminated_on"], trust["termination_reason"]) == (
        "terminated",
        "2026-06-12",
        "信托目的已经实现",
    )
    assert trust["version"] == 3
    assert [f["kind"] for f in trust["filings"]] == ["establishment", "change", "termination"]
    assert [r["year"] for r in trust["reports"]] == [2025]
    twice = client.post(
        f"{BASE}/{number}/termination",
        json={"terminated_on": "2026-06-13", "reason": "再次终止"},
        headers=token,
    )
    assert problem(twice, 409)["current_status"] == "terminated"
    late_change = client.post(
        f"{BASE}/{number}/changes",
        json={"changed_on": "2026-06-13", "changes": {"name": "新名称"}},
        headers=token,
    )
    problem(late_change, 409)
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_key.startswith(number))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["trust.file", "trust.change", "trust.report", "trust.terminate"]


def test_a_late_filing_is_kept_with_its_warning(client, setting):
    response = client.post(
        BASE,
        json=body(setting, signed_on="2026-06-01", filed_on="2026-06-10"),
        headers=bearer(setting["clerk"]),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["trust"]["filed_late"] is True
    assert response.get_json()["warnings"] == [
        "filed 9 days after the contract was signed (2026-06-01): trusts are filed within "
        "7 days, by 2026-06-08"
    ]


def test_officers_only(client, setting):
    number = "320102202400001"
    for path in (
        BASE,
        f"{BASE}/{number}/changes",
        f"{BASE}/{number}/reports",
        f"{BASE}/{number}/termination",
    ):
        response = problem(client.post(path, json={}), 401)
        assert "officers" in response["detail"]


def test_another_authority_and_other_roles_are_refused(client, setting):
    created = client.post(BASE, json=body(setting), headers=bearer(setting["clerk"]))
    number = created.get_json()["trust"]["record_no"]
    other = bearer(setting["other"])
    change = {"changed_on": "2026-06-10", "changes": {"name": "别处改名"}}
    assert (
        "registered with authority 320102"
        in (
            problem(client.post(f"{BASE}/{number}/changes", json=change, headers=other), 403)[
                "detail"
            ]
        )
    )
    problem(
        client.post(
            f"{BASE}/{number}/termination",
            json={"terminated_on": "2026-06-10", "reason": "别处终止"},
            headers=other,
        ),
        403,
    )
    refused = problem(client.post(BASE, json=body(setting), headers=bearer(setting["admin"])), 403)
    assert "allowed roles: clerk, head, reviewer" in refused["detail"]
    # a charity trustee of 320102 is filed there, not with 320104's officer
    elsewhere = problem(client.post(BASE, json=body(setting), headers=other), 422)
    assert elsewhere["errors"]["trustees"].startswith(
        "file with the civil-affairs department where the trustee is: 320102 "
    )


def test_unknown_trust(client, setting):
    token = bearer(setting["clerk"])
    missing = client.post(
        f"{BASE}/320102202499999/reports",
        json={"year": 2025, "income": 0, "grants_made": 0, "balance": 0},
        headers=token,
    )
    assert problem(missing, 404)["record_no"] == "320102202499999"
    problem(
        client.post(
            f"{BASE}/320102202499999/termination",
            json={"terminated_on": "2026-06-10", "reason": "终止"},
            headers=token,
        ),
        404,
    )


def test_field_errors(client, setting):
    token = bearer(setting["clerk"])
    response = client.post(
        BASE,
        json=body(
            setting,
            property_amount=0,
            fields=[],
            trustees=[{"kind": "trust_company", "uscc": "x"}, {"kind": "bank", "uscc": "x"}],
            settlors=[{"kind": "person", "name": "张明"}, {"kind": "person"}],
            colour="blue",
        ),
        headers=token,
    )
    errors = {e["field"] for e in problem(response, 422)["errors"]}
    assert errors == {
        "property_amount",
        "fields",
        "trustees.1.kind",
        "settlors.1.name",
        "colour",
    }
    too_many = body(setting, settlors=[{"kind": "person", "name": f"捐赠人{i}"} for i in range(51)])
    assert {
        e["field"] for e in problem(client.post(BASE, json=too_many, headers=token), 422)["errors"]
    } == {"settlors"}
    huge = problem(
        client.post(BASE, json=body(setting, property_amount=10**16), headers=token), 422
    )
    assert huge["errors"] == [
        {
            "field": "property_amount",
            "message": "must be more than 0 and less than 10000000000000000",
        }
    ]


def test_the_services_refusals_name_every_field(client, setting):
    token = bearer(setting["clerk"])
    good = company_code(12)
    broken = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post(
        BASE,
        json=body(
            setting,
            signed_on="2026-06-20",
            trustees=[{"kind": "trust_company", "uscc": broken, "name": "某信托"}],
            settlors=[{"kind": "person", "name": "李四", "uscc": good}],
        ),
        headers=token,
    )
    refused = problem(response, 422)
    assert refused["errors"] == {
        "signed_on": "2026-06-20 is after today (2026-06-15)",
        "filed_on": "2024-03-05 is before the contract was signed (2026-06-20)",
        "trustees.0.uscc": f"trustee 1's credit code {broken} is not valid: position 18 "
        f"should be {good[17]}, found {broken[17]}",
        "settlors.0.uscc": "settlor 1 is a person: persons are filed by name only",
    }
    assert refused["detail"].startswith("the trust cannot be filed: signed_on: ")
    created = client.post(BASE, json=body(setting), headers=token).get_json()["trust"]
    nothing = client.post(
        f"{BASE}/{created['record_no']}/changes",
        json={"changed_on": "2026-06-10", "changes": {"purpose": created["purpose"]}},
        headers=token,
    )
    assert problem(nothing, 422)["errors"] == {"purpose": "unchanged"}
    early = client.post(
        f"{BASE}/{created['record_no']}/reports",
        json={"year": 2026, "income": 0, "grants_made": 0, "balance": 0},
        headers=token,
    )
    assert problem(early, 422)["errors"] == {
        "year": "a year is reported once it has ended: on 2026-06-15 the latest is 2025"
    }
    bad_number = client.post(
        f"{BASE}/not-a-number/changes",
        json={"changed_on": "2026-06-10", "changes": {"name": "x"}},
        headers=token,
    )
    problem(bad_number, 404)
