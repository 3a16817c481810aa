"""What the API and the pages call: one search, on the configured backend, falling back to
the database (marked degraded) when the search server cannot answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.organisations.listing import OrganisationFilter, OrganisationListing
from search.backends.base import SearchBackend, SearchRequest, SearchResult
from search.document import build_document

log = logging.getLogger(__name__)


def elasticsearch_backend(app: Flask) -> SearchBackend | None:
    """The app's Elasticsearch backend (one client per app), or None when not configured."""
    settings: Settings = app.extensions["registry.settings"]
    if settings.search_backend != "elasticsearch" or not settings.elasticsearch_url:
        return None
    backend = app.extensions.get("search.elasticsearch")
    if backend is None:
        from search.backends.elasticsearch import ElasticsearchBackend

        backend = ElasticsearchBackend(
            settings.elasticsearch_url, alias=settings.elasticsearch_alias
        )
        app.extensions["search.elasticsearch"] = backend
    return backend


class SearchService:
    def __init__(self, session: Session, primary: SearchBackend | None = None) -> None:
        from search.backends.database import DatabaseBackend

        self.database = DatabaseBackend(session)
        self.primary = primary or self.database

    @classmethod
    def for_app(cls, session: Session, app: Flask | None = None) -> SearchService:
        return cls(session, elasticsearch_backend(app or current_app._get_current_object()))

    def search(self, request: SearchRequest) -> SearchResult:
        try:
            result = self.primary.search(request)
        except Exception as error:  # any failure of the server: answer from the database
            if self.primary is self.database:
                raise
            log.warning("search server failed, answering from the database: %s", error)
            result = self.database.search(request)
            result.degraded = True
        return result

    def suggest(self, prefix: str, limit: int = 10) -> tuple[list[str], bool]:
        try:
            return self.primary.suggest(prefix, limit), False
        except Exception as error:
            if self.primary is self.database:
                raise
            log.warning("search server failed, suggesting from the database: %s", error)
            return self.database.suggest(prefix, limit), True


def register_documents(session: Session) -> Iterator[dict[str, Any]]:
    """Every organisation's search document, built from the register (streamed)."""
    for record in OrganisationListing(session).stream(OrganisationFilter()):
        yield build_document(record)
