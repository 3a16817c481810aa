from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from openapi.resources.credit.schemas import EntrySchema
from registry.credit.models import ContactMethod, PenaltyKind, RemovalGround
from registry.credit.rules import OFFICER_GROUNDS

ENTRY_ID_PARAM = {
    "in": "path",
    "name": "entry_id",
    "required": True,
    "description": "The entry's number (`id` of /api/v1/credit-list-entries)",
    "schema": {"type": "integer", "minimum": 1},
}
RATING_ID_PARAM = {
    "in": "path",
    "name": "rating_id",
    "required": True,
    "description": "The rating's number (`id` of /api/v1/ratings)",
    "schema": {"type": "integer", "minimum": 1},
}


class _Strict(Schema):
    class Meta:
        ordered = True


class EntryCreateSchema(_Strict):
    ground = fields.String(
        required=True,
        validate=validate.OneOf(sorted(g.value for g in OFFICER_GROUNDS)),
        metadata={
            "description": "rectification_not_met, unreachable (two failed registered letters "
            "20–60 days apart must be on record) or minor_penalty (better recorded as a "
            "penalty)"
        },
    )
    detail = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "The ground as it is published; a standard wording if left out"},
    )
    entered_on = fields.Date(metadata={"description": "Default today; never after today"})


class RemovalSchema(_Strict):
    ground = fields.String(
        required=True,
        validate=validate.OneOf([RemovalGround.REMEDIED.value, RemovalGround.RESCINDED.value]),
        metadata={
            "description": "remedied (a ground that owes a remedy, other than a missing report, "
            "which filing removes) or rescinded (entered in error, or overturned on review)"
        },
    )
    on = fields.Date(metadata={"description": "Default today; never after today"})


def _amount_in_range(value: object) -> None:
    if value is not None and not 0 <= value <= 10**13:  # type: ignore[operator]
        raise ValidationError("must be between 0 and 10000000000000")


class PenaltyCreateSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in PenaltyKind]))
    amount = fields.Decimal(
        allow_none=True,
        places=2,
        # A plain function, so that apispec does not print the Decimal bounds as strings
        # (an invalid spec); the bounds are documented as numbers instead.
        validate=_amount_in_range,
        metadata={
            "description": "Yuan, for a fine; none for a warning",
            "minimum": 0,
            "maximum": 10**13,
        },
    )
    decided_on = fields.Date(required=True, metadata={"description": "Day of the decision"})
    document_no = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The decision's document number (处罚决定书文号)"},
    )


class PenaltySchema(_Strict):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    kind = fields.String(required=True)
    amount = fields.Float(allow_none=True)
    decided_on = fields.String(required=True, metadata={"format": "date"})
    document_no = fields.String(required=True)


class PenaltyRecordedSchema(_Strict):
    penalty = fields.Nested(PenaltySchema, required=True)
    entry = fields.Nested(
        EntrySchema,
        required=True,
        metadata={
            "description": "The entry it made: minor_penalty (abnormal list), or major_fine / "
            "repeated_penalties (serious-dishonesty list)"
        },
    )


class ContactCreateSchema(_Strict):
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in ContactMethod]))
    attempted_on = fields.Date(required=True)
    succeeded = fields.Boolean(required=True, metadata={"description": "Whether it reached them"})
    reference = fields.String(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "e.g. the registered letter's tracking number"},
    )


class ContactSchema(_Strict):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    method = fields.String(required=True)
    attempted_on = fields.String(required=True, metadata={"format": "date"})
    succeeded = fields.Boolean(required=True)
    reference = fields.String(allow_none=True)


class RatingCreateSchema(_Strict):
    score = fields.Decimal(
        required=True,
        places=1,
        metadata={"description": "The assessment's score (default scale 0–1000)"},
    )
    rated_on = fields.Date(metadata={"description": "Default today; never after today"})


class WithdrawalSchema(_Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    on = fields.Date(metadata={"description": "Default today; never after today"})
