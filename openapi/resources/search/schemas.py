from __future__ import annotations

from marshmallow import Schema, fields, validate

from openapi.resources.charities.schemas import TrustSchema


class SearchHitSchema(Schema):
    class Meta:
        ordered = True

    uscc = fields.String(required=True)
    name = fields.String(required=True)
    highlight = fields.String(
        required=True,
        metadata={"description": "The name, HTML-escaped, with the matched part in <em>…</em>"},
    )
    kind = fields.String(required=True)
    status = fields.String(required=True)
    status_date = fields.Date(
        allow_none=True,
        metadata={"description": "Removed organisations: the day of deregistration or revocation"},
    )
    status_reason = fields.String(
        allow_none=True,
        metadata={"description": "Removed organisations: the published reason"},
    )
    legal_representative = fields.String(required=True)
    domicile = fields.String(required=True)
    authority_code = fields.String(required=True)
    founded_on = fields.String(required=True, metadata={"format": "date"})
    is_charity = fields.Boolean(required=True)


class FacetCountSchema(Schema):
    value = fields.Raw(required=True, metadata={"description": "A string or a boolean"})
    count = fields.Integer(required=True)


class TrustMatchesSchema(Schema):
    class Meta:
        ordered = True

    items = fields.List(
        fields.Nested(TrustSchema),
        required=True,
        metadata={"description": "Up to 5, the newest filing first"},
    )
    total = fields.Integer(required=True)
    more = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The same query on /api/v1/charity-trusts, when more match"},
    )


class SearchResultSchema(Schema):
    class Meta:
        ordered = True

    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    total = fields.Integer(required=True)
    facets = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(FacetCountSchema)), required=True
    )
    exact = fields.Boolean(
        required=True,
        metadata={
            "description": "The query was the credit code (or organisation code) of this result"
        },
    )
    degraded = fields.Boolean(
        required=True,
        metadata={"description": "The search server could not answer; the database did"},
    )
    backend = fields.String(required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    next = fields.String(allow_none=True, required=True)
    charity_trusts = fields.Nested(
        TrustMatchesSchema,
        required=True,
        metadata={
            "description": "Charity trusts whose name, trustee or settlor the query names (on "
            "the first page of a search with words; empty otherwise)"
        },
    )


class SuggestArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=50))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=10))


class SuggestSchema(Schema):
    suggestions = fields.List(fields.String(), required=True)
    degraded = fields.Boolean(required=True)
