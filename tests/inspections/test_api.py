"""/api/v1/inspections, its participation figures, /api/v1/stats and the bulk dataset: the
public sees years, dates and conclusions, never a report's contents or the notes."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from registry.exports import services as export_services
from registry.exports.datasets import DATASETS
from registry.exports.services import ExportService
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.services import InspectionService
from registry.public import FORBIDDEN
from tests.inspections.factories import SYSTEM, organisation, report

NAMES = [spec.name for spec in INSPECTION_FIELDS]
#: what the reports below hold that must never be public
PRIVATE = [
    "赵敏",
    "理事长",
    "遵守宪法",
    "1250000",
    "重阳节",
    "已成立党支部",
    "账目待核",
    "补交审计报告",
]


@pytest.fixture
def inspected(session, clock):  # type: ignore[no-untyped-def]
    """Three organisations of Xuanwu, one of Qinhuai, a provincial foundation; reports
    concluded pass, basic pass (ordered to correct) and fail; one still under review."""
    service = InspectionService(session, clock)
    group = organisation(session, clock, kind="social_group")
    agency = organisation(session, clock)
    silent = organisation(session, clock)
    qinhuai = organisation(session, clock, authority_code="320104")
    fund = organisation(session, clock, kind="foundation")
    passed = report(session, clock, group, 2025, date(2026, 3, 2))
    service.conclude(SYSTEM, passed.id, "pass", None, review_notes="账目待核")
    basic = report(session, clock, agency, 2025, date(2026, 6, 3))
    service.conclude(SYSTEM, basic.id, "basic_pass", "年度报告填写不完整", date(2026, 6, 10))
    service.order_correction(SYSTEM, basic.id, "补交审计报告", date(2026, 8, 31))
    failed = report(session, clock, agency, 2024, date(2025, 5, 20))
    service.conclude(SYSTEM, failed.id, "fail", "未按章程开展活动", date(2025, 7, 1))
    report(session, clock, qinhuai, 2025, date(2026, 5, 31))
    report(session, clock, fund, 2025, date(2026, 4, 1))
    session.commit()
    return {
        "group": group,
        "agency": agency,
        "silent": silent,
        "qinhuai": qinhuai,
        "fund": fund,
        "basic": basic,
    }


def test_the_list_holds_public_fields_only(client, inspected):
    response = client.get("/api/v1/inspections")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == 5
    for item in items:
        assert list(item) == NAMES
    body = response.get_data(as_text=True)
    assert [word for word in PRIVATE if word in body] == []
    basic = next(i for i in items if i["conclusion"] == "basic_pass")
    assert basic == {
        "uscc": inspected["agency"].uscc,
        "name": inspected["agency"].name,
        "year": 2025,
        "registration_authority_code": "320102",
        "submitted_on": "2026-06-03",
        "due_on": "2026-05-31",
        "late": True,
        "conclusion": "basic_pass",
        "conclusion_reasons": "年度报告填写不完整",
        "concluded_on": "2026-06-10",
        "correction_deadline": "2026-08-31",
        "corrected_on": None,
    }
    fund = next(i for i in items if i["uscc"] == inspected["fund"].uscc)
    assert (fund["due_on"], fund["late"], fund["conclusion"]) == ("2026-03-31", True, None)
    qinhuai = next(i for i in items if i["uscc"] == inspected["qinhuai"].uscc)
    assert qinhuai["late"] is False  # on the due day


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("year=2025", 4),
        ("year=2024", 1),
        ("authority=320102", 3),
        ("authority=320000", 1),
        ("division=320100", 5),  # the foundation's domicile is in Xuanwu too
        ("division=320104", 1),
        ("conclusion=fail", 1),
        ("conclusion=pass&year=2025", 1),
        ("year=2023", 0),
    ],
)
def test_filters(client, inspected, query, count):
    assert len(client.get(f"/api/v1/inspections?{query}").get_json()["items"]) == count


def test_filter_by_credit_code_and_pages(client, inspected):
    uscc = inspected["agency"].uscc
    got = client.get(f"/api/v1/inspections?uscc={uscc.lower()}").get_json()["items"]
    assert sorted(i["year"] for i in got) == [2024, 2025]
    first = client.get("/api/v1/inspections?limit=2")
    page = first.get_json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert first.headers["Link"].startswith("<")
    seen = [i["uscc"] + str(i["year"]) for i in page["items"]]
    while page["next"]:
        page = client.get(page["next"]).get_json()
        seen += [i["uscc"] + str(i["year"]) for i in page["items"]]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    "query", ["cursor=bm90LWEtY3Vyc29y", "conclusion=excellent", "year=abc", "authority=32"]
)
def test_bad_arguments_are_422_problems(client, session, query):
    response = client.get(f"/api/v1/inspections?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_csv_and_json_lines_stream_the_same_public_records(client, inspected):
    api = client.get("/api/v1/inspections").get_json()["items"]
    response = client.get("/api/v1/inspections?format=jsonl")
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert lines == api
    response = client.get("/api/v1/inspections?format=csv&year=2025")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4 and list(rows[0]) == NAMES
    assert {r["late"] for r in rows} == {"true", "false"}
    assert [word for word in PRIVATE if word in text] == []


def test_the_dataset_holds_the_apis_records_in_every_format(
    client, session, clock, inspected, tmp_path, monkeypatch
):
    api = client.get("/api/v1/inspections").get_json()["items"]
    assert DATASETS["inspections"].api_path == "/api/v1/inspections"
    assert not [s.name for s in DATASETS["inspections"].fields if FORBIDDEN.search(s.name)]
    manifest = ExportService(session, clock, tmp_path / "fast").run(["inspections"])
    (entry,) = manifest["datasets"]
    assert entry["dataset"] == "inspections" and entry["rows"] == 5
    lines = (tmp_path / "fast" / "inspections.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == api
    monkeypatch.setattr(export_services, "CSV_WRITERS", {})
    ExportService(session, clock, tmp_path / "portable").run(["inspections"], ("csv",))
    fast = (tmp_path / "fast" / "inspections.csv").read_bytes()
    assert fast == (tmp_path / "portable" / "inspections.csv").read_bytes()
    api_csv = client.get("/api/v1/inspections?format=csv").get_data()
    assert fast == api_csv


def test_participation_endpoint_counts_what_was_created(client, inspected):
    response = client.get("/api/v1/inspections/participation?year=2025")
    assert response.status_code == 200
    body = response.get_json()
    # Obliged for 2025: the group, the agency, the silent agency, Qinhuai's, the foundation.
    # Filed: four; on time: the group (2 March) and Qinhuai's (31 May).
    assert body["total"] == {
        "obliged": 5,
        "filed": 4,
        "on_time": 2,
        "rate": 80.0,
        "on_time_rate": 40.0,
    }
    assert body["due_on"] == {
        "social_groups_and_agencies": "2026-05-31",
        "foundations_and_charities": "2026-03-31",
    }
    by_code = {a["authority_code"]: a for a in body["authorities"]}
    assert (by_code["320102"]["obliged"], by_code["320102"]["filed"]) == (3, 2)
    assert by_code["320102"]["rate"] == 66.67
    assert (by_code["320000"]["filed"], by_code["320000"]["on_time"]) == (1, 0)
    assert body["provinces"] == [
        {
            "division_code": "320000",
            "name": "江苏省",
            "obliged": 5,
            "filed": 4,
            "on_time": 2,
            "rate": 80.0,
            "on_time_rate": 40.0,
        }
    ]
    assert [(p["division_code"], p["obliged"]) for p in body["prefectures"]] == [("320100", 4)]
    county = client.get("/api/v1/inspections/participation?year=2025&division=320104").get_json()
    assert county["total"]["obliged"] == 1 and county["division_code"] == "320104"
    assert county["provinces"] == county["prefectures"] == []


@pytest.mark.parametrize("query", ["", "year=twenty", "year=2025&division=3201"])
def test_participation_needs_a_year(client, session, query):
    response = client.get(f"/api/v1/inspections/participation?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_stats_gain_national_participation_by_year(client, inspected):
    body = client.get("/api/v1/stats").get_json()
    assert {"total", "by_kind", "by_status", "by_province", "charities"} <= set(body)
    assert body["total"] == 5
    assert body["inspections"] == [
        {"year": 2024, "obliged": 5, "filed": 1, "on_time": 1, "rate": 20.0, "on_time_rate": 20.0},
        {"year": 2025, "obliged": 5, "filed": 4, "on_time": 2, "rate": 80.0, "on_time_rate": 40.0},
    ]


def test_stats_without_reports_have_no_inspection_years(client, session):
    assert client.get("/api/v1/stats").get_json()["inspections"] == []
