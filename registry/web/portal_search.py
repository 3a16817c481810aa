"""The results page (/search) and its download (/search.csv): the search the API runs
(/api/v1/search), its arguments validated by the same schema, every filter in the URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from registry import context
from registry.charities.listing import TrustListing
from registry.exports.formats import csv_chunks
from registry.extensions import db
from registry.organisations.public import ORGANISATION_FIELDS
from registry.web.portal_labels import value_label
from registry.web.portal_queries import division_names, records_in_batches
from search.arguments import SearchArgs
from search.backends.base import SearchRequest, decode_after, encode_after
from search.service import SearchService

#: the arguments a results URL carries (limit and facets are the page's own)
ARGUMENTS = (
    "q",
    "kind",
    "status",
    "province",
    "prefecture",
    "county",
    "authority",
    "rating",
    "charity",
    "abnormal_list",
    "dishonest_list",
    "founded_from_year",
    "founded_to_year",
    "sort",
    "cursor",
)
#: the facets the page offers, in order, with their headings
FACETS = {
    "kind": "类型",
    "status": "登记状态",
    "province": "省份",
    "charity": "慈善组织",
    "abnormal_list": "活动异常名录",
    "dishonest_list": "严重违法失信名单",
    "rating": "评估等级",
}
#: every filter's name, for the list of conditions in force
FILTERS = {
    **FACETS,
    "prefecture": "地市",
    "county": "区县",
    "authority": "登记管理机关代码",
    "founded_from_year": "成立年份起",
    "founded_to_year": "成立年份止",
}
SORTS = {"relevance": "相关度", "-founded_on": "最新成立", "founded_on": "最早成立", "name": "名称"}
PAGE_SIZE = 20
#: the download: pages of this many codes, at most this many rows in all
CSV_PAGE = 1000
CSV_MAX_ROWS = 10_000
SPECS = {spec.name: spec for spec in ORGANISATION_FIELDS}


@dataclass
class Query:
    """The page's arguments: as given (for the URLs) and as loaded (for the search)."""

    params: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def url(self, endpoint: str = "portal.search", **changes: str | None) -> str:
        """This query's URL with `changes` (None removes an argument); a new filter
        starts again from the first page."""
        params = {k: v for k, v in self.params.items() if k != "cursor"}
        params.update(changes)
        return url_for(endpoint, **{k: v for k, v in params.items() if v is not None})

    def request(self, **overrides: Any) -> SearchRequest:
        values = {k: v for k, v in self.loaded.items() if k != "cursor"}
        return SearchRequest(**{**values, **overrides})


def parse(args: Any) -> Query:
    """The arguments through the API's schema; a problem is a message, never a 500."""
    given = {name: args.get(name, "").strip() for name in ARGUMENTS}
    given = {name: value for name, value in given.items() if value}
    query = Query(params=dict(given))
    try:
        loaded = SearchArgs().load({**given, "limit": PAGE_SIZE})
    except ValidationError as error:
        query.errors = {k: list(v) for k, v in _flat(error.messages).items()}
        return query
    # Without words, the newest organisations come first unless another order was asked.
    if not loaded.get("q") and "sort" not in given:
        loaded["sort"] = "-founded_on"
    for name, value in loaded.items():
        if isinstance(value, bool) and name in given:
            query.params[name] = "true" if value else "false"
    cursor = loaded.get("cursor")
    if cursor:
        try:
            loaded["after"] = decode_after(cursor)
        except ValueError:
            query.errors = {"cursor": [_("翻页参数无效，请从第一页重新开始。")]}
    query.loaded = loaded
    return query


def page_request(query: Query) -> SearchRequest:
    """The page's search: a page of hits and only the facets the page shows (the
    many-valued divisions and authorities cost the most to count)."""
    return query.request(facets=tuple(FACETS))


