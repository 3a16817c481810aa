"""Search figures on a 100,000-organisation demo register, per backend, ratios in one run.

    .venv/bin/python bench/search.py [--orgs N] [--repeat R] [--no-postgres] [--no-elasticsearch]

For 30+ realistic queries: p50 and p95 through the service (SearchService.search: parsing,
ranking, facets, hits), the same queries sent straight to the engine (the SQL statements
the database backend issued, replayed on a raw DB-API cursor; the request bodies the
Elasticsearch backend sent, replayed with the bare client), and the ratio service ÷ engine
(target ≤ 1.2). Targets: database backend p95 ≤ 50 ms; Elasticsearch reindex ≥ 0.8 × a raw
bulk load of the same documents. osmem-server stands in for Elasticsearch: its figures are
only good for ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES: list[dict[str, Any]] = [
    {"q": "慈"},
    {"q": "会"},
    {"q": "善"},
    {"q": "协会"},
    {"q": "慈善"},
    {"q": "养老"},
    {"q": "足球"},
    {"q": "基金"},
    {"q": "南京"},
    {"q": "书法协会"},
    {"q": "养老服务中心"},
    {"q": "社会工作服务中心"},
    {"q": "教育发展基金会"},
    {"q": "慈善 南京"},
    {"q": "協會"},
    {"q": "慈善總會"},
    {"q": "nanjing"},
    {"q": "yanglao fuwu"},
    {"q": "cishan"},
    {"q": "njs"},
    {"q": "xh"},
    {"q": "kind:foundation", "kind": "foundation"},
    {"q": "协会", "status": "active", "province": "320000"},
    {"q": "服务中心", "kind": "social_service_agency", "founded_from_year": 2010},
    {"q": "", "province": "440000"},
    {"q": "", "charity": True},
    {"q": "", "status": "revoked"},
    {"q": "养老", "sort": "-founded_on"},
    {"q": "协会", "sort": "name"},
    {"q": "学会", "founded_from_year": 2000, "founded_to_year": 2010},
    {"q": "研究会", "prefecture": "320100"},
    {"q": "促进会", "facets": False},
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def requests_from(queries: list[dict[str, Any]], codes: list[str]) -> list[Any]:
    from search.backends.base import SearchRequest

    out = []
    for query in queries:
        args = dict(query)
        if args.get("q", "").startswith("kind:"):
            args["q"] = ""
        out.append(SearchRequest(**args))
    out += [SearchRequest(q=codes[0]), SearchRequest(q=codes[1][8:17])]  # a code, an org code
    return out


class Capture:
    """Records what a backend sends to its engine during one call."""

    def __init__(self) -> None:
        self.calls: list[Any] = []


def time_database(
    session: Any, requests: list[Any], repeat: int
) -> tuple[list[float], list[float]]:
    from sqlalchemy import event

    from search.backends.database import DatabaseBackend
    from search.service import SearchService

    service = SearchService(session)
    engine = session.get_bind()
    capture = Capture()

    def record(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        capture.calls.append((statement, parameters))

    service_ms: list[float] = []
    engine_ms: list[float] = []
    assert isinstance(service.primary, DatabaseBackend)
    for request in requests:
        service.search(request)  # warm
        for _ in range(repeat):
            capture.calls = []
            event.listen(engine, "before_cursor_execute", record)
            started = time.perf_counter()
            service.search(request)
            service_ms.append((time.perf_counter() - started) * 1000)
            event.remove(engine, "before_cursor_execute", record)
            raw = session.connection().connection.dbapi_connection
            started = time.perf_counter()
            cursor = raw.cursor()
            for statement, parameters in capture.calls:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            cursor.close()
            engine_ms.append((time.perf_counter() - started) * 1000)
    return service_ms, engine_ms


def time_elasticsearch(
    backend: Any, requests: list[Any], repeat: int
) -> tuple[list[float], list[float]]:
    from search.service import SearchService

    service = SearchService.__new__(SearchService)
    service.primary = backend
    service.database = backend
    client = backend.client
    original = client.search
    bodies: list[dict[str, Any]] = []

    def recording(**kwargs: Any) -> Any:
        bodies.append(kwargs)
        return original(**kwargs)

    service_ms: list[float] = []
    engine_ms: list[float] = []
    for request in requests:
        service.search(request)
        for _ in range(repeat):
            bodies.clear()
            client.search = recording  # type: ignore[method-assign]
            started = time.perf_counter()
            service.search(request)
            service_ms.append((time.perf_counter() - started) * 1000)
            client.search = original  # type: ignore[method-assign]
            started = time.perf_counter()
            for body in bodies:
                original(**body)
            engine_ms.append((time.perf_counter() - started) * 1000)
    return service_ms, engine_ms


def report(label: str, service_ms: list[float], engine_ms: list[float]) -> None:
    s50, s95 = statistics.median(service_ms), percentile(service_ms, 0.95)
    e50, e95 = statistics.median(engine_ms), percentile(engine_ms, 0.95)
    print(
        f"{label:<22} service p50 {s50:7.2f} ms  p95 {s95:7.2f} ms | engine p50 {e50:7.2f} ms "
        f" p95 {e95:7.2f} ms | ratio p50 {s50 / e50:4.2f}  p95 {s95 / e95:4.2f}",
        flush=True,
    )


def build(url: str, organisations: int, tmp: Path) -> Any:
    from flask_migrate import upgrade

    from registry import create_app
    from registry.demo.seed import seed_register
    from registry.extensions import db

    app = create_app({"database_url": url, "instance_path": tmp})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_register(
            db.session, app.extensions["registry.clock"], organisations=organisations, community=0
        )
        print(
            f"  seeded and indexed {organisations:,} in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        # A live register has planner statistics; a freshly loaded one has none yet.
        from sqlalchemy import text

        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-elasticsearch", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    from sqlalchemy import select

    from registry.extensions import db
    from search.models import SearchDocument

    with tempfile.TemporaryDirectory(prefix="bench-search-") as name:
        tmp = Path(name)
        os.environ["INSTANCE_PATH"] = str(tmp)
        print(f"SQLite: building {args.orgs:,} organisations …", flush=True)
        app = build(f"sqlite:///{tmp / 'bench.sqlite3'}", args.orgs, tmp)
        with app.app_context():
            codes = list(db.session.scalars(select(SearchDocument.uscc).limit(2)))
            requests = requests_from(QUERIES, codes)
            print(f"{len(requests)} queries × {args.repeat}", flush=True)
            report("database / SQLite", *time_database(db.session, requests, args.repeat))
            if not args.no_elasticsearch:
                elasticsearch(db.session, requests, args.repeat)
            db.session.remove()
        if not args.no_postgres:
            postgres(args, tmp, requests)


def postgres(args: argparse.Namespace, tmp: Path, requests: list[Any]) -> None:
    import psycopg
    from sqlalchemy import make_url

    from registry.extensions import db

    base = make_url(args.postgres_url)
    name = f"bench_search_{uuid.uuid4().hex[:8]}"
    admin = base.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        print("PostgreSQL: building …", flush=True)
        url = base.set(drivername="postgresql+psycopg", database=name)
        app = build(url.render_as_string(hide_password=False), args.orgs, tmp)
        with app.app_context():
            report("database / PostgreSQL", *time_database(db.session, requests, args.repeat))
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def elasticsearch(session: Any, requests: list[Any], repeat: int) -> None:
    from osmem_server import OsmemServer

    from search.backends.elasticsearch import ElasticsearchBackend
    from search.service import register_documents

    print("osmem-server: loading …", flush=True)
    documents = list(register_documents(session))
    with OsmemServer.start(japanese=False) as server:
        backend = ElasticsearchBackend(server.url, alias="bench-organisations", timeout=60)
        started = time.perf_counter()
        backend.reindex(iter(documents))
        reindex = len(documents) / (time.perf_counter() - started)
        started = time.perf_counter()
        backend.raw_bulk_load(iter(documents), index="bench-raw")
        raw = len(documents) / (time.perf_counter() - started)
        print(
            f"{'reindex (docs/s)':<22} {reindex:,.0f}  raw bulk {raw:,.0f}  ratio "
            f"{reindex / raw:.2f} (target ≥ 0.8)",
            flush=True,
        )
        report("elasticsearch / osmem", *time_elasticsearch(backend, requests, repeat))


if __name__ == "__main__":
    main()
