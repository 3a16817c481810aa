"""The statistics' cold time: /api/v1/stats computed afresh, nationally and within divisions.

    .venv/bin/python bench/stats.py [--orgs N] [--repeat R] [--no-postgres] [--explain]

Loads the register of bench/inspections.py (N organisations and five years of annual
reports, whose rows carry the reports' contents) into a fresh SQLite database and a
temporary PostgreSQL database, then times, on each, `registry.statistics.compute()` as a
citizen waits for it when the cache has lapsed: nationally, for the province and for the
prefecture with the most organisations. Each body is timed whole and by part: the
inspections (yearly participation), the register (counts by division, kind, status and
founding year) and the charities and trusts. The median of R computations is printed, with
the first one, and the national body's ratio to a 1 s target. `--explain` prints the plans
of the inspection part's queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inspections import TODAY, load, temporary_postgres  # noqa: E402

TARGET_SECONDS = 1.0
PARTS = ("inspections", "register", "charities", "whole")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the inspection plans")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test"),
        help="a server where a temporary database can be created",
    )
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-statistics-") as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        if not args.no_sqlite:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            results.append(run(url, args.orgs, args.seed, args.repeat, args.explain))
        if not args.no_postgres:
            with temporary_postgres(args.postgres_url) as url:
                results.append(run(url, args.orgs, args.seed, args.repeat, args.explain))
    report(results)


def report(results: list[dict[str, Any]]) -> None:
    """One table for every database and division: the median seconds of each part."""
    print()
    print(
        f"{'database':<12}{'division':<10}{'orgs':>9}{'reports':>11}"
        + "".join(f"{part + ' s':>15}" for part in PARTS)
        + f"{'first s':>9}{'ratio':>7}"
    )
    for r in results:
        for division, timing in r["divisions"].items():
            print(
                f"{r['database']:<12}{division:<10}{r['organisations']:>9,}{r['reports']:>11,}"
                + "".join(f"{timing[part]:>15.3f}" for part in PARTS)
                + f"{timing['first']:>9.3f}{timing['whole'] / TARGET_SECONDS:>7.2f}"
            )
    print(f"ratio = the whole body's median seconds / {TARGET_SECONDS:.0f} s target")
    for r in results:
        national = r["divisions"]["national"]
        share = national["inspections"] / national["whole"]
        print(f"{r['database']}: the inspections are {share:.0%} of the national body")
    if len(results) == 2:
        sqlite, postgres = (r["divisions"]["national"]["whole"] for r in results)
        print(f"PostgreSQL / SQLite national body: {postgres / sqlite:.2f}")


def run(url: str, organisations: int, seed: int, repeat: int, explain: bool) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from registry import create_app
    from registry.clock import FixedClock
    from registry.demo.seed import ensure_divisions
    from registry.extensions import db

    clock = FixedClock(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=2))
    app = create_app({"database_url": url, "stats_cache_seconds": 0}, clock=clock)
    database = url.split(":", 1)[0].split("+")[0]
    with app.app_context():
        upgrade()
        ensure_divisions(db.session)
        started = time.perf_counter()
        reports = load(db.session, organisations, seed)
        db.session.commit()
        settle(db, text)
        print(
            f"{database}: loaded {organisations:,} organisations and {reports:,} reports "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        divisions = busiest_divisions(db.session)
        timings = {}
        for label, code in divisions.items():
            timings[label] = time_division(code, repeat)
            print(f"{database}: {label} {code} {timings[label]}", flush=True)
        if explain:
            for label, code in divisions.items():
                explain_inspections(db, code, label)
        db.session.remove()
        db.engine.dispose()
    return {
        "database": database,
        "organisations": organisations,
        "reports": reports,
        "divisions": timings,
    }


def settle(db: Any, text: Any) -> None:
    """Statistics for the planners, and on PostgreSQL a vacuum: a live register has been
    vacuumed by autovacuum, and index-only scans rely on the visibility map it keeps."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def busiest_divisions(session: Any) -> dict[str, str]:
    """The country, and the province and prefecture with the most organisations."""
    from sqlalchemy import func, select

    from registry.organisations.models import Organisation as O

    def busiest(length: int, prefix: str = "") -> str:
        key = func.substr(O.domicile_division_code, 1, length)
        query = select(key).where(O.domicile_division_code.startswith(prefix))
        query = query.group_by(key).order_by(func.count().desc(), key).limit(1)
        return str(session.scalar(query)).ljust(6, "0")

    province = busiest(2)
    return {"national": "100000", "province": province, "prefecture": busiest(4, province[:2])}


def time_division(code: str, repeat: int) -> dict[str, float]:
    """Median seconds of each part over `repeat` runs, and the first whole computation."""
    from registry import context
    from registry.charities.stats import charity_stats, trust_stats
    from registry.extensions import db
    from registry.inspections.rules import DueDates
    from registry.inspections.stats import yearly_national
    from registry.organisations.listing import division_prefix
    from registry.organisations.stats import register_stats, subdivision_stats
    from registry.statistics import compute

    prefix = division_prefix(code)
    dues = DueDates.from_settings(context.settings())
    today = context.clock().today()
    parts: dict[str, Callable[[], Any]] = {
        "inspections": lambda: yearly_national(db.session, today, dues, prefix),
        "register": lambda: (
            subdivision_stats(db.session, code),
            register_stats(db.session, prefix),
        ),
        "charities": lambda: (charity_stats(db.session, prefix), trust_stats(db.session, prefix)),
        "whole": lambda: compute(code),
    }
    first = timed(parts["whole"])
    result = {part: statistics.median(timed(f) for _ in range(repeat)) for part, f in parts.items()}
    return {**result, "first": first}


def timed(function: Callable[[], Any]) -> float:
    from registry.extensions import db

    started = time.perf_counter()
    function()
    elapsed = time.perf_counter() - started
    db.session.rollback()  # a fresh transaction each time, as a request has
    return elapsed


def explain_inspections(db: Any, code: str, label: str) -> None:
    """The plans of the statements the inspection part sends, caught as they are sent."""
    from sqlalchemy import event

    from registry import context
    from registry.inspections.rules import DueDates
    from registry.inspections.stats import yearly_national
    from registry.organisations.listing import division_prefix

    sent: list[tuple[str, Any]] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        dues = DueDates.from_settings(context.settings())
        yearly_national(db.session, context.clock().today(), dues, division_prefix(code))
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    postgres = db.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    connection = db.session.connection()
    for statement, parameters in sent:
        if "annual_report" not in statement or "JOIN" not in statement:
            continue  # the first year reported on, or the organisations' spans
        print(f"\n-- {db.engine.dialect.name}, {label}: {' '.join(statement.split())}")
        for row in connection.exec_driver_sql(prefix + statement, parameters):
            print("   ", " | ".join(str(c) for c in row))
    db.session.rollback()


if __name__ == "__main__":
    main()
