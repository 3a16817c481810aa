"""The Elasticsearch / OpenSearch backend.

Documents arrive pre-tokenised, so the index needs only the built-in `whitespace` and
`standard` analysers (no synonyms, icu, pinyin plugins or scripts, which OpenSearch-compatible
servers reject or silently ignore). Relevance is the database backend's buckets, built from
constant_score clauses rather than BM25, so that every engine ranks the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from html import escape
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from search.backends.base import (
    ORGANISATION_CODE,
    SORTS,
    STATUS_ORDER,
    USCC,
    SearchHit,
    SearchRequest,
    SearchResult,
    highlight,
)

# SearchUnavailable is re-exported: callers catch it from here.
from search.backends.es_transport import (
    UNAVAILABLE_STATUS,
    SearchUnavailable,
    checked_distribution,
    connect,
    guarded,
)
from search.document import is_latin, query_bigrams, query_terms, simplify

MAX_QUERY = 100
FACET_SIZE = 100
CHUNK = 500
MAX_LIMIT = 1000
#: removed or unknown statuses rank last
LAST_RANK = max(STATUS_ORDER.values()) + 1
#: the database backend's "no particular relevance" bucket; score = WORST - bucket
WORST = 4
_HIT_FIELDS = [f.name for f in dataclasses.fields(SearchHit) if f.name != "highlight"]
_BOOLEAN_FACETS = {"is_charity", "abnormal_list", "dishonest_list"}
#: n-gram size per containment field: Han characters are selective in pairs, Latin
#: letters only in threes
_GRAM = {"name_bigrams": 2, "pinyin_trigrams": 3, "initials_trigrams": 3, "name_en_trigrams": 3}
#: pre-tokenised by search.document or _ngrams: whitespace keeps every token whole
_TOKENISED = ["name_grams", "all_grams", *_GRAM]
#: pads the last n-grams of a word; simplify() lower-cases queries, so none can hold it
_PAD = "Z"

_KEYWORDS = [
    *("uscc", "organisation_code", "name", "name_simplified", "name_compact"),
    *("pinyin_joined", "pinyin_initials", "kind", "status", "province_code"),
    *("prefecture_code", "county_code", "authority_code", "rating"),
]
MAPPINGS: dict[str, Any] = {
    # Fields not named here (other_grams, pinyin, legal_representative, domicile: shown or
    # folded into all_grams, never queried) stay in _source unindexed, which saves a sixth
    # of osmem's memory; and a new document field never breaks writes.
    "dynamic": False,
    "properties": {
        **{field: {"type": "keyword"} for field in _KEYWORDS},
        **{field: {"type": "text", "analyzer": "whitespace"} for field in _TOKENISED},
        "name_en": {"type": "text", "analyzer": "standard"},
        **{field: {"type": "boolean"} for field in sorted(_BOOLEAN_FACETS)},
        **{field: {"type": "integer"} for field in ("status_rank", "founded_year")},
        "founded_on": {"type": "date", "format": "strict_date"},
        "version": {"type": "long"},
        "checksum": {"type": "keyword", "index": False},
    },
}

SORT_ORDERS: dict[str, list[dict[str, str]]] = {
    "relevance": [{"_score": "desc"}, {"status_rank": "asc"}, {"uscc": "asc"}],
    "founded_on": [{"founded_on": "asc"}, {"uscc": "asc"}],
    "-founded_on": [{"founded_on": "desc"}, {"uscc": "asc"}],
    "name": [{"name": "asc"}, {"uscc": "asc"}],
}


Clause = dict[str, Any]
#: what must match, and (condition, relevance bucket) pairs from best to worst
Plan = tuple[Clause, list[tuple[Clause, int]]]


def _contains(field: str, text: str) -> Clause:
    """`text` is a substring of the value spelled out in n-grams by _ngrams.

    A phrase of the text's own n-grams, where a leading-wildcard query would scan every
    term (seconds on osmem at 100,000 documents, and costly on Elasticsearch too); text
    shorter than n is a prefix of some n-gram."""
    n = _GRAM[field]
    if len(text) < n:
        return {"prefix": {field: text}}
    return {"match_phrase": {field: " ".join(text[i : i + n] for i in range(len(text) - n + 1))}}


def _ngrams(text: str, n: int) -> str:
    """'nan jing', 3 → 'nan anZ nZZ jin ing ngZ gZZ': in order, none across a space, and
    every substring of a word starts one of them."""
    padded = [word + _PAD * (n - 1) for word in text.split(" ") if word]
    return " ".join(p[i : i + n] for p in padded for i in range(len(p) - n + 1))


def _every(field: str, tokens: list[str]) -> Clause:
    # One match of AND-ed tokens: several times cheaper on osmem than a bool of terms.
    return {"match": {field: {"query": " ".join(tokens), "operator": "and"}}}


def _all(clauses: list[Clause]) -> Clause:
    return {"bool": {"filter": clauses}}


def _any(clauses: list[Clause]) -> Clause:
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def ranking(buckets: list[tuple[Clause, int]]) -> list[Clause]:
    """The best bucket a document reaches sets its score, exactly WORST - bucket: constant
    scores under dis_max (the maximum, not a sum), so the score converts back to the
    database backend's bucket, and each condition is evaluated once."""
    scored = [{"constant_score": {"filter": c, "boost": WORST - b}} for c, b in buckets]
    return [{"dis_max": {"queries": scored, "tie_breaker": 0}}] if scored else []


