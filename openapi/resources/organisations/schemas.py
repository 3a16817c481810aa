from __future__ import annotations

from dataclasses import replace

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from registry.organisations.listing import SORT_CHOICES
from registry.organisations.public import CHANGE_FIELDS, ORGANISATION_FIELDS
from search.arguments import DIVISION

USCC_PARAM = {
    "in": "path",
    "name": "uscc",
    "required": True,
    "description": "The 18-character unified social credit code",
    "schema": {"type": "string", "pattern": "^[0-9A-Za-z]{18}$"},
}

OrganisationSchema = schema_for("Organisation", ORGANISATION_FIELDS)
ChangeSchema = schema_for("OrganisationChange", CHANGE_FIELDS)


# As of a past day, updated_at and version are null: they belong to the present.
OrganisationDetailSchema = schema_for(
    "OrganisationDetail",
    [
        replace(f, nullable=True) if f.name in ("updated_at", "version") else f
        for f in ORGANISATION_FIELDS
    ],
    as_of=fields.String(
        allow_none=True,
        metadata={
            "format": "date",
            "description": "The day the record stood as, when as_of was asked",
        },
    ),
)


class OrganisationPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrganisationSchema), required=True)


class ChangePageSchema(PageSchema):
    items = fields.List(fields.Nested(ChangeSchema), required=True)


class OrganisationArgs(PageArgs, FormatArgs):
    kind = fields.String(
        validate=validate.OneOf(["social_group", "social_service_agency", "foundation"])
    )
    status = fields.String(
        validate=validate.OneOf(["active", "deregistered", "revoked", "certificate_cancelled"])
    )
    division = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Domicile within this division, at any level (320000 the province, "
            "320100 the city, 320102 the district)"
        },
    )
    authority = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Registered with this authority (its division code; 100000 the ministry)"
        },
    )
    founded_from = fields.Date(metadata={"description": "Founded on or after (YYYY-MM-DD)"})
    founded_to = fields.Date(metadata={"description": "Founded on or before (YYYY-MM-DD)"})
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        metadata={"description": "Changed at or after this moment (ISO 8601 with offset)"},
    )
    charity = fields.Boolean(metadata={"description": "Only charities (true) or non-charities"})
    sort = fields.String(
        load_default="uscc",
        validate=validate.OneOf(SORT_CHOICES),
        metadata={"description": "Sort key; '-' sorts descending"},
    )

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("founded_from"), data.get("founded_to")
        if start and end and start > end:
            raise ValidationError("founded_from is after founded_to", "founded_from")


class AsOfArgs(Schema):
    as_of = fields.Date(
        metadata={
            "description": "Return the organisation as it stood at the end of this day (YYYY-MM-DD)"
        }
    )


class ChangeArgs(PageArgs):
    pass
