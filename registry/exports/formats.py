"""Writers that stream records as CSV (with a BOM, for Excel) or JSON Lines, row by row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from registry.public import FieldSpec, text

BOM = "\ufeff"
CHUNK_ROWS = 500


def csv_chunks(
    fields: Sequence[FieldSpec], records: Iterable[dict[str, Any]], *, bom: bool = True
) -> Iterator[str]:
    """Header then rows, in chunks of a few hundred rows: constant memory, few writes."""
    names = [f.name for f in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(names)
    for count, record in enumerate(records, 1):
        writer.writerow([text(record.get(name)) for name in names])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    for record in records:
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if len(lines) >= CHUNK_ROWS:
            yield "\n".join(lines) + "\n"
            lines.clear()
    if lines:
        yield "\n".join(lines) + "\n"
