"""The bulk files of the public trail: the API's records, in every format, nothing private."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from registry.deregistration.public import AT_RISK_FIELDS, DECISION_FIELDS, NOTICE_LISTING_FIELDS
from registry.exports.datasets import DATASETS
from registry.exports.services import ExportService
from tests.deregistration.public_factories import MARKER, build_trail, publish_candidates

NAMES = ("notices", "decisions", "at-risk")


@pytest.fixture
def with_candidates(app, monkeypatch):
    publish_candidates(app, monkeypatch)


def test_the_datasets_are_registered_with_their_fields():
    assert DATASETS["notices"].fields == NOTICE_LISTING_FIELDS
    assert DATASETS["decisions"].fields == DECISION_FIELDS
    assert DATASETS["at-risk"].fields == AT_RISK_FIELDS
    assert [DATASETS[name].api_path for name in NAMES] == [
        "/api/v1/notices",
        "/api/v1/decisions",
        "/api/v1/at-risk",
    ]


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_export_matches_the_api(client, session, clock, tmp_path):
    trail = build_trail(session, clock)
    manifest = ExportService(session, clock, tmp_path).run(list(NAMES))
    assert [entry["dataset"] for entry in manifest["datasets"]] == list(NAMES)
    rows = {entry["dataset"]: entry["rows"] for entry in manifest["datasets"]}
    # n1 names three organisations, n2, n3 and n4 one each
    assert rows == {"notices": 6, "decisions": 2, "at-risk": 3}

    streamed = client.get("/api/v1/notices?format=jsonl").get_data(as_text=True)
    assert _jsonl(tmp_path / "notices.jsonl") == [json.loads(x) for x in streamed.splitlines()]
    assert (
        _jsonl(tmp_path / "decisions.jsonl") == client.get("/api/v1/decisions").get_json()["items"]
    )
    assert _jsonl(tmp_path / "at-risk.jsonl") == client.get("/api/v1/at-risk").get_json()["items"]

    api_csv = client.get("/api/v1/notices?format=csv").get_data(as_text=True)
    assert _csv(tmp_path / "notices.csv") == list(csv.DictReader(io.StringIO(api_csv[1:])))
    first = _csv(tmp_path / "notices.csv")[0]
    assert first["uscc"] == trail["orgs"]["a"].uscc and first["responded_on"] == "2026-03-20"
    decisions = _csv(tmp_path / "decisions.csv")
    assert [r["certificate_outcome"] for r in decisions] == ["returned", ""]
    assert [r["served_by_notice"] for r in decisions] == ["", "历民公告〔2026〕4号"]

    specs = (NOTICE_LISTING_FIELDS, DECISION_FIELDS, AT_RISK_FIELDS)
    for name, fields in zip(NAMES, specs, strict=True):
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.column_names == [spec.name for spec in fields]
        for fmt in ("csv", "jsonl", "parquet"):
            assert MARKER.encode() not in (tmp_path / f"{name}.{fmt}").read_bytes(), name
    at_risk = pq.read_table(tmp_path / "at-risk.parquet").to_pylist()
    assert [r["state"] for r in at_risk] == [
        "prior_notice_issued",
        "notice_published",
        "under_review",
    ]
    assert str(at_risk[0]["notice_ends_on"]) == "2026-06-06"


def test_the_at_risk_file_follows_the_candidates_setting(
    client,
    session,
    clock,
    tmp_path,
    with_candidates,
):
    trail = build_trail(session, clock)
    ExportService(session, clock, tmp_path).run(["at-risk"])
    records = _jsonl(tmp_path / "at-risk.jsonl")
    assert records == client.get("/api/v1/at-risk").get_json()["items"]
    assert [(r["uscc"], r["source"]) for r in records] == [
        (trail["orgs"]["b"].uscc, "case"),
        (trail["orgs"]["c"].uscc, "case"),
        (trail["orgs"]["e"].uscc, "candidate"),
        (trail["orgs"]["f"].uscc, "case"),
    ]
    rows = _csv(tmp_path / "at-risk.csv")
    assert rows[2]["criteria"] == "missed_reports,long_abnormal"
    assert rows[2]["notice_number"] == "" and rows[2]["opened_on"] == "2026-06-01"
