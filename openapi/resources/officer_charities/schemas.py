from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from openapi.resources.charities.schemas import CharitySchema, PlanSchema
from registry.charities.models import ApplicationDecision, FundraisingMethod

APPLICATION_ID_PARAM = {
    "in": "path",
    "name": "application_id",
    "required": True,
    "description": "The application's number (`id` of /api/v1/officer/charity-applications)",
    "schema": {"type": "integer", "minimum": 1},
}
#: the most a cost holds: Numeric(16, 2)
MAX_COST = 10**14 - 1
_TEXT = 20_000
_REASON = 5_000


class _Strict(Schema):
    class Meta:
        ordered = True


def _date(description: str) -> fields.Date:
    return fields.Date(metadata={"description": description})


def _text(limit: int, description: str, **kwargs: object) -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=limit), metadata={"description": description}, **kwargs
    )


class CharityApplicationCreateSchema(_Strict):
    applied_on = _date("Day the application was received; default today, never after today")
    notes = fields.String(
        allow_none=True,
        validate=validate.Length(max=_TEXT),
        metadata={"description": "Working notes: never published nor listed"},
    )


class CharityApplicationArgs(Schema):
    pending = fields.Boolean(
        metadata={"description": "true: not decided yet; false: decided; left out: both"}
    )
    overdue = fields.Boolean(
        metadata={
            "description": "true: decided past the limit (20 days, configurable), or still "
            "pending past it; false: the others; left out: both"
        }
    )


class CharityApplicationSchema(_Strict):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    authority_code = fields.String(required=True)
    applied_on = fields.String(required=True, metadata={"format": "date"})
    decision_due_on = fields.String(
        required=True, metadata={"format": "date", "description": "The last day to decide"}
    )
    decision = fields.String(
        required=True, allow_none=True, metadata={"description": "recognised, refused or null"}
    )
    decided_on = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    document_no = fields.String(required=True, allow_none=True)
    reason = fields.String(
        required=True, allow_none=True, metadata={"description": "A refusal's reason"}
    )
    days_taken = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Days from the application to the decision; null while pending"},
    )
    late = fields.Boolean(
        required=True,
        metadata={"description": "Decided past the limit, or pending past it as of today"},
    )


class CharityApplicationListSchema(_Strict):
    items = fields.List(fields.Nested(CharityApplicationSchema), required=True)


class CharityDecisionCreateSchema(_Strict):
    decision = fields.String(
        required=True,
        validate=validate.OneOf([d.value for d in ApplicationDecision]),
        metadata={"description": "recognised (予以认定) or refused (不予认定)"},
    )
    decided_on = _date("Day of the decision; default today; not before the application")
    document_no = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The decision's document number: required to recognise"},
    )
    reason = _text(_REASON, "Why it is refused: required to refuse")


class CharityDecidedSchema(_Strict):
    application = fields.Nested(CharityApplicationSchema, required=True)
    charity = fields.Nested(
        CharitySchema,
        required=True,
        allow_none=True,
        metadata={"description": "The charity record when recognised; null when refused"},
    )
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "e.g. the decision came past the 20-day limit"},
    )


class QualificationGrantSchema(_Strict):
    document_no = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The decision's document number"},
    )
    granted_on = _date("Default today; from a full year after registration")
    applied_on = _date("Day the charity applied, when known")


class QualificationRevocationSchema(_Strict):
    reason = _text(_REASON, "Why it is revoked", required=True)
    revoked_on = _date("Default today; never after today")


class CharityLossCreateSchema(_Strict):
    reason = _text(_REASON, "The decision's reason; published", required=True)
    document_no = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The decision's document number"},
    )
    on = _date("Day of the decision; default today, never after today")


def _cost_in_range(value: object) -> None:
    if value is not None and not 0 <= value <= MAX_COST:  # type: ignore[operator]
        raise ValidationError(f"must be between 0 and {MAX_COST}")


class FundraisingPlanCreateSchema(_Strict):
    purpose = _text(_TEXT, "Purpose of the fundraising", required=True)
    starts_on = fields.Date(required=True, metadata={"description": "First day"})
    ends_on = fields.Date(required=True, metadata={"description": "Last day, not before the first"})
    area = _text(300, "Where it is carried out", required=True)
    method = fields.String(
        required=True,
        validate=validate.OneOf([m.value for m in FundraisingMethod]),
        metadata={"description": "public_place, event, media, internet or other"},
    )
    person_in_charge = _text(100, "The person in charge (published)", required=True)
    beneficiaries = _text(_TEXT, "Who benefits", required=True)
    use_of_funds = _text(_TEXT, "How the funds raised will be used", required=True)
    cost = fields.Decimal(
        required=True,
        places=2,
        # A plain function, so that apispec does not print the Decimal bounds as strings
        # (an invalid spec); the bounds are documented as numbers instead.
        validate=_cost_in_range,
        metadata={
            "description": "Budgeted cost of the fundraising, yuan",
            "minimum": 0,
            "maximum": MAX_COST,
        },
    )
    filed_on = _date("Day filed; default today, never after today")


class FundraisingPlanFiledSchema(_Strict):
    plan = fields.Nested(PlanSchema, required=True)
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "e.g. filed fewer than 5 working days before the start (kept, late)"
        },
    )


__all__ = [
    "APPLICATION_ID_PARAM",
    "CharityApplicationArgs",
    "CharityApplicationCreateSchema",
    "CharityApplicationListSchema",
    "CharityApplicationSchema",
    "CharityDecidedSchema",
    "CharityDecisionCreateSchema",
    "CharityLossCreateSchema",
    "CharitySchema",
    "FundraisingPlanCreateSchema",
    "FundraisingPlanFiledSchema",
    "QualificationGrantSchema",
    "QualificationRevocationSchema",
]
