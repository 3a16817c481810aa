"""Writing the bulk files: every dataset as CSV, JSON Lines and Parquet, from one snapshot.

The CSV pass asks the database for each cell as registry.public.text writes it, so that
Python only moves bytes; JSON Lines and Parquet share one pass over typed values. Files
are renamed into place together, the manifest last: readers never see half a generation.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import hashlib
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Enum, Numeric, Select, String, cast, func, select, type_coerce
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement, Label

from registry.clock import Clock
from registry.errors import DomainError, InvalidRecord
from registry.exports.datasets import DATASETS, DEFAULT_LICENCE, PUBLISHER, Dataset, licence_info
from registry.exports.formats import BOM
from registry.feed.services import FeedService
from registry.public import FieldSpec, plain, text

FORMATS = ("csv", "jsonl", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
MANIFEST = "manifest.json"
#: rows per CSV write: few calls, little memory
CSV_BATCH = 5_000
#: rows fetched at a time for JSON Lines and Parquet, and rows per Parquet row group: sized
#: so that exporting 1,000,000 rows in every format peaks below 200 MB
FETCH_BATCH = 2_500
ROW_GROUP = 25_000

#: label ("organisations.csv"), rows written so far, rows in all
Progress = Callable[[str, int, int], None]
Tick = Callable[[int], None]
Fields = Sequence[FieldSpec]
Query = Select[Any]


class ExportInProgress(DomainError):
    http_status = 409
    slug = "export-in-progress"
    title = "Another export is writing to this directory"


def export_directory(app: Flask) -> Path:
    """EXPORT_DIR, or exports/ under the instance folder."""
    return Path(os.environ.get("EXPORT_DIR") or Path(app.instance_path) / "exports")


def export_licence() -> str:
    return os.environ.get("EXPORT_LICENCE") or DEFAULT_LICENCE


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The current generation's manifest, or None when no export has been run."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class FileReport:
    dataset: str
    format: str
    path: Path
    rows: int
    bytes: int
    sha256: str
    #: time to query, write, hash and sync it (a shared pass is shared in its files)
    seconds: float

    def entry(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path.name,
            "media_type": MEDIA_TYPES[self.format],
            "rows": self.rows,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


class ExportService:
    def __init__(
        self,
        session: Session,
        clock: Clock,
        directory: Path,
        licence: str = DEFAULT_LICENCE,
    ) -> None:
        self.session = session
        self.clock = clock
        self.directory = Path(directory)
        self.licence = licence

    def run(
        self,
        datasets: Sequence[str] | None = None,
        formats: Sequence[str] = FORMATS,
        *,
        progress: Progress | None = None,
        on_file: Callable[[FileReport], None] | None = None,
    ) -> dict[str, Any]:
        """Write the datasets (all by default) in the formats; return the new manifest.

        Datasets left out keep their files and manifest entries from an earlier run.
        """
        names = list(datasets or DATASETS)
        unknown = sorted(set(names) - set(DATASETS)) + sorted(set(formats) - set(FORMATS))
        if unknown or not formats:
            raise InvalidRecord(
                f"unknown datasets or formats: {', '.join(unknown) or 'no format'}; "
                f"datasets are {', '.join(DATASETS)}, formats {', '.join(FORMATS)}"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.directory), _Staging(self.directory) as staging:
            with self._snapshot() as connection, _collector_paused():
                cursor = str(FeedService(self.session).head())
                generated_at = plain(self.clock.now())
                entries = []
                for name in names:
                    dataset = DATASETS[name]
                    reports = self._write(connection, dataset, formats, staging, progress)
                    for report in reports if on_file else ():
                        on_file(report)
                    files = [report.entry() for report in reports]
                    entry = {"rows": reports[0].rows, "generated_at": generated_at}
                    entries.append(dataset.describe(**entry, feed_cursor=cursor, files=files))
            staging.publish()
            manifest = self._manifest(entries, generated_at)
            with _replacing(self.directory / MANIFEST) as path:
                path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
            self._remove_stale(entries)
        return manifest

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """One read transaction for the whole export, so that every file and the feed
        cursor describe the same moment of the register."""
        session = self.session() if isinstance(self.session, scoped_session) else self.session
        if session.in_transaction() or isinstance(session.get_bind(), Connection):
            # Inside the caller's transaction (a test's, or a larger unit of work) whose
            # isolation level can no longer change: the caller answers for its snapshot.
            yield session.connection()
            return
        options: dict[str, Any] = {}
        if session.get_bind().dialect.name == "postgresql":
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        # SQLite: its BEGIN, in WAL mode, reads one snapshot until it ends.
        connection = session.connection(execution_options=options)
        try:
            yield connection
        finally:
            session.rollback()  # nothing was written; this ends the snapshot

    def _write(
        self,
        connection: Connection,
        dataset: Dataset,
        formats: Sequence[str],
        staging: _Staging,
        progress: Progress | None,
    ) -> list[FileReport]:
        query = dataset.query()
        total = 0
        if progress is not None:
            counted = select(func.count()).select_from(query.order_by(None).subquery())
            total = connection.execute(counted).scalar_one()
        reports: list[FileReport] = []
        if "csv" in formats:
            started = time.perf_counter()
            path = staging.new(f"{dataset.name}.csv")
            tick = _ticker(progress, f"{dataset.name}.csv", total)
            writer = CSV_WRITERS.get(connection.dialect.name, _csv_portable)
            rows = writer(connection, dataset.fields, query, path, tick)
            reports.append(_report(dataset, "csv", path, rows, started))
        typed = [f for f in ("jsonl", "parquet") if f in formats]
        if typed:
            started = time.perf_counter()
            paths = {f: staging.new(f"{dataset.name}.{f}") for f in typed}
            tick = _ticker(progress, f"{dataset.name}.{'+'.join(typed)}", total)
            rows = _write_typed(connection, dataset, query, paths, tick)
            reports += [_report(dataset, f, path, rows, started) for f, path in paths.items()]
        return reports

    def _manifest(self, entries: list[dict[str, Any]], generated_at: str) -> dict[str, Any]:
        """This run's entries, and the earlier ones of datasets it left out."""
        fresh = {entry["dataset"]: entry for entry in entries}
        previous = read_manifest(self.directory) or {}
        for entry in previous.get("datasets", []):
            name = entry.get("dataset")
            files = [self.directory / f["path"] for f in entry.get("files", [])]
            if name in DATASETS and name not in fresh and all(p.is_file() for p in files):
                fresh[name] = entry
        ordered = [fresh[name] for name in DATASETS if name in fresh]
        # A mirror loading every file must follow the feed from the oldest of them.
        cursor = min((int(entry["feed_cursor"]) for entry in ordered), default=0)
        return {
            "generated_at": generated_at,
            "feed_cursor": str(cursor),
            "licence": licence_info(self.licence),
            "publisher": PUBLISHER,
            "datasets": ordered,
        }

    def _remove_stale(self, entries: list[dict[str, Any]]) -> None:
        """A dataset written again without one of its formats drops that old file."""
        for entry in entries:
            kept = {file["format"] for file in entry["files"]}
            for fmt in set(FORMATS) - kept:
                (self.directory / f"{entry['dataset']}.{fmt}").unlink(missing_ok=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Rows are acyclic and short-lived: the cyclic collector, run every few hundred of
    them, would only rescan the app's heap (up to a fifth of a PostgreSQL export's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ticker(progress: Progress | None, label: str, total: int) -> Callable[[int], None]:
    if progress is None:
        return lambda _done: None
    progress(label, 0, total)
    return lambda done: progress(label, done, total)


def _report(dataset: Dataset, fmt: str, path: Path, rows: int, started: float) -> FileReport:
    final, (size, digest) = path.parent / f"{dataset.name}.{fmt}", _seal(path)
    return FileReport(dataset.name, fmt, final, rows, size, digest, time.perf_counter() - started)


def _seal(path: Path) -> tuple[int, str]:
    """Sync the file to disk and return its size and SHA-256."""
    with path.open("rb") as file:
        os.fsync(file.fileno())
        digest = hashlib.file_digest(file, "sha256").hexdigest()
        return file.tell(), digest


# CSV ---------------------------------------------------------------------------------------


def _columns(query: Select[Any]) -> list[tuple[str, ColumnElement[Any]]]:
    return [
        (column.name, column.element if isinstance(column, Label) else column)
        for column in query.selected_columns
    ]


def _sqlite_cell(column: ColumnElement[Any], spec: FieldSpec) -> ColumnElement[Any]:
    """The column as registry.public.text writes it, as text, "" for NULL."""
    kind = spec.type
    if kind == "boolean":
        cell = sql_case((column, "true"), else_="false")
    elif kind == "number":
        cell = func.printf("%.2f", column)
    elif kind == "integer":
        cell = cast(column, String)
    elif kind == "datetime":
        # Stored as "2026-06-15 02:00:00.000000", always in UTC.
        iso = func.replace(type_coerce(column, String), " ", "T")
        cell = func.replace(iso, ".000000", "").concat("Z")
    else:
        cell = column  # text, and dates stored as ISO text
    if spec.nullable:
        return sql_case((column.is_(None), ""), else_=cell)
    return cell


def _postgresql_cell(column: ColumnElement[Any], spec: FieldSpec) -> ColumnElement[Any]:
    """The column as registry.public.text writes it; NULL stays NULL (an empty cell)."""
    kind = spec.type
    if kind == "boolean":
        return sql_case((column.is_(None), None), (column, "true"), else_="false")
    if kind == "number":
        return func.round(column, 2)
    if kind == "date":
        return func.to_char(column, "YYYY-MM-DD")
    if kind == "datetime":
        utc = func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US')
        return func.replace(utc, ".000000", "").concat("Z")
    if kind == "string":
        return func.nullif(type_coerce(column, String), "")  # COPY would quote ""
    return column


def _csv_sql(connection: Connection, fields: Fields, query: Query) -> str:
    cell = _sqlite_cell if connection.dialect.name == "sqlite" else _postgresql_cell
    cells = [
        cell(column, spec).label(name)
        for (name, column), spec in zip(_columns(query), fields, strict=True)
    ]
    statement = query.with_only_columns(*cells, maintain_column_froms=True)
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


def _header(fields: Sequence[FieldSpec]) -> bytes:
    return (BOM + ",".join(spec.name for spec in fields) + "\r\n").encode()


def _csv_lines(batch: Sequence[Sequence[Any]], width: int) -> bytes:
    """Rows of text cells (bytes) as CSV lines: joined as they are when no cell needs
    quoting, which the separators' counts prove; through csv.writer otherwise."""
    count = len(batch)
    try:
        chunk = b"\r\n".join(map(b",".join, batch)) + b"\r\n"
    except TypeError:  # a cell that is not text: let csv.writer convert it
        chunk = b'"'
    if (
        width > 1  # csv.writer writes a lone empty cell as ""
        and b'"' not in chunk
        and chunk.count(b",") == count * (width - 1)
        and chunk.count(b"\n") == count
        and chunk.count(b"\r") == count
    ):
        return chunk
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([v.decode() if isinstance(v, bytes) else v for v in row] for row in batch)
    return buffer.getvalue().encode()


def _csv_sqlite(conn: Connection, fields: Fields, query: Query, path: Path, tick: Tick) -> int:
    # The driver's own cursor, handing over text as bytes: each cell goes from SQLite to
    # the file without being decoded, checked and encoded again one by one.
    raw = conn.connection.dbapi_connection
    text_factory = raw.text_factory
    raw.text_factory = bytes
    cursor = raw.cursor()
    rows = 0
    try:
        cursor.execute(_csv_sql(conn, fields, query))
        with path.open("wb", buffering=1 << 20) as out:
            out.write(_header(fields))
            while batch := cursor.fetchmany(CSV_BATCH):
                out.write(_csv_lines(batch, len(fields)))
                rows += len(batch)
                tick(rows)
    finally:
        cursor.close()
        raw.text_factory = text_factory
    return rows


def _csv_postgresql(conn: Connection, fields: Fields, query: Query, path: Path, tick: Tick) -> int:
    # COPY formats and quotes every row on the server; each message is one row ending in
    # "\n", to be ended with CRLF. A newline inside a (quoted) value stays.
    statement = f"COPY ({_csv_sql(conn, fields, query)}) TO STDOUT (FORMAT csv)"
    rows = 0
    with path.open("wb", buffering=1 << 20) as out, conn.connection.cursor() as cursor:
        out.write(_header(fields))
        with cursor.copy(statement) as copy:
            messages = iter(copy)
            while batch := list(islice(messages, CSV_BATCH)):
                out.write(_crlf(batch))
                rows += len(batch)
                tick(rows)
    return rows


def _crlf(batch: list[Any]) -> bytes:
    chunk = b"".join(batch)
    if chunk.count(b"\n") == len(batch):
        return chunk.replace(b"\n", b"\r\n")
    return b"".join(bytes(row[:-1]) + b"\r\n" for row in batch)


def _csv_portable(conn: Connection, fields: Fields, query: Query, path: Path, tick: Tick) -> int:
    """Any other database, and the reference the fast paths are tested against: typed
    values converted here and written by csv.writer, as the API's CSV streams them."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        out.write(_header(fields).decode())
        writer = csv.writer(out, lineterminator="\r\n")
        result = conn.execute(_typed(query).execution_options(yield_per=CSV_BATCH))
        for batch in result.partitions():
            writer.writerows([text(value) for value in row] for row in batch)
            rows += len(batch)
            tick(rows)
    return rows


CSV_WRITERS: dict[str, Callable[..., int]] = {
    "sqlite": _csv_sqlite,
    "postgresql": _csv_postgresql,
}


# JSON Lines and Parquet --------------------------------------------------------------------


def _typed(query: Select[Any]) -> Select[Any]:
    """The query with enums read as their stored values, not as Python enum members."""
    columns = [
        (type_coerce(column, String) if isinstance(column.type, Enum) else column).label(name)
        for name, column in _columns(query)
    ]
    return query.with_only_columns(*columns, maintain_column_froms=True)


def _json_converter(kind: str) -> Callable[[Sequence[Any]], list[Any]] | None:
    """A column of values as registry.public.plain gives them; None where nothing changes."""
    if kind == "date":
        return lambda values: [None if v is None else v.isoformat() for v in values]
    if kind == "datetime":  # SQLite's are naive, in UTC: the common case made cheap
        return lambda values: [
            v.isoformat() + "Z" if v is not None and v.tzinfo is None else plain(v) for v in values
        ]
    if kind == "number":
        return lambda values: [None if v is None else float(v) for v in values]
    return None


def _arrow_schema(fields: Sequence[FieldSpec], query: Select[Any]) -> Any:
    import pyarrow as pa

    simple = {
        "string": pa.string(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    columns = []
    for spec, (_name, column) in zip(fields, _columns(query), strict=True):
        kind = simple.get(spec.type)
        if kind is None:  # a number: exact when the column says how (the yuan amounts)
            numeric = column.type
            exact = isinstance(numeric, Numeric) and numeric.precision and numeric.scale
            kind = pa.decimal128(numeric.precision, numeric.scale) if exact else pa.float64()
        description = {"description": spec.description, "description_zh": spec.description_zh}
        columns.append(pa.field(spec.name, kind, nullable=spec.nullable, metadata=description))
    return pa.schema(columns)


def _write_typed(
    connection: Connection,
    dataset: Dataset,
    query: Select[Any],
    paths: dict[str, Path],
    tick: Callable[[int], None],
) -> int:
    """One pass over typed values feeding the JSON Lines and the Parquet file."""
    names = [spec.name for spec in dataset.fields]
    converters = [_json_converter(spec.type) for spec in dataset.fields]
    encode = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), check_circular=False
    ).encode
    rows = 0
    with ExitStack() as files:
        jsonl, parquet = None, None
        if "jsonl" in paths:
            jsonl = files.enter_context(
                paths["jsonl"].open("w", encoding="utf-8", newline="", buffering=1 << 20)
            )
        if "parquet" in paths:
            parquet = files.enter_context(_ParquetFile(paths["parquet"], dataset, query))
        result = connection.execute(_typed(query).execution_options(yield_per=FETCH_BATCH))
        for batch in result.partitions():
            columns = list(zip(*batch, strict=True))
            if jsonl is not None:
                values = [c(col) if c else col for c, col in zip(converters, columns, strict=True)]
                records = zip(*values, strict=True)
                # Line by line: a batch joined whole would hold tens of megabytes at once.
                jsonl.writelines(f"{encode(dict(zip(names, r, strict=True)))}\n" for r in records)
            if parquet is not None:
                parquet.add(columns)
            rows += len(batch)
            tick(rows)
    return rows


class _ParquetFile:
    """Row groups of ROW_GROUP rows, written as they fill, so that memory stays flat."""

    def __init__(self, path: Path, dataset: Dataset, query: Select[Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.schema = _arrow_schema(dataset.fields, query).with_metadata(
            {"dataset": dataset.name, "title": dataset.title, "title_zh": dataset.title_zh}
        )
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.pending: list[Any] = []
        self.pending_rows = 0

    def add(self, columns: list[tuple[Any, ...]]) -> None:
        arrays = [
            self.pa.array(values, type=field.type)
            for values, field in zip(columns, self.schema, strict=True)
        ]
        self.pending.append(self.pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.pending_rows += len(columns[0])
        if self.pending_rows >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            table = self.pa.Table.from_batches(self.pending, schema=self.schema)
            self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.pending, self.pending_rows = [], 0

    def __enter__(self) -> _ParquetFile:
        return self

    def __exit__(self, error: type[BaseException] | None, *_: object) -> None:
        if error is None:  # a failed export's file is thrown away, unfinished
            self._flush()
        self.writer.close()


# Files -------------------------------------------------------------------------------------


class _Staging:
    """Temporary files beside their final names: published together, or all removed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: list[tuple[Path, Path]] = []

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        for temporary, _final in self.files:
            temporary.unlink(missing_ok=True)  # nothing left after publish; all on failure

    def new(self, name: str) -> Path:
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".tmp")
        os.close(handle)
        path = Path(temporary)
        path.chmod(0o644)  # mkstemp's 0600 would hide the file from a separate web server
        self.files.append((path, self.directory / name))
        return path

    def publish(self) -> None:
        for temporary, final in self.files:
            os.replace(temporary, final)
        self.files = []
        handle = os.open(self.directory, os.O_RDONLY)  # makes the renames durable
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """Write a file under a temporary name, then swap it into place."""
    with _Staging(path.parent) as staging:
        temporary = staging.new(path.name)
        yield temporary
        _seal(temporary)
        staging.publish()


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    with (directory / ".export.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportInProgress(f"another export is writing to {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
