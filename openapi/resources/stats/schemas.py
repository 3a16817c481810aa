from __future__ import annotations

from marshmallow import Schema, fields

from openapi.resources.inspections.schemas import InspectionYearSchema


class _KindStatus(Schema):
    kind = fields.String(required=True)
    status = fields.String(required=True)
    count = fields.Integer(required=True)


class _Province(Schema):
    division_code = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    count = fields.Integer(required=True)


class _Year(Schema):
    year = fields.Integer(required=True)
    count = fields.Integer(required=True)


class StatsSchema(Schema):
    class Meta:
        ordered = True

    total = fields.Integer(required=True, metadata={"description": "Registered organisations"})
    community_organisations = fields.Integer(required=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_kind_and_status = fields.List(fields.Nested(_KindStatus), required=True)
    by_province = fields.List(
        fields.Nested(_Province),
        required=True,
        metadata={"description": "By the province of the domicile"},
    )
    by_founding_year = fields.List(fields.Nested(_Year), required=True)
    charities = fields.Integer(required=True)
    inspections = fields.List(
        fields.Nested(InspectionYearSchema),
        required=True,
        metadata={
            "description": "National participation in the annual inspection, by year reported "
            "on, from the first year with a report to last year (at most ten years)"
        },
    )
