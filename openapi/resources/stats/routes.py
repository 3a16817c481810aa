"""/api/v1/stats: counts of the register, nationally or within one division."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.resources.stats.schemas import StatsArgs, StatsSchema
from registry import context
from registry.charities.stats import charity_stats, trust_stats
from registry.extensions import db
from registry.inspections.rules import DueDates
from registry.inspections.stats import yearly_national
from registry.organisations.listing import division_prefix
from registry.organisations.stats import register_stats, subdivision_stats

bp = Blueprint(
    "stats", __name__, url_prefix="/api/v1/stats", description="Statistics of the register (统计)"
)

NATIONAL = "100000"


@bp.route("")
class Stats(MethodView):
    @bp.arguments(StatsArgs, location="query", as_kwargs=True)
    @bp.response(200, StatsSchema)
    def get(self, division: str = NATIONAL):
        """Counts by kind, status, province, subdivision and founding year; inspection
        participation by year; charities by authority; charity trusts and their property
        by year and authority. Nationally, or within one division: the register counts
        by the organisations' domicile, the rest by the registration authority."""
        prefix = division_prefix(division)
        dues = DueDates.from_settings(context.settings())
        inspections = yearly_national(db.session, context.clock().today(), dues, prefix)
        return {
            **subdivision_stats(db.session, division),
            **register_stats(db.session, prefix),
            **charity_stats(db.session, prefix),
            "inspections": inspections,
            "charity_trusts": trust_stats(db.session, prefix),
        }
