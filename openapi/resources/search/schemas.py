from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from openapi.resources.charities.schemas import TrustSchema
from openapi.resources.organisations.schemas import DIVISION
from search.backends.base import SORTS

CURSOR = validate.Regexp(r"^[A-Za-z0-9_-]{1,400}$", error="not a cursor of this search")


class SearchArgs(Schema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=100),
        metadata={
            "description": "Name or part of it (any order; traditional or simplified), pinyin or "
            "initials, a credit code or organisation code, a legal representative "
            "or a domicile"
        },
    )
    kind = fields.String(
        validate=validate.OneOf(["social_group", "social_service_agency", "foundation"])
    )
    status = fields.String(
        validate=validate.OneOf(["active", "deregistered", "revoked", "certificate_cancelled"])
    )
    province = fields.String(validate=DIVISION)
    prefecture = fields.String(validate=DIVISION)
    county = fields.String(validate=DIVISION)
    authority = fields.String(validate=DIVISION)
    rating = fields.String(validate=validate.OneOf(["1A", "2A", "3A", "4A", "5A"]))
    charity = fields.Boolean()
    abnormal_list = fields.Boolean(metadata={"description": "On the abnormal-activities list"})
    dishonest_list = fields.Boolean(metadata={"description": "On the serious-dishonesty list"})
    founded_from_year = fields.Integer(validate=validate.Range(min=1900, max=2200))
    founded_to_year = fields.Integer(validate=validate.Range(min=1900, max=2200))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    cursor = fields.String(validate=CURSOR)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    facets = fields.Boolean(load_default=True, metadata={"description": "Include facet counts"})

    @validates_schema
    def _years(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("founded_from_year"), data.get("founded_to_year")
        if start and end and start > end:
            raise ValidationError("founded_from_year is after founded_to_year", "founded_from_year")


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
