"""Annual inspections (年检)."""

from __future__ import annotations

from flask_smorest import Blueprint

bp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api/v1/inspections",
    description="Annual inspections (年检)",
)
