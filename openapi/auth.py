"""Who is calling an officer endpoint: a bearer token, or the workspace's signed-in officer.

`/api/` requests carry `Authorization: Bearer rgo_…`. Without the header, the officer
signed in to the browser workspace (Flask-Login's session cookie) is used, so that the
workspace's pages can call the API; that path is CSRF-checked for unsafe methods.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from registry.accounts.models import Officer
from registry.accounts.rules import Actor
from registry.accounts.services import AccountService
from registry.errors import Forbidden, Unauthenticated
from registry.extensions import db

_ENVIRON_KEY = "registry.officer_actor"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OFFICER_PREFIX = "/api/v1/officer/"
CHALLENGE = 'Bearer realm="registry officers"'


def current_officer() -> Officer:
    """The calling officer's account (for /me and the like)."""
    actor = current_actor()
    officer = db.session.get(Officer, actor.officer_id)
    if officer is None:  # deleted mid-request; cannot happen through the service
        raise Unauthenticated("the account no longer exists")
    return officer


def current_actor() -> Actor:
    """The calling officer, or Unauthenticated (401 problem+json, `WWW-Authenticate: Bearer`).

    Kept with the request (not in `g`, which lives as long as the app context: tests and
    CLI commands keep one across many requests).
    """
    cached = request.environ.get(_ENVIRON_KEY)
    if cached is None:
        cached = request.environ[_ENVIRON_KEY] = _resolve()
    return cached


def _resolve() -> Actor:
    service = AccountService(db.session, current_app.extensions["registry.clock"])
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthenticated(
                "send the officer token as 'Authorization: Bearer rgo_…'", scheme=scheme
            )
        officer = service.verify_token(secret.strip())
        if db.session.dirty:
            db.session.commit()  # last_used_at, before the endpoint's own work
        return service.actor_for(officer)
    if current_user.is_authenticated:
        if request.method not in _SAFE_METHODS:
            _check_csrf()
        return service.actor_for(current_user.officer)
    raise Unauthenticated(
        "this endpoint is for registration officers: send 'Authorization: Bearer <token>'"
    )


def _check_csrf() -> None:
    # A cookie-authenticated write from the workspace's pages must carry the CSRF token,
    # as a form field or the X-CSRFToken header.
    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise Forbidden(
            "a signed-in browser must send the CSRF token (X-CSRFToken header) with writes",
            reason=str(error),
        ) from None


def install(app: Flask) -> None:
    """Every officer route needs an officer; 401s of the API name the scheme they expect
    (RFC 9110 §11.6.1); officers' answers stay out of shared caches. Registered after the
    API's conventions, so that its after_request runs before theirs."""

    @app.before_request
    def _officers_only() -> None:
        # Who is asking comes before what they sent: an anonymous request gets 401, not
        # a 422 about its body nor a 404 about a record it may not know of.
        if request.path.startswith(OFFICER_PREFIX) and request.method != "OPTIONS":
            current_actor()

    @app.after_request
    def _officer_headers(response: Response) -> Response:
        if not request.path.startswith("/api/"):
            return response
        if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
            response.headers["WWW-Authenticate"] = CHALLENGE
        if request.path.startswith(OFFICER_PREFIX):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Authorization")
        return response


#: what an officer operation's `@bp.doc(**OFFICER_ONLY)` says: the bearer token is required
OFFICER_ONLY = {"security": [{"OfficerToken": []}]}


def officer_responses(bp: Any, descriptions: dict[int, str], statuses: tuple[int, ...]) -> Any:
    """A decorator documenting an officer operation: the bearer token, and the error
    answers `statuses`, each described from `descriptions`."""

    def decorate(function: Any) -> Any:
        for status in statuses:
            function = bp.alt_response(status, description=descriptions[status])(function)
        return bp.doc(**OFFICER_ONLY)(function)

    return decorate
