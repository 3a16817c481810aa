"""/api/v1/authorities: the registration authorities (登记管理机关)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import aliased

from openapi.resources.authorities.schemas import (
    AuthorityArgs,
    AuthorityListSchema,
    AuthoritySchema,
)
from registry import context
from registry.authorities.models import RegistrationAuthority
from registry.extensions import db

bp = Blueprint(
    "authorities",
    __name__,
    url_prefix="/api/v1/authorities",
    description="Registration authorities (登记管理机关)",
)


def authority_record(a: RegistrationAuthority) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "level": a.level.value,
        "division_code": a.division_code,
        "parent_code": a.parent.code if a.parent is not None else None,
        "registers_foundations": a.may_register_foundations,
    }


@bp.route("")
class Authorities(MethodView):
    @bp.arguments(AuthorityArgs, location="query", as_kwargs=True)
    @bp.response(200, AuthorityListSchema)
    def get(self, level: str | None = None, parent: str | None = None):
        """Every registration authority, or those of one level or under one authority."""
        query = select(RegistrationAuthority).order_by(RegistrationAuthority.code)
        if level:
            query = query.where(RegistrationAuthority.level == level)
        if parent:
            above = aliased(RegistrationAuthority)
            query = query.join(above, RegistrationAuthority.parent_id == above.id).where(
                above.code == parent
            )
        return {"items": [authority_record(a) for a in db.session.scalars(query)]}


@bp.route("/<string:code>")
class Authority(MethodView):
    @bp.response(200, AuthoritySchema)
    @bp.alt_response(404, description="No such authority")
    def get(self, code: str):
        """One registration authority."""
        return authority_record(context.authorities().get(code))
