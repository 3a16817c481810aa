"""/api/v1/stats?division=: the register counts by domicile, the inspections, charities and
trusts by authority, within a province, a prefecture and a county, against the records of
tests/organisations/division_register.py; the 422s; the national body unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from tests.organisations.division_register import build_division_register

#: the keys /api/v1/stats answered before it took a division
NATIONAL_KEYS = {
    "total",
    "community_organisations",
    "by_kind",
    "by_status",
    "by_kind_and_status",
    "by_province",
    "by_founding_year",
    "charities",
    "charities_by_authority",
    "inspections",
    "charity_trusts",
}


@pytest.fixture
def register(session, clock) -> dict[str, Any]:
    return build_division_register(session, clock)


def stats(client, division: str | None = None) -> dict[str, Any]:
    url = "/api/v1/stats" + (f"?division={division}" if division else "")
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def kinds(group: int = 0, agency: int = 0, foundation: int = 0) -> dict[str, int]:
    return {"social_group": group, "social_service_agency": agency, "foundation": foundation}


def subdivisions(body: dict[str, Any]) -> dict[str, tuple[int, dict[str, int]]]:
    """The subdivisions with organisations: code → (count, by kind)."""
    return {
        row["division_code"]: (row["count"], row["by_kind"])
        for row in body["by_subdivision"]
        if row["count"]
    }


def participation(body: dict[str, Any]) -> dict[int, tuple[int, int, int]]:
    return {
        row["year"]: (row["obliged"], row["filed"], row["on_time"]) for row in body["inspections"]
    }


def adds_up(body: dict[str, Any]) -> None:
    """Every organisation within is in one subdivision or at the division's own code."""
    rows = body["by_subdivision"]
    assert sum(r["count"] for r in rows) + body["at_division_level"]["count"] == body["total"]
    for kind, n in body["by_kind"].items():
        in_rows = sum(r["by_kind"][kind] for r in rows)
        assert in_rows + body["at_division_level"]["by_kind"][kind] == n
    assert all(r["count"] == sum(r["by_kind"].values()) for r in rows)


def test_national(client, register):
    body = stats(client)
    assert set(body) >= NATIONAL_KEYS
    assert (body["division_code"], body["division_name"], body["division_level"]) == (
        "100000",
        "中华人民共和国",
        "national",
    )
    assert body["total"] == 10 and body["charities"] == 2
    assert body["by_kind"] == kinds(4, 5, 1)
    assert subdivisions(body) == {
        "110000": (2, kinds(group=2)),
        "320000": (7, kinds(1, 5, 1)),
        "370000": (1, kinds(group=1)),
    }
    # every province is listed, with or without organisations
    assert len(body["by_subdivision"]) == 34
    assert {r["level"] for r in body["by_subdivision"]} == {"province"}
    assert body["at_division_level"] == {"count": 0, "by_kind": kinds()}
    adds_up(body)
    assert participation(body) == {2024: (9, 1, 1), 2025: (9, 4, 3)}
    assert [(r["authority_code"], r["count"]) for r in body["charities_by_authority"]] == [
        ("320102", 1),
        ("370112", 1),
    ]
    assert body["charity_trusts"]["count"] == 3
    # 100000 is the country, the same answer to the byte
    assert client.get("/api/v1/stats?division=100000").data == client.get("/api/v1/stats").data


def test_a_province_counts_domicile_and_authority_apart(client, register):
    body = stats(client, "320000")
    assert set(body) >= NATIONAL_KEYS
    assert (body["division_name"], body["division_level"]) == ("江苏省", "province")
    # by domicile: d (Shandong's authority, Suzhou domicile) in; e (Nanjing's, in Jinan) out
    assert body["total"] == 7
    assert body["by_kind"] == kinds(1, 5, 1)
    assert body["by_status"] == {"active": 6, "deregistered": 1}
    assert body["by_province"] == [{"division_code": "320000", "name": "江苏省", "count": 7}]
    assert body["charities"] == 2 and body["community_organisations"] == 1
    assert subdivisions(body) == {"320100": (5, kinds(1, 3, 1)), "320500": (1, kinds(agency=1))}
    assert {r["level"] for r in body["by_subdivision"]} == {"prefecture"}
    # f is domiciled at 320000 itself: in no prefecture
    assert body["at_division_level"] == {"count": 1, "by_kind": kinds(agency=1)}
    adds_up(body)
    # by authority: a, b, c, e, h (f deregistered in 2023); d and i are Shandong's
    assert participation(body) == {2024: (5, 0, 0), 2025: (5, 3, 2)}
    assert body["charities_by_authority"] == [
        {"authority_code": "320102", "name": register["h"].authority.name, "count": 1,
         "public_fundraising": 1}
    ]  # fmt: skip
    trusts = body["charity_trusts"]
    assert (trusts["count"], trusts["in_force"], trusts["property_amount"]) == (2, 2, 3000.5)
    assert [r["authority_code"] for r in trusts["by_authority"]] == ["320000", "320102"]
    assert [(r["year"], r["count"]) for r in trusts["by_year"]] == [(2024, 1), (2025, 1)]
    # the year's figures are those of the participation resource for the same division
    year = client.get("/api/v1/inspections/participation?year=2025&division=320000").get_json()
    assert body["inspections"][-1] == {"year": 2025, **year["total"]}


