from __future__ import annotations

from marshmallow import Schema, fields, validate

from openapi.resources.organisations.schemas import DIVISION

LEVELS = ["national", "province", "prefecture", "county"]


class DivisionSchema(Schema):
    class Meta:
        ordered = True

    code = fields.String(required=True, metadata={"description": "GB/T 2260 code · 行政区划代码"})
    name = fields.String(required=True, metadata={"description": "Name · 名称"})
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    parent_code = fields.String(allow_none=True, required=True)
    abolished_on = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "format": "date",
            "description": "Day the division was abolished; null when current",
        },
    )
    successor_code = fields.String(allow_none=True, required=True)


class DivisionDetailSchema(DivisionSchema):
    path = fields.List(
        fields.Nested(DivisionSchema),
        required=True,
        metadata={"description": "Province first, down to this division"},
    )
    children = fields.List(fields.Nested(DivisionSchema), required=True)


class DivisionListSchema(Schema):
    items = fields.List(fields.Nested(DivisionSchema), required=True)


class DivisionArgs(Schema):
    parent = fields.String(
        validate=DIVISION,
        metadata={"description": "Only the children of this division (100000 for the provinces)"},
    )
    level = fields.String(validate=validate.OneOf(LEVELS))
    include_abolished = fields.Boolean(load_default=True)
