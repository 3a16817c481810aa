"""/api/v1/uscc/{code}: check a unified social credit code (the same logic as the CLI)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.resources.uscc.schemas import UsccArgs, UsccResultSchema
from registry import context
from registry.errors import InvalidRecord

bp = Blueprint(
    "uscc",
    __name__,
    url_prefix="/api/v1/uscc",
    description="Unified social credit codes (统一社会信用代码, GB 32100)",
)


@bp.route(
    "/<string:code>",
    parameters=[
        {
            "in": "path",
            "name": "code",
            "required": True,
            "schema": {"type": "string", "maxLength": 64},
        }
    ],
)
class Uscc(MethodView):
    @bp.arguments(UsccArgs, location="query", as_kwargs=True)
    @bp.response(200, UsccResultSchema)
    def get(self, code: str, kind: str | None = None):
        """Validate a code: both check characters, character set, type and division.

        An invalid code is still a 200: the body says what is wrong, position by position.
        """
        if len(code) > 64:
            raise InvalidRecord("a credit code has 18 characters", errors={"code": "too long"})
        return context.organisations().check_uscc(code, kind).as_dict()
