"""The bulk files: the API's values in CSV, JSON Lines and Parquet, from one snapshot,
replaced atomically, served with their manifest and described in the catalogue."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from registry.community.services import CommunityService, Filing
from registry.exports import services
from registry.exports.datasets import DATASETS, Dataset, register
from registry.exports.services import ExportService
from registry.extensions import db
from registry.feed.services import FeedService
from registry.organisations.models import ChangeRecord, OrganisationKind
from registry.organisations.public import ORGANISATION_FIELDS
from registry.organisations.services import OrganisationService
from registry.public import FORBIDDEN, FieldSpec, text
from tests.organisations.factories import foundation, registration

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def registered(session, clock) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A few organisations (one with quotes, commas and a newline to quote), a change, a
    deregistration and a community filing, committed for the API to see."""
    service = OrganisationService(session, clock)
    agency = service.register(registration(name="南京市玄武区阳光养老服务中心"))
    group = service.register(
        registration(
            name="南京市玄武区书法协会",
            kind=OrganisationKind.SOCIAL_GROUP,
            business_scope='书法交流, "笔会"\n展览',
        )
    )
    fund = service.register(foundation(name="江苏省教育发展基金会"))
    clock.advance(days=1)
    service.record_change(
        agency.uscc, {"legal_representative": "李华"}, effective_on=date(2026, 6, 1)
    )
    service.deregister(group.uscc, on=date(2026, 6, 10), reason="自行解散")
    filing = CommunityService(session, clock).file(
        Filing(
            name="玄武门社区广场舞队",
            authority_code="320102",
            division_code="320102",
            person_in_charge="陈芳",
            domicile="玄武门街道百子亭社区",
            activity_scope="组织社区居民开展文体活动",
            filed_on=date(2024, 4, 10),
        )
    )
    session.commit()
    return {"uscc": [agency.uscc, group.uscc, fund.uscc], "filing": filing.filing_number}


