"""The database backend's facet counts: (value, count) per facet over the matching set,
and the number of matches, in one statement so that the match is evaluated once.

PostgreSQL computes them as up to three grouping sets in one pass; SQLite evaluates the
match once into a temporary table and groups it per facet (or, matching everything, reads
each facet's own small index).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Boolean, ColumnElement, func, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from search.backends.base import FACETS
from search.models import SearchDocument

DOCUMENTS = SearchDocument.__table__
#: the grouping sets' fields: the divisions, and the low-cardinality ones (whose
#: combinations are few)
_DIVISIONS = ("province_code", "prefecture_code", "county_code")
_SMALL = ("kind", "status", "is_charity", "abnormal_list", "dishonest_list", "rating")
_BOOLEAN = {f for f in FACETS.values() if isinstance(DOCUMENTS.c[f].type, Boolean)}

Where = list[ColumnElement[bool]]
Counters = dict[str, Counter[Any]]


def count_facets(
    session: Session, where: Where, asked: dict[str, str]
) -> tuple[dict[str, list[tuple[Any, int]]], int]:
    """(value, count) pairs per facet asked over the matching set, most frequent first,
    and the number of matches: one statement, so the match is evaluated once."""
    counters: Counters = {field: Counter() for field in asked.values()}
    if session.get_bind().dialect.name == "postgresql":
        total = _grouping_sets(session, where, counters)
    else:
        total = _union(session, where, counters)
    facets = {}
    for facet, field in asked.items():
        counts = counters[field]
        if field in _BOOLEAN:
            counts = Counter({bool(v): n for v, n in counts.items()})
        facets[facet] = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return facets, total


def _grouping_sets(session: Session, where: Where, counters: Counters) -> int:
    """Up to three grouping sets in one pass: the divisions, the authority, and the
    low-cardinality fields (whose combinations are few, and which give the total)."""
    sets = [
        [f for f in _DIVISIONS if f in counters],
        ["authority_code"] if "authority_code" in counters else [],
        list(_SMALL),
    ]
    sets = [s for s in sets if s]
    fields = [f for s in sets for f in s]
    cols = [DOCUMENTS.c[f] for f in fields]
    heads = [DOCUMENTS.c[s[0]] for s in sets]
    # GROUPING() has a bit per set's first field, 0 for the fields of the row's set.
    which = func.grouping(*heads) if len(heads) > 1 else literal(0)
    grouping = func.grouping_sets(*(tuple_(*(DOCUMENTS.c[f] for f in s)) for s in sets))
    query = select(*cols, which, func.count()).where(*where).group_by(grouping)
    # The row of set i has every head's bit but its own.
    every = (1 << len(sets)) - 1
    members: dict[int, list[int]] = {}
    offset = 0
    for i, s in enumerate(sets):
        members[every ^ (1 << (len(sets) - 1 - i))] = list(range(offset, offset + len(s)))
        offset += len(s)
    small = every ^ 1  # the last set's rows: one per match, so they give the total
    total = 0
    for *values, group, n in session.execute(query):
        for i in members[group]:
            if fields[i] in counters and values[i] is not None:
                counters[fields[i]][values[i]] += n
        total += n if group == small else 0
    return total


def _union(session: Session, where: Where, counters: Counters) -> int:
    # kind is never null: its counts add up to the number of matches, so it is counted
    # even when not asked for.
    fields = list(dict.fromkeys(["kind", *counters]))
    if where:
        # Evaluated once into a temporary table, then grouped per facet.
        source: Any = (
            select(*(DOCUMENTS.c[f] for f in fields)).where(*where).cte("matches")
        ).prefix_with("MATERIALIZED")
    else:
        # Everything: each GROUP BY reads its own small index, in order.
        source = DOCUMENTS
    parts = [
        select(literal(i).label("facet"), source.c[f].label("value"), func.count().label("n"))
        .where(source.c[f].is_not(None))
        .group_by(source.c[f])
        for i, f in enumerate(fields)
    ]
    total = 0
    for facet, value, n in session.execute(union_all(*parts)):
        if fields[facet] in counters:
            counters[fields[facet]][value] += n
        if fields[facet] == "kind":
            total += n
    return total
