"""Time comes from an injectable clock, so that rules can be tested on any date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        # The register's legal dates are Beijing dates (UTC+8, no daylight saving).
        return (datetime.now(UTC) + timedelta(hours=8)).date()


class FixedClock:
    """A clock for tests and demo data: stands still until moved."""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return (self._at + timedelta(hours=8)).date()

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)
