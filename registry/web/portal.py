"""Citizens' pages. Views parse, call one service, render."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import func, select, text

from registry import context
from registry.extensions import db
from registry.organisations.models import Organisation

bp = Blueprint("portal", __name__, template_folder="templates")


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


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    total = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    latest = db.session.scalars(
        select(Organisation)
        .order_by(Organisation.founded_on.desc(), Organisation.id.desc())
        .limit(20)
    ).all()
    return render_template("index.html", total=total, latest=latest)


@bp.get("/organisations/<code>")
def organisation(code: str):  # type: ignore[no-untyped-def]
    record = context.organisations().find_by_uscc(code)
    return render_template("organisation.html", org=record)
