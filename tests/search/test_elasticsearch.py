"""The Elasticsearch backend against osmem-server, an OpenSearch-compatible test server."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from search.backends.base import SearchRequest
from search.backends.elasticsearch import ElasticsearchBackend, SearchUnavailable, _ngrams
from search.backends.es_transport import (
    PlainJsonNode,
    ServerInfo,
    needs_plain_json,
    plain_media_type,
    server_info,
)
from search.document import build_document
from tests.search.contract import CORPUS, SearchContract, _record_of, corpus_documents, names


def _drop(backend: ElasticsearchBackend) -> None:
    indices = backend.client.indices.get(index=f"{backend.alias}-*").body
    for index in indices:
        backend.client.indices.delete(index=index, ignore_unavailable=True)
    backend.close()


@pytest.fixture
def backend(search_server: Any) -> Iterator[ElasticsearchBackend]:
    instance = ElasticsearchBackend(search_server.url, alias=f"test-{uuid.uuid4().hex[:12]}")
    instance.ensure_index()
    yield instance
    _drop(instance)


class TestElasticsearchBackend(SearchContract):
    """The whole contract, no gaps declared."""


# -- the transport ----------------------------------------------------------------------


def test_plain_media_types() -> None:
    assert plain_media_type("application/vnd.elasticsearch+json; compatible-with=9") == (
        "application/json"
    )
    assert plain_media_type("application/vnd.elasticsearch+x-ndjson; compatible-with=8") == (
        "application/x-ndjson"
    )
    assert plain_media_type("application/json") == "application/json"


def test_osmem_reports_the_opensearch_distribution(search_server: Any) -> None:
    info = server_info(search_server.url, timeout=2.0)
    assert info.distribution == "opensearch" and info.major >= 2
    assert needs_plain_json(info, client_major=9)
    # Elasticsearch needs plain JSON only when older than the client (8.x rejects "=9").
    assert needs_plain_json(ServerInfo("elasticsearch", "8.19.0"), client_major=9)
    assert not needs_plain_json(ServerInfo("elasticsearch", "9.1.0"), client_major=9)


def test_the_node_class_strips_compatible_with_headers(search_server: Any) -> None:
    index = f"test-node-{uuid.uuid4().hex[:8]}"
    stock = Elasticsearch(search_server.url)
    mappings = {"properties": {"a": {"type": "integer"}}}
    with pytest.raises(ApiError) as refused:
        stock.indices.create(index=index, mappings=mappings)
    assert refused.value.meta.status == 406

    plain = Elasticsearch(search_server.url, node_class=PlainJsonNode)
    try:
        plain.indices.create(index=index, mappings=mappings)
        response = plain.bulk(operations=[{"index": {"_index": index, "_id": "1"}}, {"a": 1}])
        assert not response["errors"]
        plain.indices.refresh(index=index)
        assert plain.count(index=index)["count"] == 1
    finally:
        plain.indices.delete(index=index, ignore_unavailable=True)
        stock.close()
        plain.close()


def test_the_node_class_adds_a_missing_product_header(search_server: Any) -> None:
    from elastic_transport import NodeConfig

    node = PlainJsonNode(NodeConfig("http", "127.0.0.1", int(search_server.url.rsplit(":", 1)[1])))
    response = node.perform_request("GET", "/")
    assert response.meta.headers["x-elastic-product"] == "Elasticsearch"
    node.close()


# -- index lifecycle ----------------------------------------------------------------------


def slowly(documents: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A database stream that takes its time, so searches overlap the whole reindex."""
    for document in documents:
        time.sleep(0.02)
        yield document


