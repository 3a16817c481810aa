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


class _CharityAuthority(Schema):
    authority_code = fields.String(required=True)
    name = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "Charities now"})
    public_fundraising = fields.Integer(
        required=True,
        metadata={"description": "Of which hold the public-fundraising qualification"},
    )


class _TrustFigures(Schema):
    count = fields.Integer(required=True, metadata={"description": "Trusts filed"})
    property_amount = fields.Float(
        required=True, metadata={"description": "Their property now, yuan"}
    )
    in_force = fields.Integer(required=True, metadata={"description": "Of which not terminated"})


class _TrustYear(_TrustFigures):
    year = fields.Integer(required=True, metadata={"description": "Year of filing"})


class _TrustAuthority(_TrustFigures):
    authority_code = fields.String(required=True)
    name = fields.String(required=True)


class _TrustYearAuthority(_TrustFigures):
    year = fields.Integer(required=True)
    authority_code = fields.String(required=True)


class _Trusts(_TrustFigures):
    by_year = fields.List(fields.Nested(_TrustYear), required=True)
    by_authority = fields.List(fields.Nested(_TrustAuthority), required=True)
    by_year_and_authority = fields.List(fields.Nested(_TrustYearAuthority), required=True)


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
    charities = fields.Integer(
        required=True, metadata={"description": "Organisations flagged as charities now"}
    )
    charities_by_authority = fields.List(
        fields.Nested(_CharityAuthority),
        required=True,
        metadata={"description": "Recognised charities of active organisations, by authority"},
    )
    inspections = fields.List(
        fields.Nested(InspectionYearSchema),
        required=True,
        metadata={
            "description": "National participation in the annual inspection, by year reported "
            "on, from the first year with a report to last year (at most ten years)"
        },
    )
    charity_trusts = fields.Nested(
        _Trusts,
        required=True,
        metadata={
            "description": "Charity trusts filed, terminated ones included, with their property "
            "now: in all, by year of filing, by filing authority, and by both"
        },
    )
