"""/api/v1/credit-list-entries and /api/v1/ratings: the credit lists and ratings, public."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED
from openapi.pagination import listed
from openapi.resources.credit.schemas import (
    EntryArgs,
    EntryPageSchema,
    RatingArgs,
    RatingPageSchema,
)
from registry import context
from registry.credit.listing import EntryFilter, EntryListing
from registry.credit.public import ENTRY_FIELDS
from registry.extensions import db
from registry.ratings.listing import RatingFilter, RatingListing
from registry.ratings.public import RATING_FIELDS

bp = Blueprint("credit", __name__, url_prefix="/api/v1", description="Credit lists and ratings")


@bp.route("/credit-list-entries")
class CreditListEntries(MethodView):
    @bp.arguments(EntryArgs, location="query", as_kwargs=True)
    @bp.response(200, EntryPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Entries onto the abnormal-activities and serious-dishonesty lists (活动异常名录、
        严重违法失信名单), current and past, each with its ground and dates; keyset-paged,
        or streamed whole as CSV / JSON Lines."""
        filters = EntryFilter(**args)
        listing = EntryListing(db.session)
        return listed(listing, filters, format, ENTRY_FIELDS, "credit-list-entries", cursor, limit)


@bp.route("/ratings")
class Ratings(MethodView):
    @bp.arguments(RatingArgs, location="query", as_kwargs=True)
    @bp.response(200, RatingPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Ratings (等级评估, 1A–5A) with their term, withdrawn ones included; keyset-paged,
        or streamed whole as CSV / JSON Lines."""
        filters = RatingFilter(**args)
        listing = RatingListing(db.session, context.clock().today())
        return listed(listing, filters, format, RATING_FIELDS, "ratings", cursor, limit)
