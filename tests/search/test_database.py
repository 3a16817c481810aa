"""The database backend: the search contract, plus what only a database can get wrong.

Every test runs on SQLite (FTS5) and, with TEST_DATABASE_URL, on PostgreSQL (GIN).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import text

from registry.organisations.uscc import generate
from search.backends.base import FACETS, STATUS_ORDER, SearchRequest
from search.backends.database import MAX_QUERY, DatabaseBackend
from search.document import build_document, query_bigrams, query_terms, simplify
from tests.search.contract import SearchContract

# A small alphabet, so that random names share characters and bigrams often.
ALPHABET = "慈善协会南京市书法基金连云港养老服务中心志愿者教育发展"
PLACES = ["南京市玄武区中山路", "连云港市海州区朝阳路", "北京市东城区东直门"]
KINDS = ["social_group", "social_service_agency", "foundation"]
STATUSES = ["active", "active", "active", "deregistered", "revoked"]
DIVISIONS = ["320102", "320706", "110101", "320100", "320000"]


class TestDatabaseBackend(SearchContract):
    @pytest.fixture
    def backend(self, session) -> DatabaseBackend:
        return DatabaseBackend(session)


@pytest.fixture
def backend(session) -> DatabaseBackend:
    return DatabaseBackend(session)


def _documents(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    documents = []
    for i in range(count):
        kind = rng.choice(KINDS)
        division = rng.choice(DIVISIONS)
        name = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 9)))
        record = {
            "uscc": generate(division, kind, 5000 + i),
            "name": name,
            "name_en": rng.choice([None, "Charity Federation", "Calligraphy Society"]),
            "kind": kind,
            "status": rng.choice(STATUSES),
            "domicile_division_code": division,
            "registration_authority_code": division,
            "founded_on": f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-01",
            "legal_representative": rng.choice(["王建国", "李芳", "赵敏"]),
            "domicile": f"{rng.choice(PLACES)}{rng.randint(1, 99)}号",
            "is_charity": rng.random() < 0.2,
            "version": 1,
        }
        documents.append(build_document(record))
    return documents


def _expected(documents: list[dict[str, Any]], q: str) -> set[str]:
    """The contract's rule for Han queries: every term a token of either grams field."""
    terms = query_terms(q)
    return {
        d["uscc"]
        for d in documents
        if all(t in set(d["name_grams"].split()) | set(d["other_grams"].split()) for t in terms)
    }


def _all_pages(backend: DatabaseBackend, **kwargs: Any) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = backend.search(SearchRequest(after=after, facets=False, **kwargs))
        seen += [hit.uscc for hit in page.hits]
        if page.after is None:
            return seen
        after = page.after


def _fts_in_step(backend: DatabaseBackend) -> None:
    """SQLite: FTS5 compares its index with search_document and raises on any difference."""
    if backend.dialect == "sqlite":
        backend.session.execute(
            text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        )


@pytest.mark.parametrize("q", [*ALPHABET[:12], "慈善", "协会", "南京", "基金", "港养", "会南"])
def test_one_and_two_character_queries_match_exactly_the_tokens(backend, q):
    documents = _documents(300)
    backend.upsert(documents)
    found = _all_pages(backend, q=q, limit=100)
    assert len(found) == len(set(found))
    assert set(found) == _expected(documents, q)
    assert backend.search(SearchRequest(q=q)).total == len(found)


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        '"',
        "%",
        "_",
        "*",
        "NEAR(",
        "AND",
        "慈善' OR '1'='1",
        '慈"善',
        "慈 AND 善",
        "慈*",
        "^慈",
        "慈善%",
        "协_会",
        "'; DROP TABLE search_document; --",
        "\\",
        "\x00慈",
    ],
)
def test_hostile_input_is_text(backend, q):
    documents = _documents(120)
    backend.upsert(documents)
    result = backend.search(SearchRequest(q=q, limit=200))
    assert result.total == len(result.hits)
    if not any("\u3400" <= ch <= "\u9fff" for ch in q):
        # No Han character: pinyin/English rules, and none of these words is pinyin.
        assert all(hit.uscc in {d["uscc"] for d in documents} for hit in result.hits)
    else:
        assert {hit.uscc for hit in result.hits} == _expected(documents, q)
    assert backend.count() == len(documents)
    assert backend.suggest(q) == backend.suggest(q)  # and no error
    _fts_in_step(backend)