def test_a_prefecture_and_a_county(client, register):
    nanjing = stats(client, "320100")
    assert (nanjing["division_name"], nanjing["division_level"]) == ("南京市", "prefecture")
    assert nanjing["total"] == 5 and nanjing["charities"] == 2
    assert subdivisions(nanjing) == {"320102": (3, kinds(1, 1, 1)), "320104": (2, kinds(agency=2))}
    names = {r["division_code"]: r["name"] for r in nanjing["by_subdivision"]}
    assert names["320102"] == "玄武区" and names["320104"] == "秦淮区"
    assert nanjing["at_division_level"]["count"] == 0
    adds_up(nanjing)
    assert participation(nanjing) == {2024: (4, 0, 0), 2025: (4, 2, 2)}
    assert [r["authority_code"] for r in nanjing["charities_by_authority"]] == ["320102"]
    # the province's trust (320000) is outside the prefecture
    assert [r["authority_code"] for r in nanjing["charity_trusts"]["by_authority"]] == ["320102"]
    assert nanjing["charity_trusts"]["property_amount"] == 1000.5

    county = stats(client, "320102")
    assert (county["division_name"], county["division_level"]) == ("玄武区", "county")
    assert county["total"] == 3 and county["by_subdivision"] == []
    assert county["at_division_level"] == {"count": 3, "by_kind": kinds(1, 1, 1)}
    assert county["charities"] == 1  # i, registered in Shandong
    assert participation(county) == {2024: (3, 0, 0), 2025: (3, 1, 1)}
    assert county["charity_trusts"]["count"] == 1


def test_another_province_gets_what_the_first_left_out(client, register):
    body = stats(client, "370000")
    assert body["total"] == 1 and subdivisions(body) == {"370100": (1, kinds(group=1))}
    assert participation(body) == {2024: (2, 0, 0), 2025: (2, 1, 1)}
    assert [r["authority_code"] for r in body["charities_by_authority"]] == ["370112"]
    trusts = body["charity_trusts"]
    assert (trusts["count"], trusts["property_amount"]) == (1, 500.0)
    # and a province with nothing at all answers zeros, not an error
    empty = stats(client, "650000")
    assert empty["total"] == 0 and empty["by_kind"] == {} and empty["charity_trusts"]["count"] == 0
    assert participation(empty) == {2024: (0, 0, 0), 2025: (0, 0, 0)}


def test_a_municipality_lists_its_districts_and_an_abolished_one_in_use(client, register):
    body = stats(client, "110000")
    rows = {r["division_code"]: r for r in body["by_subdivision"]}
    assert rows["110101"]["level"] == "county" and rows["110101"]["count"] == 1
    assert rows["110103"]["abolished_on"] == "2010-07-01" and rows["110103"]["count"] == 1
    assert "110104" not in rows  # abolished, and nobody is domiciled there
    assert rows["110105"]["count"] == 0 and rows["110105"]["abolished_on"] is None
    adds_up(body)
    # an abolished division is still a division: its figures are there
    assert stats(client, "110103")["total"] == 1


@pytest.mark.parametrize(
    "division", ["32", "3200000", "32000a", "abcdef", "", "999999", "320199", "%20320000"]
)
def test_a_bad_division_is_a_422_naming_it(client, session, division):
    response = client.get(f"/api/v1/stats?division={division}")
    assert response.status_code == 422, division
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert [e["field"] for e in body["errors"]] == ["division"]
    assert body["detail"].startswith("division: ")


def test_an_unknown_division_says_where_the_codes_are(client, session):
    body = client.get("/api/v1/stats?division=999999").get_json()
    assert "999999 is not a division" in body["errors"][0]["message"]
    assert "/api/v1/divisions" in body["errors"][0]["message"]


def test_an_empty_register_by_division(client, session):
    body = stats(client, "320100")
    assert body["total"] == 0 and body["inspections"] == []
    assert all(r["count"] == 0 for r in body["by_subdivision"])
    assert len(body["by_subdivision"]) == 11  # 南京市's districts
