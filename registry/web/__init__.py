"""Pages for citizens and officers, and the one error handler."""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

from registry.web.documents import bp as documents_bp
from registry.web.errors import register_error_handlers
from registry.web.portal import bp as portal_bp
from registry.web.workspace import init_workspace

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def register_web(app: Flask) -> None:
    app.register_blueprint(portal_bp)
    app.register_blueprint(documents_bp)
    register_error_handlers(app)

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _stamp(response):  # type: ignore[no-untyped-def]
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    # After the request id, so that a refused CSRF check still carries one.
    init_workspace(app)
