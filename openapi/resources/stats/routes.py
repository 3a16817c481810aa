"""/api/v1/stats: counts of the register."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.resources.stats.schemas import StatsSchema
from registry import context
from registry.charities.stats import charity_stats, trust_stats
from registry.extensions import db
from registry.inspections.rules import DueDates
from registry.inspections.stats import yearly_national
from registry.organisations.stats import register_stats

bp = Blueprint(
    "stats", __name__, url_prefix="/api/v1/stats", description="Statistics of the register (统计)"
)


@bp.route("")
class Stats(MethodView):
    @bp.response(200, StatsSchema)
    def get(self):
        """Counts by kind, status, province and founding year; inspection participation
        by year; charities by authority; charity trusts and their property by year and
        authority."""
        dues = DueDates.from_settings(context.settings())
        inspections = yearly_national(db.session, context.clock().today(), dues)
        return {
            **register_stats(db.session),
            **charity_stats(db.session),
            "inspections": inspections,
            "charity_trusts": trust_stats(db.session),
        }
