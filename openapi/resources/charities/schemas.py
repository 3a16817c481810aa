from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.credit.schemas import USCC
from openapi.resources.organisations.schemas import DIVISION
from registry.charities.models import (
    CharitableField,
    CharityStatus,
    FundraisingMethod,
    TrustStatus,
)
from registry.charities.public import (
    CHARITY_FIELDS,
    FILING_FIELDS,
    PLAN_FIELDS,
    TRUST_FIELDS,
    TRUST_REPORT_FIELDS,
)

RECORD_NO_PARAM = {
    "in": "path",
    "name": "record_no",
    "required": True,
    "description": "The trust's filing number (备案编号): authority code, year, serial",
    "schema": {"type": "string", "pattern": "^[0-9]{15}$"},
}
#: amounts a filter may name: Numeric(18, 2)
MAX_AMOUNT = 10**16

CharitySchema = schema_for("Charity", CHARITY_FIELDS)
PlanSchema = schema_for("FundraisingPlan", PLAN_FIELDS)
TrustSchema = schema_for("CharityTrust", TRUST_FIELDS)
FilingSchema = schema_for("CharityTrustFiling", FILING_FIELDS)
TrustReportSchema = schema_for("CharityTrustReport", TRUST_REPORT_FIELDS)


class _Qualification(Schema):
    granted_on = fields.String(required=True, metadata={"format": "date"})
    document_no = fields.String(required=True)
    revoked_on = fields.String(allow_none=True, required=True, metadata={"format": "date"})
    revocation_reason = fields.String(allow_none=True, required=True)


class _Loss(Schema):
    kind = fields.String(
        required=True, metadata={"description": "withdrawn or certificate_cancelled"}
    )
    lost_on = fields.String(required=True, metadata={"format": "date"})
    reason = fields.String(required=True)
    document_no = fields.String(allow_none=True, required=True)


class _TrustRef(Schema):
    record_no = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    property_amount = fields.Float(required=True)


CharityDetailSchema = schema_for(
    "CharityDetail",
    CHARITY_FIELDS,
    qualifications=fields.List(
        fields.Nested(_Qualification),
        required=True,
        metadata={"description": "Every grant of the public-fundraising qualification"},
    ),
    losses=fields.List(fields.Nested(_Loss), required=True),
    trusts=fields.List(
        fields.Nested(_TrustRef),
        required=True,
        metadata={"description": "Charity trusts of which it is a trustee"},
    ),
)


class _Party(Schema):
    role = fields.String(required=True, metadata={"description": "trustee or settlor"})
    kind = fields.String(
        required=True,
        metadata={"description": "charity_organisation, trust_company, organisation or person"},
    )
    name = fields.String(required=True)
    uscc = fields.String(
        allow_none=True, required=True, metadata={"description": "Empty for a person"}
    )


TrustDetailSchema = schema_for(
    "CharityTrustDetail",
    TRUST_FIELDS,
    parties=fields.List(fields.Nested(_Party), required=True),
    filings=fields.List(
        fields.Nested(FilingSchema),
        required=True,
        metadata={"description": "Every filing, oldest first: establishment, changes, termination"},
    ),
    reports=fields.List(fields.Nested(TrustReportSchema), required=True),
)


class CharityPageSchema(PageSchema):
    items = fields.List(fields.Nested(CharitySchema), required=True)


class PlanPageSchema(PageSchema):
    items = fields.List(fields.Nested(PlanSchema), required=True)


class TrustPageSchema(PageSchema):
    items = fields.List(fields.Nested(TrustSchema), required=True)


class TrustReportPageSchema(PageSchema):
    items = fields.List(fields.Nested(TrustReportSchema), required=True)


_AUTHORITY = {
    "description": "Recognised, filed or registered with this authority or one below it "
    "(320000: every authority of the province)"
}
_Q = validate.Length(min=1, max=100)


class CharityArgs(PageArgs, FormatArgs):
    authority = fields.String(validate=DIVISION, metadata=_AUTHORITY)
    status = fields.String(
        validate=validate.OneOf([s.value for s in CharityStatus]),
        metadata={"description": "recognised, withdrawn or certificate_cancelled"},
    )
    public_fundraising = fields.Boolean(
        metadata={"description": "true: holds the public-fundraising qualification now"}
    )
    no_activity = fields.Boolean(
        metadata={
            "description": "true: no charitable activity on record in the last two years whose "
            "annual report is due (慈善法 第十七条)"
        }
    )
    recognised_year = fields.Integer(validate=validate.Range(min=2016, max=2100))
    q = fields.String(validate=_Q, metadata={"description": "Words of the name"})


class PlanArgs(PageArgs, FormatArgs):
    uscc = fields.String(validate=USCC, metadata={"description": "One charity's plans"})
    authority = fields.String(validate=DIVISION, metadata=_AUTHORITY)
    method = fields.String(validate=validate.OneOf([m.value for m in FundraisingMethod]))
    running_on = fields.Date(metadata={"description": "Plans running on this day"})
    filed_late = fields.Boolean(
        metadata={"description": "true: filed fewer than 5 working days before the start"}
    )
    starts_from = fields.Date()
    starts_to = fields.Date()

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("starts_from"), data.get("starts_to")
        if start and end and start > end:
            raise ValidationError("starts_from is after starts_to", "starts_from")


class CharityPlanArgs(PageArgs, FormatArgs):
    pass


def _amount(value: object) -> None:
    if value is not None and not 0 <= value <= MAX_AMOUNT:  # type: ignore[operator]
        raise ValidationError(f"must be between 0 and {MAX_AMOUNT}")


class TrustArgs(PageArgs, FormatArgs):
    trustee = fields.String(
        validate=_Q,
        metadata={"description": "A trustee's credit code, or words of a trustee's name"},
    )
    field = fields.String(
        validate=validate.OneOf([f.value for f in CharitableField]),
        metadata={"description": "A charitable field of the trust's purpose"},
    )
    authority = fields.String(validate=DIVISION, metadata=_AUTHORITY)
    year = fields.Integer(
        validate=validate.Range(min=2016, max=2100),
        metadata={"description": "Year of the establishment filing"},
    )
    min_amount = fields.Decimal(
        places=2,
        validate=_amount,
        metadata={"description": "Property at least, yuan", "minimum": 0, "maximum": MAX_AMOUNT},
    )
    max_amount = fields.Decimal(
        places=2,
        validate=_amount,
        metadata={"description": "Property at most, yuan", "minimum": 0, "maximum": MAX_AMOUNT},
    )
    status = fields.String(validate=validate.OneOf([s.value for s in TrustStatus]))
    q = fields.String(
        validate=_Q,
        metadata={"description": "Words of the trust's name, or of a trustee's or settlor's name"},
    )

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            raise ValidationError("min_amount is above max_amount", "min_amount")


class TrustReportArgs(PageArgs, FormatArgs):
    record_no = fields.String(
        validate=validate.Regexp(r"^[0-9]{15}$", error="a 15-digit filing number"),
        metadata={"description": "One trust's reports"},
    )
    year = fields.Integer(validate=validate.Range(min=2016, max=2100))
