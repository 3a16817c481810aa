"""/api/v1/stats: what it takes and what it answers. The register counts go by the
organisations' domicile; the inspections, charities and charity trusts by the
registration authority (its code); the schema says which for each figure."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates

from openapi.resources.inspections.schemas import InspectionYearSchema
from registry.divisions.models import AdministrativeDivision
from registry.extensions import db
from search.arguments import DIVISION

_BY_DOMICILE = " (by the organisation's domicile)"


class StatsArgs(Schema):
    division = fields.String(
        validate=DIVISION,
        metadata={
            "description": "A GB/T 2260 code of /api/v1/divisions: the figures within it "
            "(320000 the province, 320100 the prefecture, 320102 the county); the whole "
            "country when left out or 100000. Register counts go by the organisations' "
            "domicile; inspections, charities and charity trusts by the registration "
            "authority. 422 when not a division of the table."
        },
    )

    @validates("division")
    def _known(self, value: str, **_: Any) -> None:
        # Checked here, once the format holds, so that an unknown code is a 422 naming
        # the argument like a malformed one, not a 404 of a resource that exists.
        if db.session.get(AdministrativeDivision, value) is None:
            raise ValidationError(f"{value} is not a division of GB/T 2260 (see /api/v1/divisions)")


class _KindStatus(Schema):
    kind = fields.String(required=True)
    status = fields.String(required=True)
    count = fields.Integer(required=True)


class _Province(Schema):
    division_code = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    count = fields.Integer(required=True)


class _KindCounts(Schema):
    class Meta:
        ordered = True

    social_group = fields.Integer(required=True)
    social_service_agency = fields.Integer(required=True)
    foundation = fields.Integer(required=True)


class _Subdivision(Schema):
    class Meta:
        ordered = True

    division_code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": "province, prefecture or county"})
    abolished_on = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "format": "date",
            "description": "Abolished since (listed only while organisations are still "
            "domiciled in it); null when current",
        },
    )
    count = fields.Integer(required=True, metadata={"description": "Organisations domiciled"})
    by_kind = fields.Nested(_KindCounts, required=True, metadata={"description": "Every kind"})


class _DivisionLevel(Schema):
    class Meta:
        ordered = True

    count = fields.Integer(required=True)
    by_kind = fields.Nested(_KindCounts, required=True)


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

    division_code = fields.String(
        required=True, metadata={"description": "The division asked for; 100000 the country"}
    )
    division_name = fields.String(required=True)
    division_level = fields.String(
        required=True, metadata={"description": "national, province, prefecture or county"}
    )
    total = fields.Integer(
        required=True, metadata={"description": "Registered organisations" + _BY_DOMICILE}
    )
    community_organisations = fields.Integer(
        required=True,
        metadata={"description": "Community organisations filed, by the division of the filing"},
    )
    by_kind = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Kinds present" + _BY_DOMICILE},
    )
    by_status = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Statuses present" + _BY_DOMICILE},
    )
    by_kind_and_status = fields.List(
        fields.Nested(_KindStatus),
        required=True,
        metadata={"description": "Counted by the organisation's domicile"},
    )
    by_province = fields.List(
        fields.Nested(_Province),
        required=True,
        metadata={"description": "By the province of the domicile"},
    )
    by_subdivision = fields.List(
        fields.Nested(_Subdivision),
        required=True,
        metadata={
            "description": "By the divisions one level down, with counts by kind"
            + _BY_DOMICILE
            + ": the provinces of the country, the prefectures (and province-administered "
            "counties) of a province, the counties of a prefecture; empty for a county"
        },
    )
    at_division_level = fields.Nested(
        _DivisionLevel,
        required=True,
        metadata={
            "description": "Organisations whose domicile is coded as the division itself "
            "(e.g. 320000), in none of its subdivisions; with by_subdivision they add up to "
            "total"
        },
    )
    by_founding_year = fields.List(
        fields.Nested(_Year),
        required=True,
        metadata={"description": "Counted by the organisation's domicile"},
    )
    charities = fields.Integer(
        required=True,
        metadata={"description": "Organisations flagged as charities now" + _BY_DOMICILE},
    )
    charities_by_authority = fields.List(
        fields.Nested(_CharityAuthority),
        required=True,
        metadata={
            "description": "Recognised charities of active organisations, by authority (the "
            "authorities within the division)"
        },
    )
    inspections = fields.List(
        fields.Nested(InspectionYearSchema),
        required=True,
        metadata={
            "description": "Participation in the annual inspection of the organisations "
            "registered with the authorities within the division (all of them nationally), "
            "by year reported on, from the first year with a report anywhere to last year "
            "(at most ten years)"
        },
    )
    charity_trusts = fields.Nested(
        _Trusts,
        required=True,
        metadata={
            "description": "Charity trusts filed with the authorities within the division, "
            "terminated ones included, with their property now: in all, by year of filing, "
            "by filing authority, and by both"
        },
    )
