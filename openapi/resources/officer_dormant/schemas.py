"""Officers' view of the dormant-organisation procedure: candidates, cases, notices."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from openapi.pagination import PageArgs, PageSchema
from registry.deregistration.models import (
    CaseState,
    CertificateOutcome,
    Criterion,
    NoticeKind,
    Transition,
)
from registry.deregistration.rules import SIMPLIFIED_GROUNDS

CASE_ID_PARAM = {
    "in": "path",
    "name": "case_id",
    "required": True,
    "description": "The case's number",
    "schema": {"type": "integer", "minimum": 1},
}
NOTICE_ID_PARAM = {
    "in": "path",
    "name": "notice_id",
    "required": True,
    "description": "The notice's number",
    "schema": {"type": "integer", "minimum": 1},
}
_USCC = fields.String(validate=validate.Length(min=1, max=40))


class _Ordered(Schema):
    class Meta:
        ordered = True


class CandidateArgs(PageArgs):
    criterion = fields.String(
        load_default=None,
        validate=validate.OneOf([c.value for c in Criterion]),
        metadata={"description": "Only candidates meeting this criterion"},
    )


class CandidateSchema(_Ordered):
    uscc = fields.String()
    name = fields.String()
    registration_authority_code = fields.String()
    detected_on = fields.Date()
    criteria = fields.List(
        fields.String(), metadata={"description": ", ".join(c.value for c in Criterion)}
    )
    evidence = fields.Dict(
        metadata={
            "description": "Per criterion: the missing report years, the failed contact "
            "attempts, the abnormal-list entry, the first year after registration"
        }
    )
    open_case_id = fields.Integer(allow_none=True)


class CandidatePageSchema(PageSchema):
    items = fields.List(fields.Nested(CandidateSchema))


class DetectionRunSchema(_Ordered):
    on = fields.Date(
        load_default=None, metadata={"description": "The day to detect on (today by default)"}
    )


class DetectionSummarySchema(_Ordered):
    on = fields.Date()
    authorities = fields.Integer()
    candidates = fields.Integer()
    by_criterion = fields.Dict(keys=fields.String(), values=fields.Integer())
    seconds = fields.Float()


class CaseOpenSchema(_Ordered):
    usccs = fields.List(
        _USCC,
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "Detected candidates of the officer's authority; all or none"},
    )
    on = fields.Date(load_default=None)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class NoticeRefSchema(_Ordered):
    id = fields.Integer()
    number = fields.String()
    published_on = fields.Date()
    ends_on = fields.Date()


class DocumentSchema(_Ordered):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=50))
    number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id = fields.Integer(allow_none=True, dump_only=True)


class StepSchema(_Ordered):
    transition = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    taken_on = fields.Date()
    actor = fields.String()
    basis = fields.String()
    documents = fields.List(fields.Nested(DocumentSchema))
    note = fields.String(allow_none=True)


class DecisionSummarySchema(_Ordered):
    id = fields.Integer()
    kind = fields.String()
    number = fields.String()
    uscc = fields.String()
    decided_on = fields.Date()
    reason = fields.String()
    basis = fields.String()
    approved_by_id = fields.Integer(allow_none=True)
    certificate_due_on = fields.Date()
    certificate_outcome = fields.String(allow_none=True)
    certificate_outcome_on = fields.Date(allow_none=True)
    review_until = fields.Date()
    lawsuit_until = fields.Date()


class CaseSchema(_Ordered):
    id = fields.Integer()
    uscc = fields.String()
    name = fields.String()
    registration_authority_code = fields.String()
    state = fields.String(metadata={"description": ", ".join(s.value for s in CaseState)})
    state_since = fields.Date()
    allowed_next = fields.List(
        fields.String(), metadata={"description": "The transitions the state allows"}
    )
    criteria = fields.List(fields.String())
    evidence = fields.Dict()
    opened_on = fields.Date()
    case_officer = fields.String(allow_none=True)
    notice = fields.Nested(NoticeRefSchema, allow_none=True)
    prior_notice = fields.Nested(NoticeRefSchema, allow_none=True)
    hearing_requested_on = fields.Date(allow_none=True)
    hearing_held_on = fields.Date(allow_none=True)
    simplified_ground = fields.String(allow_none=True)
    no_assets_or_debts = fields.Boolean(allow_none=True)
    proposed_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    outcome_reason = fields.String(allow_none=True)
    decision = fields.Nested(DecisionSummarySchema, allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    version = fields.Integer()


class CaseListSchema(_Ordered):
    items = fields.List(fields.Nested(CaseSchema))


class CasePageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseSchema))


class CaseArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf([s.value for s in CaseState]))
    open = fields.Boolean(load_default=False, metadata={"description": "Open cases only"})


class TransitionSchema(_Ordered):
    transition = fields.String(
        required=True,
        validate=validate.OneOf([t.value for t in Transition]),
        metadata={
            "description": "The step to take; publish_notice and issue_prior_notice publish "
            "a notice naming this case alone (POST /notices names many)"
        },
    )
    on = fields.Date(load_default=None, metadata={"description": "The step's day (today)"})
    basis = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "The legal basis, when not the step's usual one"},
    )
    note = fields.String(
        load_default=None,
        validate=validate.Length(max=4000),
        metadata={"description": "The reason (required to dismiss, restore or reject)"},
    )
    documents = fields.List(fields.Nested(DocumentSchema), load_default=None)
    hearing_held_on = fields.Date(
        load_default=None, metadata={"description": "propose_revocation after a hearing"}
    )
    simplified_ground = fields.String(
        load_default=None,
        validate=validate.OneOf(SIMPLIFIED_GROUNDS),
        metadata={"description": "propose_deregistration: consent or not_found"},
    )
    no_assets_or_debts = fields.Boolean(
        load_default=None,
        metadata={"description": "propose_deregistration: no assets or debts are known"},
    )
    certificate = fields.String(
        load_default=None,
        validate=validate.OneOf([c.value for c in CertificateOutcome]),
        metadata={"description": "close: the certificate and seals returned, or void"},
    )
    serve_by_notice = fields.Boolean(
        load_default=False,
        metadata={"description": "approve: serve the decision by public notice (unreachable)"},
    )


class NoticeCreateSchema(_Ordered):
    kind = fields.String(
        required=True,
        validate=validate.OneOf([NoticeKind.DORMANT.value, NoticeKind.PRIOR_NOTICE.value]),
    )
    case_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        required=True,
        validate=validate.Length(min=1, max=1000),
    )
    published_on = fields.Date(load_default=None)
    days = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=366),
        metadata={"description": "The notice's period (default: the setting, 60 days)"},
    )
    title = fields.String(load_default=None, validate=validate.Length(max=300))
    basis = fields.String(load_default=None, validate=validate.Length(max=2000))
    note = fields.String(load_default=None, validate=validate.Length(max=4000))


class ResponseCreateSchema(_Ordered):
    uscc = fields.String(required=True, validate=validate.Length(min=1, max=40))
    responded_on = fields.Date(load_default=None)
    response = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class ResponseSchema(_Ordered):
    notice_id = fields.Integer()
    uscc = fields.String()
    responded_on = fields.Date()
    response = fields.String()
