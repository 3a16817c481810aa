from __future__ import annotations

from marshmallow import Schema, fields, validate

from registry.exports.services import FORMATS, MEDIA_TYPES

FILENAME_PARAM = {
    "in": "path",
    "name": "filename",
    "required": True,
    "description": "A file named in the manifest, such as organisations.csv",
    "schema": {"type": "string", "pattern": r"^[a-z0-9-]+\.(csv|jsonl|parquet)$"},
}


class _Ordered(Schema):
    class Meta:
        ordered = True


class FieldDescriptionSchema(_Ordered):
    name = fields.String(required=True, metadata={"description": "The same name as in the API"})
    type = fields.String(
        required=True,
        validate=validate.OneOf(["string", "integer", "number", "boolean", "date", "datetime"]),
    )
    nullable = fields.Boolean(required=True)
    description = fields.String(required=True)
    description_zh = fields.String(required=True)


class ExportFileSchema(_Ordered):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    path = fields.String(required=True, metadata={"description": "File name, for the URL below"})
    url = fields.String(required=True, metadata={"description": "Where to download it"})
    media_type = fields.String(required=True, validate=validate.OneOf(list(MEDIA_TYPES.values())))
    rows = fields.Integer(required=True)
    bytes = fields.Integer(required=True)
    sha256 = fields.String(
        required=True, metadata={"description": "SHA-256 of the file, hexadecimal"}
    )


class ExportDatasetSchema(_Ordered):
    dataset = fields.String(required=True)
    title = fields.String(required=True)
    title_zh = fields.String(required=True)
    description = fields.String(required=True)
    rows = fields.Integer(required=True)
    generated_at = fields.String(required=True, metadata={"format": "date-time"})
    feed_cursor = fields.String(
        required=True, metadata={"description": "The change-feed cursor this dataset stands at"}
    )
    schema = fields.List(
        fields.Nested(FieldDescriptionSchema),
        required=True,
        metadata={"description": "Its fields, in file column order"},
    )
    files = fields.List(fields.Nested(ExportFileSchema), required=True)


class LicenceSchema(_Ordered):
    id = fields.String(required=True, metadata={"description": "SPDX identifier"})
    name = fields.String(required=True)
    url = fields.String(required=True)


class PublisherSchema(_Ordered):
    name = fields.String(required=True)
    name_zh = fields.String(required=True)


class ManifestSchema(_Ordered):
    generated_at = fields.String(required=True, metadata={"format": "date-time"})
    feed_cursor = fields.String(
        required=True,
        metadata={
            "description": "Load every file, then follow /api/v1/changes?since= this cursor "
            "(the oldest of the datasets' cursors)"
        },
    )
    licence = fields.Nested(LicenceSchema, required=True)
    publisher = fields.Nested(PublisherSchema, required=True)
    datasets = fields.List(fields.Nested(ExportDatasetSchema), required=True)
