"""The search's arguments, validated one way for the API (/api/v1/search) and the results
page (/search): a marshmallow schema that both load, so that a URL of the one means the
same search in the other."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from search.backends.base import FACETS, SORTS

DIVISION = validate.Regexp(r"^[0-9]{6}$", error="a six-digit GB/T 2260 code")
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
    facet = fields.List(
        fields.String(validate=validate.OneOf(list(FACETS))),
        metadata={
            "description": "Count only these facets (repeat the argument: "
            "facet=kind&facet=province); the many-valued prefecture, county and authority "
            "cost the most. Left out: every facet"
        },
    )

    @validates_schema
    def _years(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("founded_from_year"), data.get("founded_to_year")
        if start and end and start > end:
            raise ValidationError("founded_from_year is after founded_to_year", "founded_from_year")
