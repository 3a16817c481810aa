"""Marshmallow schemas built from the public field specs, so the API, the bulk files and
the pages can never disagree on a field's name."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context
from marshmallow import Schema, fields, validate

from registry.exports.formats import csv_chunks, jsonl_chunks
from registry.public import FieldSpec

_TYPES: dict[str, type[fields.Field]] = {
    "string": fields.String,
    "integer": fields.Integer,
    "number": fields.Float,
    "boolean": fields.Boolean,
}


def field_for(spec: FieldSpec, *, required: bool = True) -> fields.Field:
    metadata = {"description": f"{spec.description} · {spec.description_zh}"}
    kind = spec.type
    kwargs: dict[str, Any] = {
        "required": required and not spec.nullable,
        "allow_none": spec.nullable,
    }
    if kind in ("date", "datetime"):
        fmt = "date" if kind == "date" else "date-time"
        return fields.String(**kwargs, metadata={**metadata, "format": fmt})
    return _TYPES[kind](**kwargs, metadata=metadata)


def schema_for(name: str, specs: Sequence[FieldSpec], **extra: fields.Field) -> type[Schema]:
    attrs: dict[str, Any] = {spec.name: field_for(spec) for spec in specs}
    attrs.update(extra)
    attrs["Meta"] = type("Meta", (), {"ordered": True})
    return type(name, (Schema,), attrs)


#: what format=csv and format=jsonl answer, merged into a list operation's 200 (bp.doc)
STREAMED = {
    "responses": {
        200: {  # flask-smorest keys its own responses by int: a "200" would replace it
            "content": {
                "text/csv": {"schema": {"type": "string", "description": "UTF-8 with BOM"}},
                "application/x-ndjson": {
                    "schema": {"type": "string", "description": "One JSON record a line"}
                },
            }
        }
    }
}


class FormatArgs(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv", "jsonl"]),
        metadata={
            "description": "json (paged), or csv / jsonl: the whole filtered result, streamed"
        },
    )


def stream(
    fmt: str, specs: Sequence[FieldSpec], records: Iterator[dict[str, Any]], filename: str
) -> Response:
    if fmt == "csv":
        body = csv_chunks(specs, records)
        mimetype = "text/csv"
    else:
        body = jsonl_chunks(records)
        mimetype = "application/x-ndjson"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
