"""The results page's server time on a 100,000-organisation register, against 200 ms.

    .venv/bin/python bench/pages.py [--orgs N] [--repeat R]

Builds a demo register on a fresh SQLite database (the default backend: SQLite with the
database search), as bench/search.py does, then times GET /search through the app's test
client: the whole request (argument parsing, the search with its facets, the removal
details, the division names, the charity trusts the words name, the template), and the same
SearchRequest through SearchService alone, so that the page's own share shows. Prints each
query's medians, the median and the 95th percentile over all with their ratio to the
target, and, for scale, one download of the results (/search.csv) and the statistics page
computed and kept.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import build, percentile  # noqa: E402

TARGET_MS = 200.0
QUERIES: list[dict[str, str]] = [
    {"q": "协会"},
    {"q": "慈善"},
    {"q": "养老服务中心"},
    {"q": "nanjing"},
    {"q": "教育发展基金会"},
    {},  # no words: the newest organisations
    {"q": "协会", "kind": "social_group", "province": "320000"},
    {"q": "服务中心", "status": "active", "abnormal_list": "false"},
    {"q": "", "charity": "true"},
    {"q": "协会", "sort": "-founded_on", "dishonest_list": "false"},
]


def url(query: dict[str, str]) -> str:
    return "/search?" + urlencode(query) if query else "/search"


def time_pages(app: Any, repeat: int) -> list[tuple[str, list[float], list[float]]]:
    """Per query: the page's times, and the search's alone (the same SearchRequest through
    SearchService), alternating so that both see the same load."""
    from flask import request

    from registry.extensions import db
    from registry.web.portal_search import page_request, parse
    from search.service import SearchService

    client = app.test_client()
    timings = []
    for query in QUERIES:
        path = url(query)
        with app.test_request_context(path):
            search_request = page_request(parse(request.args))
            service = SearchService.for_app(db.session)
            service.search(search_request)
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            page_ms, search_ms = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                page_ms.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                started = time.perf_counter()
                service.search(search_request)
                search_ms.append((time.perf_counter() - started) * 1000)
            db.session.remove()
        timings.append((path, page_ms, search_ms))
    return timings


def time_download(client: object, query: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get("/search.csv?" + urlencode(query))  # type: ignore[attr-defined]
    body = response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, body.count(b"\n") - 1


def time_statistics(client: Any) -> tuple[float, float]:
    """The statistics page computed (the first request) and kept (the median of 5 more)."""
    started = time.perf_counter()
    assert client.get("/statistics").status_code == 200
    cold = (time.perf_counter() - started) * 1000
    kept = []
    for _ in range(5):
        started = time.perf_counter()
        assert client.get("/statistics").status_code == 200
        kept.append((time.perf_counter() - started) * 1000)
    return cold, statistics.median(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as name:
        tmp = Path(name)
        os.environ["INSTANCE_PATH"] = str(tmp)
        print(f"SQLite: building {args.orgs:,} organisations …", flush=True)
        app = build(f"sqlite:///{tmp / 'bench.sqlite3'}", args.orgs, tmp)
        timings = time_pages(app, args.repeat)
        pages: list[float] = []
        searches: list[float] = []
        print("  page p50   search p50   page ÷ search   query")
        for path, page_ms, search_ms in timings:
            pages += page_ms
            searches += search_ms
            page, search = statistics.median(page_ms), statistics.median(search_ms)
            print(
                f"  {page:7.1f} ms  {search:7.1f} ms   {page / search:5.2f}          "
                f"{unquote(path)}",
                flush=True,
            )
        p50, p95 = statistics.median(pages), percentile(pages, 0.95)
        print(
            f"results page: median {p50:.1f} ms (ratio {p50 / TARGET_MS:.2f} of the "
            f"{TARGET_MS:.0f} ms target), p95 {p95:.1f} ms (ratio {p95 / TARGET_MS:.2f}) over "
            f"{len(QUERIES)} queries × {args.repeat}; the search alone: median "
            f"{statistics.median(searches):.1f} ms, p95 {percentile(searches, 0.95):.1f} ms"
        )
        elapsed, rows = time_download(app.test_client(), {"q": "协会"})
        print(f"download /search.csv?q=协会: {rows:,} rows in {elapsed:.0f} ms")
        cold, kept = time_statistics(app.test_client())
        print(
            f"statistics page: computed {cold:.0f} ms, kept (STATS_CACHE_SECONDS) {kept:.1f} ms "
            f"(ratio {kept / cold:.3f}); this register has no annual reports, whose scan "
            "dominates the national figures of a real one"
        )


if __name__ == "__main__":
    main()
