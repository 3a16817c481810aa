from __future__ import annotations

from marshmallow import fields, validate

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.organisations.schemas import DIVISION
from registry.deregistration.models import Criterion
from registry.deregistration.public import AT_RISK_FIELDS, STAGE_LABELS

AtRiskSchema = schema_for("AtRiskOrganisation", AT_RISK_FIELDS)


class AtRiskPageSchema(PageSchema):
    items = fields.List(fields.Nested(AtRiskSchema), required=True)


class AtRiskArgs(PageArgs, FormatArgs):
    authority = fields.String(
        validate=DIVISION,
        metadata={
            "description": "Run by this authority or one below it (a province's code lists "
            "its cities' and counties' too; 100000 all)"
        },
    )
    state = fields.String(
        validate=validate.OneOf(list(STAGE_LABELS)),
        metadata={"description": "The public stage (detected: candidates without a case)"},
    )
    criterion = fields.String(
        validate=validate.OneOf([c.value for c in Criterion]),
        metadata={"description": "Meets this criterion (among others)"},
    )
