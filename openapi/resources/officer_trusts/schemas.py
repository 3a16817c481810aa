"""Officers' charity-trust filings: what they send, and what they get back.

Request schemas refuse unknown fields (marshmallow's default); the service checks the
rules (trustees, codes, dates) and names every problem. Responses use the public trust
schemas: an officer sees what the public sees, plus the warnings.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from openapi.resources.charities.schemas import (
    TrustDetailSchema,
)
from registry.charities.models import CharitableField, PartyKind

#: Numeric(18, 2): amounts stay below 10^16 yuan
AMOUNT_LIMIT = 10**16


class _Strict(Schema):
    class Meta:
        ordered = True


# A plain function, so that apispec does not print the Decimal bounds as strings (an invalid
# spec); the bounds are documented as numbers instead.
def _property_in_range(value: object) -> None:
    if value is not None and not 0 < value < AMOUNT_LIMIT:  # type: ignore[operator]
        raise ValidationError(f"must be more than 0 and less than {AMOUNT_LIMIT}")


def _amount_in_range(value: object) -> None:
    if value is not None and not 0 <= value < AMOUNT_LIMIT:  # type: ignore[operator]
        raise ValidationError(f"must be at least 0 and less than {AMOUNT_LIMIT}")


def _property(**kwargs: object) -> fields.Decimal:
    return fields.Decimal(
        places=2,
        validate=_property_in_range,
        metadata={
            "description": "Trust property, yuan (信托财产总额)",
            "minimum": 0,
            "exclusiveMinimum": True,
            "maximum": AMOUNT_LIMIT,
            "exclusiveMaximum": True,
        },
        **kwargs,  # type: ignore[arg-type]
    )


def _yuan(description: str) -> fields.Decimal:
    return fields.Decimal(
        required=True,
        places=2,
        validate=_amount_in_range,
        metadata={
            "description": description,
            "minimum": 0,
            "maximum": AMOUNT_LIMIT,
            "exclusiveMaximum": True,
        },
    )


_NAME = validate.Length(min=1, max=300)
_TEXT = validate.Length(min=1, max=2000)
_CODE = validate.Length(min=1, max=40)  # checked by the service, which names the problems
_LIST = validate.Length(min=1, max=50)


class TrustTrusteeSchema(_Strict):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            [PartyKind.CHARITY_ORGANISATION.value, PartyKind.TRUST_COMPANY.value]
        ),
        metadata={"description": "charity_organisation (of this register) or trust_company"},
    )
    uscc = fields.String(
        required=True, validate=_CODE, metadata={"description": "The trustee's credit code"}
    )
    name = fields.String(
        validate=_NAME,
        metadata={
            "description": "Required for a trust company; a charity organisation's name is "
            "taken from the register"
        },
    )


class TrustSettlorSchema(_Strict):
    kind = fields.String(
        required=True,
        validate=validate.OneOf([PartyKind.ORGANISATION.value, PartyKind.PERSON.value]),
        metadata={"description": "organisation or person"},
    )
    name = fields.String(required=True, validate=_NAME)
    uscc = fields.String(
        allow_none=True,
        validate=_CODE,
        metadata={"description": "An organisation's credit code; a person has none"},
    )


def _charitable_fields(**kwargs: object) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf([f.value for f in CharitableField])),
        data_key="fields",
        attribute="fields",
        validate=_LIST,
        metadata={"description": "Charitable fields of the purpose (慈善法 第三条), no repeats"},
        **kwargs,  # type: ignore[arg-type]
    )


def _parties(schema: type[Schema], description: str, **kwargs: object) -> fields.List:
    return fields.List(
        fields.Nested(schema),
        validate=_LIST,
        metadata={"description": description},
        **kwargs,  # type: ignore[arg-type]
    )


_TRUSTEES = "Trustees, the lead trustee first; filed where a charity trustee is registered"
_SETTLORS = "Settlors (委托人): organisations with their code, persons by name only"


class TrustCreateSchema(_Strict):
    name = fields.String(required=True, validate=_NAME)
    signed_on = fields.Date(
        required=True, metadata={"description": "The trust contract was signed (成立日期)"}
    )
    property_amount = _property(required=True)
    purpose = fields.String(required=True, validate=_TEXT)
    charitable_fields = _charitable_fields(required=True)
    trustees = _parties(TrustTrusteeSchema, _TRUSTEES, required=True)
    settlors = _parties(TrustSettlorSchema, _SETTLORS, required=True)
    supervisor_name = fields.String(allow_none=True, validate=_NAME)
    supervisor_uscc = fields.String(allow_none=True, validate=_CODE)
    term_ends_on = fields.Date(
        allow_none=True, metadata={"description": "Last day of the term; none: no fixed term"}
    )
    filed_on = fields.Date(metadata={"description": "Default today; never after today"})
    summary = fields.String(allow_none=True, validate=_TEXT)
    notes = fields.String(
        allow_none=True, validate=_TEXT, metadata={"description": "Officers only; never public"}
    )


class TrustChangesSchema(_Strict):
    """The values that changed; those left out stay as filed."""

    name = fields.String(validate=_NAME)
    property_amount = _property()
    purpose = fields.String(validate=_TEXT)
    charitable_fields = _charitable_fields()
    trustees = _parties(TrustTrusteeSchema, _TRUSTEES)
    settlors = _parties(TrustSettlorSchema, _SETTLORS)
    supervisor_name = fields.String(allow_none=True, validate=_NAME)
    supervisor_uscc = fields.String(allow_none=True, validate=_CODE)
    term_ends_on = fields.Date(allow_none=True)


class TrustChangeSchema(_Strict):
    changed_on = fields.Date(required=True, metadata={"description": "The change was made"})
    changes = fields.Nested(TrustChangesSchema, required=True)
    filed_on = fields.Date(metadata={"description": "Default today; never after today"})
    summary = fields.String(allow_none=True, validate=_TEXT)
    notes = fields.String(allow_none=True, validate=_TEXT)


class TrustReportCreateSchema(_Strict):
    year = fields.Integer(
        required=True,
        validate=validate.Range(min=2016, max=2100),
        metadata={"description": "A year that has ended, from the year the trust was signed"},
    )
    income = _yuan("Income of the year, yuan")
    grants_made = _yuan("Grants made in the year, yuan")
    balance = _yuan("Property at the year's end, yuan")
    submitted_on = fields.Date(metadata={"description": "Default today; never after today"})


class TrustTerminationSchema(_Strict):
    terminated_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=_TEXT)
    filed_on = fields.Date(metadata={"description": "Default today; never after today"})
    notes = fields.String(allow_none=True, validate=_TEXT)


# -- responses -------------------------------------------------------------------------------


class OfficerTrustFiledSchema(_Strict):
    trust = fields.Nested(TrustDetailSchema, required=True)
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "A filing more than 7 days after its event: kept, with this"},
    )
