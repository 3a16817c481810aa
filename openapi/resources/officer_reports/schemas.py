"""Officers' view of annual reports: the whole contents, the review and its notes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from openapi.pagination import PageArgs, PageSchema
from openapi.resources.inspections.schemas import CONCLUSIONS, YEAR

REPORT_ID_PARAM = {
    "in": "path",
    "name": "report_id",
    "required": True,
    "description": "The annual report's number",
    "schema": {"type": "integer", "minimum": 1},
}


def _amount(description: str, *, required: bool = False) -> fields.Decimal:
    # No `places`: it would round 10.005 on loading; the service refuses it instead.
    return fields.Decimal(
        as_string=True,
        required=required,
        allow_none=not required,
        metadata={"description": f'{description}, in yuan: an exact decimal, e.g. "1234.50"'},
    )


class _Ordered(Schema):
    class Meta:
        ordered = True


class ReportActivitySchema(_Ordered):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    date = fields.Date(allow_none=True)
    description = fields.String(allow_none=True)


class ReportOfficerSchema(_Ordered):
    """One of the organisation's officers (负责人)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=500))
    position = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReportFinancesSchema(_Ordered):
    income = _amount("Income of the year", required=True)
    expenditure = _amount("Expenditure of the year", required=True)
    net_assets = _amount("Net assets at the end of the year; may be negative", required=True)
    donations_received = _amount("Donations received", required=True)
    domestic_donations = _amount("Of them, from within China")
    foreign_donations = _amount("Of them, from abroad")
    grants_made = _amount("Grants made (foundations: required)")
    audit_opinion = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The auditor's opinion (foundations: required)"},
    )


class ReportContentsSchema(_Ordered):
    """What the organisation reports (年度工作报告)."""

    compliance_statement = fields.String(
        required=True, metadata={"description": "Statement of compliance with the regulations"}
    )
    registration_changes = fields.String(allow_none=True)
    activities = fields.List(fields.Nested(ReportActivitySchema), required=True)
    staff_count = fields.Integer(required=True, validate=validate.Range(min=0))
    volunteer_count = fields.Integer(allow_none=True, validate=validate.Range(min=0))
    officers = fields.List(
        fields.Nested(ReportOfficerSchema), required=True, validate=validate.Length(min=1)
    )
    branch_count = fields.Integer(allow_none=True, validate=validate.Range(min=0))
    finances = fields.Nested(ReportFinancesSchema, required=True)
    party_building = fields.String(allow_none=True)


class ReportSubmitSchema(_Ordered):
    year = fields.Integer(
        required=True, validate=YEAR, metadata={"description": "Year reported on"}
    )
    submitted_on = fields.Date(
        metadata={"description": "Day the report was received; today when left out"}
    )
    contents = fields.Nested(ReportContentsSchema, required=True)


class ReportSummarySchema(_Ordered):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    registration_authority_code = fields.String(required=True)
    year = fields.Integer(required=True)
    submitted_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    late = fields.Boolean(required=True)
    channel = fields.String(required=True, metadata={"description": "counter or api"})
    status = fields.String(required=True, metadata={"description": "submitted or concluded"})
    conclusion = fields.String(allow_none=True, required=True)
    concluded_on = fields.Date(allow_none=True, required=True)
    correction_deadline = fields.Date(allow_none=True, required=True)
    corrected_on = fields.Date(allow_none=True, required=True)
    correction_overdue = fields.Boolean(
        required=True, metadata={"description": "Deadline passed with no correction recorded"}
    )
    next_steps = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "conclude, order_correction or record_correction"},
    )


class ReportDetailSchema(ReportSummarySchema):
    received_by = fields.String(
        allow_none=True, required=True, metadata={"description": "Username"}
    )
    recorded_at = fields.String(required=True, metadata={"format": "date-time"})
    conclusion_reasons = fields.String(allow_none=True, required=True)
    concluded_by = fields.String(
        allow_none=True, required=True, metadata={"description": "Username"}
    )
    correction_order = fields.String(allow_none=True, required=True)
    review_notes = fields.String(
        allow_none=True, required=True, metadata={"description": "The reviewer's working notes"}
    )
    contents = fields.Nested(ReportContentsSchema, required=True)


class ReportQueueArgs(PageArgs):
    year = fields.Integer(validate=YEAR)
    status = fields.String(
        load_default="submitted",
        validate=validate.OneOf(["submitted", "concluded"]),
        metadata={"description": "submitted (waiting for a conclusion, the default) or concluded"},
    )


class ReportQueuePageSchema(PageSchema):
    items = fields.List(fields.Nested(ReportSummarySchema), required=True)


class ReportConclusionSchema(_Ordered):
    conclusion = fields.String(required=True, validate=validate.OneOf(CONCLUSIONS))
    reasons = fields.String(
        allow_none=True, metadata={"description": "Required for basic_pass and fail; published"}
    )
    concluded_on = fields.Date(metadata={"description": "Today when left out"})
    review_notes = fields.String(
        allow_none=True, metadata={"description": "Working notes: never published"}
    )


class ReportCorrectionOrderSchema(_Ordered):
    order = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    deadline = fields.Date(required=True, metadata={"description": "After today"})


class ReportCorrectionSchema(_Ordered):
    corrected_on = fields.Date(metadata={"description": "Today when left out"})


class OverdueArgs(PageArgs):
    year = fields.Integer(
        validate=YEAR, metadata={"description": "Year reported on; last year when left out"}
    )


class OverdueOrganisationSchema(_Ordered):
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    is_charity = fields.Boolean(required=True)
    registration_authority_code = fields.String(required=True)
    year = fields.Integer(required=True)
    due_on = fields.Date(required=True)


class OverdueOrganisationPageSchema(PageSchema):
    items = fields.List(fields.Nested(OverdueOrganisationSchema), required=True)
