"""The bulk files of the credit lists and ratings: the API's records, nothing private."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow.parquet as pq

from registry.credit.models import EntryGround, RemovalGround
from registry.credit.public import ENTRY_FIELDS
from registry.exports.datasets import DATASETS
from registry.exports.services import ExportService
from registry.ratings.models import Rating
from registry.ratings.public import RATING_FIELDS
from tests.credit.factories import entry, organisation

d = date


def test_the_datasets_are_registered_with_their_fields():
    assert DATASETS["credit-list-entries"].fields == ENTRY_FIELDS
    assert DATASETS["ratings"].fields == RATING_FIELDS
    assert DATASETS["credit-list-entries"].api_path == "/api/v1/credit-list-entries"


def test_export_matches_the_api(client, session, clock, tmp_path):
    org = organisation(session, clock)
    entry(
        session,
        org,
        EntryGround.REPORT_NOT_FILED,
        d(2025, 6, 1),
        d(2025, 7, 1),
        RemovalGround.REMEDIED,
        report_year=2024,
        notes="不公开的备注",
    )
    entry(session, org, EntryGround.MAJOR_FINE, d(2026, 3, 1))
    session.add(
        Rating(
            organisation_id=org.id,
            grade="3A",
            score=Decimal("712.5"),
            rated_on=d(2024, 5, 1),
            valid_until=d(2029, 4, 30),
            authority_id=org.authority_id,
            recorded_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
    )
    session.commit()
    ExportService(session, clock, tmp_path).run(["credit-list-entries", "ratings"])

    api = client.get("/api/v1/credit-list-entries").get_json()["items"]
    lines = (tmp_path / "credit-list-entries.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == api
    text = (tmp_path / "credit-list-entries.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["ground"] for row in rows] == ["report_not_filed", "major_fine"]
    assert rows[0]["removed_on"] == "2025-07-01" and rows[1]["removed_on"] == ""
    assert "不公开" not in text
    table = pq.read_table(tmp_path / "credit-list-entries.parquet")
    assert table.column_names == [spec.name for spec in ENTRY_FIELDS]

    ratings = (tmp_path / "ratings.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in ratings] == client.get("/api/v1/ratings").get_json()[
        "items"
    ]
    assert "712.5" not in (tmp_path / "ratings.csv").read_text(encoding="utf-8-sig")
