from __future__ import annotations

from marshmallow import fields, validate

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.organisations.schemas import DIVISION
from registry.community.public import COMMUNITY_FIELDS

CommunitySchema = schema_for("CommunityOrganisation", COMMUNITY_FIELDS)


class CommunityPageSchema(PageSchema):
    items = fields.List(fields.Nested(CommunitySchema), required=True)


class CommunityArgs(PageArgs, FormatArgs):
    authority = fields.String(
        validate=DIVISION, metadata={"description": "County department (division code)"}
    )
    division = fields.String(validate=DIVISION, metadata={"description": "Within this division"})
    status = fields.String(validate=validate.OneOf(["active", "withdrawn"]))
    filed_from = fields.Date()
    filed_to = fields.Date()
