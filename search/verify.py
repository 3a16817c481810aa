"""Finding drift between the register and an index: counts and per-document checksums."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from search.backends.base import SearchBackend


@dataclass
class Drift:
    register: int = 0
    index: int = 0
    missing: list[str] = field(default_factory=list)  # in the register, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the register
    stale: list[str] = field(default_factory=list)  # in both, with another checksum

    @property
    def has_drift(self) -> bool:
        return bool(self.missing or self.extra or self.stale)

    def summary(self) -> str:
        state = "drift" if self.has_drift else "no drift"
        return (
            f"{state}: register {self.register}, index {self.index}, missing "
            f"{len(self.missing)}, extra {len(self.extra)}, stale {len(self.stale)}"
        )

    def lines(self, limit: int = 50) -> Iterator[str]:
        for label, codes in (
            ("missing", self.missing),
            ("extra", self.extra),
            ("stale", self.stale),
        ):
            for code in codes[:limit]:
                yield f"{label} {code}"


def drift(documents: Iterable[dict[str, Any]], backend: SearchBackend) -> Drift:
    """Merge two uscc-ordered streams; memory stays flat however large the register.

    `documents` must come in uscc order, as register_documents() yields them.
    """
    report = Drift()
    actual = iter(backend.checksums())
    have = next(actual, None)
    for document in documents:
        code, checksum = document["uscc"], document["checksum"]
        report.register += 1
        while have is not None and have[0] < code:
            report.extra.append(have[0])
            report.index += 1
            have = next(actual, None)
        if have is not None and have[0] == code:
            report.index += 1
            if have[1] != checksum:
                report.stale.append(code)
            have = next(actual, None)
        else:
            report.missing.append(code)
    while have is not None:
        report.extra.append(have[0])
        report.index += 1
        have = next(actual, None)
    return report
