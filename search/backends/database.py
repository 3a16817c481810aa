"""The database search backend: SQLite FTS5 or a PostgreSQL GIN index, nothing to run.

It keeps the same semantics as the Elasticsearch backend (tests/search/contract.py):
credit codes go straight to the organisation; Latin queries match pinyin, initials or the
English name; anything else needs every Han character and Latin word of the query as a
token of the name's or the person's and domicile's grams. Relevance is a small bucket
number computed in SQL, so that the database does the ordering and keyset paging.

Writes join the caller's transaction; the caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from html import escape
from itertools import islice
from operator import eq, ge, le
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    any_,
    case,
    column,
    delete,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from search.backends.base import (
    ORGANISATION_CODE,
    SORTS,
    USCC,
    SearchHit,
    SearchRequest,
    SearchResult,
    highlight,
)
from search.backends.database_facets import count_facets
from search.document import is_latin, query_bigrams, query_terms, simplify
from search.models import (
    FTS_DELETE,
    FTS_INSERT,
    FTS_TABLE,
    LATIN_TABLE,
    TSVECTOR_SQL,
    SearchDocument,
)

D = SearchDocument
DOCUMENTS = SearchDocument.__table__
#: longer queries are cut: no name is longer, and every character costs a term
MAX_QUERY = 100
MAX_LIMIT = 1000
#: Latin matches passed on by id, up to this many (well under bound-parameter limits)
LATIN_IDS = 10_000
#: up to this many matches, sorting them beats walking a sort index (see _hits)
SORT_FIRST = 20_000
#: below this many full-text matches, looking them all up is cheaper than counting filters
STEER_ABOVE = 2_000
#: rows per batch of writes: amortises round trips, stays under SQLite's variable limit
BATCH = 2000
#: above every code point: `s >= p and s < p + TOP` is "s starts with p" in code-point order
TOP = "\U0010ffff"
WRITTEN = [c.name for c in DOCUMENTS.columns if c.name != "id"]
_FTS = table(FTS_TABLE, column("rowid"))
_LATIN = table(
    LATIN_TABLE, *(column(c) for c in ["rowid", "pinyin_joined", "pinyin_initials", "name_en"])
)
#: control characters (NUL among them, which PostgreSQL refuses in text) read as spaces
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HIT_FIELDS = [f.name for f in fields(SearchHit) if f.name != "highlight"]

Bucket = int | ColumnElement[Any]
Documents = Iterable[dict[str, Any]]
Where = list[ColumnElement[bool]]
Progress = Callable[[int], Any] | None
#: a filter as (column, comparison, value), so that it can be written with or without index
Filter = tuple[Any, Callable[[Any, Any], Any], Any]


@dataclass
class _Plan:
    """How one query matches and ranks: SQL conditions and the relevance bucket."""

    where: Where
    #: an int when every match has the same bucket
    bucket: Bucket
    exact: bool = False
    #: SQLite: the FTS5 rowids the match stands for
    fts: Any = None


class DatabaseBackend:
    name = "database"

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # -- searching ---------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        q = _CONTROL.sub(" ", request.q or "").strip()[:MAX_QUERY]
        filters = _filters(request)
        plan = self._plan(q, [f(c, v) for c, f, v in filters])
        where = self._steer(plan, filters)
        limit = max(0, min(int(request.limit), MAX_LIMIT))
        # The total comes first: it decides how the hits are best fetched.
        asked = request.facet_fields()
        if asked:
            facets, total = count_facets(self.session, where, asked)
        else:
            facets = {}
            total = self.session.scalar(select(func.count()).select_from(D).where(*where)) or 0
        # A computed bucket cannot come in order from an index: SQLite sorts it best in a
        # subquery (computed once a row), PostgreSQL with the page's top-N sort.
        ranked = request.sort == "relevance" and not isinstance(plan.bucket, int)
        sort_first = total <= SORT_FIRST or (ranked and self.dialect == "sqlite")
        rows = self._hits(plan, where, request, limit, sort_first)
        hits = []
        for row in rows[:limit]:
            values = {name: _plain(row._mapping[name]) for name in _HIT_FIELDS}
            marked = escape(row.name) if plan.exact else highlight(row.name, q)
            hits.append(
                SearchHit(highlight=marked, **{**values, "is_charity": bool(row.is_charity)})
            )
        after = None
        if len(rows) > limit > 0:
            last = rows[limit - 1]._mapping
            after = tuple(_plain(value) for name, value in last.items() if name.startswith("sort_"))
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            after=after,
            exact=plan.exact,
            backend=self.name,
        )

    def _hits(
        self,
        plan: _Plan,
        where: Where,
        request: SearchRequest,
        limit: int,
        sort_first: bool,
    ) -> list[Any]:
        """One page of matches in sort order, plus one row to tell whether more follow.

        `sort_first`: select the matches in a subquery the database may not flatten
        (OFFSET 0), so the bucket is computed once a row, then sort them. Otherwise the
        database may walk a sort index and stop early: good when most rows match, awful
        when few do (kind=foundation walked all of ix_rank_uscc), so the total decides.
        """
        keys, descending = _sort_keys(request.sort, plan.bucket)
        columns = [DOCUMENTS.c[name] for name in _HIT_FIELDS]
        labelled = [
            (literal(key) if isinstance(key, int) else key).label(f"sort_{i}")
            for i, key in enumerate(keys)
        ]
        query = select(*columns, *labelled).where(*where)
        if sort_first:
            inner = query.offset(0).subquery("matches")
            keys = [
                key if isinstance(key, int) else inner.c[f"sort_{i}"] for i, key in enumerate(keys)
            ]
            query = select(inner)
        if request.after is not None:
            query = query.where(_after(keys, descending, _cursor(request.sort, request.after)))
        ordering = [
            key.desc() if desc else key.asc()
            for key, desc in zip(keys, descending, strict=True)
            if not isinstance(key, int)
        ]
        return self.session.execute(query.order_by(*ordering).limit(limit + 1)).all()

    def _plan(self, q: str, filters: Where) -> _Plan:
        if not q:
            return _Plan([], 0)
        code = self._credit_code(q, filters)
        if code is not None:
            return _Plan([code], 0, exact=True)
        if is_latin(q):
            return self._latin_plan(q, filters)
        terms = query_terms(q)
        if not terms:
            # Only punctuation or symbols: no token in the index can hold them.
            return _Plan([false()], 4)
        plan = _Plan([], self._han_bucket(q, terms))
        if self.dialect == "sqlite":
            # Quoted strings: FTS5 operators (AND, NEAR, *, ^) in user text stay text. The
            # table holds only the two grams columns, so no column filter is needed.
            expression = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
            match = literal_column(FTS_TABLE).op("MATCH", is_comparison=True)(expression)
            plan.fts = select(_FTS.c.rowid).where(match)
            plan.where = [D.id.in_(plan.fts)]
        else:
            # The tsvector expression is the GIN index's, verbatim; the terms are one bound
            # parameter that plainto_tsquery splits with the same parser into AND-ed terms.
            tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(terms))
            plan.where = [literal_column(TSVECTOR_SQL).op("@@", is_comparison=True)(tsquery)]
        return plan

    def _steer(self, plan: _Plan, filters: list[Filter]) -> Where:
        """The match and the filters, leaving SQLite one way in when there is a choice.

        SQLite's planner cannot tell how many rows a full-text match or a filter value gives
        (no statistics, or none for FTS5): it may look up 28,000 full-text matches to keep
        900 of one province. So count (each on its own index, bounded) and leave only the
        smallest indexable; PostgreSQL's planner has statistics and combines bitmaps.
        """
        if self.dialect != "sqlite" or not filters or (plan.fts is None and len(filters) < 2):
            return [*plan.where, *(f(c, v) for c, f, v in filters)]
        bound = SORT_FIRST
        if plan.fts is not None:
            bound = self.session.scalar(select(func.count()).select_from(plan.fts.subquery()))
        best = None
        if bound >= STEER_ABOVE:
            for i, (col, compare, value) in enumerate(filters):
                rows = select(literal(1)).where(compare(col, value)).limit(bound).subquery()
                found = self.session.scalar(select(func.count()).select_from(rows)) or 0
                if found < bound:
                    best, bound = i, found
        where = [
            compare(col if i == best else _unindexed(col), value)
            for i, (col, compare, value) in enumerate(filters)
        ]
        if plan.fts is not None:
            where.append((D.id if best is None else _unindexed(D.id)).in_(plan.fts))
        return where

    def _credit_code(self, q: str, filters: Where) -> ColumnElement[bool] | None:
        """The lookup a credit code or organisation code stands for, if it finds one."""
        code = q.upper()
        if USCC.match(code):
            condition = D.uscc == code
        elif ORGANISATION_CODE.match(code):
            condition = D.organisation_code == code
        else:
            return None
        found = self.session.scalar(select(D.id).where(condition, *filters).limit(1))
        return condition if found is not None else None

    def _latin_plan(self, q: str, filters: Where) -> _Plan:
        """Pinyin (every word inside the joined pinyin), initials, or the English name.

        Substrings: trigram indexes narrow the rows where they can, the test runs once,
        and the matches are passed on by id when there are few.
        """
        words = simplify(q).split(" ")
        compact = "".join(words)
        english = func.lower(D.name_en)
        # PostgreSQL: LIKE, which its pg_trgm indexes answer; SQLite: instr().
        test = _like if self.dialect == "postgresql" else self._contains
        condition = or_(
            and_(*(test(D.pinyin_joined, w) for w in words)),
            test(D.pinyin_initials, compact),
            and_(*(test(english, w) for w in words)),
        )
        query = select(D.id).where(condition, *filters)
        if self.dialect == "sqlite" and (candidates := _trigram_candidates(words)) is not None:
            query = query.where(D.id.in_(candidates))
        found = self.session.scalars(query.limit(LATIN_IDS + 1)).all()
        if len(found) > LATIN_IDS:
            where = condition
        elif self.dialect == "postgresql":  # one array parameter, not thousands
            where = D.id == any_(literal(found, ARRAY(Integer())))
        else:
            where = D.id.in_(found)
        bucket = case(
            (or_(D.pinyin_initials == compact, D.pinyin_joined == compact), 0),
            (func.substr(D.pinyin_joined, 1, len(compact)) == compact, 1),
            else_=4,
        )
        return _Plan([where], bucket)

    def _han_bucket(self, q: str, terms: list[str]) -> ColumnElement[Any]:
        """0 the whole name, 1 inside the name, 2 every bigram in it, 3 every term, 4 other."""
        compact = simplify(q).replace(" ", "")
        name = func.replace(D.name_simplified, " ", "")
        grams = literal(" ") + D.name_grams + literal(" ")
        whens: list[tuple[ColumnElement[bool], int]] = [
            (name == compact, 0),
            (self._contains(name, compact), 1),
        ]
        bigrams = query_bigrams(q)
        if bigrams:
            whens.append((and_(*(self._contains(grams, f" {b} ") for b in bigrams)), 2))
        whens.append((and_(*(self._contains(grams, f" {t} ") for t in terms)), 3))
        return case(*whens, else_=4)

    def _contains(self, haystack: Any, needle: str) -> ColumnElement[bool]:
        """A plain substring test: faster than LIKE, and nothing in user text to escape."""
        if self.dialect == "postgresql":
            return func.strpos(haystack, needle) > 0
        return func.instr(haystack, needle) > 0

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        """Up to `limit` distinct names starting with the prefix (or its pinyin)."""
        text_ = simplify(_CONTROL.sub(" ", prefix or "")[:MAX_QUERY])
        limit = max(0, min(int(limit), 100))
        if not text_ or not limit:
            return []
        starts = [_starts_with(D.name_simplified, text_)]
        if is_latin(text_):
            compact = text_.replace(" ", "")
            starts += [
                _starts_with(D.pinyin_joined, compact),
                _starts_with(D.pinyin_initials, compact),
            ]
        rank = func.min(D.status_rank).label("rank")
        query = (
            select(D.name, rank)
            .where(or_(*starts))
            .group_by(D.name)
            .order_by(rank, D.name)
            .limit(limit)
        )
        return [name for name, _rank in self.session.execute(query)]

    # -- keeping the index -------------------------------------------------------------

    def upsert(self, documents: Documents) -> int:
        """Insert or update by uscc when the incoming version is at least the stored one.

        An older version arriving late is ignored, and so is the same document again, so
        delivering twice changes nothing. Returns the number of rows written.
        """
        return self._write(documents, force=False)

    def rebuild(self, documents: Documents, progress: Progress = None) -> int:
        """Make the index hold exactly `documents` (the register's), whatever it held."""
        seen: set[str] = set()
        tracked = (seen.add(document["uscc"]) or document for document in documents)
        self._write(tracked, force=True, progress=progress)
        self.delete([uscc for uscc, _checksum in self.checksums() if uscc not in seen])
        return len(seen)

    def _write(self, documents: Documents, force: bool, progress: Progress = None) -> int:
        upsert = self._upsert_statement(force)
        changed = 0
        iterator = iter(documents)
        while batch := list(islice(iterator, BATCH)):
            if rows := self._changing(batch, force):
                keys = [row["uscc"] for row in rows]
                self._fts(FTS_DELETE, keys)
                self.session.connection().execute(upsert, rows)
                self._fts(FTS_INSERT, keys)
                changed += len(rows)
            if progress is not None:
                progress(len(batch))
        return changed

    def _fts(self, statements: list[Any], keys: list[str]) -> None:
        """SQLite: tell the FTS5 tables whose tokens go (before a write) or come (after)."""
        if self.dialect == "sqlite":
            for statement in statements:
                self.session.connection().execute(statement, {"keys": keys})

    def _changing(self, batch: list[dict[str, Any]], force: bool) -> list[dict[str, Any]]:
        """The rows of the batch that would change the index (one per uscc, the newest).

        Filtering here keeps re-deliveries free of writes; the upsert's WHERE still
        guards against anything written since.
        """
        newest: dict[str, dict[str, Any]] = {}
        for document in batch:
            held = newest.get(document["uscc"])
            if held is None or held["version"] <= document["version"]:
                newest[document["uscc"]] = document
        query = select(D.uscc, D.version, D.checksum).where(D.uscc.in_(list(newest)))
        found = self.session.execute(query)
        stored = {uscc: (version, checksum) for uscc, version, checksum in found}
        return [
            SearchDocument.row(document)
            for uscc, document in newest.items()
            if (have := stored.get(uscc)) is None
            or (have[1] != document["checksum"] and (force or document["version"] >= have[0]))
        ]

    def _upsert_statement(self, force: bool) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(DOCUMENTS)
        incoming = statement.excluded
        different = incoming.checksum != DOCUMENTS.c.checksum
        newer = or_(
            incoming.version > DOCUMENTS.c.version,
            and_(incoming.version == DOCUMENTS.c.version, different),
        )
        return statement.on_conflict_do_update(
            index_elements=[DOCUMENTS.c.uscc],
            set_={name: incoming[name] for name in WRITTEN if name != "uscc"},
            where=different if force else newer,
        )

    def delete(self, usccs: Iterable[str]) -> int:
        removed = 0
        iterator = iter(usccs)
        while keys := list(islice(iterator, BATCH)):
            self._fts(FTS_DELETE, keys)
            statement = delete(DOCUMENTS).where(D.uscc.in_(keys))
            removed += self.session.connection().execute(statement).rowcount
        return removed

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(D)) or 0

    def checksums(self) -> Iterator[tuple[str, str]]:
        query = select(D.uscc, D.checksum).order_by(D.uscc)
        rows = self.session.execute(query.execution_options(yield_per=5000))
        yield from ((uscc, checksum) for uscc, checksum in rows)


