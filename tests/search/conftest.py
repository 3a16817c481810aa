"""One osmem-server (an in-memory OpenSearch-compatible server) for the whole session.

It holds ~12 KB of memory per document: tests keep their indexes small and use an alias
of their own, deleted afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import need_service


@pytest.fixture(scope="session")
def search_server() -> Iterator[Any]:
    try:
        from osmem_server import OsmemServer
    except ImportError:
        need_service("osmem-server is not installed, so Elasticsearch tests do not run")
    try:
        server = OsmemServer.start(japanese=False)
    except Exception as error:  # the binary may be missing for this platform
        need_service(f"osmem-server could not start: {error}")
    try:
        yield server
    finally:
        server.close()