def test_wildcards_match_nothing_rather_than_everything(backend):
    backend.upsert(_documents(50))
    for q in ["%", "_", "*", '"', "%%", "*:*"]:
        assert backend.search(SearchRequest(q=q)).total == 0, q
        assert backend.suggest(q) == []


def test_very_long_queries_are_cut(backend):
    documents = _documents(80)
    backend.upsert(documents)
    long_han = "慈善协会" * 300
    result = backend.search(SearchRequest(q=long_han))
    assert {h.uscc for h in result.hits} == _expected(documents, long_han[:MAX_QUERY])
    assert backend.search(SearchRequest(q="a" * 10_000)).total == 0
    assert backend.search(SearchRequest(q="zhong " * 2_000)).total >= 0
    assert len(backend.suggest("慈" * 10_000)) <= 10


def test_upsert_counts_only_what_changed(backend):
    documents = _documents(30)
    assert backend.upsert(documents) == 30
    assert backend.upsert(documents) == 0
    first = dict(documents[0])
    newer = build_document(
        {
            **_record(first),
            "name": "慈善基金会",
            "version": 2,
        }
    )
    assert backend.upsert([newer, first]) == 1  # the older copy in the same batch loses
    assert backend.upsert([first]) == 0
    assert backend.search(SearchRequest(q=first["uscc"])).hits[0].name == "慈善基金会"
    assert newer["uscc"] in _all_pages(backend, q="慈善基金会")
    _fts_in_step(backend)


def test_rebuild_replaces_everything_and_keeps_full_text_in_step(backend):
    backend.upsert(_documents(40, seed=1))
    fresh = _documents(25, seed=2)
    progress: list[int] = []
    assert backend.rebuild(fresh, progress=progress.append) == 25
    assert sum(progress) == 25
    assert dict(backend.checksums()) == {d["uscc"]: d["checksum"] for d in fresh}
    assert set(_all_pages(backend, q="会")) == _expected(fresh, "会")
    _fts_in_step(backend)


def test_bad_cursors_and_sorts_are_refused(backend):
    backend.upsert(_documents(10))
    with pytest.raises(ValueError):
        backend.search(SearchRequest(after=("x",)))
    with pytest.raises(ValueError):
        backend.search(SearchRequest(sort="founded_on", after=("not a date", "X")))
    with pytest.raises(ValueError):
        backend.search(SearchRequest(sort="nonsense"))


def test_two_thousand_documents(backend):
    """Not timed: the same answers at a size where query plans matter."""
    documents = _documents(2_000, seed=11)
    assert backend.upsert(documents) == 2_000
    assert backend.count() == 2_000
    by_uscc = {d["uscc"]: d for d in documents}

    for q in ["会", "协会", "慈善 南京", "王建国"]:
        whole = backend.search(SearchRequest(q=q, limit=1000))
        assert {h.uscc for h in whole.hits} == _expected(documents, q)
        for facet, field in FACETS.items():
            counts = dict(whole.facets[facet])
            expected: dict[Any, int] = {}
            for hit in whole.hits:
                value = by_uscc[hit.uscc][field]
                if value is not None:
                    expected[value] = expected.get(value, 0) + 1
            assert counts == expected, (q, facet)
        for sort in ["relevance", "founded_on", "-founded_on", "name"]:
            request = {"q": q, "sort": sort}
            paged = _all_pages(backend, limit=37, **request)
            one = [h.uscc for h in backend.search(SearchRequest(limit=1000, **request)).hits]
            assert paged == one, (q, sort)

    # Filters, alone and with a query, agree with the documents.
    nanjing = {u for u, d in by_uscc.items() if d["county_code"] == "320102"}
    assert set(_all_pages(backend, county="320102", limit=500)) == nanjing
    charities = {u for u in _expected(documents, "协会") if by_uscc[u]["is_charity"]}
    assert set(_all_pages(backend, q="协会", charity=True, limit=500)) == charities
    years = {u for u, d in by_uscc.items() if 2000 <= d["founded_year"] <= 2005}
    assert set(_all_pages(backend, founded_from_year=2000, founded_to_year=2005)) == years

    # Relevance: the contract's buckets, then live before removed, then uscc.
    for q in ["协会", "南京 书法", "会"]:
        hits = backend.search(SearchRequest(q=q, limit=1000)).hits
        assert [h.uscc for h in hits] == sorted((h.uscc for h in hits), key=_relevance(q, by_uscc))

    assert list(backend.checksums()) == sorted((d["uscc"], d["checksum"]) for d in documents)
    half = [d["uscc"] for d in documents[:1_000]]
    assert backend.delete(half) == 1_000
    assert backend.count() == 1_000
    assert set(_all_pages(backend, q="会", limit=200)) == _expected(documents[1_000:], "会")
    _fts_in_step(backend)


