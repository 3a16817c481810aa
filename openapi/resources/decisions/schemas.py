from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.organisations.schemas import DIVISION
from registry.deregistration.models import DecisionKind
from registry.deregistration.public import DECISION_FIELDS

DECISION_ID_PARAM = {
    "in": "path",
    "name": "decision_id",
    "required": True,
    "description": "The decision's number in the register (its `id`)",
    "schema": {"type": "integer", "minimum": 1},
}

DecisionSchema = schema_for("DeregistrationDecision", DECISION_FIELDS)


class DecisionPageSchema(PageSchema):
    items = fields.List(fields.Nested(DecisionSchema), required=True)


class DecisionArgs(PageArgs, FormatArgs):
    authority = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Decided by this authority or one below it (a province's code "
            "lists its cities' and counties' decisions too; 100000 all)"
        },
    )
    kind = fields.String(
        validate=validate.OneOf([k.value for k in DecisionKind]),
        metadata={"description": "simplified_deregistration or revocation"},
    )
    decided_from = fields.Date(metadata={"description": "In effect on or after (YYYY-MM-DD)"})
    decided_to = fields.Date(metadata={"description": "In effect on or before (YYYY-MM-DD)"})
    uscc = fields.String(
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$", error="an 18-character credit code"),
        metadata={"description": "One organisation's decisions, by its credit code"},
    )

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            raise ValidationError("decided_from is after decided_to", "decided_from")
