"""Officers' accounts and API tokens."""

from __future__ import annotations

from flask_smorest import Blueprint

bp = Blueprint(
    "officer_accounts",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers' accounts and API tokens",
)