def _relevance(q: str, by_uscc: dict[str, dict[str, Any]]):  # type: ignore[no-untyped-def]
    compact = simplify(q).replace(" ", "")
    bigrams, terms = query_bigrams(q), query_terms(q)

    def key(uscc: str) -> tuple[int, int, str]:
        document = by_uscc[uscc]
        name, grams = document["name_simplified"].replace(" ", ""), document["name_grams"].split()
        bucket = (
            0
            if name == compact
            else 1
            if compact in name
            else 2
            if bigrams and all(b in grams for b in bigrams)
            else 3
            if all(t in grams for t in terms)
            else 4
        )
        return bucket, STATUS_ORDER[document["status"]], uscc

    return key


def _record(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "uscc": document["uscc"],
        "name": document["name"],
        "name_en": document["name_en"],
        "kind": document["kind"],
        "status": document["status"],
        "domicile_division_code": document["county_code"]
        or document["prefecture_code"]
        or document["province_code"],
        "registration_authority_code": document["authority_code"],
        "founded_on": document["founded_on"],
        "legal_representative": document["legal_representative"],
        "domicile": document["domicile"],
        "is_charity": document["is_charity"],
        "version": document["version"],
    }


@pytest.mark.parametrize(
    "tuning",
    [
        {"STEER_ABOVE": 0},  # always count the filters and pick a way in
        {"SORT_FIRST": 0},  # let the database walk sort indexes where it can
        {"SORT_FIRST": 10**9},
        {"LATIN_IDS": 0},  # Latin matches as a condition, not ids
    ],
)
def test_every_query_plan_gives_the_same_answers(backend, monkeypatch, tuning):
    import search.backends.database as module

    backend.upsert(_documents(400, seed=5))
    requests = [
        {"q": q, "sort": sort, **filters}
        for q in ["会", "协会", "cishan", ""]
        for sort in ["relevance", "-founded_on", "name"]
        for filters in [
            {},
            {"county": "320102"},
            {"status": "active", "kind": "foundation"},
            {"charity": False, "founded_from_year": 2000},
        ]
    ]
    expected = [(backend.search(SearchRequest(**r)), _all_pages(backend, **r)) for r in requests]
    for name, value in tuning.items():
        monkeypatch.setattr(module, name, value)
    for request, (result, pages) in zip(requests, expected, strict=True):
        again = backend.search(SearchRequest(**request))
        assert [h.uscc for h in again.hits] == [h.uscc for h in result.hits], request
        assert (again.total, again.facets, again.after) == (
            result.total,
            result.facets,
            result.after,
        )
        assert _all_pages(backend, limit=40, **request) == pages, request


@pytest.mark.parametrize(
    "q", ["cishan", "ci shan", "nanjing", "njs", "zg", "charity", "society calli", "hui", "a"]
)
def test_latin_queries_match_pinyin_initials_or_english(backend, q):
    documents = _documents(300, seed=3)
    backend.upsert(documents)
    words = simplify(q).split(" ")
    compact = "".join(words)
    expected = {
        d["uscc"]
        for d in documents
        if all(w in d["pinyin_joined"] for w in words)
        or compact in d["pinyin_initials"]
        or (d["name_en"] and all(w in d["name_en"].lower() for w in words))
    }
    assert set(_all_pages(backend, q=q, limit=100)) == expected
    _fts_in_step(backend)