def han_plan(q: str) -> Plan:
    """Every Han character and Latin word of the query in the name's grams or the person's
    and domicile's; buckets: the whole name, inside the name, every bigram, every term."""
    terms = query_terms(q)
    if not terms:
        return {"bool": {"must_not": {"match_all": {}}}}, []  # only punctuation or symbols
    compact = simplify(q).replace(" ", "")
    buckets = [
        ({"term": {"name_compact": compact}}, 0),
        (_contains("name_bigrams", compact), 1),
    ]
    bigrams = query_bigrams(q)
    if bigrams:
        buckets.append((_every("name_grams", bigrams), 2))
    buckets.append((_every("name_grams", terms), 3))
    return _every("all_grams", terms), buckets


def latin_plan(q: str) -> Plan:
    """Every word inside the joined pinyin, the query inside the initials, or every word
    inside the English name; buckets: pinyin or initials equal, pinyin starts with it."""
    words = simplify(q).split(" ")
    compact = "".join(words)
    match = _any(
        [
            _all([_contains("pinyin_trigrams", w) for w in words]),
            _contains("initials_trigrams", compact),
            _all([_contains("name_en_trigrams", w) for w in words]),
        ]
    )
    equal = _any([{"term": {"pinyin_initials": compact}}, {"term": {"pinyin_joined": compact}}])
    return match, [(equal, 0), ({"prefix": {"pinyin_joined": compact}}, 1)]


def filter_clauses(request: SearchRequest) -> list[Clause]:
    clauses: list[Clause] = [{"term": {f: value}} for f, value in request.filters().items()]
    bounds = {"gte": request.founded_from_year, "lte": request.founded_to_year}
    years = {op: int(year) for op, year in bounds.items() if year is not None}
    return [*clauses, {"range": {"founded_year": years}}] if years else clauses


def credit_code_clause(q: str) -> Clause | None:
    code = q.upper()
    if USCC.match(code):
        return {"term": {"uscc": code}}
    if ORGANISATION_CODE.match(code):
        return {"term": {"organisation_code": code}}
    return None


# -- cursors: the database backend's shape, so a cursor survives a fall-back ------------


def _millis(day: str) -> int:
    return int(datetime.combine(date.fromisoformat(day), time(), UTC).timestamp() * 1000)


