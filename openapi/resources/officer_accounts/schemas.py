"""Officers' accounts and tokens as the officer API shows them: never a password hash, nor
a token's secret except once, in the answer to its creation."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from openapi.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageSchema
from registry.accounts.models import OfficerRole
from registry.accounts.services import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
)

ROLES = [role.value for role in OfficerRole]
AUTHORITY_CODE = validate.Regexp(r"^[0-9]{6}$", error="a six-digit authority code")
USERNAME_PARAM = {
    "in": "path",
    "name": "username",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{2,63}$"},
}


def _datetime(description: str, nullable: bool = True) -> fields.String:
    return fields.String(
        required=not nullable,
        allow_none=nullable,
        metadata={"format": "date-time", "description": description},
    )


class OfficerSchema(Schema):
    class Meta:
        ordered = True

    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ROLES})
    authority_code = fields.String(required=True)
    authority_name = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    created_at = _datetime("When the account was created", nullable=False)
    last_login_at = _datetime("The last successful sign-in to the workspace")
    locked_until = _datetime("Locked after too many failed sign-ins until then")


class OfficerPageSchema(PageSchema):
    items = fields.List(fields.Nested(OfficerSchema), required=True)


class OfficerArgs(Schema):
    cursor = fields.String(
        load_default=None,
        validate=[validate.Length(max=400), validate.Regexp(r"^[A-Za-z0-9_-]*$")],
        metadata={"description": "Opaque cursor from the previous page's `next_cursor`."},
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)
    )


class AccountCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Length(min=3, max=64),
        metadata={"description": "Lowercase letters, digits, '.', '_' or '-'"},
    )
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    authority_code = fields.String(
        required=True,
        validate=AUTHORITY_CODE,
        metadata={"description": "The admin's own authority or one below it"},
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX),
        metadata={"description": f"At least {PASSWORD_MIN} characters"},
    )


class AccountUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=100))
    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(
        metadata={"description": "false: sign-in and the account's tokens are refused"}
    )
    password = fields.String(
        load_only=True,
        validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX),
        metadata={"description": "A new password; it also lifts a sign-in lock"},
    )

    @validates_schema
    def _something(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError("name at least one of full_name, role, is_active, password")


class TokenSchema(Schema):
    class Meta:
        ordered = True

    id = fields.Integer(required=True)
    officer = fields.String(required=True, metadata={"description": "The holder's username"})
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The secret's first characters"})
    state = fields.String(required=True, metadata={"enum": ["live", "expired", "revoked"]})
    created_at = _datetime("When it was issued", nullable=False)
    expires_at = _datetime("When it stops working", nullable=False)
    revoked_at = _datetime("When it was revoked")
    last_used_at = _datetime("Last use, to within five minutes")


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema), required=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(
        required=True,
        metadata={
            "description": "The secret, shown this once: send it as "
            "'Authorization: Bearer <token>'. It cannot be shown again."
        },
    )


class TokenCreateSchema(Schema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "What it is for, e.g. 'report intake script'"},
    )
    expires_in_days = fields.Integer(
        load_default=TOKEN_DEFAULT_DAYS, validate=validate.Range(min=1, max=TOKEN_MAX_DAYS)
    )


class TokenArgs(Schema):
    username = fields.String(
        validate=validate.Length(min=3, max=64),
        metadata={"description": "An admin: another officer's tokens, within jurisdiction"},
    )
