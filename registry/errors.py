"""Domain errors. The web layer maps them to problem+json or a friendly page.

A refusal's message is English (the API's, and what its tests compare). Where an officer's
page shows it too, the message is a `Text`: still that English string, but remembering
its template and values, so that a page can say it in Chinese from a catalogue of the
templates (registry/web/translations/zh/LC_MESSAGES/refusals.po).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar


def _english(value: Any) -> Any:
    """A value as the English message shows it: a list's items with commas between."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


class Text(str):
    """An English message made from a template and named values (str.format), which
    remembers both: `Text("corrected_on is before the conclusion ({day})", day=day)`.

    Values may be lists (joined with commas) or Texts themselves. The template is a
    literal, so that a test finds every one and checks the catalogue has its Chinese."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        made = super().__new__(cls, template.format(**{k: _english(v) for k, v in values.items()}))
        made.template = template
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # the English alone is not a template: a value may hold braces
        return _remake, (type(self), self.template, dict(self.values))


def _remake(cls: type[Text], template: str, values: dict[str, Any]) -> Text:
    return cls(template, **values)


class Clauses(str):
    """Several messages said one after another, "; " between them in English."""

    parts: tuple[str, ...]

    def __new__(cls, parts: Iterable[str]) -> Clauses:
        parts = tuple(parts)
        made = super().__new__(cls, "; ".join(parts))
        made.parts = parts
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.parts,)


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
