"""/api/v1/changes: everything that changed, in commit order, for mirrors."""

from __future__ import annotations

import json

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.pagination import link_header
from openapi.resources.changes.schemas import FeedArgs, FeedPageSchema
from registry.extensions import db
from registry.feed.services import FeedService
from registry.public import plain

bp = Blueprint(
    "changes",
    __name__,
    url_prefix="/api/v1/changes",
    description="The change feed (变更订阅): every change, in commit order",
)


@bp.route("")
class Changes(MethodView):
    @bp.arguments(FeedArgs, location="query", as_kwargs=True)
    @bp.response(200, FeedPageSchema)
    def get(self, since: str, limit: int, dataset: str | None = None):
        """Entries after `since`, oldest first. Poll with the returned next_cursor."""
        page = FeedService(db.session).read(int(since), limit, dataset)
        items = [
            {
                "cursor": str(e.id),
                "dataset": e.dataset,
                "key": e.key,
                "version": e.version,
                "operation": e.operation.value,
                "recorded_at": plain(e.recorded_at),
                "record": json.loads(e.record),
            }
            for e in page.entries
        ]
        cursor = str(page.next_cursor)
        args = {"since": cursor, "limit": limit, **({"dataset": dataset} if dataset else {})}
        url = url_for("changes.Changes", **args)
        headers = link_header(url) if len(items) == limit else {}
        return {"items": items, "next_cursor": cursor, "next": url, "limit": limit}, 200, headers
