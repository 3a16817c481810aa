"""Dormant detection, set-based: 1,000,000 organisations × 5 years of reports on PostgreSQL.

    .venv/bin/python bench/dormant.py [--orgs N] [--pg-orgs N] [--no-postgres] [--no-sqlite]

Loads a register (bench/inspections.py's organisations and five years of annual reports)
into a fresh SQLite database (100,000 organisations) and a temporary PostgreSQL database on
TEST_DATABASE_URL's server (1,000,000), adds the facts the other criteria read — changes of
registration, contact attempts, abnormal-list entries — so that a share of the register
meets each criterion, then times on each:

* detection over every authority (DELETE + one INSERT … SELECT; the target: under 10 s),
  total and per step, with the candidates per criterion;
* each criterion's SELECT alone (a count), to see where the time goes;
* the same detection again (the rows are replaced), and one province's.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from inspections import load, temporary_postgres  # noqa: E402  (the shared builders)

TARGET_SECONDS = 10.0
ON = date(2026, 6, 15)  # after both due dates of the 2025 reports
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000, help="organisations on SQLite")
    parser.add_argument(
        "--pg-orgs", type=int, default=1_000_000, help="organisations on PostgreSQL"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test"),
        help="a server where a temporary database can be created",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dormant-") as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        results = []
        if not args.no_sqlite:
            results.append(run(f"sqlite:///{tmp}/bench.sqlite3", args.orgs, args.seed))
        if not args.no_postgres:
            with temporary_postgres(args.postgres_url) as url:
                results.append(run(url, args.pg_orgs, args.seed))
    print()
    print(
        f"{'database':<12}{'orgs':>11}{'reports':>11}{'load s':>8}{'detect s':>10}"
        f"{'again s':>9}{'candidates':>12}{'ratio':>7}"
    )
    for r in results:
        print(
            f"{r['database']:<12}{r['organisations']:>11,}{r['reports']:>11,}{r['load']:>8.0f}"
            f"{r['detect']:>10.2f}{r['again']:>9.2f}{r['candidates']:>12,}"
            f"{r['detect'] / TARGET_SECONDS:>7.2f}"
        )
    print(f"ratio = detection seconds / {TARGET_SECONDS:.0f} s target (below 1 meets it)")


def run(url: str, organisations: int, seed: int) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from registry import create_app
    from registry.accounts.rules import read_prefix
    from registry.clock import FixedClock
    from registry.demo.seed import ensure_divisions
    from registry.deregistration import queries
    from registry.deregistration.detection import Detection, authority_ids
    from registry.deregistration.rules import DormantRules
    from registry.extensions import db
    from registry.inspections.rules import DueDates

    clock = FixedClock(datetime.combine(ON, datetime.min.time(), UTC) + timedelta(hours=2))
    app = create_app({"database_url": url}, clock=clock)
    database = url.split(":", 1)[0].split("+")[0]
    with app.app_context():
        upgrade()
        ensure_divisions(db.session)
        started = time.perf_counter()
        reports = load(_bulk(db.session), organisations, seed)
        loaded = time.perf_counter() - started
        extra = add_facts(db.session, organisations, seed)
        db.session.execute(text("ANALYZE"))  # a live register has statistics
        db.session.commit()
        load_seconds = time.perf_counter() - started
        print(
            f"{database}: loaded {organisations:,} organisations and {reports:,} reports in "
            f"{loaded:.0f} s, then {extra} in {load_seconds - loaded:.0f} s"
        )

        rules, dues = DormantRules(), DueDates()
        detection = Detection(db.session, rules, dues)
        started = time.perf_counter()
        summary = detection(ON)
        db.session.commit()
        elapsed = time.perf_counter() - started
        print(f"{database}: detection {elapsed:.2f} s: {summary.as_dict()}")
        print(f"{database}: steps {summary.timings}")
        assert all(summary.by_criterion.values()), summary.by_criterion

        alone = {}
        for name, query in (
            ("missed_reports", queries.missed_reports(ON, rules, dues)),
            ("no_activity", queries.no_activity(ON, rules, dues)),
            ("unreachable", queries.unreachable(ON, rules)),
            ("long_abnormal", queries.long_abnormal(ON, rules)),
        ):
            started = time.perf_counter()
            count = db.session.scalar(select(func.count()).select_from(query.subquery()))
            alone[name] = (count, round(time.perf_counter() - started, 2))
            assert count == summary.by_criterion[name], (name, count, summary.by_criterion)
        print(f"{database}: each criterion alone (count, s): {alone}")

        started = time.perf_counter()
        again = detection(ON)
        db.session.commit()
        repeat = time.perf_counter() - started
        assert again.by_criterion == summary.by_criterion
        print(f"{database}: again {repeat:.2f} s, steps {again.timings}")

        province = authority_ids(db.session, read_prefix("320000"))
        started = time.perf_counter()
        scoped = detection(ON, province)
        db.session.commit()
        print(
            f"{database}: one province ({len(province)} authorities) "
            f"{time.perf_counter() - started:.2f} s, {scoped.candidates:,} candidates"
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "database": database,
        "organisations": organisations,
        "reports": reports,
        "load": load_seconds,
        "detect": elapsed,
        "again": repeat,
        "candidates": summary.candidates,
    }


def add_facts(session: Any, organisations: int, seed: int) -> str:
    """What the other criteria read, for a share of the register each, with edges:

    * reports of 2024–2025 removed for 1 in 25 (missed reports), every report for 1 in
      60 (no activity, unless a change of registration fell in the first year);
    * changes of registration for 1 in 7 within the first year, 1 in 11 after it;
    * two failed letters 15–64 days apart for 1 in 20 (some too close, some too far), a
      later answered call for a third of those, single failures for 1 in 13;
    * abnormal entries: an open one for 1 in 17, entered over the last two years (about
      half over 12 months), and an old removed one for 1 in 5.
    """
    from sqlalchemy import delete, insert, select

    from registry.credit.models import ContactAttempt, CreditListEntry
    from registry.inspections.models import AnnualReport
    from registry.organisations.models import ChangeRecord, Organisation

    rng = random.Random(seed + 1)
    now = datetime.now(UTC)
    org_id = AnnualReport.organisation_id
    session.execute(delete(AnnualReport).where(org_id % 25 == 0, AnnualReport.year >= 2024))
    session.execute(delete(AnnualReport).where(org_id % 60 == 1))
    counts = {"changes": 0, "contacts": 0, "entries": 0}

    def facts() -> Iterator[tuple[Any, dict[str, Any]]]:
        rows = session.execute(
            select(Organisation.id, Organisation.founded_on, Organisation.authority_id)
            .where(Organisation.id <= organisations)
            .order_by(Organisation.id)
        )
        for n, founded, authority in rows:
            if n % 7 == 0 or n % 11 == 0:
                days = rng.randrange(1, 360) if n % 7 == 0 else rng.randrange(400, 900)
                yield (
                    ChangeRecord,
                    {
                        "organisation_id": n,
                        "change_type": "change",
                        "field": "domicile",
                        "old_value": "旧住所",
                        "new_value": "新住所",
                        "effective_on": min(founded + timedelta(days=days), ON),
                        "approved_by_id": authority,
                        "basis": "变更登记",
                        "recorded_at": now,
                    },
                )
            if n % 20 == 3:
                first = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 200))
                second = first + timedelta(days=15 + n % 50)
                yield ContactAttempt, _contact(n, first, False, "letter", now)
                if second <= ON:
                    yield ContactAttempt, _contact(n, second, False, "letter", now)
                if n % 60 == 3:
                    answered = second + timedelta(days=rng.randrange(1, 30))
                    yield ContactAttempt, _contact(n, min(answered, ON), True, "call", now)
            elif n % 13 == 0:
                failed_on = date(2025, 6, 1) + timedelta(days=rng.randrange(0, 370))
                yield ContactAttempt, _contact(n, failed_on, False, "visit", now)
            if n % 17 == 0:
                entered = ON - timedelta(days=rng.randrange(30, 730))
                yield CreditListEntry, _entry(n, authority, max(entered, founded), None, now)
            if n % 5 == 0 and founded < date(2020, 1, 1):
                entered = date(2020, 6, 1) + timedelta(days=rng.randrange(0, 700))
                removed = entered + timedelta(days=rng.randrange(30, 400))
                yield CreditListEntry, _entry(n, authority, entered, removed, now)

    bulk = _bulk(session)
    batches: dict[Any, list[dict[str, Any]]] = {
        ChangeRecord: [],
        ContactAttempt: [],
        CreditListEntry: [],
    }
    names = {ChangeRecord: "changes", ContactAttempt: "contacts", CreditListEntry: "entries"}
    for model, row in list(facts()):
        batch = batches[model]
        batch.append(row)
        if len(batch) == BATCH:
            bulk.execute(insert(model), batch)
            counts[names[model]] += len(batch)
            batch.clear()
    for model, batch in batches.items():
        if batch:
            bulk.execute(insert(model), batch)
            counts[names[model]] += len(batch)
    session.commit()
    return ", ".join(f"{v:,} {k}" for k, v in counts.items())


class _Copying:
    """The session, except that a bulk INSERT of row dicts goes through COPY: the
    builders of bench/inspections.py insert with executemany, which PostgreSQL takes
    about ten times longer to load than COPY."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        if not (isinstance(params, list) and params and getattr(statement, "is_insert", False)):
            return self.session.execute(statement, params, **kw)
        columns = list(params[0])
        names = ", ".join(columns)
        raw = self.session.connection().connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {statement.table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in params:
                copy.write_row([row[c] for c in columns])
        return None


def _bulk(session: Any) -> Any:
    """COPY on PostgreSQL; SQLite's executemany is fast already."""
    return _Copying(session) if session.get_bind().dialect.name == "postgresql" else session


def _contact(n: int, day: date, succeeded: bool, method: str, now: datetime) -> dict[str, Any]:
    return {
        "organisation_id": n,
        "method": method,
        "attempted_on": day,
        "succeeded": succeeded,
        "reference": f"XA{n:09d}CN" if method == "letter" else None,
        "recorded_at": now,
    }


def _entry(
    n: int, authority: int, entered: date, removed: date | None, now: datetime
) -> dict[str, Any]:
    return {
        "organisation_id": n,
        "list_name": "abnormal",
        "ground": "unreachable" if removed is None else "minor_penalty",
        "detail": "通过登记的住所或者经常居住地无法联系",
        "remedy_owed": True,
        "entered_on": entered,
        "removed_on": removed,
        "removal_ground": "remedied" if removed else None,
        "authority_id": authority,
        "recorded_at": now,
    }


if __name__ == "__main__":
    main()
