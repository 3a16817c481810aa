"""Officers' accounts and API tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.auth import OFFICER_ONLY, current_actor, current_officer
from openapi.pagination import MAX_ID, decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.officer_accounts.schemas import (
    USERNAME_PARAM,
    AccountCreateSchema,
    AccountUpdateSchema,
    OfficerArgs,
    OfficerPageSchema,
    OfficerSchema,
    TokenArgs,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenListSchema,
)
from registry import context
from registry.accounts.models import ApiToken, Officer
from registry.accounts.services import AccountService
from registry.errors import NotFound
from registry.extensions import db
from registry.public import plain

bp = Blueprint(
    "officer_accounts",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers' accounts and API tokens",
)


def _service() -> AccountService:
    return AccountService(db.session, context.clock())


def officer_json(officer: Officer) -> dict[str, Any]:
    return {
        "username": officer.username,
        "full_name": officer.full_name,
        "role": officer.role.value,
        "authority_code": officer.authority.code,
        "authority_name": officer.authority.name,
        "is_active": officer.is_active,
        "created_at": plain(officer.created_at),
        "last_login_at": plain(officer.last_login_at),
        "locked_until": plain(officer.locked_until),
    }


def token_json(service: AccountService, token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "officer": token.officer.username,
        "name": token.name,
        "prefix": token.prefix,
        "state": service.token_state(token),
        "created_at": plain(token.created_at),
        "expires_at": plain(token.expires_at),
        "revoked_at": plain(token.revoked_at),
        "last_used_at": plain(token.last_used_at),
    }


@bp.route("/me")
class Me(MethodView):
    @bp.response(200, OfficerSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.doc(**OFFICER_ONLY)
    def get(self):  # type: ignore[no-untyped-def]
        """The calling officer: role and authority. Any officer."""
        return officer_json(current_officer())


@bp.route("/tokens")
class Tokens(MethodView):
    @bp.arguments(TokenArgs, location="query", as_kwargs=True)
    @bp.response(200, TokenListSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Another officer's tokens, outside an admin's reach")
    @bp.doc(**OFFICER_ONLY)
    def get(self, username: str | None = None):  # type: ignore[no-untyped-def]
        """The caller's tokens, newest first (an admin may name an officer). Never secrets."""
        service = _service()
        tokens = service.list_tokens(current_actor(), username)
        return {"items": [token_json(service, token) for token in tokens]}

    @bp.arguments(TokenCreateSchema)
    @bp.response(201, TokenCreatedSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Issue a token for the caller. Its secret is in this answer only. Any officer."""
        service = _service()
        token, secret = service.issue_token(current_actor(), body["name"], body["expires_in_days"])
        db.session.commit()
        return {**token_json(service, token), "token": secret}


@bp.route("/tokens/<int:token_id>")
class TokenDetail(MethodView):
    @bp.response(204)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Another officer's token, outside an admin's reach")
    @bp.alt_response(404, description="No such token")
    @bp.doc(**OFFICER_ONLY)
    def delete(self, token_id: int):  # type: ignore[no-untyped-def]
        """Revoke a token: one's own, or, for an admin, one of an officer within reach."""
        if token_id > MAX_ID:
            raise NotFound(f"no API token {token_id}", id=token_id)
        _service().revoke_token(current_actor(), token_id)
        db.session.commit()


@bp.route("/accounts")
class Accounts(MethodView):
    @bp.arguments(OfficerArgs, location="query", as_kwargs=True)
    @bp.response(200, OfficerPageSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not an admin")
    @bp.doc(**OFFICER_ONLY)
    def get(self, cursor: str | None, limit: int):  # type: ignore[no-untyped-def]
        """Accounts of the admin's authority and those below it, by username. Admins."""
        after = decode_cursor(cursor, str)[0] if cursor else None
        officers = _service().list_officers(current_actor(), after, limit + 1)
        more = len(officers) > limit
        officers = officers[:limit]
        next_cursor = encode_cursor(officers[-1].username) if more else None
        url = next_link(next_cursor)
        body = {
            "items": [officer_json(officer) for officer in officers],
            "next": url,
            "next_cursor": next_cursor,
            "limit": limit,
        }
        return body, 200, link_header(url)

    @bp.arguments(AccountCreateSchema)
    @bp.response(201, OfficerSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not an admin, or an authority outside the admin's reach")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Create an officer's account. Admins, for their authority and those below it."""
        officer = _service().create_officer(
            current_actor(),
            body["username"],
            body["full_name"],
            body["authority_code"],
            body["role"],
            body["password"],
        )
        db.session.commit()
        return officer_json(officer)


@bp.route("/accounts/<string:username>", parameters=[USERNAME_PARAM])
class AccountDetail(MethodView):
    @bp.arguments(AccountUpdateSchema)
    @bp.response(200, OfficerSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not an admin, or an account outside the admin's reach")
    @bp.alt_response(404, description="No such account")
    @bp.doc(**OFFICER_ONLY)
    def patch(self, body: dict[str, Any], username: str):  # type: ignore[no-untyped-def]
        """Change an account's role, name or password, or (de)activate it. Admins."""
        officer = _service().update_officer(current_actor(), username, **body)
        db.session.commit()
        return officer_json(officer)
