"""/api/v1/decisions: simplified deregistrations and revocations ending dormant cases."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED
from openapi.pagination import listed
from openapi.resources.decisions.schemas import (
    DECISION_ID_PARAM,
    DecisionArgs,
    DecisionPageSchema,
    DecisionSchema,
)
from registry.deregistration.listing import DecisionFilter, DecisionList
from registry.deregistration.public import DECISION_FIELDS
from registry.extensions import db

bp = Blueprint(
    "decisions",
    __name__,
    url_prefix="/api/v1/decisions",
    description="Decisions of simplified deregistration (简易注销) and revocation of "
    "registration (撤销登记) ending dormant-organisation cases",
)


@bp.route("")
class Decisions(MethodView):
    @bp.arguments(DecisionArgs, location="query", as_kwargs=True)
    @bp.response(200, DecisionPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Decisions, oldest first, with the certificate's return and the windows for review
        and lawsuit; keyset-paged, or streamed whole as CSV / JSON Lines."""
        filters = DecisionFilter(**args)
        listing = DecisionList(db.session)
        return listed(listing, filters, format, DECISION_FIELDS, "decisions", cursor, limit)


@bp.route("/<int:decision_id>", parameters=[DECISION_ID_PARAM])
class DecisionDetail(MethodView):
    @bp.response(200, DecisionSchema)
    @bp.alt_response(404, description="No decision with this number")
    def get(self, decision_id: int):
        """One decision."""
        return DecisionList(db.session).get(decision_id)
