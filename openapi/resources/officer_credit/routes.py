"""Officers."""

from __future__ import annotations

from flask_smorest import Blueprint

bp = Blueprint(
    "officer_credit",
    __name__,
    url_prefix=" credit lists, penalties, contacts and ratings:/api/v1/officer",
    description="Officers",
)
