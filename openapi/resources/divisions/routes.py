"""/api/v1/divisions: the GB/T 2260 tree, abolished codes kept."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from openapi.resources.divisions.schemas import (
    DivisionArgs,
    DivisionDetailSchema,
    DivisionListSchema,
)
from registry import context
from registry.divisions.models import AdministrativeDivision
from registry.extensions import db

bp = Blueprint(
    "divisions",
    __name__,
    url_prefix="/api/v1/divisions",
    description="Administrative divisions (GB/T 2260 行政区划)",
)


def division_record(d: AdministrativeDivision) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "level": d.level.value,
        "parent_code": d.parent_code,
        "abolished_on": d.abolished_on.isoformat() if d.abolished_on else None,
        "successor_code": d.successor_code,
    }


@bp.route("")
class Divisions(MethodView):
    @bp.arguments(DivisionArgs, location="query", as_kwargs=True)
    @bp.response(200, DivisionListSchema)
    def get(self, include_abolished: bool, parent: str | None = None, level: str | None = None):
        """The whole tree as a flat list (each with its parent), or one level or branch."""
        query = select(AdministrativeDivision).order_by(AdministrativeDivision.code)
        if parent:
            query = query.where(AdministrativeDivision.parent_code == parent)
        if level:
            query = query.where(AdministrativeDivision.level == level)
        if not include_abolished:
            query = query.where(AdministrativeDivision.abolished_on.is_(None))
        return {"items": [division_record(d) for d in db.session.scalars(query)]}


@bp.route("/<string:code>")
class Division(MethodView):
    @bp.response(200, DivisionDetailSchema)
    @bp.alt_response(404, description="Unknown division code")
    def get(self, code: str):
        """One division with its path from the province and its children."""
        service = context.divisions()
        division = service.find(code)
        path = [] if division.code == "100000" else [division_record(d) for d in service.path(code)]
        return {
            **division_record(division),
            "path": path,
            "children": [division_record(d) for d in service.children(code)],
        }
