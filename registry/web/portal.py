"""Citizens' pages. Views parse, call one service, render; each page's view lives in a
portal_* module, and this table routes them all through the one blueprint."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from registry import context
from registry.extensions import db
from registry.web import portal_organisation, portal_pages, portal_search
from registry.web.portal_labels import template_helpers

bp = Blueprint("portal", __name__, template_folder="templates")
bp.context_processor(template_helpers)

# Endpoint names (portal.<name>) are what base.html's navigation and other pages link to.
bp.add_url_rule("/", "index", portal_pages.index)
bp.add_url_rule("/search", "search", portal_search.search)
bp.add_url_rule("/search.csv", "search_csv", portal_search.search_csv)
bp.add_url_rule("/organisations/<code>", "organisation", portal_organisation.organisation)
bp.add_url_rule("/notices", "notices", portal_pages.notices)
bp.add_url_rule("/statistics", "statistics", portal_pages.statistics)
bp.add_url_rule("/open-data", "open_data", portal_pages.open_data)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    settings = context.settings()
    engine = db.engine
    try:
        db.session.execute(text("SELECT 1"))
        database_ok = True
    except Exception:  # the check exists to report a broken database, not to raise
        database_ok = False
    body = {
        "status": "ok" if database_ok else "degraded",
        "database": {"dialect": engine.dialect.name, "ok": database_ok},
        "search": {"backend": settings.search_backend},
    }
    if settings.redis_url:
        # Redis holds rate-limit counters only; its loss degrades, never stops, the service.
        body["redis"] = {"ok": _redis_ok(settings.redis_url)}
    return jsonify(body), (200 if database_ok else 503)


def _redis_ok(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False
