"""The one search interface every backend implements, and the contract it keeps."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Sort = Literal["relevance", "founded_on", "-founded_on", "name"]
SORTS: tuple[str, ...] = ("relevance", "founded_on", "-founded_on", "name")

#: facet name → document field
FACETS: dict[str, str] = {
    "kind": "kind",
    "status": "status",
    "province": "province_code",
    "prefecture": "prefecture_code",
    "county": "county_code",
    "authority": "authority_code",
    "rating": "rating",
    "charity": "is_charity",
    "abnormal_list": "abnormal_list",
    "dishonest_list": "dishonest_list",
}

USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
ORGANISATION_CODE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
#: the order removed organisations take after live ones in relevance ranking
STATUS_ORDER = {"active": 0, "revoked": 1, "certificate_cancelled": 1, "deregistered": 2}


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    kind: str | None = None
    status: str | None = None
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    authority: str | None = None
    rating: str | None = None
    charity: bool | None = None
    abnormal_list: bool | None = None
    dishonest_list: bool | None = None
    founded_from_year: int | None = None
    founded_to_year: int | None = None
    sort: str = "relevance"
    #: the decoded keyset cursor: the previous page's last sort key
    after: tuple[Any, ...] | None = None
    limit: int = 20
    #: the facets to count: True for every one, False for none, or a tuple of their names
    #: (a page that shows a few need not pay for the many-valued ones)
    facets: bool | tuple[str, ...] = True

    def facet_fields(self) -> dict[str, str]:
        """The facets asked for, name → document field, in FACETS' order."""
        if self.facets is True:
            return dict(FACETS)
        if not self.facets:
            return {}
        unknown = set(self.facets) - FACETS.keys()
        if unknown:
            raise ValueError(f"unknown facets: {', '.join(sorted(unknown))}")
        return {name: field for name, field in FACETS.items() if name in self.facets}

    def filters(self) -> dict[str, Any]:
        """Exact-match filters, by document field."""
        values = {FACETS[name]: getattr(self, name) for name in FACETS}
        return {k: v for k, v in values.items() if v is not None}


@dataclass
class SearchHit:
    uscc: str
    name: str
    #: the name with the matched part wrapped in <em>…</em> (HTML-escaped otherwise)
    highlight: str
    kind: str
    status: str
    legal_representative: str
    domicile: str
    authority_code: str
    founded_on: str
    is_charity: bool


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    #: the sort key of the last hit, when another page follows
    after: tuple[Any, ...] | None = None
    #: true when the query was a credit code (or organisation code) of an organisation
    exact: bool = False
    degraded: bool = False
    backend: str = ""


class SearchBackend(Protocol):
    name: str

    def search(self, request: SearchRequest) -> SearchResult: ...

    def suggest(self, prefix: str, limit: int = 10) -> list[str]: ...

    def upsert(self, documents: Iterable[dict[str, Any]]) -> int: ...

    def delete(self, usccs: Iterable[str]) -> int: ...

    def checksums(self) -> Iterator[tuple[str, str]]: ...

    def count(self) -> int: ...


def encode_after(values: tuple[Any, ...]) -> str:
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_after(cursor: str) -> tuple[Any, ...]:
    padded = cursor + "=" * (-len(cursor) % 4)
    values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(values, list) or not values or len(values) > 8:
        raise ValueError("not a search cursor")
    if any(not isinstance(v, str | int | float | bool | None) for v in values):
        raise ValueError("not a search cursor")
    return tuple(values)


def highlight(name: str, query: str) -> str:
    """The name with each maximal run of matched characters wrapped in <em>."""
    from html import escape

    from search.document import simplify

    wanted = set(simplify(query).replace(" ", ""))
    if not wanted:
        return escape(name)
    simplified = simplify(name)
    if len(simplified) != len(name):
        simplified = name
    out: list[str] = []
    inside = False
    for original, plain in zip(name, simplified, strict=True):
        hit = plain in wanted
        if hit and not inside:
            out.append("<em>")
        elif not hit and inside:
            out.append("</em>")
        inside = hit
        out.append(escape(original))
    if inside:
        out.append("</em>")
    return "".join(out)