def _day(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()


def to_search_after(sort: str, after: tuple[Any, ...]) -> list[Any]:
    """(bucket, status rank, uscc) or (ISO date | name, uscc) → the engine's sort values."""
    shapes = {"relevance": (int, int, str), "name": (str, str)}
    shape = shapes.get(sort, (str, str))
    if len(after) != len(shape) or any(
        not isinstance(v, kind) or isinstance(v, bool) for v, kind in zip(after, shape, strict=True)
    ):
        raise ValueError("the cursor does not belong to this sort")
    if sort == "relevance":
        return [float(WORST - after[0]), after[1], after[2]]
    if sort.lstrip("-") == "founded_on":
        try:
            return [_millis(after[0]), after[1]]
        except ValueError:
            raise ValueError("the cursor does not belong to this sort") from None
    return list(after)


def from_sort_values(sort: str, values: list[Any]) -> tuple[Any, ...]:
    if sort == "relevance":
        return (WORST - round(values[0]), int(values[1]), values[2])
    if sort.lstrip("-") == "founded_on":
        return (_day(int(values[0])), values[1])
    return tuple(values)


def served(method: Callable[..., Any]) -> Callable[..., Any]:
    """A read through the alias: connection failures become SearchUnavailable, and an alias
    that vanished (a server restarted empty) is recreated and the read repeated once."""

    @functools.wraps(method)
    def wrapper(self: ElasticsearchBackend, *args: Any, **kwargs: Any) -> Any:
        self.ensure_index()
        try:
            return method(self, *args, **kwargs)
        except NotFoundError:
            self._index_ready = False
            self.ensure_index()
            return method(self, *args, **kwargs)

    return guarded(wrapper)


def _facet_key(field: str, bucket: dict[str, Any]) -> Any:
    if field in _BOOLEAN_FACETS:
        # Elasticsearch answers 1/0 with key_as_string "true"/"false"; others vary.
        raw = bucket.get("key_as_string", bucket["key"])
        return raw in (True, 1, "true", "1")
    return bucket["key"]


def _hit(source: dict[str, Any], q: str, exact: bool) -> SearchHit:
    fields = {field: source[field] for field in _HIT_FIELDS}
    fields.update(founded_on=str(source["founded_on"]), is_charity=bool(source["is_charity"]))
    # A credit code matches no characters of the name: nothing to mark.
    marked = escape(source["name"]) if exact else highlight(source["name"], q)
    return SearchHit(**fields, highlight=marked)


def _versioned(index: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "_index": index,
        "_id": document["uscc"],
        "version": document["version"],
        "version_type": "external_gte",
    }


def indexed(document: dict[str, Any]) -> dict[str, Any]:
    """The stored form: the document plus the fields only this engine needs (the database
    backend computes them in SQL)."""
    compact = document["name_simplified"].replace(" ", "")
    return {
        **document,
        "status_rank": STATUS_ORDER.get(document["status"], LAST_RANK),
        "name_compact": compact,
        "all_grams": f"{document['name_grams']} {document['other_grams']}",
        "name_bigrams": _ngrams(compact, 2),
        "pinyin_trigrams": _ngrams(document["pinyin_joined"], 3),
        "initials_trigrams": _ngrams(document["pinyin_initials"], 3),
        "name_en_trigrams": _ngrams(simplify(document.get("name_en") or ""), 3),
    }


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        alias: str = "registry-organisations",
        distribution: str = "auto",
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.alias = alias
        self.distribution = checked_distribution(distribution)
        self.timeout = timeout
        self._client: Elasticsearch | None = None
        self._index_ready = False
        self._lock = threading.Lock()

    # -- connection ------------------------------------------------------------------

    @property
    def client(self) -> Elasticsearch:
        """Built on first use, so that an application starts while the server is down."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = connect(self.url, self.distribution, self.timeout)
        return self._client

    def _bulk_client(self) -> Elasticsearch:
        return self.client.options(request_timeout=max(self.timeout, 120.0))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- index lifecycle ---------------------------------------------------------------

    def _new_index_name(self, kind: str = "v") -> str:
        return f"{self.alias}-{kind}{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    def _create_index(self, name: str, refresh_interval: str | None = None) -> None:
        settings: dict[str, Any] = {"index": {"number_of_shards": 1}}
        if refresh_interval is not None:
            settings["index"]["refresh_interval"] = refresh_interval
        self.client.indices.create(index=name, settings=settings, mappings=MAPPINGS)

    @guarded
    def live_indices(self) -> list[str]:
        """The concrete indices behind the alias (one, except mid-swap elsewhere)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    @guarded
    def ensure_index(self) -> None:
        """Create the first versioned index and point the alias at it, unless it exists."""
        if self._index_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            name = self._new_index_name()
            self._create_index(name)
            self.client.indices.put_alias(index=name, name=self.alias)
        self._index_ready = True

    @guarded
    def reindex(
        self,
        documents: Iterable[dict[str, Any]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Load every document into a new index, then swap the alias in one atomic call.

        Searches keep answering from the old index until the swap; the old index is
        deleted after it.
        """
        name = self._new_index_name()
        # No refreshes while loading: segments are built once, at the end.
        self._create_index(name, refresh_interval="-1")
        try:
            loaded = self._load(name, documents, progress)
            self.client.indices.put_settings(index=name, settings={"index.refresh_interval": None})
            self.client.indices.refresh(index=name)
        except BaseException:
            # The half-built index is garbage; a cleanup failure must not hide the cause.
            with contextlib.suppress(Exception):
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        old = self.live_indices()
        swap = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        self.client.indices.update_aliases(
            actions=[*swap, {"add": {"index": name, "alias": self.alias}}]
        )
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        self._index_ready = True
        return loaded

    def _load(
        self,
        index: str,
        documents: Iterable[dict[str, Any]],
        progress: Callable[[int], None] | None,
    ) -> int:
        # The register's versions, so that later upserts compare against them.
        actions = ({**_versioned(index, d), "_source": indexed(d)} for d in documents)
        loaded = unreported = 0
        for ok, item in helpers.streaming_bulk(
            self._bulk_client(), actions, chunk_size=CHUNK, raise_on_error=False, max_retries=2
        ):
            if ok:
                loaded += 1
            elif item.get("index", {}).get("status") != 409:  # 409: a duplicate, older
                raise RuntimeError(f"reindex failed on {item}")
            unreported += 1
            if progress is not None and unreported == CHUNK:
                progress(unreported)  # increments, like the database backend (tqdm.update)
                unreported = 0
        if progress is not None and unreported:
            progress(unreported)
        return loaded

    @guarded
    def raw_bulk_load(self, documents: Iterable[dict[str, Any]], index: str | None = None) -> int:
        """Plain bulk into a throwaway index (no versions, default refresh), for benchmarks
        to compare against reindex(). Deletes the index afterwards; returns documents sent."""
        index = index or self._new_index_name("raw-")
        self._create_index(index)
        try:
            actions = (
                {"_index": index, "_id": d["uscc"], "_source": indexed(d)} for d in documents
            )
            loaded, _ = helpers.bulk(self._bulk_client(), actions, chunk_size=CHUNK)
            return int(loaded)
        finally:
            self.client.indices.delete(index=index, ignore_unavailable=True)

    # -- writes --------------------------------------------------------------------------

    @guarded
    def upsert(self, documents: Iterable[dict[str, Any]]) -> int:
        """Index with the register's version as an external version. An older version that
        arrives late is skipped (409), not an error; the same version again is written again
        (external_gte), because facts from other domains (rating, credit lists) can change a
        document without a new register version. Returns the documents written."""
        self.ensure_index()
        written = 0
        operations: list[dict[str, Any]] = []
        for document in documents:
            operations += [{"index": _versioned(self.alias, document)}, indexed(document)]
            if len(operations) >= 2 * CHUNK:
                written += self._bulk(operations, tolerate={409})
                operations = []
        if operations:
            written += self._bulk(operations, tolerate={409})
        return written

    @guarded
    def delete(self, usccs: Iterable[str]) -> int:
        self.ensure_index()
        operations = [{"delete": {"_index": self.alias, "_id": uscc}} for uscc in usccs]
        deleted = 0
        for start in range(0, len(operations), CHUNK):
            deleted += self._bulk(operations[start : start + CHUNK], tolerate={404})
        return deleted

    def _bulk(self, operations: list[dict[str, Any]], tolerate: set[int]) -> int:
        """One bulk request, visible to searches on return; returns the operations applied.

        require_alias: a vanished alias (a server restarted empty) must not be auto-created
        as a concrete index with guessed mappings; it is recreated and the bulk sent again.
        """
        bulk = self._bulk_client().bulk
        response = bulk(operations=operations, refresh="wait_for", require_alias=True)
        errors = [(r.get("error") or {}) for item in response["items"] for r in item.values()]
        if any(error.get("type") == "index_not_found_exception" for error in errors):
            self._index_ready = False
            self.ensure_index()
            response = bulk(operations=operations, refresh="wait_for", require_alias=True)
        applied = 0
        for item in response["items"]:
            result = next(iter(item.values()))
            status = result.get("status", 500)
            if status < 300:
                applied += 1
            elif status not in tolerate:
                if status in UNAVAILABLE_STATUS:
                    raise SearchUnavailable(f"search server rejected a write: {result}")
                raise RuntimeError(f"bulk write failed: {result}")
        return applied

    # -- reads ---------------------------------------------------------------------------

    @served
    def count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

    def checksums(self) -> Iterator[tuple[str, str]]:
        """(uscc, checksum) of every document by uscc, paged with search_after."""
        after: list[Any] | None = None
        while True:
            page = self._checksum_page(after)
            for hit in page:
                yield hit["_source"]["uscc"], hit["_source"]["checksum"]
            if len(page) < 1000:
                return
            after = page[-1]["sort"]

    @served
    def _checksum_page(self, after: list[Any] | None) -> list[dict[str, Any]]:
        response = self.client.search(
            index=self.alias,
            sort=[{"uscc": "asc"}],
            size=1000,
            source=["uscc", "checksum"],
            search_after=after,  # None is left out of the request
        )
        return list(response["hits"]["hits"])

    @served
    def search(self, request: SearchRequest) -> SearchResult:
        if request.sort not in SORT_ORDERS:
            raise ValueError(f"unknown sort {request.sort!r}; choose one of {', '.join(SORTS)}")
        after = to_search_after(request.sort, request.after) if request.after else None
        q = (request.q or "").strip()[:MAX_QUERY]
        filters = filter_clauses(request)
        code = credit_code_clause(q) if q else None
        if code is not None:
            found = self.client.count(index=self.alias, query=_all([code, *filters]))
            if found["count"]:
                return self._search(request, q, (code, [(code, 0)]), filters, after, exact=True)
        if not q:
            plan: Plan = ({"match_all": {}}, [({"match_all": {}}, 0)])
        elif is_latin(q):
            plan = latin_plan(q)
        else:
            plan = han_plan(q)
        return self._search(request, q, plan, filters, after)

    def _search(
        self,
        request: SearchRequest,
        q: str,
        plan: Plan,
        filters: list[Clause],
        after: list[Any] | None,
        exact: bool = False,
    ) -> SearchResult:
        match, buckets = plan
        limit = max(0, min(int(request.limit), MAX_LIMIT))
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [match, *filters], "should": ranking(buckets)}},
            "sort": SORT_ORDERS[request.sort],
            "size": limit + 1,
            "track_total_hits": True,
            "source": _HIT_FIELDS,
        }
        if after is not None:
            body["search_after"] = after
        asked = request.facet_fields()
        if asked:
            body["aggs"] = {
                name: {"terms": {"field": field, "size": FACET_SIZE}}
                for name, field in asked.items()
            }
        response = self.client.search(index=self.alias, **body)
        hits = response["hits"]["hits"]
        following = None
        if 0 < limit < len(hits):
            following = from_sort_values(request.sort, hits[limit - 1]["sort"])
        facets: dict[str, list[tuple[Any, int]]] = {}
        for name, field in asked.items():
            buckets_ = response["aggregations"][name]["buckets"]
            facets[name] = [(_facet_key(field, b), int(b["doc_count"])) for b in buckets_]
        return SearchResult(
            hits=[_hit(hit["_source"], q, exact) for hit in hits[:limit]],
            total=int(response["hits"]["total"]["value"]),
            facets=facets,
            after=following,
            exact=exact,
            backend=self.name,
        )

    @served
    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        """Up to `limit` distinct names starting with the prefix (or whose pinyin or
        initials do), live organisations' names first, then by name."""
        text = simplify((prefix or "")[:MAX_QUERY])
        limit = max(0, min(int(limit), 100))
        if not text or not limit:
            return []
        compact = text.replace(" ", "")
        fields = ("pinyin_joined", "pinyin_initials") if is_latin(text) else ()
        starts = [{"prefix": {"name_simplified": text}}]
        starts += [{"prefix": {field: compact}} for field in fields]
        response = self.client.search(
            index=self.alias,
            query=_any(starts),
            # One hit per name, the name's best-ranked organisation deciding its place.
            collapse={"field": "name"},
            sort=[{"status_rank": "asc"}, {"name": "asc"}, {"uscc": "asc"}],
            size=limit,
            source=["name"],
        )
        names = dict.fromkeys(hit["_source"]["name"] for hit in response["hits"]["hits"])
        return list(names)[:limit]