def test_reindex_swaps_the_alias_while_searches_keep_answering(
    backend: ElasticsearchBackend,
) -> None:
    documents = corpus_documents()
    backend.upsert(documents)
    (old,) = backend.live_indices()
    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    def keep_searching() -> None:
        nonlocal answered
        deadline = time.monotonic() + 30
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                result = backend.search(SearchRequest(q="协会", facets=False))
            except Exception as error:
                failures.append(repr(error))
                continue
            if result.total != 15:
                failures.append(f"{result.total} hits")
            answered += 1

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        progress: list[int] = []
        time.sleep(0.05)
        assert backend.reindex(slowly(documents), progress=progress.append) == len(CORPUS)
        time.sleep(0.05)
    finally:
        stop.set()
        searcher.join()
    assert failures == [] and answered > 5
    assert sum(progress) == len(CORPUS)
    (new,) = backend.live_indices()
    assert new != old
    assert not backend.client.indices.exists(index=old)
    assert backend.count() == len(CORPUS)


def test_reindex_keeps_versions(backend: ElasticsearchBackend) -> None:
    document = corpus_documents()[0]
    newer = build_document({**_record_of(document), "name": "连云港市慈善总会", "version": 5})
    backend.reindex([newer])
    assert backend.upsert([{**document, "version": 4}]) == 0
    assert names(backend.search(SearchRequest(q=document["uscc"]))) == ["连云港市慈善总会"]


def test_upsert_counts_and_ignores_older_versions(backend: ElasticsearchBackend) -> None:
    document = corpus_documents()[0]
    newer = build_document({**_record_of(document), "name": "连云港市慈善总会", "version": 2})
    assert backend.upsert([newer]) == 1
    assert backend.upsert([newer]) == 1  # the same version again: written again, no error
    assert backend.upsert([document]) == 0  # version 1, late
    assert names(backend.search(SearchRequest(q="慈善总会"))) == ["连云港市慈善总会"]
    assert backend.delete([document["uscc"], "not-there"]) == 1


def test_ensure_index_is_idempotent(search_server: Any, backend: ElasticsearchBackend) -> None:
    before = backend.live_indices()
    again = ElasticsearchBackend(search_server.url, alias=backend.alias)
    again.ensure_index()
    assert again.live_indices() == before and len(before) == 1
    again.close()


# -- semantics beyond the contract --------------------------------------------------------


def test_exact_credit_code_respects_filters(loaded_backend: ElasticsearchBackend) -> None:
    document = corpus_documents()[4]
    result = loaded_backend.search(SearchRequest(q=document["uscc"], kind="social_group"))
    assert not result.exact and result.hits == []


def test_english_name_words_are_substrings_within_words(backend: ElasticsearchBackend) -> None:
    record = {**_record_of(corpus_documents()[4]), "name_en": "Jiangsu Education Foundation"}
    backend.upsert([build_document(record)])
    result = backend.search(SearchRequest(q="EDUCAT found", facets=False))
    assert names(result) == ["江苏省教育发展基金会"] and result.facets == {}
    assert backend.search(SearchRequest(q="onfound")).hits == []  # not across a space


def test_containment_is_exact_and_query_syntax_is_text(
    loaded_backend: ElasticsearchBackend,
) -> None:
    assert _ngrams("nan jing", 3) == "nan anZ nZZ jin ing ngZ gZZ"
    assert _ngrams("南京市", 2) == "南京 京市 市Z"
    assert names(loaded_backend.search(SearchRequest(q="书法协"))) == ["南京市书法协会"] * 2
    # the same characters, not in a row: found (every character), but not "inside the name"
    page = loaded_backend.search(SearchRequest(q="协书", limit=1))
    assert page.after is not None and page.after[0] == 3
    # inside the name with its spaces removed, though no bigram of the name holds 京书
    spaced = {
        **_record_of(corpus_documents()[5]),
        "uscc": "51320100000009999X",
        "name": "南京 书法",
    }
    loaded_backend.upsert([build_document(spaced)])
    page = loaded_backend.search(SearchRequest(q="京书", limit=1))
    assert names(page) == ["南京 书法"] and page.after is not None and page.after[0] == 1
    # Latin words anywhere in the pinyin, the initials or the English name, even at the end
    for q, expected in {"zh": 1, "ui": 1, "gcs": 1, "yungang": 3, "xyz": 0}.items():
        hits = names(loaded_backend.search(SearchRequest(q=q)))
        assert ("连云港慈善总会" in hits) == bool(expected) and len(hits) >= expected, q
    for q in ("协*会", "*", "协会 OR 1", '"协会"', "协?会", "a*", "zZ"):
        loaded_backend.search(SearchRequest(q=q))  # no error, whatever it finds


