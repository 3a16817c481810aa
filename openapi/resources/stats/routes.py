"""/api/v1/stats: counts of the register, nationally or within one division."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.resources.stats.schemas import StatsArgs, StatsSchema
from registry.statistics import NATIONAL, figures

bp = Blueprint(
    "stats", __name__, url_prefix="/api/v1/stats", description="Statistics of the register (统计)"
)


@bp.route("")
class Stats(MethodView):
    @bp.arguments(StatsArgs, location="query", as_kwargs=True)
    @bp.response(200, StatsSchema)
    def get(self, division: str = NATIONAL):
        """Counts by kind, status, province, subdivision and founding year; inspection
        participation by year; charities by authority; charity trusts and their property
        by year and authority. Nationally, or within one division: the register counts
        by the organisations' domicile, the rest by the registration authority. Once
        computed, the figures are kept for up to 10 minutes (STATS_CACHE_SECONDS)."""
        return figures(division)
