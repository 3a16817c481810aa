from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from openapi.fields import FormatArgs, field_for, schema_for
from openapi.pagination import PageArgs, PageSchema
from registry.inspections.public import INSPECTION_FIELDS, PARTICIPATION_FIGURES
from search.arguments import DIVISION

YEAR = validate.Range(min=1949, max=2100)
CONCLUSIONS = ["pass", "basic_pass", "fail"]

InspectionSchema = schema_for("Inspection", INSPECTION_FIELDS)


class InspectionPageSchema(PageSchema):
    items = fields.List(fields.Nested(InspectionSchema), required=True)


class InspectionArgs(PageArgs, FormatArgs):
    year = fields.Integer(validate=YEAR, metadata={"description": "The year reported on"})
    authority = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Registered with this authority (its division code; 100000 the ministry)"
        },
    )
    division = fields.String(
        validate=DIVISION,
        metadata={
            "description": "The organisation's domicile within this division, at any level "
            "(320000 the province, 320100 the city, 320102 the district)"
        },
    )
    conclusion = fields.String(validate=validate.OneOf(CONCLUSIONS))
    uscc = fields.String(
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$", error="an 18-character credit code"),
        metadata={"description": "One organisation's inspections, by its credit code"},
    )


class ParticipationArgs(Schema):
    year = fields.Integer(
        required=True, validate=YEAR, metadata={"description": "The year reported on"}
    )
    division = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Only the authorities within this division (320000: the province's "
            "department and every authority below it); all when left out"
        },
    )


def _figures(schema_name: str, **identity: fields.Field) -> type[Schema]:
    """The identity fields, then the participation figures."""
    attrs: dict[str, Any] = {**identity}
    attrs.update({spec.name: field_for(spec) for spec in PARTICIPATION_FIGURES})
    attrs["Meta"] = type("Meta", (), {"ordered": True})
    return type(schema_name, (Schema,), attrs)


ParticipationTotalSchema = _figures("ParticipationTotal")
ParticipationDivisionSchema = _figures(
    "ParticipationDivision",
    division_code=fields.String(required=True),
    name=fields.String(allow_none=True, required=True),
)
ParticipationAuthoritySchema = _figures(
    "ParticipationAuthority",
    authority_code=fields.String(required=True),
    name=fields.String(required=True),
    level=fields.String(required=True),
)


class _DueDates(Schema):
    class Meta:
        ordered = True

    social_groups_and_agencies = fields.String(required=True, metadata={"format": "date"})
    foundations_and_charities = fields.String(required=True, metadata={"format": "date"})


class ParticipationSchema(Schema):
    class Meta:
        ordered = True

    year = fields.Integer(required=True)
    division_code = fields.String(
        required=True, metadata={"description": "The division asked for; 100000 the country"}
    )
    division_name = fields.String(allow_none=True, required=True)
    due_on = fields.Nested(_DueDates, required=True)
    total = fields.Nested(ParticipationTotalSchema, required=True)
    provinces = fields.List(
        fields.Nested(ParticipationDivisionSchema),
        required=True,
        metadata={"description": "By the province of the registration authority"},
    )
    prefectures = fields.List(
        fields.Nested(ParticipationDivisionSchema),
        required=True,
        metadata={"description": "By the prefecture of the registration authority"},
    )
    authorities = fields.List(fields.Nested(ParticipationAuthoritySchema), required=True)


InspectionYearSchema = _figures(
    "InspectionYear",
    year=fields.Integer(required=True, metadata={"description": "Year reported on"}),
)