# -- query pieces -------------------------------------------------------------------------


def _filters(request: SearchRequest) -> list[Filter]:
    filters: list[Filter] = [
        (DOCUMENTS.c[field], eq, value) for field, value in request.filters().items()
    ]
    if request.founded_from_year is not None:
        filters.append((D.founded_year, ge, int(request.founded_from_year)))
    if request.founded_to_year is not None:
        filters.append((D.founded_year, le, int(request.founded_to_year)))
    return filters


def _like(col: Any, word: str) -> ColumnElement[bool]:
    return col.contains(word, autoescape=True)


def _trigram_candidates(words: list[str]) -> Any:
    """SQLite: the rows that search_latin's trigrams say may match a Latin query, or None
    when one way of matching has no run of 3+ letters to look up (any row may match)."""
    compact = "".join(words)
    long = [w for w in words if len(w) >= 3 and w.isascii() and w.isalnum()]
    if not long or len(compact) < 3 or not (compact.isascii() and compact.isalnum()):
        return None
    # Case-insensitive LIKE on the trigram table: a superset, checked exactly afterwards.
    candidates = [
        select(_LATIN.c.rowid).where(*(_LATIN.c[col].like(f"%{w}%") for w in group))
        for col, group in [
            ("pinyin_joined", long),
            ("pinyin_initials", [compact]),
            ("name_en", long),
        ]
    ]
    return union(*candidates)


