"""One handler: problem+json (RFC 9457) under /api/ and for JSON clients, else a friendly page."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from registry.errors import DomainError

log = logging.getLogger(__name__)

# Relative type URIs resolve against the deployment serving them (RFC 9457 §3.1.1).
PROBLEM_BASE = "/problems/"


def wants_problem_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(
        ["text/html", "application/json", "application/problem+json"]
    )
    return best in ("application/json", "application/problem+json")


def problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> Response:
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": g.get("request_id"),
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _render(status: int, title: str, detail: str, slug: str, **extra: Any) -> Response:
    if wants_problem_json():
        return problem(status, title, detail, slug, **extra)
    html = render_template(
        "error.html", status=status, title=title, detail=detail, request_id=g.get("request_id")
    )
    return Response(html, status=status, mimetype="text/html")


def _field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten webargs' nested messages into [{field, message}], locations left out."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            # a list's index 0 is a name too: "trustees.0.kind"
            name = "" if key in ("query", "json", "path", "form", "headers") else str(key)
            found += _field_errors(value, f"{prefix}.{name}".strip(".") if name else prefix)
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, str):
                found.append({"field": prefix or "request", "message": item})
            else:
                found += _field_errors(item, prefix)
    return found


_PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "request_id"})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response:
        # A detail named like a problem's own member (an IllegalTransition's `status`) is
        # renamed, e.g. to current_status, so that it neither clashes nor replaces it.
        details = {
            (f"current_{key}" if key in _PROBLEM_MEMBERS else key): value
            for key, value in error.details.items()
        }
        return _render(error.http_status, error.title, error.message, error.slug, **details)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        extra: dict[str, Any] = {}
        detail = error.description or error.name
        # webargs puts the field errors of a 422 here: {"query": {"limit": ["..."]}}
        messages = (getattr(error, "data", None) or {}).get("messages")
        if messages:
            extra["errors"] = _field_errors(messages)
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in extra["errors"])
        slug = error.name.lower().replace(" ", "-")
        response = _render(status, error.name, detail, slug, **extra)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if error.get_response().headers.get(header):
                response.headers[header] = error.get_response().headers[header]
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error", exc_info=error)
        return _render(
            500,
            "Internal error",
            "Something went wrong on our side; nothing you sent was lost. "
            "Quote the request id when you report it.",
            "internal-error",
        )
