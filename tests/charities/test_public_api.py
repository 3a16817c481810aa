"""The public side: /api/v1/charities, /api/v1/fundraising-plans, /api/v1/charity-trusts,
the trusts' reports, the statistics, the search beside organisations and the bulk datasets.
Charities and trusts are inserted as facts (public_factories); the services that write
them are tested in test_services.py, test_fundraising.py and test_trusts.py."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from registry.charities.models import CharitableField, CharityStatus, TrustStatus
from registry.exports.datasets import DATASETS
from tests.charities.public_factories import (
    TRUST_COMPANY,
    charity,
    plan,
    trust,
    trust_report,
)
from tests.credit.factories import organisation, report

d = date
F = CharitableField


def ok(response) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def names(body: dict) -> list[str]:
    return [item["name"] for item in body["items"]]


@pytest.fixture
def register(session, clock):
    """Five charities (TEST_NOW is 2026-06-15: the flag looks at 2024 and 2025)."""
    active = charity(session, clock, name="南京市爱心助学会", public_fundraising=True)
    report(session, active, 2024, d(2025, 3, 1)).activities = '[{"title": "助学金发放"}]'
    report(session, active, 2025, d(2026, 3, 1)).grants_made = Decimal("10.00")
    idle = charity(session, clock, name="南京市沉睡慈善会")
    report(session, idle, 2024, d(2025, 3, 1))  # filed, no activity; 2025 missing
    recent = charity(session, clock, d(2025, 2, 1), name="南京市新认定慈善会")
    withdrawn = charity(session, clock, name="南京市取消认定会", status=CharityStatus.WITHDRAWN)
    half = charity(session, clock, name="南京市一年活动会")
    report(session, half, 2024, d(2025, 3, 1)).activities = '[{"title": "慰问"}]'
    session.flush()
    return {"active": active, "idle": idle, "recent": recent, "withdrawn": withdrawn, "half": half}


def test_charities_list_and_filters(client, register):
    body = ok(client.get("/api/v1/charities"))
    assert len(body["items"]) == 5
    by_name = {item["name"]: item for item in body["items"]}
    assert by_name["南京市沉睡慈善会"]["no_activity_years"] == "2024,2025"
    # activity in one of the two years, recognised after 2024 began, or no longer a charity
    for name in ("南京市爱心助学会", "南京市一年活动会", "南京市新认定慈善会", "南京市取消认定会"):
        assert by_name[name]["no_activity_years"] is None, name
    active = by_name["南京市爱心助学会"]
    assert active["public_fundraising"] is True
    assert active["qualification_granted_on"] == "2022-01-04"
    assert active["charity_status"] == "recognised"
    assert active["registration_authority_code"] == "320102"

    assert names(ok(client.get("/api/v1/charities?no_activity=true"))) == ["南京市沉睡慈善会"]
    assert len(ok(client.get("/api/v1/charities?no_activity=false"))["items"]) == 4
    assert names(ok(client.get("/api/v1/charities?public_fundraising=true"))) == [
        "南京市爱心助学会"
    ]
    assert names(ok(client.get("/api/v1/charities?status=withdrawn"))) == ["南京市取消认定会"]
    assert names(ok(client.get("/api/v1/charities?recognised_year=2025"))) == ["南京市新认定慈善会"]
    assert len(ok(client.get("/api/v1/charities?authority=320000"))["items"]) == 5
    assert ok(client.get("/api/v1/charities?authority=330000"))["items"] == []
    assert names(ok(client.get("/api/v1/charities?q=助学 南京"))) == ["南京市爱心助学会"]


def test_charities_pages_and_streams(client, register):
    first = ok(client.get("/api/v1/charities?limit=2"))
    second = ok(client.get(first["next"]))
    third = ok(client.get(second["next"]))
    seen = names(first) + names(second) + names(third)
    assert len(seen) == len(set(seen)) == 5 and third["next"] is None
    text = client.get("/api/v1/charities?format=csv&no_activity=true").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["name"], r["no_activity_years"]) for r in rows] == [
        ("南京市沉睡慈善会", "2024,2025")
    ]
    problem(client.get("/api/v1/charities?recognised_year=1900"), 422)
    problem(client.get("/api/v1/charities?status=dormant"), 422)


def test_charity_detail_and_plans(client, session, clock, register):
    active = register["active"]
    late = plan(session, active, d(2026, 7, 1), filed_on=d(2026, 6, 29), late=True)
    plan(session, active, d(2026, 5, 1), filed_on=d(2026, 4, 1), method="public_place")
    trust(
        session,
        "320102",
        "爱心助学慈善信托",
        filed_on=d(2025, 3, 1),
        amount="100",
        trustees=(active,),
    )
    detail = ok(client.get(f"/api/v1/charities/{active.uscc.lower()}"))
    assert detail["uscc"] == active.uscc and detail["fundraising_plans"] == 2
    assert detail["qualifications"] == [
        {
            "granted_on": "2022-01-04",
            "document_no": "民募字〔2022〕1号",
            "revoked_on": None,
            "revocation_reason": None,
        }
    ]
    assert detail["losses"] == []
    assert [t["name"] for t in detail["trusts"]] == ["爱心助学慈善信托"]

    plans = ok(client.get(f"/api/v1/charities/{active.uscc}/fundraising-plans"))["items"]
    assert [p["starts_on"] for p in plans] == ["2026-07-01", "2026-05-01"]
    assert plans[0]["cost"] == 1200.5 and plans[0]["filed_late"] is True
    everywhere = "/api/v1/fundraising-plans"
    assert [p["id"] for p in ok(client.get(f"{everywhere}?filed_late=true"))["items"]] == [late.id]
    running = ok(client.get(f"{everywhere}?running_on=2026-06-15"))["items"]
    assert [p["starts_on"] for p in running] == ["2026-05-01"]
    assert len(ok(client.get(f"{everywhere}?method=public_place"))["items"]) == 1
    problem(client.get(f"{everywhere}?starts_from=2026-07-01&starts_to=2026-01-01"), 422)

    stranger = organisation(session, clock)
    problem(client.get(f"/api/v1/charities/{stranger.uscc}"), 404)
    problem(client.get(f"/api/v1/charities/{stranger.uscc}/fundraising-plans"), 404)


@pytest.fixture
def trusts(session, clock, register):
    charity_trustee = register["active"]
    made = [
        trust(session, "320102", "爱心助学慈善信托", filed_on=d(2024, 5, 6), amount="1000000.10",
              trustees=(charity_trustee, TRUST_COMPANY), fields=(F.EDUCATION, F.POVERTY_RELIEF)),
        trust(session, "320102", "乡村振兴慈善信托", filed_on=d(2025, 1, 9), amount="250000.25",
              fields=(F.POVERTY_RELIEF,), supervisor=("江苏某律师事务所", None)),
        trust(session, "320000", "生态保护慈善信托", filed_on=d(2025, 8, 1), amount="5000000",
              fields=(F.ENVIRONMENT,), status=TrustStatus.TERMINATED),
        trust(session, "330000", "浙江教育慈善信托", filed_on=d(2025, 2, 2), amount="300000",
              fields=(F.EDUCATION,)),
    ]  # fmt: skip
    trust_report(session, made[0], 2024, "900000.10")
    trust_report(session, made[0], 2025, "800000.00")
    session.commit()  # the database search index follows commits
    return made


def test_trusts_filters(client, trusts, register):
    base = "/api/v1/charity-trusts"
    assert len(ok(client.get(base))["items"]) == 4
    company = TRUST_COMPANY[0]
    assert len(ok(client.get(f"{base}?trustee={company}"))["items"]) == 4
    assert names(ok(client.get(f"{base}?trustee=爱心助学"))) == ["爱心助学慈善信托"]
    assert names(ok(client.get(f"{base}?trustee={register['active'].uscc}"))) == [
        "爱心助学慈善信托"
    ]
    assert names(ok(client.get(f"{base}?field=education"))) == [
        "爱心助学慈善信托",
        "浙江教育慈善信托",
    ]
    assert len(ok(client.get(f"{base}?field=poverty_relief"))["items"]) == 2
    assert len(ok(client.get(f"{base}?authority=320000"))["items"]) == 3
    assert names(ok(client.get(f"{base}?authority=320102"))) == [
        "爱心助学慈善信托",
        "乡村振兴慈善信托",
    ]
    assert len(ok(client.get(f"{base}?year=2025"))["items"]) == 3
    # bounds are inclusive and exact to the fen
    assert names(ok(client.get(f"{base}?min_amount=1000000.10"))) == [
        "爱心助学慈善信托",
        "生态保护慈善信托",
    ]
    assert names(ok(client.get(f"{base}?min_amount=1000000.11&max_amount=5000000"))) == [
        "生态保护慈善信托"
    ]
    assert names(ok(client.get(f"{base}?max_amount=250000.25"))) == ["乡村振兴慈善信托"]
    assert names(ok(client.get(f"{base}?status=terminated"))) == ["生态保护慈善信托"]
    # traditional characters and a settlor's name find them too
    assert names(ok(client.get(f"{base}?q=鄉村振興"))) == ["乡村振兴慈善信托"]
    assert len(ok(client.get(f"{base}?q=张三"))["items"]) == 4
    problem(client.get(f"{base}?field=space"), 422)
    problem(client.get(f"{base}?min_amount=-1"), 422)
    problem(client.get(f"{base}?min_amount=NaN"), 422)


def test_trust_record_and_detail(client, trusts, register):
    first = ok(client.get("/api/v1/charity-trusts?trustee=爱心助学"))["items"][0]
    assert first["fields"] == "education,poverty_relief"
    assert first["trustees"] == (
        f"南京市爱心助学会 ({register['active'].uscc}); {TRUST_COMPANY[1]} ({TRUST_COMPANY[0]})"
    )
    assert first["trustee_usccs"] == f"{register['active'].uscc},{TRUST_COMPANY[0]}"
    assert first["settlors"] == "张三" and first["property_amount"] == 1000000.1
    second = ok(client.get(f"/api/v1/charity-trusts/{trusts[1].record_no}"))
    assert second["supervisor"] == "江苏某律师事务所"
    detail = ok(client.get(f"/api/v1/charity-trusts/{trusts[0].record_no}"))
    settlor = [p for p in detail["parties"] if p["role"] == "settlor"]
    assert settlor == [{"role": "settlor", "kind": "person", "name": "张三", "uscc": None}]
    assert [f["kind"] for f in detail["filings"]] == ["establishment"]
    assert [(r["year"], r["balance"]) for r in detail["reports"]] == [
        (2024, 900000.1),
        (2025, 800000.0),
    ]
    reports = ok(client.get(f"/api/v1/charity-trust-reports?record_no={trusts[0].record_no}"))
    assert [r["year"] for r in reports["items"]] == [2024, 2025]
    assert (
        ok(client.get("/api/v1/charity-trust-reports?year=2025"))["items"][0]["balance"] == 800000.0
    )
    problem(client.get("/api/v1/charity-trusts/999999999999999"), 404)


def test_stats_match_the_records(client, trusts, register):
    stats = ok(client.get("/api/v1/stats"))
    records = ok(client.get("/api/v1/charity-trusts?limit=1000"))["items"]
    by_year: dict[int, list[Decimal]] = defaultdict(list)
    by_authority: dict[str, list[Decimal]] = defaultdict(list)
    for record in records:
        amount = Decimal(str(record["property_amount"]))
        by_year[int(record["filed_on"][:4])].append(amount)
        by_authority[record["authority_code"]].append(amount)
    trusts_stats = stats["charity_trusts"]
    assert trusts_stats["count"] == len(records) == 4
    assert trusts_stats["in_force"] == 3
    assert Decimal(str(trusts_stats["property_amount"])) == Decimal("6550000.35")
    assert {
        row["year"]: (row["count"], Decimal(str(row["property_amount"])))
        for row in trusts_stats["by_year"]
    } == {year: (len(a), sum(a)) for year, a in by_year.items()}
    assert {
        row["authority_code"]: (row["count"], Decimal(str(row["property_amount"])))
        for row in trusts_stats["by_authority"]
    } == {code: (len(a), sum(a)) for code, a in by_authority.items()}
    assert {
        (row["year"], row["authority_code"]): row["count"]
        for row in trusts_stats["by_year_and_authority"]
    } == {(2024, "320102"): 1, (2025, "320102"): 1, (2025, "320000"): 1, (2025, "330000"): 1}
    # charities now: recognised ones of active organisations (the withdrawn one is not)
    assert stats["charities_by_authority"] == [
        {"authority_code": "320102", "name": register["active"].authority.name, "count": 4,
         "public_fundraising": 1}
    ]  # fmt: skip


def test_search_finds_trusts_by_name_and_trustee(client, trusts):
    found = ok(client.get("/api/v1/search?q=爱心助学"))
    assert "南京市爱心助学会" in [hit["name"] for hit in found["items"]]
    assert [t["name"] for t in found["charity_trusts"]["items"]] == ["爱心助学慈善信托"]
    by_trustee = ok(client.get("/api/v1/search?q=上海国际信托"))["charity_trusts"]
    assert by_trustee["total"] == 4 and by_trustee["more"] is None
    assert by_trustee["items"][0]["name"] == "生态保护慈善信托"  # newest filing first
    assert ok(client.get("/api/v1/search?q=鄉村"))["charity_trusts"]["total"] == 1
    assert ok(client.get("/api/v1/search"))["charity_trusts"] == {
        "items": [],
        "total": 0,
        "more": None,
    }


def test_datasets_and_feed_names(client, session, trusts):
    for name in ("charities", "fundraising-plans", "charity-trusts", "charity-trust-reports"):
        assert name in DATASETS
    rows = session.execute(DATASETS["charity-trusts"].query()).all()
    assert sorted(r.name for r in rows) == sorted(t.name for t in trusts)
    assert not any("search" in column for column in rows[0]._fields)
    reports = session.execute(DATASETS["charity-trust-reports"].query()).all()
    assert [(r.year, r.balance) for r in reports] == [
        (2024, Decimal("900000.10")),
        (2025, Decimal("800000.00")),
    ]
    charities = session.execute(DATASETS["charities"].query()).all()
    assert len(charities) == 5
    for dataset in ("charities", "fundraising-plans", "charity-trusts"):
        ok(client.get(f"/api/v1/changes?dataset={dataset}"))
    lines = client.get("/api/v1/charity-trusts?format=jsonl").get_data(as_text=True).splitlines()
    assert {json.loads(line)["record_no"] for line in lines} == {t.record_no for t in trusts}
