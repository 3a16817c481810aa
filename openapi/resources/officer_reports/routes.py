"""Officers."""

from __future__ import annotations

from flask_smorest import Blueprint

bp = Blueprint(
    "officer_reports",
    __name__,
    url_prefix=" annual reports and inspection:/api/v1/officer",
    description="Officers",
)
