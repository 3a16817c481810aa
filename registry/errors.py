"""Domain errors. The web layer maps them to problem+json or a friendly page."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A rule of the register was broken; the message says which, in plain words."""

    #: the HTTP status the API answers with; a hint for the one error handler
    http_status: ClassVar[int] = 422
    #: a stable slug, used as the problem type
    slug: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "The request breaks a rule of the register"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    http_status = 404
    slug = "not-found"
    title = "Not found"


class DuplicateName(DomainError):
    http_status = 409
    slug = "duplicate-name"
    title = "An organisation of that name is already registered with this authority"


class InvalidUscc(DomainError):
    slug = "invalid-uscc"
    title = "Invalid unified social credit code"


class UnknownDivision(DomainError):
    slug = "unknown-division"
    title = "Unknown administrative division"


class IllegalTransition(DomainError):
    http_status = 409
    slug = "illegal-transition"
    title = "That status change is not allowed from the current status"


class InvalidRecord(DomainError):
    slug = "invalid-record"
    title = "The record is not valid"


class Unauthenticated(DomainError):
    http_status = 401
    slug = "unauthenticated"
    title = "Sign in or send a valid officer token"


class Forbidden(DomainError):
    http_status = 403
    slug = "forbidden"
    title = "Not allowed for this officer"


class TooManyAttempts(DomainError):
    http_status = 429
    slug = "too-many-attempts"
    title = "Too many failed sign-ins; try again later"
