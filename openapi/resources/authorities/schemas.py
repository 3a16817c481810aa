from __future__ import annotations

from marshmallow import Schema, fields, validate

from openapi.resources.divisions.schemas import LEVELS
from openapi.resources.organisations.schemas import DIVISION


class AuthoritySchema(Schema):
    class Meta:
        ordered = True

    code = fields.String(
        required=True, metadata={"description": "Division code of its territory · 登记管理机关代码"}
    )
    name = fields.String(required=True, metadata={"description": "Name · 名称"})
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    division_code = fields.String(required=True)
    parent_code = fields.String(
        allow_none=True, required=True, metadata={"description": "The authority above it"}
    )
    registers_foundations = fields.Boolean(
        required=True,
        metadata={"description": "Only the ministry and provinces register foundations"},
    )


class AuthorityListSchema(Schema):
    items = fields.List(fields.Nested(AuthoritySchema), required=True)


class AuthorityArgs(Schema):
    level = fields.String(validate=validate.OneOf(LEVELS))
    parent = fields.String(
        validate=DIVISION, metadata={"description": "Authorities under this one"}
    )
