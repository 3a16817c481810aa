"""Paging the workspace's lists as the services page them: a page starts after the last
row of the one before (its id, or its day and id where the list is ordered by a day), and
one row more than the page is fetched to know whether another page follows.

A cursor that is not one of ours (edited by hand, or from another list) is a friendly 400
that sends the officer back to the first page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from flask import abort, request
from flask_babel import gettext as _

#: the largest id an INTEGER column holds: a larger one names no row
LARGEST_ID = 2**31 - 1

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """The rows of one page, and the cursor of the next (None on the last)."""

    rows: list[Row]
    next_after: str | None
    #: whether this is a later page (the first page's link is offered)
    later: bool


def _refuse() -> None:
    abort(400, description=_("翻页参数无效，请从第一页重新开始。"))


def after_id(name: str = "after") -> int:
    """The id the page starts after: 0 for the first page."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > LARGEST_ID:
        _refuse()
    return int(raw)


def after_day_id(name: str = "after") -> tuple[date, int] | None:
    """The day and id ("2026-04-20.17") the page starts after: None for the first page."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    day, _sep, last = raw.partition(".")
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        parsed = None
    if parsed is None or not last.isdigit() or int(last) > LARGEST_ID:
        _refuse()
    assert parsed is not None  # _refuse raised otherwise
    return parsed, int(last)


def day_id(day: date, identifier: int) -> str:
    """The cursor after a row ordered by `day`, then `identifier`."""
    return f"{day.isoformat()}.{identifier}"


def page_of(rows: Sequence[Row], size: int, cursor: Callable[[Row], Any]) -> Page[Row]:
    """A page of `rows`, fetched up to `size` + 1; `cursor` gives a row's cursor."""
    shown = list(rows[:size])
    more = len(rows) > size and bool(shown)
    later = bool(request.args.get("after", "").strip())
    return Page(shown, str(cursor(shown[-1])) if more else None, later)
