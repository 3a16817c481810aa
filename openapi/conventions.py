"""What every API response does: validators and caching, CORS, compression."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, g, request
from flask_compress import Compress
from flask_cors import CORS

from openapi.auth import OFFICER_PREFIX, current_actor
from registry.errors import InvalidRecord

JSON_TYPES = ("application/json", "application/problem+json")
EXPOSED = [
    "ETag",
    "Last-Modified",
    "Link",
    "X-Request-ID",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
]


def register_conventions(app: Flask) -> None:
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "application/json",
            "application/problem+json",
            "application/ld+json",
            "text/csv",
            "application/x-ndjson",
            "text/html",
            "text/css",
            "application/javascript",
        ],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    # Compressing a stream would buffer it whole; streams stay as they are.
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    CORS(
        app,
        resources={
            r"/api/*": {
                "origins": "*",
                "methods": ["GET", "HEAD", "OPTIONS"],
                "expose_headers": EXPOSED,
                "send_wildcard": True,
            }
        },
    )
    Compress(app)
    app.before_request(_refuse_nul)
    # Registered after Compress so it runs before it: validators see the plain body.
    app.after_request(_validators)


def _refuse_nul() -> None:
    """PostgreSQL text cannot hold U+0000 (SQLite can): refuse it in any query argument or
    JSON body of the API, with a clear 422, before a query or a write fails on it."""
    if not request.path.startswith("/api/"):
        return
    if request.path.startswith(OFFICER_PREFIX) and request.method != "OPTIONS":
        current_actor()  # who is asking comes first: a 401 before any 422
    names = sorted({name for name, value in request.args.items(multi=True) if "\x00" in value})
    if request.is_json and request.content_length:
        body = request.get_data(cache=True)
        if b"\\u0000" in body or b"\x00" in body:
            names.append("body")
    if names:
        raise InvalidRecord(
            "text may not contain the NUL character (U+0000)",
            errors={name: "contains U+0000" for name in names},
        )


def set_last_modified(moment: datetime | None) -> None:
    """A view names when its data last changed; the response carries it."""
    if moment is not None:
        current = g.get("last_modified")
        g.last_modified = moment if current is None or moment > current else current


def _validators(response: Response) -> Response:
    if not request.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
        return response
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return response
    if response.mimetype not in JSON_TYPES and not response.mimetype.startswith("application/ld"):
        return response
    modified = g.get("last_modified")
    if modified is not None:
        response.last_modified = modified
    response.add_etag(overwrite=False, weak=False)
    response.headers.setdefault("Cache-Control", "public, max-age=60")
    etag, _weak = response.get_etag()
    # Compression turns "x" into "x:gzip"; either form names this representation's body.
    offered = {tag.removesuffix(":gzip") for tag in request.if_none_match.as_set()}
    if etag in offered or request.if_none_match.star_tag:
        return _not_modified(response)
    since = request.if_modified_since
    if modified is not None and since and not request.if_none_match:
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        if modified.replace(microsecond=0) <= since:
            return _not_modified(response)
    return response


def _not_modified(response: Response) -> Response:
    response.status_code = 304
    response.set_data(b"")
    for header in ("Content-Length", "Content-Type"):
        response.headers.pop(header, None)
    return response
