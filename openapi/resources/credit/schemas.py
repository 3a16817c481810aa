from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.organisations.schemas import DIVISION
from registry.credit.models import CreditList, EntryGround
from registry.credit.public import ENTRY_FIELDS
from registry.ratings.public import RATING_FIELDS

USCC = validate.Regexp(r"^[0-9A-Za-z]{18}$", error="an 18-character credit code")

EntrySchema = schema_for("CreditListEntry", ENTRY_FIELDS)
RatingSchema = schema_for("Rating", RATING_FIELDS)


class EntryPageSchema(PageSchema):
    items = fields.List(fields.Nested(EntrySchema), required=True)


class RatingPageSchema(PageSchema):
    items = fields.List(fields.Nested(RatingSchema), required=True)


class EntryArgs(PageArgs, FormatArgs):
    list = fields.String(
        validate=validate.OneOf([c.value for c in CreditList]),
        metadata={"description": "abnormal (活动异常名录) or dishonest (严重违法失信名单)"},
    )
    current = fields.Boolean(
        metadata={
            "description": "true: entries still on the list; false: removed ones; left out: both"
        }
    )
    uscc = fields.String(validate=USCC, metadata={"description": "One organisation's entries"})
    authority = fields.String(
        validate=DIVISION, metadata={"description": "Decided by this authority (its code)"}
    )
    ground = fields.String(validate=validate.OneOf([g.value for g in EntryGround]))
    entered_from = fields.Date(metadata={"description": "Entered on or after (YYYY-MM-DD)"})
    entered_to = fields.Date(metadata={"description": "Entered on or before (YYYY-MM-DD)"})

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("entered_from"), data.get("entered_to")
        if start and end and start > end:
            raise ValidationError("entered_from is after entered_to", "entered_from")


class RatingArgs(PageArgs, FormatArgs):
    grade = fields.String(
        validate=validate.Regexp(r"^[1-5][Aa]$", error="1A to 5A"),
        metadata={"description": "1A to 5A"},
    )
    current = fields.Boolean(
        metadata={
            "description": "true: ratings in force today; false: ran out or withdrawn; "
            "left out: both"
        }
    )
    uscc = fields.String(validate=USCC, metadata={"description": "One organisation's ratings"})
    authority = fields.String(
        validate=DIVISION, metadata={"description": "Rated by this authority (its code)"}
    )
