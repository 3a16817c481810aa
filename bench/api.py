"""Open-data API figures on a 100,000-organisation register, each a ratio taken in one run.

    .venv/bin/python bench/api.py [--orgs N] [--million N] [--requests N] [--no-postgres]

1. full organisations CSV export, rows/s ÷ `sqlite3 -csv` and ÷ PostgreSQL `COPY … TO
   STDOUT` of the same columns (target ≥ 0.8);
2. the same export ÷ Datasette's streamed CSV of the same table (target ≥ 3);
3. peak memory while exporting 1,000,000 rows (target < 200 MB);
4. organisation-detail JSON requests/s under gunicorn (2 workers) ÷ Datasette's row JSON on
   the same data (target ≥ 2).
Datasette is a benchmark-only dependency (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

#: the export's columns, as the database holds them (the CSV adds nothing but formatting)
COLUMNS = (
    "o.uscc, o.name, o.name_en, o.kind, o.fundraising, ra.code, ra.name, o.supervisory_unit, "
    "o.legal_representative, o.registered_funds, o.founded_on, o.domicile, "
    "o.domicile_division_code, o.business_scope, o.certificate_issued_on, "
    "o.certificate_valid_until, o.status, o.status_date, o.status_reason, o.is_charity, "
    "o.charity_recognised_on, o.updated_at, o.version"
)
QUERY = (f"SELECT {COLUMNS} FROM organisation o JOIN registration_authority ra "
         "ON ra.id = o.authority_id ORDER BY o.uscc")  # fmt: skip


ROUNDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def build(url: str, organisations: int, tmp: Path) -> None:
    from flask_migrate import upgrade

    from registry import create_app
    from registry.demo.seed import seed_register
    from registry.extensions import db

    app = create_app({"database_url": url, "instance_path": tmp})
    with app.app_context():
        upgrade()
        seed_register(
            db.session, app.extensions["registry.clock"], organisations=organisations, community=0
        )
        db.session.remove()
        db.engine.dispose()


def our_export(url: str, tmp: Path, label: str) -> tuple[int, float]:
    """Rows and seconds of `export run` for the organisations CSV, timed inside the process."""
    from registry import create_app
    from registry.exports.services import ExportService
    from registry.extensions import db

    app = create_app({"database_url": url, "instance_path": tmp})
    out = tmp / f"export-{label}"
    out.mkdir(exist_ok=True)
    with app.app_context():
        service = ExportService(db.session, app.extensions["registry.clock"], out)
        started = time.perf_counter()
        manifest = service.run(datasets=["organisations"], formats=("csv",))
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    rows = manifest["datasets"][0]["rows"]
    return rows, seconds


def timed(command: list[str], sink: Path) -> float:
    started = time.perf_counter()
    with sink.open("wb") as out:
        subprocess.run(command, stdout=out, check=True)
    return time.perf_counter() - started


def datasette_csv(db_file: Path) -> tuple[int, float, subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "datasette"), "serve", str(db_file), "--port", str(port), "--immutable",
         str(db_file), "--setting", "sql_time_limit_ms", "120000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    name = db_file.stem
    wait_http(f"http://127.0.0.1:{port}/-/versions.json")
    started = time.perf_counter()
    rows = -1  # the header line
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/{name}/organisation.csv?_stream=on&_size=max", timeout=600
    ) as response:
        for _line in response:
            rows += 1
    return rows, time.perf_counter() - started, server, port


def requests_per_second(port: int, paths: list[str], threads: int = 4) -> float:
    """Keep-alive clients in threads; each takes its share of the paths."""
    errors: list[str] = []

    def client(share: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in share:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
        connection.close()

    shares = [paths[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return len(paths) / seconds


def wrk_requests_per_second(port: int, paths: list[str], tmp: Path, seconds: int = 8) -> float:
    """wrk (Debian's `wrk`), cycling through the paths: a C load generator leaves the two
    cores to the servers, where Python client threads would take one of them."""
    script = tmp / f"paths-{port}.lua"
    listed = ",\n".join(f'"{p}"' for p in paths)
    script.write_text(
        f"paths = {{{listed}}}\ni = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    wrk = shutil.which("wrk")
    assert wrk is not None
    subprocess.run(
        [wrk, "-t1", "-c4", "-d2s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        check=True,
    )  # warm-up
    out = subprocess.run(
        [wrk, "-t2", "-c8", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"failed requests under load:\n{out}")
    return float(out.split("Requests/sec:")[1].split()[0])


def peak_memory_export(db_file: Path, rows: int, tmp: Path) -> tuple[int, float, float]:
    """Grow a copy of the register to `rows` organisations, export it in a child process
    and read the child's peak resident memory."""
    import sqlite3

    big = tmp / "million.sqlite3"
    shutil.copy(db_file, big)
    connection = sqlite3.connect(big)
    have = connection.execute("SELECT count(*), max(id) FROM organisation").fetchone()
    count, top = have
    original = count
    copy_round = 0
    columns = [r[1] for r in connection.execute("PRAGMA table_info(organisation)")]
    others = [c for c in columns if c not in ("id", "uscc", "name")]
    while count < rows:
        copy_round += 1
        take = min(original, rows - count)
        # Copies keep every column but a fresh id, code and name (unique indexes).
        connection.execute(
            f"INSERT INTO organisation (id, uscc, name, {', '.join(others)}) "
            f"SELECT id + {top * copy_round}, substr(uscc, 1, 9) || printf('%09d', id + "
            f"{top * copy_round}), name || '{copy_round}', {', '.join(others)} "
            f"FROM organisation WHERE id <= {top} LIMIT {take}"
        )
        count += take
    connection.commit()
    connection.close()
    # A child process of its own, so that its peak memory is the export's alone.
    result = subprocess.run(
        [sys.executable, __file__, "--export-only", f"sqlite:///{big}", str(tmp)],
        capture_output=True,
        text=True,
        check=True,
    )
    exported, seconds, peak_kb = result.stdout.split()
    return int(exported), float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
    )
    parser.add_argument("--export-only", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        import resource

        rows, seconds = our_export(args.export_only[0], Path(args.export_only[1]), "child")
        # This process's own peak: RUSAGE_CHILDREN in the parent would also count Datasette.
        print(rows, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        return

    with tempfile.TemporaryDirectory(prefix="bench-api-") as name:
        tmp = Path(name)
        os.environ["INSTANCE_PATH"] = str(tmp)
        db_file = tmp / "bench.sqlite3"
        url = f"sqlite:///{db_file}"
        print(f"building a register of {args.orgs:,} organisations …", flush=True)
        build(url, args.orgs, tmp)
        run(args, tmp, db_file, url)


def run(args: argparse.Namespace, tmp: Path, db_file: Path, url: str) -> None:
    figures: list[tuple[str, str]] = []

    def report(label: str, value: str) -> None:
        figures.append((label, value))
        print(f"{label:<58} {value}", flush=True)

    # Alternating rounds, median of each: one noisy moment cannot decide the ratio.
    ours_runs, sqlite_runs = [], []
    for _ in range(ROUNDS):
        rows, seconds = our_export(url, tmp, "sqlite")
        ours_runs.append(seconds)
        sqlite_runs.append(
            timed(["sqlite3", "-csv", "-header", str(db_file), QUERY], tmp / "s.csv")
        )
    ours, sqlite_seconds = statistics.median(ours_runs), statistics.median(sqlite_runs)
    ours_rate = rows / ours
    report("our CSV export, SQLite (rows/s)", f"{ours_rate:,.0f} ({rows:,} rows, {ours:.2f} s)")
    report("sqlite3 -csv, same columns (rows/s)", f"{rows / sqlite_seconds:,.0f}")
    report(
        f"ratio ours ÷ sqlite3 -csv, median of {ROUNDS} (target ≥ 0.8)",
        f"{sqlite_seconds / ours:.2f}",
    )

    if not args.no_postgres:
        postgres(args, tmp, report)

    served, seconds, datasette, dport = datasette_csv(db_file)
    try:
        report("Datasette streamed CSV (rows/s)", f"{served / seconds:,.0f} ({served:,} rows)")
        report("ratio ours ÷ Datasette CSV (target ≥ 3)", f"{ours_rate / (served / seconds):.2f}")
        detail(args, tmp, db_file, url, dport, report)
    finally:
        datasette.terminate()
        datasette.wait(10)

    exported, seconds, peak = peak_memory_export(db_file, args.million, tmp)
    report(f"export of {exported:,} rows: rows/s", f"{exported / seconds:,.0f}")
    report(f"peak memory exporting {exported:,} rows (target < 200 MB)", f"{peak:.0f} MB")


def postgres(args: argparse.Namespace, tmp: Path, report) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy import make_url

    base = make_url(args.postgres_url)
    name = f"bench_api_{uuid.uuid4().hex[:8]}"
    admin = base.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = base.set(drivername="postgresql+psycopg", database=name)
        url_text = url.render_as_string(hide_password=False)
        build(url_text, args.orgs, tmp)
        plain = base.set(database=name).render_as_string(hide_password=False)
        ours_runs, copy_runs = [], []
        for _ in range(ROUNDS):
            rows, seconds = our_export(url_text, tmp, "postgres")
            ours_runs.append(seconds)
            copy_command = ["psql", plain, "-c", f"COPY ({QUERY}) TO STDOUT WITH CSV HEADER"]
            copy_runs.append(timed(copy_command, tmp / "p.csv"))
        ours, copy = statistics.median(ours_runs), statistics.median(copy_runs)
        report("our CSV export, PostgreSQL (rows/s)", f"{rows / ours:,.0f} ({ours:.2f} s)")
        report("PostgreSQL COPY TO STDOUT, same columns (rows/s)", f"{rows / copy:,.0f}")
        report(f"ratio ours ÷ COPY, median of {ROUNDS} (target ≥ 0.8)", f"{copy / ours:.2f}")
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def detail(args, tmp, db_file, url, dport, report) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    connection = sqlite3.connect(db_file)
    pairs = connection.execute("SELECT id, uscc FROM organisation").fetchall()
    connection.close()
    rng = random.Random(7)
    sample = [rng.choice(pairs) for _ in range(args.requests)]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "RATE_LIMIT_ENABLED": "0",
           "INSTANCE_PATH": str(tmp)}  # fmt: skip
    # gthread workers keep connections alive, as Datasette's server does.
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        ours_paths = [f"/api/v1/organisations/{u}" for _, u in sample]
        if shutil.which("wrk"):
            ours = wrk_requests_per_second(port, ours_paths, tmp)
        else:
            requests_per_second(port, ours_paths[:200])
            ours = requests_per_second(port, ours_paths)
    finally:
        server.terminate()
        server.wait(10)
    name = db_file.stem
    theirs_paths = [f"/{name}/organisation/{i}.json" for i, _ in sample]
    if shutil.which("wrk"):
        theirs = wrk_requests_per_second(dport, theirs_paths, tmp)
    else:
        requests_per_second(dport, theirs_paths[:200])
        theirs = requests_per_second(dport, theirs_paths)
    tool = "wrk" if shutil.which("wrk") else "Python client threads"
    report(f"detail JSON, gunicorn 2 workers (requests/s, {tool})", f"{ours:,.0f}")
    report("Datasette row JSON (requests/s)", f"{theirs:,.0f}")
    report("ratio ours ÷ Datasette (target ≥ 2)", f"{ours / theirs:.2f}")


if __name__ == "__main__":
    main()
