from __future__ import annotations

from marshmallow import Schema, fields, validate


class UsccPartsSchema(Schema):
    class Meta:
        ordered = True

    authority_code = fields.String(required=True, metadata={"description": "Position 1"})
    type_code = fields.String(required=True, metadata={"description": "Position 2"})
    type_name = fields.String(required=True)
    division_code = fields.String(required=True, metadata={"description": "Positions 3–8"})
    organisation_code = fields.String(required=True, metadata={"description": "Positions 9–17"})
    organisation_code_check = fields.String(required=True, metadata={"description": "Position 17"})
    check_character = fields.String(required=True, metadata={"description": "Position 18"})


class UsccResultSchema(Schema):
    class Meta:
        ordered = True

    code = fields.String(required=True, metadata={"description": "The code, normalised"})
    valid = fields.Boolean(required=True)
    errors = fields.List(fields.String(), required=True)
    warnings = fields.List(fields.String(), required=True)
    parts = fields.Nested(UsccPartsSchema, allow_none=True, required=True)


class UsccArgs(Schema):
    kind = fields.String(
        validate=validate.OneOf(["social_group", "social_service_agency", "foundation"]),
        metadata={"description": "Also check position 2 against this kind"},
    )
