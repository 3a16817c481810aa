"""The register's statistics as /api/v1/stats answers them and the statistics page draws
them, nationally or within one division, kept a while once computed.

The national figures scan every organisation and every annual report (seconds at national
scale), and they move slowly, so each division's figures are kept for
STATS_CACHE_SECONDS (10 minutes by default) and for the day they were computed on: Redis
when REDIS_URL is set (shared by every worker), else the process's memory. A cache that
cannot be reached is skipped, never an error: the figures are computed afresh.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from flask import Flask

from registry import context
from registry.charities.stats import charity_stats, trust_stats
from registry.config import Settings
from registry.extensions import cache, db
from registry.inspections.rules import DueDates
from registry.inspections.stats import yearly_national
from registry.organisations.listing import division_prefix
from registry.organisations.stats import register_stats, subdivision_stats

log = logging.getLogger(__name__)

NATIONAL = "100000"
#: kept this long unless STATS_CACHE_SECONDS says otherwise (0 in testing)
DEFAULT_SECONDS = 600


def cache_seconds(settings: Settings) -> int:
    if settings.stats_cache_seconds is None:
        return 0 if settings.testing else DEFAULT_SECONDS
    return max(0, settings.stats_cache_seconds)


def init_cache(app: Flask) -> None:
    settings: Settings = app.extensions["registry.settings"]
    seconds = cache_seconds(settings)
    config: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": seconds}
    if seconds == 0:
        config["CACHE_TYPE"] = "NullCache"
    elif settings.redis_url:
        config.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=settings.redis_url,
            CACHE_KEY_PREFIX=f"{settings.rate_limit_key_prefix}:cache:",
            CACHE_OPTIONS={"socket_connect_timeout": 2, "socket_timeout": 2},
        )
    else:
        config["CACHE_TYPE"] = "SimpleCache"
    with warnings.catch_warnings():
        # keeping nothing is what 0 means, not a mistake to warn about
        warnings.filterwarnings("ignore", "Flask-Caching: CACHE_TYPE is set to NullCache")
        cache.init_app(app, config=config)


def figures(division: str = NATIONAL) -> dict[str, Any]:
    """The whole /api/v1/stats body for `division` (a code of the divisions table, checked
    by the caller): from the cache when computed today within the cache's time."""
    today = context.clock().today()
    key = f"stats:{division}:{today.isoformat()}"
    try:
        found = cache.get(key)
    except Exception:  # the cache is a convenience: its outage is not the reader's
        log.warning("statistics cache unavailable; computing afresh", exc_info=True)
        found = None
    if found is not None:
        return found
    computed = compute(division)
    try:
        cache.set(key, computed)
    except Exception:
        log.warning("statistics cache unavailable; not kept", exc_info=True)
    return computed


def compute(division: str = NATIONAL) -> dict[str, Any]:
    """The figures, computed now: the register counts by domicile within the division, the
    inspections, charities and trusts by the authorities within it."""
    prefix = division_prefix(division)
    dues = DueDates.from_settings(context.settings())
    return {
        **subdivision_stats(db.session, division),
        **register_stats(db.session, prefix),
        **charity_stats(db.session, prefix),
        "inspections": yearly_national(db.session, context.clock().today(), dues, prefix),
        "charity_trusts": trust_stats(db.session, prefix),
    }