def export(session, clock, directory: Path, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return ExportService(session, clock, directory).run(*args, **kwargs)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def api_organisation(client, uscc: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    record = client.get(f"/api/v1/organisations/{uscc}").get_json()
    record.pop("as_of")
    return record


def test_csv_is_excel_friendly_and_holds_the_apis_values(
    client, session, clock, registered, tmp_path
):
    export(session, clock, tmp_path)
    raw = (tmp_path / "organisations.csv").read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(b"\n") == raw.count(b"\r\n") + 1  # CRLF; one LF inside a quoted value
    rows = read_csv(tmp_path / "organisations.csv")
    assert list(rows[0]) == [spec.name for spec in ORGANISATION_FIELDS]
    assert [row["uscc"] for row in rows] == registered["uscc"]
    for row in rows:
        record = api_organisation(client, row["uscc"])
        assert row == {name: text(value) for name, value in record.items()}
    assert rows[1]["business_scope"] == '书法交流, "笔会"\n展览'
    assert rows[1]["status"] == "deregistered" and rows[1]["status_date"] == "2026-06-10"


def test_json_lines_are_the_apis_records(client, session, clock, registered, tmp_path):
    export(session, clock, tmp_path, formats=("jsonl",))
    organisations = read_jsonl(tmp_path / "organisations.jsonl")
    assert organisations == [api_organisation(client, uscc) for uscc in registered["uscc"]]
    changes = read_jsonl(tmp_path / "organisation-changes.jsonl")
    api_changes = [
        change
        for uscc in registered["uscc"]
        for change in client.get(f"/api/v1/organisations/{uscc}/changes").get_json()["items"]
    ]
    assert sorted(changes, key=json.dumps) == sorted(api_changes, key=json.dumps)
    filings = read_jsonl(tmp_path / "community-organisations.jsonl")
    number = registered["filing"]
    assert filings == [client.get(f"/api/v1/community-organisations/{number}").get_json()]
    authorities = read_jsonl(tmp_path / "authorities.jsonl")
    assert authorities == client.get("/api/v1/authorities").get_json()["items"]
    divisions = read_jsonl(tmp_path / "divisions.jsonl")
    assert divisions == client.get("/api/v1/divisions").get_json()["items"]


def test_parquet_reads_back_typed(client, session, clock, registered, tmp_path):
    export(session, clock, tmp_path, ["organisations", "authorities"], ("parquet",))
    table = pq.read_table(tmp_path / "organisations.parquet")
    assert table.num_rows == 3
    schema = table.schema
    assert schema.names == [spec.name for spec in ORGANISATION_FIELDS]
    assert schema.field("uscc").type == pa.string()
    assert schema.field("registered_funds").type == pa.decimal128(16, 2)
    assert schema.field("founded_on").type == pa.date32()
    assert schema.field("updated_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("is_charity").type == pa.bool_()
    assert schema.field("version").type == pa.int64()
    assert schema.field("uscc").metadata[b"description_zh"] == "统一社会信用代码".encode()
    first = table.to_pylist()[0]
    record = api_organisation(client, first["uscc"])
    assert first["registered_funds"] == Decimal(str(record["registered_funds"]))
    assert first["founded_on"].isoformat() == record["founded_on"]
    when = datetime.fromisoformat(record["updated_at"].replace("Z", "+00:00"))
    assert first["updated_at"] == when.astimezone(UTC)
    assert first["version"] == record["version"] == 2
    flags = pq.read_table(tmp_path / "authorities.parquet").column("registers_foundations")
    assert flags.type == pa.bool_() and set(flags.to_pylist()) == {True, False}


def test_manifest_names_sizes_checksums_schema_and_feed_cursor(
    session, clock, registered, tmp_path
):
    manifest = export(session, clock, tmp_path)
    assert manifest == json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["feed_cursor"] == str(FeedService(session).head()) != "0"
    assert manifest["licence"]["id"] == "CC-BY-4.0"
    assert manifest["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [d["dataset"] for d in manifest["datasets"]] == list(DATASETS)
    for entry in manifest["datasets"]:
        dataset = DATASETS[entry["dataset"]]
        assert entry["schema"] == [spec.as_dict() for spec in dataset.fields]
        assert [f["path"] for f in entry["files"]] == [
            f"{dataset.name}.{fmt}" for fmt in ("csv", "jsonl", "parquet")
        ]
        for file in entry["files"]:
            data = (tmp_path / file["path"]).read_bytes()
            assert file["bytes"] == len(data)
            assert file["sha256"] == hashlib.sha256(data).hexdigest()
            assert file["rows"] == entry["rows"]
    rows = {entry["dataset"]: entry["rows"] for entry in manifest["datasets"]}
    assert rows["organisations"] == 3 and rows["community-organisations"] == 1
    assert rows["organisation-changes"] == session.scalar(select(func.count(ChangeRecord.id)))


def test_the_fast_csv_paths_write_what_the_portable_one_does(
    session, clock, registered, tmp_path, monkeypatch
):
    export(session, clock, tmp_path / "fast", formats=("csv",))
    monkeypatch.setattr(services, "CSV_WRITERS", {})
    export(session, clock, tmp_path / "portable", formats=("csv",))
    for name in DATASETS:
        fast = (tmp_path / "fast" / f"{name}.csv").read_bytes()
        assert fast == (tmp_path / "portable" / f"{name}.csv").read_bytes(), name


def test_a_failed_export_leaves_the_previous_files_whole(
    session, clock, registered, tmp_path, monkeypatch
):
    export(session, clock, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    OrganisationService(session, clock).register(registration(name="南京市玄武区新成立协会"))

    def fail_midway(connection, fields, query, path, tick):  # type: ignore[no-untyped-def]
        path.write_bytes(b"\xef\xbb\xbfuscc,name\r\n51320")
        raise OSError("No space left on device")

    dialect = session.get_bind().dialect.name
    monkeypatch.setitem(services.CSV_WRITERS, dialect, fail_midway)
    with pytest.raises(OSError, match="No space"):
        export(session, clock, tmp_path, ["divisions", "organisations"])
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert after == before  # not one file touched, no temporary file left behind


def test_a_partial_run_keeps_the_other_datasets(session, clock, registered, tmp_path):
    first = export(session, clock, tmp_path, formats=("csv", "jsonl"))
    clock.advance(days=1)
    second = export(session, clock, tmp_path, ["divisions"], ("csv",))
    assert [d["dataset"] for d in second["datasets"]] == list(DATASETS)
    kept = {d["dataset"]: d for d in second["datasets"]}
    assert kept["organisations"] == first["datasets"][0]
    assert [f["format"] for f in kept["divisions"]["files"]] == ["csv"]
    assert kept["divisions"]["generated_at"] != kept["organisations"]["generated_at"]
    assert not (tmp_path / "divisions.jsonl").exists()
    assert (tmp_path / "organisations.jsonl").exists()


def test_a_fresh_session_reads_one_read_only_snapshot(app, clock, tmp_path, monkeypatch):
    seen: dict[str, str] = {}
    head = FeedService.head

    def spy(self):  # type: ignore[no-untyped-def]
        if self.session.get_bind().dialect.name == "postgresql":
            for setting in ("transaction_isolation", "transaction_read_only"):
                seen[setting] = self.session.execute(sql_text(f"SHOW {setting}")).scalar()
        return head(self)

    monkeypatch.setattr(FeedService, "head", spy)
    with app.app_context(), Session(db.engine) as fresh:
        manifest = ExportService(fresh, clock, tmp_path).run(["divisions"], ("csv",))
        assert not fresh.in_transaction()  # the snapshot ended with the export
    assert manifest["datasets"][0]["rows"] > 3000
    if seen:
        assert seen == {"transaction_isolation": "repeatable read", "transaction_read_only": "on"}


def test_exports_api_serves_the_manifest_and_listed_files_only(
    client, session, clock, registered, tmp_path, monkeypatch
):
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    missing = client.get("/api/v1/exports")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert "flask export run" in missing.get_json()["detail"]
    export(session, clock, tmp_path)
    manifest = client.get("/api/v1/exports").get_json()
    files = {f["path"]: f for d in manifest["datasets"] for f in d["files"]}
    assert files["organisations.csv"]["url"] == "/api/v1/exports/organisations.csv"
    expected = {
        "organisations.csv": "text/csv; charset=utf-8",
        "organisations.jsonl": "application/x-ndjson",
        "organisations.parquet": "application/vnd.apache.parquet",
    }
    for name, media_type in expected.items():
        response = client.get(f"/api/v1/exports/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == media_type
        assert response.data == (tmp_path / name).read_bytes()
        etag = response.headers["ETag"]
        again = client.get(f"/api/v1/exports/{name}", headers={"If-None-Match": etag})
        assert again.status_code == 304
    (tmp_path / "secret.csv").write_text("not listed")
    for name in ("../manifest.json", "..%2Fmanifest.json", "manifest.json", "secret.csv", "x.csv"):
        refused = client.get(f"/api/v1/exports/{name}")
        assert refused.status_code == 404, name
        assert refused.mimetype == "application/problem+json", name


def test_catalog_is_dcat_json_ld_of_every_dataset(
    client, session, clock, registered, tmp_path, monkeypatch
):
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    before = client.get("/api/v1/catalog")
    assert before.status_code == 200 and before.mimetype == "application/ld+json"
    document = before.get_json()
    assert {"dcat", "dct", "foaf"} <= set(document["@context"])
    assert document["@type"] == "dcat:Catalog"
    assert {t["@language"] for t in document["dct:title"]} == {"zh", "en"}
    assert document["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [d["dct:identifier"] for d in document["dcat:dataset"]] == list(DATASETS)
    live = document["dcat:dataset"][0]["dcat:distribution"]
    assert live == [d for d in live if "dcat:accessURL" in d]  # no download yet
    assert live[0]["dcat:accessURL"]["@id"] == "/api/v1/organisations"

    manifest = export(session, clock, tmp_path)
    monkeypatch.setenv("EXPORT_LICENCE", "CC0-1.0")
    document = client.get("/api/v1/catalog").get_json()
    assert document["dct:license"]["@id"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    for dataset, entry in zip(document["dcat:dataset"], manifest["datasets"], strict=True):
        downloads = [d for d in dataset["dcat:distribution"] if "dcat:downloadURL" in d]
        assert len(downloads) == 3
        for download, file in zip(downloads, entry["files"], strict=True):
            assert download["dcat:downloadURL"]["@id"] == f"/api/v1/exports/{file['path']}"
            assert download["dcat:byteSize"]["@value"] == str(file["bytes"])
            assert download["spdx:checksum"]["spdx:checksumValue"]["@value"] == file["sha256"]
            assert client.get(download["dcat:downloadURL"]["@id"]).status_code == 200


def test_no_dataset_publishes_a_private_field():
    for dataset in DATASETS.values():
        for spec in dataset.fields:
            assert not FORBIDDEN.search(spec.name), f"{dataset.name}: {spec.name}"
    leaky = Dataset(
        "leaky",
        "Leaky",
        "泄露",
        "never registered",
        (FieldSpec("contact_phone", "string", "Phone", "电话"),),
        DATASETS["divisions"].query,
    )
    with pytest.raises(ValueError, match="private fields"):
        register(leaky)
    assert "leaky" not in DATASETS


def test_the_command_writes_and_summarises(app, session, registered, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["export", "run", "--directory", str(tmp_path), "--dataset", "organisations"]
    )
    assert result.exit_code == 0, result.output
    assert "organisations.parquet" in result.output and "rows/s" in result.output
    assert {p.name for p in tmp_path.iterdir()} >= {"manifest.json", "organisations.csv"}
    wrong = runner.invoke(args=["export", "run", "--directory", str(tmp_path), "--dataset", "x"])
    assert wrong.exit_code == 1 and "unknown datasets" in wrong.output
