"""Acceptance for charity trusts, through the officers' API and the public API over
simulated time: filing → change → yearly report → termination, the 7-day filing limit
checked on both sides of its boundary at each filing, and the statistics asserted against
the trusts' own records."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from registry.feed.models import FeedEntry
from tests.accounts.factories import bearer, officer_with_token, token_for
from tests.charities.factories import charity
from tests.charities.public_factories import TRUST_COMPANY

OFFICER = "/api/v1/officer/charity-trusts"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def call(client, method: str, path: str, secret: str, body: Any = None, status: int = 200):
    response = client.open(path, method=method, json=body, headers=bearer(secret))
    assert response.status_code == status, (path, response.status_code, response.get_json())
    return response.get_json()


def filing(trustee: str, signed_on: str, filed_on: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "春蕾助学慈善信托",
        "signed_on": signed_on,
        "filed_on": filed_on,
        "property_amount": "1000000.50",
        "purpose": "资助家庭经济困难学生完成学业",
        "fields": ["education", "poverty_relief"],
        "trustees": [
            {"kind": "charity_organisation", "uscc": trustee},
            {"kind": "trust_company", "uscc": TRUST_COMPANY[0], "name": TRUST_COMPANY[1]},
        ],
        "settlors": [
            {"kind": "person", "name": "王建国"},
            {"kind": "organisation", "name": "南京某科技有限公司", "uscc": "91320102MA1MXXXX0X"},
        ],
        "supervisor_name": "江苏某律师事务所",
        **overrides,
    }


def test_trust_filing_change_report_termination(client, session, clock):
    clock.set(at(date(2026, 6, 15)))
    trustee = charity(session, clock, name="南京市春蕾助学会").organisation
    holder, clerk = officer_with_token(session, "clerk", "320102")
    _foreign, foreign = officer_with_token(session, "clerk", "320104")
    session.commit()
    code = trustee.uscc

    bad = call(client, "POST", OFFICER, clerk, filing(code, "2026-06-08", "2026-06-15"), 422)
    assert "settlors" in json.dumps(bad["errors"])  # the organisation's code fails its checks
    settlor_code = "91320102" + "MA1MXX00"
    from registry.organisations.uscc import check_character_18, organisation_code_check

    first17 = settlor_code + organisation_code_check(settlor_code[8:16])
    valid_settlor = first17 + check_character_18(first17)

    def body(signed: str, filed: str, **more: Any) -> dict[str, Any]:
        made = filing(code, signed, filed, **more)
        made["settlors"][1]["uscc"] = valid_settlor
        return made

    # Signed 8 June, filed 15 June: day 7, in time. Another signed 7 June: day 8, late.
    on_time = call(client, "POST", OFFICER, clerk, body("2026-06-08", "2026-06-15"), 201)
    assert on_time["warnings"] == []
    trust = on_time["trust"]
    assert trust["record_no"] == "320102202600001" and trust["filed_late"] is False
    late = call(
        client, "POST", OFFICER, clerk, body("2026-06-07", "2026-06-15", name="晚备案慈善信托"), 201
    )
    assert late["trust"]["record_no"] == "320102202600002" and late["trust"]["filed_late"]
    assert late["warnings"] == [
        "filed 8 days after the contract was signed (2026-06-07): trusts are filed within "
        "7 days, by 2026-06-14"
    ]
    call(client, "POST", OFFICER, foreign, body("2026-06-08", "2026-06-15"), 422)  # not there
    number = trust["record_no"]
    public = client.get(f"/api/v1/charity-trusts/{number}").get_json()
    assert public["trustees"] == (
        f"南京市春蕾助学会 ({code}); {TRUST_COMPANY[1]} ({TRUST_COMPANY[0]})"
    )
    assert public["settlors"] == "王建国; 南京某科技有限公司"
    assert {p["name"]: p["uscc"] for p in public["parties"]}["王建国"] is None
    assert public["fields"] == "education,poverty_relief"
    assert public["property_amount"] == 1000000.5 and public["status"] == "established"

    # -- a change: more property on 20 June, filed on 27 June (day 7) --------------------
    clock.set(at(date(2026, 6, 29)))
    change = {"changed_on": "2026-06-20", "filed_on": "2026-06-27"}
    call(client, "POST", f"{OFFICER}/{number}/changes", foreign,
         {**change, "changes": {"property_amount": "2000000.00"}}, 403)  # fmt: skip
    changed = call(
        client,
        "POST",
        f"{OFFICER}/{number}/changes",
        clerk,
        {**change, "changes": {"property_amount": "2000000.00"}, "summary": "追加信托财产"},
    )
    assert changed["warnings"] == [] and changed["trust"]["status"] == "changed"
    history = changed["trust"]["filings"]
    assert [f["kind"] for f in history] == ["establishment", "change"]
    assert json.loads(history[1]["changes"]) == [
        {"field": "property_amount", "old": "1000000.50", "new": "2000000.00"}
    ]
    # A second change on 20 June filed on 29 June (day 9): late, kept with its warning.
    again = call(
        client,
        "POST",
        f"{OFFICER}/{number}/changes",
        clerk,
        {"changed_on": "2026-06-20", "changes": {"term_ends_on": "2036-06-07"}},
    )
    assert again["warnings"] == [
        "filed 9 days after the change was made (2026-06-20): changes are filed within "
        "7 days, by 2026-06-27"
    ]
    call(client, "POST", f"{OFFICER}/{number}/changes", clerk,
         {"changed_on": "2026-06-28", "changes": {"term_ends_on": "2036-06-07"}}, 422)  # fmt: skip

    # -- the yearly report on 2026, in January 2027 ---------------------------------------
    clock.set(at(date(2027, 1, 20)))
    _token, clerk = token_for(session, holder)  # tokens run out: a new one for the new year
    session.commit()
    report = {
        "year": 2026,
        "income": "30000.10",
        "grants_made": "120000.00",
        "balance": "1910000.10",
    }
    made = call(client, "POST", f"{OFFICER}/{number}/reports", clerk, report, 201)
    assert made["balance"] == 1910000.1 and made["submitted_on"] == "2027-01-20"
    call(client, "POST", f"{OFFICER}/{number}/reports", clerk, report, 409)
    call(client, "POST", f"{OFFICER}/{number}/reports", clerk, {**report, "year": 2027}, 422)

    # -- termination on 1 March 2027, filed on 5 March -----------------------------------
    clock.set(at(date(2027, 3, 5)))
    ended = call(
        client,
        "POST",
        f"{OFFICER}/{number}/termination",
        clerk,
        {"terminated_on": "2027-03-01", "reason": "信托财产已全部用于慈善目的"},
    )
    assert ended["warnings"] == [] and ended["trust"]["status"] == "terminated"
    call(client, "POST", f"{OFFICER}/{number}/termination", clerk,
         {"terminated_on": "2027-03-01", "reason": "again"}, 409)  # fmt: skip
    call(client, "POST", f"{OFFICER}/{number}/changes", clerk,
         {"changed_on": "2027-03-02", "changes": {"name": "新名称"}}, 409)  # fmt: skip

    detail = client.get(f"/api/v1/charity-trusts/{number}").get_json()
    assert [(f["kind"], f["filed_late"]) for f in detail["filings"]] == [
        ("establishment", False),
        ("change", False),
        ("change", True),
        ("termination", False),
    ]
    assert [r["year"] for r in detail["reports"]] == [2026]
    assert detail["terminated_on"] == "2027-03-01" and detail["property_amount"] == 2000000.0

    # -- public lists, the search, the charity's page, the feed and the statistics -------
    assert (
        client.get("/api/v1/charity-trusts?status=terminated").get_json()["items"][0]["record_no"]
        == number
    )
    by_trustee = client.get(f"/api/v1/charity-trusts?trustee={code}").get_json()["items"]
    assert sorted(t["record_no"] for t in by_trustee) == [number, late["trust"]["record_no"]]
    found = client.get("/api/v1/search?q=春蕾助学").get_json()["charity_trusts"]
    assert found["total"] == 2
    page = client.get(f"/api/v1/charities/{code}").get_json()
    assert sorted(t["record_no"] for t in page["trusts"]) == sorted(
        t["record_no"] for t in by_trustee
    )
    entries = session.scalars(
        select(FeedEntry).where(FeedEntry.dataset == "charity-trusts", FeedEntry.key == number)
        .order_by(FeedEntry.id)
    ).all()  # fmt: skip
    assert [(e.version, e.operation.value) for e in entries] == [
        (1, "created"),
        (2, "updated"),
        (3, "updated"),
        (4, "removed"),
    ]

    stats = client.get("/api/v1/stats").get_json()["charity_trusts"]
    records = client.get("/api/v1/charity-trusts?limit=1000").get_json()["items"]
    assert stats["count"] == len(records) == 2
    assert stats["in_force"] == sum(r["status"] != "terminated" for r in records) == 1
    total = sum(Decimal(str(r["property_amount"])) for r in records)
    assert Decimal(str(stats["property_amount"])) == total == Decimal("3000000.50")
    assert stats["by_year_and_authority"] == [
        {
            "year": 2026,
            "authority_code": "320102",
            "count": 2,
            "property_amount": 3000000.5,
            "in_force": 1,
        }
    ]