def test_relevance_buckets_and_cursors_match_the_database_backend(
    loaded_backend: ElasticsearchBackend,
) -> None:
    def keys(q: str, sort: str = "relevance") -> list[tuple[Any, ...]]:
        """The sort key of every hit but the last, read from the page cursors."""
        found, after = [], None
        while True:
            page = loaded_backend.search(
                SearchRequest(q=q, sort=sort, limit=1, after=after, facets=False)
            )
            if page.after is None:
                return found
            found.append(page.after)
            after = page.after

    # 0 the whole name, 1 inside it, 2 every bigram, 3 every character, 4 elsewhere
    assert keys("南京市书法协会")[0][:2] == (0, 0)
    assert keys("连云港慈善")[0][0] == 1
    assert keys("慈善 连云港")[0][0] == 2
    assert keys("协会南京")[0][0] == 3
    assert [key[0] for key in keys("海州")] == [1, 4]  # then a domicile
    assert keys("lygcszh") == [] and keys("lianyungang cishan")[0][0] == 1
    assert all(isinstance(v, int) for key in keys("协会") for v in key[:2])
    assert keys("协会", sort="founded_on")[0][0] == "1998-04-04"
    with pytest.raises(ValueError):
        loaded_backend.search(SearchRequest(q="协会", after=("1998-04-04", "x")))


def test_suggest_by_pinyin(loaded_backend: ElasticsearchBackend) -> None:
    live = sorted({n for n, _, status, *_ in CORPUS if n.startswith("南京") and status == "active"})
    assert loaded_backend.suggest("nanjing", limit=3) == live[:3]
    assert loaded_backend.suggest("njs", limit=100) == live
    assert loaded_backend.suggest("") == [] and loaded_backend.suggest("南京", limit=0) == []


@pytest.fixture
def loaded_backend(backend: ElasticsearchBackend) -> ElasticsearchBackend:
    backend.upsert(corpus_documents())
    return backend


# -- failures -------------------------------------------------------------------------------


@pytest.fixture
def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("distribution", ["auto", "opensearch", "elasticsearch"])
def test_a_dead_server_raises_search_unavailable_quickly(dead_url: str, distribution: str) -> None:
    backend = ElasticsearchBackend(dead_url, distribution=distribution, timeout=1.0)
    document = corpus_documents()[0]
    calls: list[Any] = [
        lambda: backend.search(SearchRequest(q="慈善")),
        lambda: backend.suggest("南京"),
        lambda: backend.upsert([document]),
        lambda: backend.delete([document["uscc"]]),
        lambda: backend.count(),
        lambda: list(backend.checksums()),
        lambda: backend.ensure_index(),
        lambda: backend.reindex([document]),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(SearchUnavailable):
            call()
        assert time.monotonic() - started <= 2.0


def test_a_server_restarted_empty_gets_its_index_back(dead_url: str) -> None:
    """Writes after an outage must not auto-create the alias as an index of guessed fields."""
    from osmem_server import OsmemServer

    address = dead_url.removeprefix("http://")
    documents = corpus_documents()[:3]
    first = OsmemServer.start(addr=address, japanese=False)
    backend = ElasticsearchBackend(first.url, alias="restarted", timeout=1.0)
    try:
        backend.upsert(documents)
        first.close()
        with pytest.raises(SearchUnavailable):
            backend.upsert(documents)
        second = OsmemServer.start(addr=address, japanese=False)
        try:
            assert backend.search(SearchRequest(q="慈")).total == 0
            backend.upsert(documents)
            assert set(names(backend.search(SearchRequest(q="慈")))) == {
                "连云港慈善总会",
                "慈善事业连云港促进会",
            }
            (index,) = backend.live_indices()
            assert index.startswith("restarted-v")
        finally:
            second.close()
    finally:
        first.close()
        backend.close()
