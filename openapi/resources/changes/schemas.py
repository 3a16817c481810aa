from __future__ import annotations

from marshmallow import Schema, fields, validate

DATASETS = [
    "organisations",
    "community-organisations",
    "charities",
    "fundraising-plans",
    "charity-trusts",
]


class FeedEntrySchema(Schema):
    class Meta:
        ordered = True

    cursor = fields.String(required=True, metadata={"description": "This entry's position"})
    dataset = fields.String(required=True, validate=validate.OneOf(DATASETS))
    key = fields.String(
        required=True,
        metadata={
            "description": "uscc for organisations and charities, filing_number for community "
            "organisations, record_no for charity trusts, the plan id for fundraising plans"
        },
    )
    version = fields.Integer(
        required=True,
        metadata={
            "description": "Apply the record only when it is newer than the version you hold"
        },
    )
    operation = fields.String(
        required=True,
        validate=validate.OneOf(["created", "updated", "removed", "restored"]),
        metadata={
            "description": "removed: a tombstone; the record left the live register (deregistered, "
            "revoked, withdrawn) and carries its status, date and reason"
        },
    )
    recorded_at = fields.String(required=True, metadata={"format": "date-time"})
    record = fields.Dict(
        required=True,
        metadata={
            "description": "The public record as it became (an Organisation or a "
            "CommunityOrganisation)"
        },
    )


class FeedPageSchema(Schema):
    class Meta:
        ordered = True

    items = fields.List(fields.Nested(FeedEntrySchema), required=True)
    next_cursor = fields.String(
        required=True,
        metadata={"description": "Pass as since= next time; unchanged when nothing is new"},
    )
    next = fields.String(required=True)
    limit = fields.Integer(required=True)


class FeedArgs(Schema):
    since = fields.String(
        load_default="0",
        validate=validate.Regexp(r"^[0-9]{1,18}$"),
        metadata={"description": "Cursor from next_cursor; 0 for the start"},
    )
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=1000))
    dataset = fields.String(validate=validate.OneOf(DATASETS))
