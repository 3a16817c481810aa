"""/api/v1/catalog: the data catalogue, DCAT in JSON-LD, for portals and harvesters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.conventions import set_last_modified
from registry.exports.datasets import DATASETS, Dataset
from registry.exports.services import (
    PUBLISHER,
    export_directory,
    export_licence,
    licence_info,
    read_manifest,
)

bp = Blueprint(
    "catalog",
    __name__,
    url_prefix="/api/v1/catalog",
    description="Data catalogue (数据目录): the datasets, their downloads and licence, as "
    "DCAT in JSON-LD",
)

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CATALOG_SCHEMA = {
    "type": "object",
    "description": "A dcat:Catalog; relative IRIs resolve against this document's URL",
    "required": ["@context", "@id", "@type", "dct:title", "dct:license", "dcat:dataset"],
    "properties": {
        "@context": {"type": "object"},
        "@id": {"type": "string"},
        "@type": {"type": "string", "enum": ["dcat:Catalog"]},
        "dct:title": {"type": "array", "items": {"type": "object"}},
        "dct:license": {"type": "object"},
        "dcat:dataset": {
            "type": "array",
            "items": {"type": "object", "required": ["dct:identifier", "dcat:distribution"]},
        },
    },
}


def _text(zh: str, en: str) -> list[dict[str, str]]:
    return [{"@language": "zh", "@value": zh}, {"@language": "en", "@value": en}]


def _moment(value: str) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": value}


def _dataset(dataset: Dataset, entry: dict[str, Any] | None, licence: str) -> dict[str, Any]:
    distributions = []
    for file in (entry or {}).get("files", []):
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "dct:title": file["path"],
                "dcat:downloadURL": {"@id": url_for("exports.ExportFile", filename=file["path"])},
                "dcat:mediaType": file["media_type"].split(";")[0],
                "dcat:byteSize": {"@type": "xsd:nonNegativeInteger", "@value": str(file["bytes"])},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                    "spdx:checksumValue": {"@type": "xsd:hexBinary", "@value": file["sha256"]},
                },
                "dct:license": {"@id": licence},
            }
        )
    if dataset.api_path:
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "dct:title": "Live API: JSON, keyset-paged; format=csv or jsonl streams it whole",
                "dcat:accessURL": {"@id": dataset.api_path},
                "dcat:mediaType": "application/json",
                "dct:conformsTo": {"@id": url_for("api-docs.openapi_json")},
                "dct:license": {"@id": licence},
            }
        )
    described = {
        "@id": f"{url_for('catalog.Catalog')}#{dataset.name}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.name,
        "dct:title": _text(dataset.title_zh, dataset.title),
        "dct:description": {"@language": "en", "@value": dataset.description},
        "dct:license": {"@id": licence},
        "dcat:distribution": distributions,
    }
    if entry:
        described["dct:modified"] = _moment(entry["generated_at"])
    return described


def catalogue(manifest: dict[str, Any] | None, licence_id: str) -> dict[str, Any]:
    licence = licence_info(licence_id)["url"]
    entries = {e["dataset"]: e for e in (manifest or {}).get("datasets", [])}
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": url_for("catalog.Catalog"),
        "@type": "dcat:Catalog",
        "dct:title": _text(
            "社会组织登记信息开放数据", "Register of social organisations: open data"
        ),
        "dct:description": _text(
            "全国社会组织登记信息、变更记录与社区社会组织备案信息的批量下载与接口。",
            "Bulk downloads and API of the register of social organisations, their changes "
            "of registration and community organisation filings.",
        ),
        "dct:publisher": {
            "@type": "foaf:Agent",
            "foaf:name": _text(PUBLISHER["name_zh"], PUBLISHER["name"]),
        },
        "dct:license": {"@id": licence},
        "dcat:dataset": [
            _dataset(dataset, entries.get(name), licence) for name, dataset in DATASETS.items()
        ],
        "dcat:service": [
            {
                "@type": "dcat:DataService",
                "dct:title": "Change feed: every change in commit order, for mirrors",
                "dcat:endpointURL": {"@id": url_for("changes.Changes")},
                "dcat:endpointDescription": {"@id": url_for("api-docs.openapi_json")},
            }
        ],
    }
    if manifest:
        document["dct:modified"] = _moment(manifest["generated_at"])
    return document


@bp.route("")
class Catalog(MethodView):
    @bp.response(200, CATALOG_SCHEMA, content_type="application/ld+json")
    def get(self):
        """The catalogue: every dataset with its downloads, live API and licence (DCAT)."""
        manifest = read_manifest(export_directory(current_app))
        if manifest:
            set_last_modified(datetime.fromisoformat(manifest["generated_at"]))
        response: Response = current_app.json.response(catalogue(manifest, export_licence()))
        response.mimetype = "application/ld+json"
        return response
