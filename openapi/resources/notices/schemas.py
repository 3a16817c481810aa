from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from openapi.fields import FormatArgs, schema_for
from openapi.pagination import PageArgs, PageSchema
from openapi.resources.organisations.schemas import DIVISION
from registry.deregistration.models import NoticeKind
from registry.deregistration.public import NOTICE_FIELDS, NOTICE_ORGANISATION_FIELDS

NOTICE_ID_PARAM = {
    "in": "path",
    "name": "notice_id",
    "required": True,
    "description": "The notice's number in the register (its `id`)",
    "schema": {"type": "integer", "minimum": 1},
}


def authority_arg() -> fields.String:
    return fields.String(
        validate=DIVISION,
        metadata={
            "description": "Published by this authority or one below it (a province's code "
            "lists its cities' and counties' notices too; 100000 all)"
        },
    )


def kind_arg() -> fields.String:
    return fields.String(
        validate=validate.OneOf([k.value for k in NoticeKind]),
        metadata={"description": "dormant, prior_notice or decision"},
    )


NoticeOrganisationSchema = schema_for("NoticeOrganisation", NOTICE_ORGANISATION_FIELDS)
NoticeSchema = schema_for(
    "PublicNotice",
    NOTICE_FIELDS,
    organisations=fields.List(
        fields.Nested(NoticeOrganisationSchema),
        required=True,
        metadata={"description": "The organisations it names · 公告所列社会组织"},
    ),
)


class NoticePageSchema(PageSchema):
    items = fields.List(fields.Nested(NoticeSchema), required=True)


def uscc_arg() -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$", error="an 18-character credit code"),
        metadata={"description": "Only the notices naming this organisation (its credit code)"},
    )


class FeedArgs(Schema):
    authority = authority_arg()
    kind = kind_arg()
    uscc = uscc_arg()


class NoticeArgs(PageArgs, FormatArgs):
    authority = authority_arg()
    kind = kind_arg()
    uscc = uscc_arg()
    current = fields.Boolean(
        metadata={
            "description": "true: notices whose period runs today; false: ended ones; "
            "left out: both"
        }
    )
    published_from = fields.Date(metadata={"description": "Published on or after (YYYY-MM-DD)"})
    published_to = fields.Date(metadata={"description": "Published on or before (YYYY-MM-DD)"})

    @validates_schema
    def _range(self, data, **_kwargs):  # type: ignore[no-untyped-def]
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            raise ValidationError("published_from is after published_to", "published_from")
