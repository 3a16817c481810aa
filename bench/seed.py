"""How fast `demo seed` builds a register: 100,000 organisations against a 60 s target.

    .venv/bin/python bench/seed.py [--orgs N] [--seed S] [--database-url URL]

Runs the migrations on a fresh temporary SQLite database (or on an empty database at
--database-url, e.g. PostgreSQL), then seeds it, divisions and authorities included, as
`flask --app wsgi demo seed` does on a new install: the register, then the officers'
domains (annual reports, penalties, the credit run, ratings, republication).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 60.0
TARGET_ORGANISATIONS = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=TARGET_ORGANISATIONS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="an empty database; default: temporary SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        # Keep the secret key and anything else the app writes out of the working tree.
        os.environ.setdefault("INSTANCE_PATH", tmp)
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        run(url, args.orgs, args.seed, Path(tmp))


def run(url: str, organisations: int, seed: int, tmp: Path) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from registry import create_app
    from registry.demo.inspections import seed_inspections
    from registry.demo.seed import ensure_divisions, seed_register
    from registry.extensions import db

    app = create_app({"database_url": url})
    with app.app_context():
        clock = app.extensions["registry.clock"]
        upgrade()
        started = time.perf_counter()
        ensure_divisions(db.session)
        divisions = time.perf_counter() - started
        summary = seed_register(db.session, clock, organisations=organisations, seed=seed)
        register = time.perf_counter() - started
        settings = app.extensions["registry.settings"]
        seed_inspections(db.session, clock, summary, seed=seed, settings=settings)
        total = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            size = db.session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            db.session.remove()
            db.engine.dispose()  # the last connection checkpoints the WAL into the file
            size = sum(p.stat().st_size for p in tmp.glob("bench.sqlite3*"))

    per_second = summary.organisations / total if total else 0.0
    # The target scales with the size asked for: 60 s per 100,000 organisations.
    target = TARGET_SECONDS * organisations / TARGET_ORGANISATIONS
    print(f"database             {url.split(':', 1)[0]}")
    print(f"organisations        {summary.organisations:,} ({summary.by_kind})")
    print(f"change records       {summary.change_records:,}")
    print(f"community filings    {summary.community:,}")
    print(f"annual reports       {summary.reports:,} ({summary.participation or 0:.1%} filed)")
    print(
        f"list entries         {summary.list_entries:,} (abnormal {summary.abnormal:,}, "
        f"dishonest {summary.dishonest:,} now)"
    )
    print(f"ratings              {summary.ratings:,} ({summary.rated:,} in force)")
    print(f"records republished  {summary.published:,}")
    print(f"divisions loaded in  {divisions:.2f} s")
    print(f"register seconds     {register:.2f}")
    print(f"officers' seconds    {total - register:.2f}")
    print(f"organisations/second {per_second:,.0f}")
    print(f"total seconds        {total:.2f}")
    print(f"database size        {size / 1e6:.1f} MB")
    print(f"ratio to target      {total / target:.2f} of {target:.0f} s (below 1 meets it)")


if __name__ == "__main__":
    main()
