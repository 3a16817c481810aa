"""Change-feed entries for seeded records, so that a mirror can follow the feed from zero."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from registry.community.public import community_record_from_row
from registry.feed.models import FeedOperation
from registry.organisations.public import organisation_record_from_row


def feed_rows(
    stage: str, rows: list[dict[str, Any]], authorities: Mapping[int, tuple[str, str]], at: Any
) -> Iterator[dict[str, Any]]:
    for row in rows:
        code, name = authorities[row["authority_id"]]
        if stage == "organisations":
            key, record = row["uscc"], organisation_record_from_row(row, code, name)
        else:
            key, record = row["filing_number"], community_record_from_row(row, code, name)
        live = record["status"] == "active"
        yield {
            "dataset": "organisations" if stage == "organisations" else "community-organisations",
            "key": key,
            "version": row["version"],
            "operation": FeedOperation.CREATED if live else FeedOperation.REMOVED,
            "record": record,
            "at": at,
        }
