"""Credit lists and ratings."""

from __future__ import annotations

from flask_smorest import Blueprint

bp = Blueprint("credit", __name__, url_prefix="/api/v1", description="Credit lists and ratings")
