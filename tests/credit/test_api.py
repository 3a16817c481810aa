"""/api/v1/credit-list-entries (public) and the officers' credit endpoints."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.credit.models import EntryGround, RemovalGround
from registry.credit.public import ENTRY_FIELDS
from registry.public import FORBIDDEN
from tests.accounts.factories import bearer, officer_with_token
from tests.credit.factories import entry, organisation

G = EntryGround
d = date
NAMES = [spec.name for spec in ENTRY_FIELDS]


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.fixture
def listed(session, clock):
    """Two organisations of 320102 and one of 320104, with current and past entries."""
    a = organisation(session, clock, name="南京市玄武区甲社区服务中心")
    b = organisation(session, clock, name="南京市玄武区乙社区服务中心")
    c = organisation(
        session,
        clock,
        name="南京市秦淮区丙社区服务中心",
        authority_code="320104",
        domicile_division_code="320104",
    )
    rows = {
        "a_report": entry(
            session,
            a,
            G.REPORT_NOT_FILED,
            d(2025, 6, 1),
            d(2025, 7, 1),
            RemovalGround.REMEDIED,
            report_year=2024,
            notes="电话催报三次",
        ),
        "a_unreachable": entry(session, a, G.UNREACHABLE, d(2026, 2, 1), notes="内部备注"),
        "b_fine": entry(session, b, G.MAJOR_FINE, d(2026, 3, 1)),
        "c_minor": entry(session, c, G.MINOR_PENALTY, d(2025, 1, 10)),
    }
    session.commit()
    return {"a": a, "b": b, "c": c, **rows}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_every_entry_current_and_past_with_its_public_fields(client, listed):
    response = client.get("/api/v1/credit-list-entries")
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [
        listed[k].id for k in ("a_report", "a_unreachable", "b_fine", "c_minor")
    ]
    first = body["items"][0]
    assert list(first) == NAMES
    assert first == {
        "id": listed["a_report"].id,
        "uscc": listed["a"].uscc,
        "name": "南京市玄武区甲社区服务中心",
        "list": "abnormal",
        "ground": "report_not_filed",
        "detail": "未按规定报送2024年度工作报告",
        "report_year": 2024,
        "entered_on": "2025-06-01",
        "removed_on": "2025-07-01",
        "removal_ground": "remedied",
        "authority_code": "320102",
    }


def test_no_notes_and_no_officer_in_any_form(client, listed):
    for fmt in ("json", "jsonl", "csv"):
        text = client.get(f"/api/v1/credit-list-entries?format={fmt}").get_data(as_text=True)
        assert "电话催报" not in text and "内部备注" not in text
        assert "entered_by" not in text and "removed_by" not in text
    keys = {
        key
        for item in client.get("/api/v1/credit-list-entries").get_json()["items"]
        for key in item
    }
    assert not [key for key in keys if FORBIDDEN.search(key)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("list=dishonest", ["b_fine"]),
        ("list=abnormal&current=true", ["a_unreachable", "c_minor"]),
        ("current=false", ["a_report"]),
        ("authority=320104", ["c_minor"]),
        ("ground=unreachable", ["a_unreachable"]),
        ("entered_from=2026-01-01", ["a_unreachable", "b_fine"]),
        ("entered_to=2025-06-01", ["a_report", "c_minor"]),
        ("entered_from=2025-06-01&entered_to=2026-02-01", ["a_report", "a_unreachable"]),
    ],
)
def test_filters(client, listed, query, expected):
    assert ids(client.get(f"/api/v1/credit-list-entries?{query}")) == [
        listed[k].id for k in expected
    ]


def test_filter_by_credit_code(client, listed):
    uscc = listed["a"].uscc.lower()  # codes are matched whatever their case
    assert ids(client.get(f"/api/v1/credit-list-entries?uscc={uscc}")) == [
        listed["a_report"].id,
        listed["a_unreachable"].id,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "list=grey",
        "current=maybe",
        "ground=bad_luck",
        "authority=32",
        "uscc=short",
        "entered_from=2026-02-30",
        "entered_from=2026-03-01&entered_to=2026-01-01",
        "cursor=bm90LWEtY3Vyc29y",
        "limit=0",
    ],
)
def test_bad_filters_are_422_problems(client, listed, query):
    problem(client.get(f"/api/v1/credit-list-entries?{query}"), 422)


def test_keyset_pages(client, listed):
    first = client.get("/api/v1/credit-list-entries?limit=3")
    body = first.get_json()
    assert len(body["items"]) == 3 and body["next_cursor"]
    assert first.headers["Link"].startswith("<")
    second = client.get(body["next"]).get_json()
    assert [i["id"] for i in second["items"]] == [listed["c_minor"].id]
    assert second["next"] is None


def test_csv_and_jsonl_stream_the_filtered_entries(client, listed):
    response = client.get("/api/v1/credit-list-entries?format=csv&list=abnormal")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == NAMES and len(rows) == 4
    lines = client.get("/api/v1/credit-list-entries?format=jsonl&current=true").get_data(
        as_text=True
    )
    records = [json.loads(line) for line in lines.splitlines()]
    assert [r["ground"] for r in records] == ["unreachable", "major_fine", "minor_penalty"]


# -- officers ------------------------------------------------------------------------------


def test_officer_endpoints_need_a_token(client, listed):
    uscc = listed["a"].uscc
    for path in (
        f"/api/v1/officer/organisations/{uscc}/credit-entries",
        f"/api/v1/officer/credit-entries/{listed['a_unreachable'].id}/removal",
        f"/api/v1/officer/organisations/{uscc}/penalties",
        f"/api/v1/officer/organisations/{uscc}/contacts",
    ):
        problem(client.post(path, json={}), 401)


def test_a_reviewer_enters_and_removes_a_ground(client, session, listed):
    _holder, token = officer_with_token(session, "reviewer", "320102")
    session.commit()
    uscc = listed["b"].uscc
    response = client.post(
        f"/api/v1/officer/organisations/{uscc}/credit-entries",
        json={"ground": "rectification_not_met", "entered_on": "2026-06-01"},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert list(created) == NAMES
    assert (created["list"], created["ground"], created["entered_on"]) == (
        "abnormal",
        "rectification_not_met",
        "2026-06-01",
    )
    assert client.get(f"/api/v1/organisations/{uscc}").get_json()["abnormal_list"] is True
    removed = client.post(
        f"/api/v1/officer/credit-entries/{created['id']}/removal",
        json={"ground": "remedied", "on": "2026-06-10"},
        headers=bearer(token),
    )
    assert removed.status_code == 200
    assert removed.get_json()["removal_ground"] == "remedied"
    assert client.get(f"/api/v1/organisations/{uscc}").get_json()["abnormal_list"] is False
    again = client.post(
        f"/api/v1/officer/credit-entries/{created['id']}/removal",
        json={"ground": "rescinded"},
        headers=bearer(token),
    )
    assert "was removed on 2026-06-10" in problem(again, 409)["detail"]
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["credit.enter", "credit.remove"]


def test_refusals_are_clear_problems(client, session, listed):
    _r, reviewer = officer_with_token(session, "reviewer", "320102")
    _c, clerk = officer_with_token(session, "clerk", "320102")
    _o, other = officer_with_token(session, "reviewer", "320104")
    session.commit()
    path = f"/api/v1/officer/organisations/{listed['a'].uscc}/credit-entries"
    body = {"ground": "rectification_not_met"}
    assert (
        "allowed roles"
        in problem(client.post(path, json=body, headers=bearer(clerk)), 403)["detail"]
    )
    problem(client.post(path, json=body, headers=bearer(other)), 403)
    unreachable = client.post(path, json={"ground": "unreachable"}, headers=bearer(reviewer))
    assert "already on the abnormal list" in problem(unreachable, 422)["detail"]
    problem(client.post(path, json={**body, "notes": "x"}, headers=bearer(reviewer)), 422)
    problem(client.post(path, json={"ground": "major_fine"}, headers=bearer(reviewer)), 422)
    missing = "/api/v1/officer/organisations/51320102MJ0000000X/credit-entries"
    problem(client.post(missing, json=body, headers=bearer(reviewer)), 404)
    removal = f"/api/v1/officer/credit-entries/{listed['c_minor'].id}/removal"
    problem(client.post(removal, json={"ground": "remedied"}, headers=bearer(reviewer)), 403)


def test_penalties_and_contacts(client, session, listed):
    _r, reviewer = officer_with_token(session, "reviewer", "320102")
    _c, clerk = officer_with_token(session, "clerk", "320102")
    session.commit()
    uscc = listed["b"].uscc
    response = client.post(
        f"/api/v1/officer/organisations/{uscc}/penalties",
        json={"kind": "fine", "amount": 80000, "decided_on": "2026-05-20", "document_no": "罚8号"},
        headers=bearer(reviewer),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["penalty"] == {
        "id": body["penalty"]["id"],
        "uscc": uscc,
        "kind": "fine",
        "amount": 80000.0,
        "decided_on": "2026-05-20",
        "document_no": "罚8号",
    }
    assert (body["entry"]["list"], body["entry"]["ground"]) == ("dishonest", "major_fine")
    warning = client.post(
        f"/api/v1/officer/organisations/{uscc}/penalties",
        json={"kind": "warning", "amount": 10, "decided_on": "2026-05-20", "document_no": "罚9"},
        headers=bearer(reviewer),
    )
    assert "a warning has no amount" in problem(warning, 422)["detail"]
    contact = client.post(
        f"/api/v1/officer/organisations/{uscc}/contacts",
        json={"method": "letter", "attempted_on": "2026-05-01", "succeeded": False},
        headers=bearer(clerk),
    )
    assert contact.status_code == 201, contact.get_data(as_text=True)
    assert contact.get_json()["method"] == "letter" and contact.get_json()["reference"] is None
    clerk_penalty = client.post(
        f"/api/v1/officer/organisations/{uscc}/penalties",
        json={"kind": "warning", "decided_on": "2026-05-20", "document_no": "罚10"},
        headers=bearer(clerk),
    )
    problem(clerk_penalty, 403)
