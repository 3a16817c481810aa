"""Keyset pagination: an opaque cursor holding the last row's sort value and id."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from flask import request, url_for
from marshmallow import Schema, fields, validate

from openapi.fields import stream
from registry.errors import InvalidRecord
from registry.public import FieldSpec

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
#: the largest id a cursor may carry: the tables' ids are 32-bit integers, and a larger
#: value fails PostgreSQL's cast (a 500) instead of matching nothing
MAX_ID = 2**31 - 1


class PageArgs(Schema):
    cursor = fields.String(
        load_default=None,
        # base64url without padding, as encode_cursor writes it
        validate=[validate.Length(max=400), validate.Regexp(r"^[A-Za-z0-9_-]*$")],
        metadata={"description": "Opaque cursor from the previous page's `next_cursor`."},
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Rows per page, at most {MAX_LIMIT}."},
    )


class PageSchema(Schema):
    next = fields.String(allow_none=True, metadata={"description": "URL of the next page"})
    next_cursor = fields.String(allow_none=True)
    limit = fields.Integer()


def encode_cursor(*values: Any) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *types: Callable[[Any], Any]) -> list[Any]:
    """The cursor's values converted by `types`; a clear 422 when it was tampered with."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        converted = [
            kind(v) if v is not None else None for kind, v in zip(types, values, strict=True)
        ]
        if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in converted):
            raise ValueError
        return converted
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidRecord(
            "cursor is not valid: pass the next_cursor of a previous page unchanged",
            errors={"cursor": "not a cursor of this list"},
        ) from None


def bounded_int(value: Any) -> int:
    number = int(value)
    if isinstance(value, bool) or not 0 <= number <= MAX_ID:
        raise ValueError
    return number


def next_link(cursor: str | None) -> str | None:
    """The next page's URL, with the request's other arguments; also sent as a Link header."""
    if cursor is None:
        return None
    args = request.args.to_dict(flat=False)
    args["cursor"] = [cursor]
    return url_for(request.endpoint, _external=False, **(request.view_args or {}), **args)


def link_header(url: str | None) -> dict[str, str]:
    return {"Link": f'<{url}>; rel="next"'} if url else {}


def after_id(cursor: str | None) -> int:
    """The id a list keyset-paged by id continues after: 0 without a cursor."""
    return decode_cursor(cursor, bounded_int)[0] if cursor else 0


class IdListing(Protocol):
    """A domain listing keyset-paged by id (registry.*.listing): pages, or every row."""

    def stream(self, filters: Any) -> Iterator[dict[str, Any]]: ...

    def page(
        self, filters: Any, after: int, limit: int
    ) -> tuple[list[dict[str, Any]], int | None]: ...


def listed(
    listing: IdListing,
    filters: Any,
    fmt: str,
    specs: Sequence[FieldSpec],
    filename: str,
    cursor: str | None,
    limit: int,
) -> Any:
    """A list view's answer as `format` asks: every filtered row streamed as CSV or JSON
    Lines (named `filename`), or one keyset page after the cursor."""
    if fmt != "json":
        return stream(fmt, specs, listing.stream(filters), filename)
    records, last = listing.page(filters, after_id(cursor), limit)
    return id_page(records, last, limit)


def id_page(records: list[Any], last: int | None, limit: int) -> tuple[dict[str, Any], int, dict]:
    """A page of a list keyset-paged by id, as a view returns it: the body (items, next,
    next_cursor, limit), 200, and the Link header when another page follows."""
    next_cursor = encode_cursor(last) if last is not None else None
    url = next_link(next_cursor)
    body = {"items": records, "next": url, "next_cursor": next_cursor, "limit": limit}
    return body, 200, link_header(url)