def _unindexed(col: Any) -> Any:
    """SQLite's unary plus: the same value, but no index may be used for the term."""
    return UnaryExpression(col, operator=custom_op("+"), type_=col.type)


def _starts_with(col: Any, prefix: str) -> ColumnElement[bool]:
    """A range, not LIKE: it uses the column's index on SQLite and PostgreSQL alike."""
    return and_(col >= prefix, col < prefix + TOP)


def _sort_keys(sort: str, bucket: Bucket) -> tuple[list[Bucket], list[bool]]:
    """The sort keys and whether each is descending; uscc always breaks ties."""
    orders: dict[str, tuple[list[Bucket], list[bool]]] = {
        "relevance": ([bucket, D.status_rank, D.uscc], [False, False, False]),
        "founded_on": ([D.founded_on, D.uscc], [False, False]),
        "-founded_on": ([D.founded_on, D.uscc], [True, False]),
        "name": ([D.name, D.uscc], [False, False]),
    }
    if sort not in orders:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    return orders[sort]


def _cursor(sort: str, after: tuple[Any, ...]) -> tuple[Any, ...]:
    """The decoded cursor checked against the sort's key types; ValueError if it does not fit."""
    shape = (int, int, str) if sort == "relevance" else (str, str)
    if len(after) != len(shape) or any(
        isinstance(v, bool) or not isinstance(v, t) for v, t in zip(after, shape, strict=True)
    ):
        raise ValueError("the cursor does not belong to this sort")
    if sort.lstrip("-") == "founded_on":
        return (date.fromisoformat(after[0]), after[1])
    return tuple(after)


def _after(keys: list[Bucket], descending: list[bool], values: tuple[Any, ...]) -> Any:
    """Rows strictly after `values` in the sort order, as OR/AND chains (no row values)."""
    condition: Any = None
    for key, desc, value in reversed(list(zip(keys, descending, values, strict=True))):
        if isinstance(key, int):
            # A constant bucket is compared here; when equal, the later keys decide.
            if key != value:
                condition = true() if key > value else false()
            elif condition is None:
                condition = false()
            continue
        beyond = key < value if desc else key > value
        condition = beyond if condition is None else or_(beyond, and_(key == value, condition))
    return condition


def _plain(value: Any) -> Any:
    """A value as a hit or a cursor (JSON) carries it: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value
