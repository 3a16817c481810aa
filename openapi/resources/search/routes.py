"""/api/v1/search and /api/v1/search/suggest."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.pagination import link_header, next_link
from openapi.resources.search.schemas import SearchResultSchema, SuggestArgs, SuggestSchema
from registry import context
from registry.charities.listing import TrustListing
from registry.errors import InvalidRecord
from registry.extensions import db
from search.arguments import SearchArgs
from search.backends.base import SearchRequest, decode_after, encode_after
from search.service import SearchService

bp = Blueprint(
    "search", __name__, url_prefix="/api/v1/search", description="Search the register (检索)"
)


@bp.route("")
class Search(MethodView):
    @bp.arguments(SearchArgs, location="query", as_kwargs=True)
    @bp.response(200, SearchResultSchema)
    def get(self, cursor: str | None = None, facet: list[str] | None = None, **args: Any):
        """Search organisations by name, pinyin, code, person or place, with facets."""
        if facet and args["facets"]:
            args["facets"] = tuple(dict.fromkeys(facet))
        after = None
        if cursor:
            try:
                after = decode_after(cursor)
            except ValueError:
                raise InvalidRecord(
                    "cursor is not valid: pass next_cursor unchanged",
                    errors={"cursor": "not a cursor of this search"},
                ) from None
        try:
            result = SearchService.for_app(db.session).search(SearchRequest(after=after, **args))
        except ValueError:
            if after is None:
                raise
            # a cursor of another sort order: its values do not fit this one's keys
            raise InvalidRecord(
                "cursor is not valid for this sort: pass next_cursor with the same arguments",
                errors={"cursor": "from another search"},
            ) from None
        next_cursor = encode_after(result.after) if result.after else None
        url = next_link(next_cursor)
        # Removed organisations stay findable; their date and reason come from the
        # register itself (the index keeps the status only).
        removed = context.organisations().removal_details(
            [hit.uscc for hit in result.hits if hit.status != "active"]
        )
        items = []
        for hit in result.hits:
            day, reason = removed.get(hit.uscc, (None, None))
            items.append({**asdict(hit), "status_date": day, "status_reason": reason})
        body = {
            "items": items,
            "total": result.total,
            "facets": {
                name: [{"value": v, "count": n} for v, n in counts]
                for name, counts in result.facets.items()
            },
            "exact": result.exact,
            "degraded": result.degraded,
            "backend": result.backend,
            "next_cursor": next_cursor,
            "next": url,
            "charity_trusts": _trusts(args.get("q") or "", first_page=cursor is None),
        }
        return body, 200, link_header(url)


def _trusts(q: str, *, first_page: bool) -> dict[str, Any]:
    """Trusts are not organisations and not in the index (about 2,500 in the country): the
    database finds them by name, trustee or settlor, beside the organisations."""
    if not q.strip() or not first_page:
        return {"items": [], "total": 0, "more": None}
    items, total = TrustListing(db.session).search(q)
    more = url_for("charities.Trusts", q=q) if total > len(items) else None
    return {"items": items, "total": total, "more": more}


@bp.route("/suggest")
class Suggest(MethodView):
    @bp.arguments(SuggestArgs, location="query", as_kwargs=True)
    @bp.response(200, SuggestSchema)
    def get(self, q: str, limit: int):
        """Up to 10 distinct names starting with what was typed (or its pinyin)."""
        suggestions, degraded = SearchService.for_app(db.session).suggest(q, limit)
        return {"suggestions": suggestions, "degraded": degraded}
