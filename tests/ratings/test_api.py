"""/api/v1/ratings (public) and the officers' rating endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from registry.ratings.models import Rating
from registry.ratings.public import RATING_FIELDS
from tests.accounts.factories import bearer, officer_with_token
from tests.credit.factories import organisation, report

d = date
NAMES = [spec.name for spec in RATING_FIELDS]


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def rating(session, org, grade, rated_on, valid_until, withdrawn_on=None) -> Rating:
    row = Rating(
        organisation_id=org.id,
        grade=grade,
        score=Decimal("800"),
        rated_on=rated_on,
        valid_until=valid_until,
        authority_id=org.authority_id,
        recorded_at=datetime(2020, 1, 1, tzinfo=UTC),
        withdrawn_on=withdrawn_on,
        withdrawal_reason="弄虚作假" if withdrawn_on else None,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def rated(session, clock):
    a = organisation(session, clock)
    b = organisation(session, clock, authority_code="320104", domicile_division_code="320104")
    rows = {
        "old": rating(session, a, "3A", d(2019, 5, 1), d(2024, 4, 30)),
        "current": rating(session, a, "4A", d(2024, 5, 1), d(2029, 4, 30)),
        "withdrawn": rating(session, b, "5A", d(2023, 1, 1), d(2027, 12, 31), d(2025, 3, 1)),
    }
    session.commit()
    return {"a": a, "b": b, **rows}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_every_rating_with_its_public_fields(client, rated):
    items = client.get("/api/v1/ratings").get_json()["items"]
    assert [i["id"] for i in items] == [rated[k].id for k in ("old", "current", "withdrawn")]
    assert list(items[2]) == NAMES
    assert items[2] == {
        "id": rated["withdrawn"].id,
        "uscc": rated["b"].uscc,
        "name": rated["b"].name,
        "grade": "5A",
        "rated_on": "2023-01-01",
        "valid_until": "2027-12-31",
        "withdrawn_on": "2025-03-01",
        "withdrawal_reason": "弄虚作假",
        "authority_code": "320104",
    }
    assert "score" not in items[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("current=true", ["current"]),
        ("current=false", ["old", "withdrawn"]),
        ("grade=4a", ["current"]),
        ("authority=320104", ["withdrawn"]),
    ],
)
def test_filters(client, rated, query, expected):
    assert ids(client.get(f"/api/v1/ratings?{query}")) == [rated[k].id for k in expected]


def test_filter_by_credit_code_and_paging(client, rated):
    assert ids(client.get(f"/api/v1/ratings?uscc={rated['a'].uscc}")) == [
        rated["old"].id,
        rated["current"].id,
    ]
    body = client.get("/api/v1/ratings?limit=2").get_json()
    assert ids(client.get(body["next"])) == [rated["withdrawn"].id]


@pytest.mark.parametrize("query", ["grade=6A", "grade=AAA", "current=perhaps", "authority=1"])
def test_bad_filters(client, rated, query):
    problem(client.get(f"/api/v1/ratings?{query}"), 422)


def test_csv(client, rated):
    text = client.get("/api/v1/ratings?format=csv&current=true").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(",") == NAMES and len(lines) == 2


def test_a_reviewer_rates_and_withdraws(client, session, clock):
    org = organisation(session, clock, founded_on=d(2020, 3, 1))
    report(session, org, 2024, d(2025, 4, 1), "pass")
    report(session, org, 2025, d(2026, 4, 1), "pass")
    _r, token = officer_with_token(session, "reviewer", "320102")
    _c, clerk = officer_with_token(session, "clerk", "320102")
    session.commit()
    path = f"/api/v1/officer/organisations/{org.uscc}/ratings"
    problem(client.post(path, json={"score": 910}), 401)
    problem(client.post(path, json={"score": 910}, headers=bearer(clerk)), 403)
    low = problem(client.post(path, json={"score": 420}, headers=bearer(token)), 422)
    assert "lowest band" in low["detail"]
    response = client.post(path, json={"score": 910.5}, headers=bearer(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert (created["grade"], created["rated_on"], created["valid_until"]) == (
        "5A",
        "2026-06-15",
        "2031-06-14",
    )
    record = client.get(f"/api/v1/organisations/{org.uscc}").get_json()
    assert (record["rating"], record["rating_valid_until"]) == ("5A", "2031-06-14")
    withdrawal = f"/api/v1/officer/ratings/{created['id']}/withdrawal"
    problem(client.post(withdrawal, json={}, headers=bearer(token)), 422)
    response = client.post(withdrawal, json={"reason": "评估材料不实"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["withdrawn_on"] == "2026-06-15"
    assert client.get(f"/api/v1/organisations/{org.uscc}").get_json()["rating"] is None
    problem(client.post(withdrawal, json={"reason": "again"}, headers=bearer(token)), 409)
    problem(
        client.post(
            "/api/v1/officer/ratings/999999/withdrawal", json={"reason": "x"}, headers=bearer(token)
        ),
        404,
    )


def test_an_ineligible_organisation_is_refused_naming_each_rule(client, session, clock):
    org = organisation(session, clock, founded_on=d(2025, 1, 1))
    _r, token = officer_with_token(session, "reviewer", "320102")
    session.commit()
    response = client.post(
        f"/api/v1/officer/organisations/{org.uscc}/ratings",
        json={"score": 950},
        headers=bearer(token),
    )
    body = problem(response, 422)
    assert "registered_two_years" in body["detail"]
    assert "registered_two_years" in str(body["errors"])
