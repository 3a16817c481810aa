"""The public trail: /api/v1/notices (and its Atom feed), /api/v1/decisions, /api/v1/at-risk,
and removed organisations staying visible. Notices, cases and decisions are inserted as
facts (public_factories); the procedure that writes them is tested in test_services.py."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from openapi.pagination import encode_cursor
from registry.deregistration.models import CaseState, NoticeKind
from registry.deregistration.public import (
    AT_RISK_FIELDS,
    DECISION_FIELDS,
    NOTICE_FIELDS,
    NOTICE_LISTING_FIELDS,
)
from registry.public import FORBIDDEN
from tests.credit.factories import organisation
from tests.deregistration.public_factories import (
    MARKER,
    build_trail,
    notice,
    publish_candidates,
)

d = date
S = CaseState
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def trail(session, clock):
    return build_trail(session, clock)


def ok(response) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def notice_ids(trail: dict[str, Any], *keys: str) -> list[int]:
    return [trail["notices"][k].id for k in keys]


def ids(response) -> list[int]:
    return [item["id"] for item in ok(response)["items"]]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# -- notices ----------------------------------------------------------------------------------


def test_notices_with_the_organisations_named_and_nothing_they_said(client, trail):
    body = ok(client.get("/api/v1/notices"))
    assert [item["id"] for item in body["items"]] == notice_ids(trail, "n1", "n2", "n3", "n4")
    first = body["items"][0]
    a, b, h = (trail["orgs"][k] for k in "abh")
    assert list(first) == [*(spec.name for spec in NOTICE_FIELDS), "organisations"]
    assert first == {
        "id": trail["notices"]["n1"].id,
        "kind": "dormant",
        "number": "玄民公告〔2026〕1号",
        "title": "关于玄民公告〔2026〕1号的公告",
        "authority_code": "320102",
        "authority_name": first["authority_name"],
        "basis": "《民政部关于开展“僵尸型”社会组织专项整治行动的通知》（民发〔2021〕63号）",
        "published_on": "2026-03-01",
        "ends_on": "2026-04-29",
        "current": False,
        "count": 3,
        "organisations": [
            {"uscc": a.uscc, "name": a.name, "status": "active", "responded_on": "2026-03-20"},
            {"uscc": b.uscc, "name": b.name, "status": "active", "responded_on": None},
            {"uscc": h.uscc, "name": h.name, "status": "deregistered", "responded_on": None},
        ],
    }
    assert "玄武" in first["authority_name"]
    assert [item["current"] for item in body["items"]] == [False, True, False, True]
    assert ok(client.get(f"/api/v1/notices/{trail['notices']['n1'].id}")) == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authority=320102", ["n1", "n3"]),
        ("authority=320100", ["n1", "n2", "n3"]),  # the city lists its districts'
        ("authority=320000", ["n1", "n2", "n3"]),  # the province too
        ("authority=370000", ["n4"]),
        ("authority=100000", ["n1", "n2", "n3", "n4"]),
        ("authority=320105", []),
        ("kind=prior_notice", ["n3"]),
        ("kind=decision", ["n4"]),
        ("current=true", ["n2", "n4"]),
        ("current=false", ["n1", "n3"]),
        ("published_from=2026-05-20", ["n2", "n3", "n4"]),
        ("published_to=2026-05-20", ["n1", "n2"]),
        ("authority=320000&current=true", ["n2"]),
    ],
)
def test_notice_filters(client, trail, query, expected):
    assert ids(client.get(f"/api/v1/notices?{query}")) == notice_ids(trail, *expected)


def test_the_notices_naming_one_organisation(client, trail):
    orgs = trail["orgs"]
    named = {"a": ["n1"], "b": ["n1", "n3"], "c": ["n2"], "d": ["n4"], "e": []}
    for key, expected in named.items():
        query = f"/api/v1/notices?uscc={orgs[key].uscc}"
        assert ids(client.get(query)) == notice_ids(trail, *expected), key
    lower = ids(client.get(f"/api/v1/notices?uscc={orgs['b'].uscc.lower()}&kind=prior_notice"))
    assert lower == notice_ids(trail, "n3")
    rows = csv_rows(client.get(f"/api/v1/notices?format=csv&uscc={orgs['b'].uscc}"))
    # The CSV keeps whole notices: every organisation each names.
    assert [r["number"] for r in rows] == ["玄民公告〔2026〕1号"] * 3 + ["玄民告〔2026〕3号"]
    feed = ET.fromstring(client.get(f"/api/v1/notices/feed.atom?uscc={orgs['b'].uscc}").data)
    assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")] == [
        f"urn:registry:notice:{i}" for i in notice_ids(trail, "n3", "n1")
    ]
    problem(client.get("/api/v1/notices?uscc=91320102"), 422)


def test_current_follows_the_clock(client, trail, clock):
    n2 = trail["notices"]["n2"].id
    assert ok(client.get(f"/api/v1/notices/{n2}"))["current"] is True
    clock.set(datetime(2026, 7, 18, 10, tzinfo=UTC))  # the last day (Beijing) still counts
    assert ok(client.get(f"/api/v1/notices/{n2}"))["current"] is True
    clock.set(datetime(2026, 7, 18, 16, tzinfo=UTC))  # 19 July in Beijing
    assert ok(client.get(f"/api/v1/notices/{n2}"))["current"] is False
    assert ids(client.get("/api/v1/notices?current=true")) == notice_ids(trail, "n4")


def test_notices_page_by_cursor(client, trail):
    seen, url, pages = [], "/api/v1/notices?limit=1", 0
    while url:
        response = client.get(url)
        body = ok(response)
        seen += [item["id"] for item in body["items"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        url, pages = body["next"], pages + 1
    assert seen == notice_ids(trail, "n1", "n2", "n3", "n4") and pages == 4
    second = ok(client.get("/api/v1/notices?limit=3&kind=dormant"))
    assert second["next"] is None and len(second["items"]) == 2
    problem(client.get("/api/v1/notices?cursor=bm90LWEtY3Vyc29y"), 422)


def test_notices_as_csv_one_row_per_organisation(client, trail):
    response = client.get("/api/v1/notices?format=csv&authority=320102")
    rows = csv_rows(response)
    assert list(rows[0]) == [spec.name for spec in NOTICE_LISTING_FIELDS]
    a, b, h = (trail["orgs"][k] for k in "abh")
    assert [(r["number"], r["uscc"], r["responded_on"]) for r in rows] == [
        ("玄民公告〔2026〕1号", a.uscc, "2026-03-20"),
        ("玄民公告〔2026〕1号", b.uscc, ""),
        ("玄民公告〔2026〕1号", h.uscc, ""),
        ("玄民告〔2026〕3号", b.uscc, ""),
    ]
    lines = client.get("/api/v1/notices?format=jsonl&kind=decision").get_data(as_text=True)
    records = [json.loads(line) for line in lines.splitlines()]
    assert [(r["notice_id"], r["uscc"], r["status"]) for r in records] == [
        (trail["notices"]["n4"].id, trail["orgs"]["d"].uscc, "revoked")
    ]


def test_unknown_notices_and_bad_arguments(client, trail):
    problem(client.get("/api/v1/notices/999999"), 404)
    problem(client.get(f"/api/v1/notices/{2**63}"), 404)
    problem(client.get(f"/api/v1/decisions/{2**70}"), 404)
    problem(client.get(f"/api/v1/notices/{2**40}"), 404)  # past PostgreSQL's INTEGER
    problem(client.get(f"/api/v1/decisions/{2**40}"), 404)
    past = encode_cursor(2**40)
    for path in ("/api/v1/notices", "/api/v1/decisions", "/api/v1/at-risk"):
        problem(client.get(f"{path}?cursor={past}"), 422)  # a cursor past the ids
    for query in (
        "authority=32",
        "kind=zombie",
        "current=maybe",
        "published_from=2026-06-01&published_to=2026-05-01",
        "limit=0",
        "format=xml",
    ):
        problem(client.get(f"/api/v1/notices?{query}"), 422)
    problem(client.get("/api/v1/notices/feed.atom?authority=3"), 422)
    problem(client.get("/api/v1/decisions?kind=dissolution"), 422)
    problem(client.get("/api/v1/at-risk?state=revoked"), 422)
    problem(client.get("/api/v1/at-risk?criterion=bankrupt"), 422)


# -- the Atom feed ------------------------------------------------------------------------------


def test_the_atom_feed_lists_the_newest_notices(client, trail):
    response = client.get("/api/v1/notices/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2026-06-10T00:00:00+08:00"
    entries = feed.findall(f"{ATOM}entry")
    notices = trail["notices"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"urn:registry:notice:{notices[k].id}" for k in ("n4", "n3", "n2", "n1")
    ]
    newest = entries[0]
    assert newest.findtext(f"{ATOM}updated") == "2026-06-10T00:00:00+08:00"
    assert "历民公告〔2026〕4号" in newest.findtext(f"{ATOM}title")
    links = {link.get("type"): link for link in newest.findall(f"{ATOM}link")}
    assert set(links) == {"text/html", "application/json"}
    assert all(link.get("rel") == "alternate" for link in links.values())
    html, api = links["text/html"].get("href"), links["application/json"].get("href")
    assert html.endswith(f"/documents/notices/{notices['n4'].id}")
    path = api[api.index("/api/") :]
    assert ok(client.get(path))["number"] == "历民公告〔2026〕4号"
    oldest = entries[-1].findtext(f"{ATOM}content")
    assert trail["orgs"]["a"].name in oldest and trail["orgs"]["h"].uscc in oldest
    assert "2026-03-20" in oldest  # a came forward: public
    assert MARKER not in response.get_data(as_text=True)


def test_the_feed_is_cacheable_and_filtered(client, trail):
    first = client.get("/api/v1/notices/feed.atom")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/notices/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    feed = ET.fromstring(client.get("/api/v1/notices/feed.atom?authority=320000").data)
    assert len(feed.findall(f"{ATOM}entry")) == 3
    assert feed.findtext(f"{ATOM}id") != ET.fromstring(first.data).findtext(f"{ATOM}id")
    empty = ET.fromstring(client.get("/api/v1/notices/feed.atom?authority=110000").data)
    assert empty.findall(f"{ATOM}entry") == [] and empty.findtext(f"{ATOM}updated")


def test_the_feed_carries_fifty_notices(client, session, clock):
    org = organisation(session, clock)
    start = d(2026, 1, 1)
    for n in range(52):
        notice(
            session,
            NoticeKind.DORMANT,
            "320102",
            f"玄民公告〔2026〕{n + 10}号",
            start + timedelta(days=n),
            start + timedelta(days=n + 59),
            [(org, None)],
        )
    session.commit()
    entries = ET.fromstring(client.get("/api/v1/notices/feed.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == 50
    assert "〔2026〕61号" in entries[0].findtext(f"{ATOM}title")  # the newest first
    assert "〔2026〕12号" in entries[-1].findtext(f"{ATOM}title")


def test_the_spec_documents_the_feed_as_atom(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    content = spec["paths"]["/api/v1/notices/feed.atom"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/atom+xml"]


# -- decisions ----------------------------------------------------------------------------------


def test_decisions_with_their_windows(client, trail):
    items = ok(client.get("/api/v1/decisions"))["items"]
    decisions = trail["decisions"]
    assert [i["id"] for i in items] == [decisions["h"].id, decisions["d"].id]
    revocation = items[1]
    assert list(revocation) == [spec.name for spec in DECISION_FIELDS]
    assert revocation == {
        "id": decisions["d"].id,
        "kind": "revocation",
        "number": "历民罚〔2026〕4号",
        "uscc": trail["orgs"]["d"].uscc,
        "name": "济南市历城区丁社会工作服务中心",
        "authority_code": "370112",
        "authority_name": revocation["authority_name"],
        "decided_on": "2026-06-10",
        "reason": "连续两年未参加年度检查",
        "basis": "《社会组织登记管理条例》",
        "certificate_due_on": "2026-06-17",
        "certificate_outcome": None,
        "certificate_outcome_on": None,
        "review_until": "2026-08-09",
        "lawsuit_until": "2026-12-10",
        "served_by_notice": "历民公告〔2026〕4号",
    }
    assert items[0]["certificate_outcome"] == "returned" and items[0]["served_by_notice"] is None
    assert ok(client.get(f"/api/v1/decisions/{decisions['d'].id}")) == revocation
    problem(client.get("/api/v1/decisions/424242"), 404)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authority=320000", ["h"]),
        ("authority=370100", ["d"]),
        ("kind=revocation", ["d"]),
        ("kind=simplified_deregistration", ["h"]),
        ("decided_from=2026-03-01", ["d"]),
        ("decided_to=2026-03-01", ["h"]),
        ("authority=320102&kind=revocation", []),
    ],
)
def test_decision_filters(client, trail, query, expected):
    assert ids(client.get(f"/api/v1/decisions?{query}")) == [
        trail["decisions"][k].id for k in expected
    ]


def test_decisions_by_organisation_and_as_csv(client, trail):
    h = trail["orgs"]["h"]
    assert ids(client.get(f"/api/v1/decisions?uscc={h.uscc.lower()}")) == [
        trail["decisions"]["h"].id
    ]
    rows = csv_rows(client.get("/api/v1/decisions?format=csv"))
    assert [(r["kind"], r["certificate_outcome"]) for r in rows] == [
        ("simplified_deregistration", "returned"),
        ("revocation", ""),
    ]


# -- the at-risk list ---------------------------------------------------------------------------


def usccs(trail: dict[str, Any], *keys: str) -> list[str]:
    return [trail["orgs"][k].uscc for k in keys]


def at_risk(client, query: str = "") -> list[str]:
    return [item["uscc"] for item in ok(client.get(f"/api/v1/at-risk?{query}"))["items"]]


def test_at_risk_lists_open_cases_before_a_decision(client, trail):
    items = ok(client.get("/api/v1/at-risk"))["items"]
    # a restored, h closed, d revoked (decision in effect): not at risk; candidates hidden
    assert [item["uscc"] for item in items] == usccs(trail, "b", "c", "f")
    b, c, f = items
    assert list(b) == [spec.name for spec in AT_RISK_FIELDS]
    assert b == {
        "uscc": trail["orgs"]["b"].uscc,
        "name": "南京市玄武区乙养老服务中心",
        "kind": "social_service_agency",
        "authority_code": "320102",
        "authority_name": b["authority_name"],
        "source": "case",
        "state": "prior_notice_issued",
        "opened_on": "2026-01-10",
        "criteria": "missed_reports,unreachable",
        "notice_number": "玄民告〔2026〕3号",  # the prior notice, the latest
        "notice_ends_on": "2026-06-06",
    }
    assert (c["state"], c["notice_number"], c["notice_ends_on"]) == (
        "notice_published",
        "秦民公告〔2026〕2号",
        "2026-07-18",
    )
    assert (f["state"], f["notice_number"], f["notice_ends_on"]) == ("under_review", None, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authority=320104", ["c"]),
        ("authority=320100", ["b", "c", "f"]),
        ("authority=370000", []),
        ("state=notice_published", ["c"]),
        ("state=awaiting_decision", []),
        ("state=detected", []),  # candidates are not published here
        ("criterion=unreachable", ["b"]),
        ("criterion=missed_reports", ["b", "c"]),
        ("criterion=no_activity&authority=320102", ["f"]),
    ],
)
def test_at_risk_filters(client, trail, query, expected):
    assert at_risk(client, query) == usccs(trail, *expected)


def test_proposals_show_as_awaiting_decision(client, session, trail):
    trail["cases"]["b"].state = S.REVOCATION_PROPOSED
    session.commit()
    assert at_risk(client, "state=awaiting_decision") == usccs(trail, "b")


@pytest.fixture
def with_candidates(app, monkeypatch):
    publish_candidates(app, monkeypatch)


def test_at_risk_with_candidates(client, trail, with_candidates):
    items = ok(client.get("/api/v1/at-risk"))["items"]
    # f has both a candidate row and an open case: listed once, as its case
    assert [item["uscc"] for item in items] == usccs(trail, "b", "c", "e", "f")
    e = items[2]
    assert (e["source"], e["state"], e["opened_on"], e["criteria"]) == (
        "candidate",
        "detected",
        "2026-06-01",
        "missed_reports,long_abnormal",
    )
    assert e["notice_number"] is None and items[3]["source"] == "case"
    assert at_risk(client, "state=detected") == usccs(trail, "e")
    assert at_risk(client, "criterion=long_abnormal") == usccs(trail, "e")
    assert at_risk(client, "criterion=missed_reports") == usccs(trail, "b", "c", "e")
    assert at_risk(client, "authority=320104") == usccs(trail, "c")
    seen, url = [], "/api/v1/at-risk?limit=3"
    while url:
        body = ok(client.get(url))
        seen += [item["uscc"] for item in body["items"]]
        url = body["next"]
    assert seen == usccs(trail, "b", "c", "e", "f")
    rows = csv_rows(client.get("/api/v1/at-risk?format=csv"))
    assert [(r["source"], r["notice_ends_on"]) for r in rows] == [
        ("case", "2026-06-06"),
        ("case", "2026-07-18"),
        ("candidate", ""),
        ("case", ""),
    ]


# -- nothing private ----------------------------------------------------------------------------


def test_nothing_private_reaches_any_public_answer(client, trail, with_candidates):
    officer_ = trail["officer"]
    paths = [
        "/api/v1/notices",
        *(f"/api/v1/notices/{n.id}" for n in trail["notices"].values()),
        "/api/v1/notices?format=csv",
        "/api/v1/notices?format=jsonl",
        "/api/v1/notices/feed.atom",
        "/api/v1/decisions",
        *(f"/api/v1/decisions/{x.id}" for x in trail["decisions"].values()),
        "/api/v1/decisions?format=csv",
        "/api/v1/decisions?format=jsonl",
        "/api/v1/at-risk",
        "/api/v1/at-risk?format=csv",
        "/api/v1/at-risk?format=jsonl",
        *(f"/api/v1/organisations/{o.uscc}" for o in trail["orgs"].values()),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert MARKER not in body, path
        assert officer_.username not in body and officer_.full_name not in body, path
        assert "reviewer1" not in body, path
        if response.mimetype == "application/json":
            keys: set[str] = set()
            _keys(response.get_json(), keys)
            assert not {k for k in keys if FORBIDDEN.search(k)}, path
            assert not keys & {"response", "evidence", "outcome_reason", "case_officer"}, path


def _keys(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        found.update(node)
        for value in node.values():
            _keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _keys(item, found)


# -- removed organisations stay visible ---------------------------------------------------------


def test_deregistered_and_revoked_organisations_stay_searchable(client, trail):
    for key, status, on, reason in (
        ("h", "deregistered", "2026-02-01", "简易注销：连续两年未参加年度检查"),
        ("d", "revoked", "2026-06-10", "撤销登记：无法取得联系且未参加年检"),
    ):
        org = trail["orgs"][key]
        found = ok(client.get(f"/api/v1/search?q={org.name}"))
        assert found["backend"] == "database"
        hits = [hit for hit in found["items"] if hit["uscc"] == org.uscc]
        assert hits and hits[0]["status"] == status, found
        by_status = ok(client.get(f"/api/v1/search?q={org.name}&status={status}"))
        assert [hit["uscc"] for hit in by_status["items"]] == [org.uscc]
        record = ok(client.get(f"/api/v1/organisations/{org.uscc}"))
        assert (record["status"], record["status_date"], record["status_reason"]) == (
            status,
            on,
            reason,
        )
        assert record["deregistration_procedure"] is False
    in_procedure = ok(client.get(f"/api/v1/organisations/{trail['orgs']['b'].uscc}"))
    assert in_procedure["deregistration_procedure"] is True
    assert in_procedure["status"] == "active"
