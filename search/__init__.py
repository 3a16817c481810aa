"""Search: backends (database, elasticsearch), the indexed document, the outbox and its relay.

Only search reads the index; the index is derived data, rebuilt from the register.
"""

from __future__ import annotations

BACKENDS = ("database", "elasticsearch")


def configured_backend(name: str, elasticsearch_url: str | None) -> str:
    """The backend a deployment asked for; Elasticsearch needs its URL."""
    if name not in BACKENDS:
        raise ValueError(f"unknown search backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "elasticsearch" and not elasticsearch_url:
        raise ValueError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
    return name
