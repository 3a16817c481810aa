"""Security headers of every response, and a content security policy for the pages.

Every response says `nosniff` and a referrer policy. The pages (HTML outside /api/) also
carry a content security policy: scripts, styles, images, fonts and connections from this
site only, no plugins, no framing by another site (clickjacking would otherwise let a
framed workspace page take an officer's click), forms posted here only. Inline styles
stay allowed: the printable documents set column widths in their markup. The API's docs
page (/api/docs) is left to its own package's markup.
"""

from __future__ import annotations

from flask import Flask, Response, request

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html" and not request.path.startswith("/api/"):
            response.headers.setdefault("Content-Security-Policy", POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
