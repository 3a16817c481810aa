"""/api/v1/inspections: annual inspections (年检), their results and participation."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED, stream
from openapi.pagination import bounded_int, decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.inspections.schemas import (
    InspectionArgs,
    InspectionPageSchema,
    ParticipationArgs,
    ParticipationSchema,
)
from registry import context
from registry.extensions import db
from registry.inspections.listing import InspectionFilter, InspectionListing
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.rules import DueDates
from registry.inspections.services import InspectionService

bp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api/v1/inspections",
    description="Annual inspections (年检): who reported, when, and the conclusions",
)

_FILTERS = ("year", "authority", "division", "conclusion", "uscc")


def dues() -> DueDates:
    return DueDates.from_settings(context.settings())


def inspections() -> InspectionService:
    """The service on the request's session, with the app's clock and due dates."""
    return InspectionService(db.session, context.clock(), dues())


@bp.route("")
class Inspections(MethodView):
    @bp.arguments(InspectionArgs, location="query", as_kwargs=True)
    @bp.response(200, InspectionPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """List inspection results, filtered; keyset-paged, or streamed whole as CSV /
        JSON Lines. A report under review has no conclusion yet."""
        filters = InspectionFilter(**{k: args.get(k) for k in _FILTERS})
        listing = InspectionListing(db.session, dues())
        if format != "json":
            return stream(format, INSPECTION_FIELDS, listing.stream(filters), "inspections")
        after = decode_cursor(cursor, bounded_int)[0] if cursor else 0
        records, last = listing.page(filters, after, limit)
        next_cursor = encode_cursor(last) if last else None
        url = next_link(next_cursor)
        body = {"items": records, "next": url, "next_cursor": next_cursor, "limit": limit}
        return body, 200, link_header(url)


@bp.route("/participation")
class Participation(MethodView):
    @bp.arguments(ParticipationArgs, location="query", as_kwargs=True)
    @bp.response(200, ParticipationSchema)
    def get(self, year: int, division: str | None = None):
        """Participation (参检率) for a year: per registration authority, by prefecture and
        province of the authority, and in total. Obliged: registered by the end of the
        year (agencies by 30 June), and still on the register after the due date."""
        return inspections().participation(year, division)
