"""Overdue detection plus list entry, set-based: 100,000 organisations × 5 years of reports.

    .venv/bin/python bench/inspections.py [--orgs N] [--no-postgres] [--database-url URL]

Loads a register of N organisations (kinds, founding days and removals as in a city's
register) and five years of annual reports (most on time, some late, some never filed)
into a fresh SQLite database and a temporary PostgreSQL database, then times, on each:

* overdue detection: counting every obliged organisation without a report, per year;
* `credit run` on the day after the latest due date, from an empty list: automatic entries
  for every missing report of the five years, escalations, the flags and the queue of
  records to republish — one transaction, set-based (the target: under 5 s);
* the same run again (idempotent: nothing to do);
* draining the queue into the change feed and the database search index (reported, not
  part of the target: it runs after the job, in batches).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0
TODAY = date(2026, 6, 1)  # the day after the 2025 reports were due (31 May)
YEARS = range(2021, 2026)
BATCH = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test"),
        help="a server where a temporary database can be created",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inspections-") as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        results = []
        if not args.no_sqlite:
            results.append(run(f"sqlite:///{tmp}/bench.sqlite3", args.orgs, args.seed))
        if not args.no_postgres:
            with temporary_postgres(args.postgres_url) as url:
                results.append(run(url, args.orgs, args.seed))
    print()
    print(
        f"{'database':<12}{'orgs':>9}{'reports':>10}{'detect s':>10}{'run s':>8}"
        f"{'entries':>9}{'again s':>9}{'drain s':>9}{'ratio':>7}"
    )
    for r in results:
        print(
            f"{r['database']:<12}{r['organisations']:>9,}{r['reports']:>10,}"
            f"{r['detect']:>10.2f}{r['run']:>8.2f}{r['entries']:>9,}{r['again']:>9.2f}"
            f"{r['drain']:>9.2f}{r['run'] / TARGET_SECONDS:>7.2f}"
        )
    print(f"ratio = run seconds / {TARGET_SECONDS:.0f} s target (below 1 meets it)")
    if len(results) == 2 and not args.no_sqlite:
        print(f"PostgreSQL / SQLite run time: {results[1]['run'] / results[0]['run']:.2f}")


class temporary_postgres:
    def __init__(self, base: str) -> None:
        self.base = base
        self.name = f"bench_inspections_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        import psycopg
        from sqlalchemy import make_url

        url = make_url(self.base)
        self.admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return url.set(drivername="postgresql+psycopg", database=self.name).render_as_string(
            hide_password=False
        )

    def __exit__(self, *exc: Any) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def run(url: str, organisations: int, seed: int) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy import func, or_, select, text

    from registry import create_app
    from registry.clock import FixedClock
    from registry.credit.models import CreditListEntry, EntryGround, RemovalGround
    from registry.credit.services import CreditService
    from registry.demo.seed import ensure_divisions
    from registry.extensions import db
    from registry.inspections import queries
    from registry.inspections.rules import DueDates
    from registry.organisations.models import Organisation
    from registry.organisations.publication import drain

    clock = FixedClock(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=2))
    app = create_app({"database_url": url}, clock=clock)
    database = url.split(":", 1)[0].split("+")[0]
    with app.app_context():
        upgrade()
        ensure_divisions(db.session)
        started = time.perf_counter()
        reports = load(db.session, organisations, seed)
        db.session.execute(text("ANALYZE"))  # a live register has statistics
        db.session.commit()
        print(
            f"{database}: loaded {organisations:,} organisations and {reports:,} reports "
            f"in {time.perf_counter() - started:.1f} s"
        )

        dues = DueDates()
        started = time.perf_counter()
        overdue = {
            year: db.session.scalar(
                select(func.count())
                .select_from(Organisation)
                .where(queries.overdue(year, TODAY, dues))
            )
            for year in YEARS
        }
        detect = time.perf_counter() - started
        print(f"{database}: overdue per year {overdue} in {detect:.2f} s")

        service = CreditService(db.session, clock, dues, first_report_year=YEARS[0])
        started = time.perf_counter()
        summary = service.run(TODAY)
        db.session.commit()
        elapsed = time.perf_counter() - started
        entries = db.session.scalar(select(func.count()).select_from(CreditListEntry))
        print(f"{database}: credit run {elapsed:.2f} s: {summary.as_dict()}")
        print(f"{database}: steps {summary.timings}")
        # Every missing report has its entry, still unremedied; late reports' entries
        # were entered and removed on the day the report came.
        unremedied = db.session.scalar(
            select(func.count())
            .select_from(CreditListEntry)
            .where(
                CreditListEntry.ground == EntryGround.REPORT_NOT_FILED,
                or_(
                    CreditListEntry.removal_ground.is_(None),
                    CreditListEntry.removal_ground != RemovalGround.REMEDIED,
                ),
            )
        )
        assert unremedied == sum(overdue.values()), (unremedied, overdue)

        started = time.perf_counter()
        again = service.run(TODAY)
        db.session.commit()
        repeat = time.perf_counter() - started
        print(f"{database}: again {repeat:.2f} s, changed: {again.changed}, steps {again.timings}")
        assert not again.changed

        started = time.perf_counter()
        published = 0
        while True:
            count = drain(db.session, clock, batch=2000)
            db.session.commit()
            if not count:
                break
            published += count
        drained = time.perf_counter() - started
        print(f"{database}: published {published:,} records in {drained:.2f} s")
        db.session.remove()
        db.engine.dispose()
    return {
        "database": database,
        "organisations": organisations,
        "reports": reports,
        "detect": detect,
        "run": elapsed,
        "entries": entries,
        "again": repeat,
        "drain": drained,
    }


def load(session: Any, organisations: int, seed: int) -> int:
    """Organisations and their reports, inserted in batches with Core executemany."""
    from sqlalchemy import insert, select

    from registry.authorities.models import RegistrationAuthority
    from registry.inspections.models import AnnualReport
    from registry.inspections.rules import due_date, is_obliged
    from registry.organisations import uscc
    from registry.organisations.models import Organisation

    rng = random.Random(seed)
    authorities = session.execute(
        select(RegistrationAuthority.id, RegistrationAuthority.code, RegistrationAuthority.level)
    ).all()
    local = [a for a in authorities if a.level.value in ("prefecture", "county")][:400]
    upper = [a for a in authorities if a.level.value in ("national", "province")]
    now = datetime.now(UTC)
    reports = 0

    def organisation_rows() -> Iterator[dict[str, Any]]:
        for n in range(organisations):
            roll = rng.random()
            kind = (
                "foundation"
                if roll < 0.03
                else "social_group"
                if roll < 0.5
                else "social_service_agency"
            )
            authority = rng.choice(upper if kind == "foundation" else local)
            founded = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 26 * 365 + 120))
            removed = rng.random() < 0.04
            status_date = founded + timedelta(days=rng.randrange(200, 3000)) if removed else None
            if status_date and status_date >= TODAY:
                status_date = None
            yield {
                "id": n + 1,
                "uscc": uscc.generate(authority.code, kind, n + 1),
                "name": f"第{n + 1}号社会组织",
                "kind": kind,
                "fundraising": "non_public" if kind == "foundation" else None,
                "authority_id": authority.id,
                "legal_representative": "王明",
                "registered_funds": Decimal("30000.00"),
                "founded_on": founded,
                "domicile": "某市某路1号",
                "domicile_division_code": authority.code,
                "business_scope": "公益服务",
                "certificate_issued_on": founded,
                "status": "deregistered" if status_date else "active",
                "status_date": status_date,
                "status_reason": "决议解散" if status_date else None,
                "is_charity": rng.random() < 0.02,
                "abnormal_list": False,
                "dishonest_list": False,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }

    def report_rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            for year in YEARS:
                facts = {
                    k: row[k] for k in ("kind", "is_charity", "founded_on", "status", "status_date")
                }
                if not is_obliged(year, **facts):
                    continue
                roll = rng.random()
                if roll < 0.10:  # never filed
                    continue
                due = due_date(year, row["kind"], row["is_charity"])
                late = roll < 0.18
                submitted = (
                    due + timedelta(days=rng.randrange(1, 120))
                    if late
                    else (due - timedelta(days=rng.randrange(0, 120)))
                )
                if submitted >= TODAY:
                    continue
                yield {
                    "organisation_id": row["id"],
                    "year": year,
                    "submitted_on": submitted,
                    "channel": "counter",
                    "recorded_at": now,
                    "compliance_statement": "遵守法律法规和章程",
                    "activities": "[]",
                    "staff_count": 3,
                    "officers": "[]",
                    "branch_count": 0,
                    "income": Decimal("100000.00"),
                    "expenditure": Decimal("90000.00"),
                    "net_assets": Decimal("50000.00"),
                    "donations_received": Decimal("0.00"),
                    "status": "concluded",
                    "conclusion": "pass",
                    "concluded_on": submitted + timedelta(days=30),
                }

    batch: list[dict[str, Any]] = []
    for row in organisation_rows():
        batch.append(row)
        if len(batch) == BATCH:
            reports += flush(session, batch, report_rows, insert, Organisation, AnnualReport)
            batch = []
    if batch:
        reports += flush(session, batch, report_rows, insert, Organisation, AnnualReport)
    session.commit()
    return reports


def flush(session: Any, rows: list, report_rows: Any, insert: Any, org: Any, report: Any) -> int:
    session.execute(insert(org), rows)
    reports = list(report_rows(rows))
    if reports:
        session.execute(insert(report), reports)
    return len(reports)


if __name__ == "__main__":
    main()