def _flat(messages: Any) -> dict[str, Any]:
    if isinstance(messages, dict):
        return {str(k): v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    return {"q": list(messages)}


def search():  # type: ignore[no-untyped-def]
    query = parse(request.args)
    if query.errors:
        return _page(query, None, status=400)
    try:
        result = SearchService.for_app(db.session).search(page_request(query))
    except ValueError:
        if "after" not in query.loaded:
            raise
        # a cursor of another order: the backend refuses it
        query.errors = {"cursor": [_("翻页参数无效，请从第一页重新开始。")]}
        return _page(query, None, status=400)
    return _page(query, result)


def _page(query: Query, result: Any, status: int = 200) -> tuple[str, int]:
    hits: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    trusts: dict[str, Any] = {"items": [], "total": 0}
    next_url = None
    if result is not None:
        removed = context.organisations().removal_details(
            [hit.uscc for hit in result.hits if hit.status != "active"]
        )
        for hit in result.hits:
            day, reason = removed.get(hit.uscc, (None, None))
            hits.append({**asdict(hit), "status_date": day, "status_reason": reason})
        names = division_names(
            db.session,
            [str(v) for v, _n in result.facets.get("province", [])]
            + [query.params.get("province", "")],
        )
        facets = _facets(query, result.facets, names)
        if result.after:
            next_url = url_for(
                "portal.search", **{**query.params, "cursor": encode_after(result.after)}
            )
        trusts = _trusts(query)
    html = render_template(
        "portal/search.html",
        query=query,
        result=result,
        hits=hits,
        facets=facets,
        sorts=SORTS,
        filters=_conditions(query, names),
        division_names=names,
        next_url=next_url,
        trusts=trusts,
        specs=SPECS,
        csv_limit=CSV_MAX_ROWS,
    )
    return html, status


def _facets(
    query: Query, counts: dict[str, list[tuple[Any, int]]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Each facet's values as links: a value adds its filter, the chosen one removes it
    (and stays listed, with no count, when nothing found carries it)."""
    facets = []
    for name, heading in FACETS.items():
        chosen = query.params.get(name)
        values = []
        for value, count in counts.get(name, []):
            text = _plain(value)
            values.append({"value": text, "count": count, "selected": text == chosen})
        if chosen and not any(v["selected"] for v in values):
            values.insert(0, {"value": chosen, "count": None, "selected": True})
        for entry in values:
            entry["label"] = _value_label(name, entry["value"], names)
            entry["url"] = query.url(**{name: None if entry["selected"] else entry["value"]})
        facets.append({"name": name, "heading": _(heading), "values": values, "chosen": chosen})
    return facets


def _conditions(query: Query, names: dict[str, str]) -> list[dict[str, str]]:
    """The filters in force, each with the link that removes it."""
    return [
        {
            "heading": _(heading),
            "label": _value_label(name, query.params[name], names),
            "url": query.url(**{name: None}),
        }
        for name, heading in FILTERS.items()
        if name in query.params
    ]


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value_label(name: str, value: str, names: dict[str, str]) -> str:
    if value in ("true", "false"):
        return _("是") if value == "true" else _("否")
    if name == "province":
        return names.get(value, value)
    return value_label(name, value)


def _trusts(query: Query) -> dict[str, Any]:
    """The charity trusts the words name, on the first page (as the API answers them)."""
    q = query.loaded.get("q") or ""
    if not q.strip() or query.loaded.get("cursor"):
        return {"items": [], "total": 0}
    items, total = TrustListing(db.session).search(q)
    return {"items": items, "total": total}


def search_csv():  # type: ignore[no-untyped-def]
    """The results of the same search as CSV: its credit codes, page by page in the page's
    order, as the organisations' public records (the columns of /api/v1/organisations)."""
    query = parse(request.args)
    if query.errors:
        return _page(query, None, status=400)
    service = SearchService.for_app(db.session)
    first = query.request(limit=CSV_PAGE, facets=False, after=None)

    def batches() -> Iterator[list[str]]:
        sent = 0
        search_request = first
        while sent < CSV_MAX_ROWS:
            result = service.search(search_request)
            codes = [hit.uscc for hit in result.hits][: CSV_MAX_ROWS - sent]
            if codes:
                yield codes
            sent += len(codes)
            if not result.after:
                return
            search_request = replace(search_request, after=result.after)

    records = records_in_batches(db.session, batches())
    response = Response(
        stream_with_context(csv_chunks(ORGANISATION_FIELDS, records)), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="search-results.csv"'
    return response
