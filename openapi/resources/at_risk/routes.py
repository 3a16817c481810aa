"""/api/v1/at-risk: organisations under a deregistration procedure, before a decision."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED
from openapi.pagination import listed
from openapi.resources.at_risk.schemas import AtRiskArgs, AtRiskPageSchema
from registry import context
from registry.deregistration.listing import AtRiskFilter, AtRiskList
from registry.deregistration.public import AT_RISK_FIELDS
from registry.deregistration.rules import DormantRules
from registry.extensions import db

bp = Blueprint(
    "at_risk",
    __name__,
    url_prefix="/api/v1/at-risk",
    description="Organisations at risk of deregistration or revocation (僵尸型社会组织专项整治)",
)


@bp.route("")
class AtRisk(MethodView):
    @bp.arguments(AtRiskArgs, location="query", as_kwargs=True)
    @bp.response(200, AtRiskPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Organisations with an open dormant-organisation case and no decision in effect
        yet, with the public stage, the criteria met and the latest notice naming them; where
        the authorities publish them, detected candidates without a case too. Keyset-paged,
        or streamed whole as CSV / JSON Lines."""
        filters = AtRiskFilter(**args)
        listing = AtRiskList(db.session, DormantRules.from_settings(context.settings()))
        return listed(listing, filters, format, AT_RISK_FIELDS, "at-risk", cursor, limit)
