"""Talking to Elasticsearch and to OpenSearch-compatible servers with one official client.

The `elasticsearch` client sends vendored media types (`application/vnd.elasticsearch+json;
compatible-with=N`) that OpenSearch, osmem-server and Elasticsearch servers of an older major
version answer with 406 or 400, and it refuses responses without `X-Elastic-Product`, which
OpenSearch never sends. No client option changes either, so a node class does.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import urllib3
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpHeaders, Urllib3HttpNode
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import ApiError, Elasticsearch
from elasticsearch import __versionstr__ as client_version

if TYPE_CHECKING:  # not exported by elastic_transport: only for the annotation
    from elastic_transport._node._base import NodeApiResponse

DISTRIBUTIONS = ("auto", "elasticsearch", "opensearch")
_PLAIN = {"json": "application/json", "x-ndjson": "application/x-ndjson"}
#: 503 and friends mean the cluster is there but cannot serve: the same as unreachable
UNAVAILABLE_STATUS = frozenset({429, 502, 503, 504})
T = TypeVar("T")


class SearchUnavailable(RuntimeError):
    """The search server cannot be reached or cannot serve; callers fall back to the
    database backend."""


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Connection failures (and 429/5xx-unavailable answers) become SearchUnavailable."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except (TransportConnectionError, ConnectionTimeout) as error:
            raise SearchUnavailable(f"search server unreachable: {error}") from error
        except ApiError as error:
            if error.meta.status not in UNAVAILABLE_STATUS:
                raise
            raise SearchUnavailable(
                f"search server unavailable ({error.meta.status}): {error}"
            ) from error

    return wrapper


def checked_distribution(distribution: str) -> str:
    if distribution not in DISTRIBUTIONS:
        choices = ", ".join(DISTRIBUTIONS)
        raise ValueError(f"unknown search distribution {distribution!r}; choose {choices}")
    return distribution


def plain_media_type(value: str) -> str:
    """'application/vnd.elasticsearch+x-ndjson; compatible-with=9' → 'application/x-ndjson'."""
    if "compatible-with" not in value and "vnd.elasticsearch" not in value:
        return value
    subtype = value.split(";", 1)[0].rpartition("+")[2].strip()
    return _PLAIN.get(subtype, "application/json")


class PlainJsonNode(Urllib3HttpNode):
    """A urllib3 node that speaks plain JSON and tolerates a missing product header."""

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        for name in ("content-type", "accept"):
            if name in self._headers:
                self._headers[name] = plain_media_type(self._headers[name])

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        if headers:
            # The client may hand over frozen headers: rewrite a copy.
            headers = HttpHeaders(headers)
            for name in ("content-type", "accept"):
                if name in headers:
                    headers[name] = plain_media_type(headers[name])
        response = super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout
        )
        if "x-elastic-product" not in response.meta.headers:
            response.meta.headers["X-Elastic-Product"] = "Elasticsearch"
        return response


@dataclass(frozen=True)
class ServerInfo:
    distribution: str
    version: str

    @property
    def major(self) -> int:
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else 0


def server_info(url: str, timeout: float) -> ServerInfo:
    """`GET /` without the client, which cannot read it from OpenSearch before the node is
    chosen. Raises urllib3 errors and ValueError for the caller to translate."""
    parsed = urllib3.util.parse_url(url)
    headers = {"Accept": "application/json"}
    if parsed.auth:
        headers.update(urllib3.util.make_headers(basic_auth=parsed.auth))
    base = parsed._replace(auth=None).url.rstrip("/")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False
    )
    try:
        response = http.request("GET", f"{base}/", headers=headers)
    finally:
        http.clear()
    if response.status != 200:
        raise ValueError(f"GET / answered {response.status}")
    version = json.loads(response.data).get("version") or {}
    # Elasticsearch reports no distribution (it has build_flavor); OpenSearch and osmem do.
    distribution = str(version.get("distribution") or "elasticsearch").lower()
    return ServerInfo(distribution=distribution, version=str(version.get("number") or ""))


def needs_plain_json(info: ServerInfo, client_major: int) -> bool:
    """OpenSearch always; Elasticsearch when older than the client (an 8.x server rejects
    `compatible-with=9`, but accepts plain JSON from any client)."""
    if info.distribution != "elasticsearch":
        return True
    return 0 < info.major < client_major


def connect(url: str, distribution: str, timeout: float) -> Elasticsearch:
    """A client for the server at `url`, plain-JSON when the server needs it ('auto' asks)."""
    plain = distribution == "opensearch"
    if distribution == "auto":
        try:
            info = server_info(url, timeout)
        except (urllib3.exceptions.HTTPError, ValueError) as error:
            raise SearchUnavailable(f"search server at {url} unreachable: {error}") from error
        plain = needs_plain_json(info, int(client_version.split(".")[0]))
    options: dict[str, Any] = {"node_class": PlainJsonNode} if plain else {}
    # One retry at most: a dead server must fail fast so that callers can fall back.
    return Elasticsearch(
        url, request_timeout=timeout, max_retries=1, retry_on_timeout=False, **options
    )
