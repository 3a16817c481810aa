"""/api/v1/notices: the public notices of the dormant-organisation procedure (公告), and
their Atom feed."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED
from openapi.pagination import listed
from openapi.resources.notices.feed import MEDIA_TYPE, atom_feed
from openapi.resources.notices.schemas import (
    NOTICE_ID_PARAM,
    FeedArgs,
    NoticeArgs,
    NoticePageSchema,
    NoticeSchema,
)
from registry import context
from registry.deregistration.listing import NoticeFilter, NoticeList
from registry.deregistration.public import NOTICE_LISTING_FIELDS
from registry.exports.datasets import PUBLISHER
from registry.extensions import db
from registry.public import plain

bp = Blueprint(
    "notices",
    __name__,
    url_prefix="/api/v1/notices",
    description="Public notices (公告) of the dormant-organisation procedure: the "
    "organisations named, the period to come forward, prior notices of revocation and "
    "decisions served by notice",
)

#: how many notices the feed carries
FEED_SIZE = 50


def notices() -> NoticeList:
    return NoticeList(db.session, context.clock().today())


@bp.route("")
class Notices(MethodView):
    @bp.arguments(NoticeArgs, location="query", as_kwargs=True)
    @bp.response(200, NoticePageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Public notices in publication order, each with the organisations it names;
        keyset-paged. format=csv / jsonl streams one row per notice and organisation (the
        `notices` bulk dataset's rows)."""
        filters = NoticeFilter(**args)
        listing = notices()
        return listed(listing, filters, format, NOTICE_LISTING_FIELDS, "notices", cursor, limit)


@bp.route("/feed.atom")
class NoticeFeed(MethodView):
    @bp.arguments(FeedArgs, location="query", as_kwargs=True)
    @bp.response(
        200,
        {"type": "string", "description": "An Atom 1.0 feed (RFC 4287)"},
        content_type=MEDIA_TYPE,
        description="The newest notices, newest first",
    )
    @bp.alt_response(304, description="Not modified (If-None-Match)")
    def get(self, **args: Any):
        """The newest 50 notices as an Atom feed: one entry each, updated on its day of
        publication, linking to its printable document and its JSON record, its content
        the organisations it names. Cacheable (ETag, If-None-Match)."""
        records = notices().newest(NoticeFilter(**args), FEED_SIZE)
        root = request.host_url.rstrip("/")
        suffix = "".join(f":{name}={args[name]}" for name in sorted(args))
        body = atom_feed(
            records,
            feed_id=f"urn:registry:notices{suffix}",
            title="社会组织登记管理机关公告 · Public notices of registration authorities",
            self_url=request.url,
            list_url=url_for("notices.Notices", _external=True, **args),
            json_url=lambda notice_id: url_for(
                "notices.NoticeDetail", notice_id=notice_id, _external=True
            ),
            document_url=lambda notice_id: f"{root}/documents/notices/{notice_id}",
            publisher=PUBLISHER["name_zh"],
            fallback_updated=plain(context.clock().now()),
        )
        response = Response(body, mimetype=MEDIA_TYPE)
        # The API's validators cover JSON answers; the feed sets its own.
        response.add_etag()
        response.headers["Cache-Control"] = "public, max-age=60"
        return response.make_conditional(request)


@bp.route("/<int:notice_id>", parameters=[NOTICE_ID_PARAM])
class NoticeDetail(MethodView):
    @bp.response(200, NoticeSchema)
    @bp.alt_response(404, description="No notice with this number")
    def get(self, notice_id: int):
        """One notice, with the organisations it names and whether its period runs today."""
        return notices().get(notice_id)
