"""Pages for citizens and officers, and the one error handler."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from flask import Flask, abort, g, request, send_from_directory

from registry.config import PROJECT_ROOT
from registry.web.documents import bp as documents_bp
from registry.web.errors import register_error_handlers
from registry.web.i18n import init_i18n
from registry.web.portal import bp as portal_bp
from registry.web.security import init_security_headers
from registry.web.workspace import init_workspace

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


STATIC = Path(__file__).with_name("static")
#: browser libraries installed from npm (package.json), served as files with their licences
VENDOR = {
    "echarts.min.js": ("echarts", "dist/echarts.min.js"),
    "echarts.LICENSE.txt": ("echarts", "LICENSE"),
}


def register_web(app: Flask) -> None:
    init_i18n(app)
    app.register_blueprint(portal_bp)

    @app.get("/assets/<path:filename>", endpoint="static_assets")
    def _assets(filename: str):  # type: ignore[no-untyped-def]
        return send_from_directory(STATIC, filename, max_age=3600)

    @app.get("/assets/vendor/<name>", endpoint="vendor_assets")
    def _vendor(name: str):  # type: ignore[no-untyped-def]
        if name not in VENDOR:
            abort(404)
        package, path = VENDOR[name]
        folder = PROJECT_ROOT / "node_modules" / package
        if not (folder / path).is_file():
            abort(404, description=f"{package} is not installed: run `npm ci` (make does)")
        return send_from_directory(folder, path, max_age=86400)

    @app.context_processor
    def _endpoints() -> dict[str, object]:
        return {"url_endpoints": app.view_functions}

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

    init_security_headers(app)
    # After the request id, so that a refused CSRF check still carries one.
    init_workspace(app)
