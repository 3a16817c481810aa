"""/api/v1/community-organisations: community organisation filings (社区社会组织备案)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.conventions import set_last_modified
from openapi.fields import STREAMED, stream
from openapi.pagination import decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.community.schemas import CommunityArgs, CommunityPageSchema, CommunitySchema
from registry import context
from registry.community.public import COMMUNITY_FIELDS, community_record
from registry.community.services import CommunityListing, FilingFilter
from registry.extensions import db

bp = Blueprint(
    "community",
    __name__,
    url_prefix="/api/v1/community-organisations",
    description="Community organisation filings (社区社会组织备案)",
)


@bp.route("")
class Filings(MethodView):
    @bp.arguments(CommunityArgs, location="query", as_kwargs=True)
    @bp.response(200, CommunityPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """List filings, filtered; keyset-paged, or streamed whole as CSV / JSON Lines."""
        filters = FilingFilter(**args)
        listing = CommunityListing(db.session)
        if format != "json":
            return stream(
                format, COMMUNITY_FIELDS, listing.stream(filters), "community-organisations"
            )
        after = decode_cursor(cursor, str)[0] if cursor else None
        records, last, modified = listing.page(filters, after, limit)
        set_last_modified(modified)
        next_cursor = encode_cursor(last) if last else None
        url = next_link(next_cursor)
        body = {"items": records, "next": url, "next_cursor": next_cursor, "limit": limit}
        return body, 200, link_header(url)


@bp.route("/<string:filing_number>")
class Filing(MethodView):
    @bp.response(200, CommunitySchema)
    @bp.alt_response(404, description="No such filing")
    def get(self, filing_number: str):
        """One filing."""
        record = context.community().get(filing_number)
        set_last_modified(record.updated_at)
        return community_record(record)
