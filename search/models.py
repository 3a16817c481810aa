"""The database backend's index: one row per organisation, the search document as columns.

The full-text parts live outside the model, created by migration 0004 for one dialect
each. SQLite: FTS5 tables `search_fts` (unicode61 tokens of name_grams, other_grams) and
`search_latin` (trigrams of pinyin_joined, pinyin_initials, name_en), both with external
content, kept in step by the backend. PostgreSQL: a GIN index on the `simple` tsvector of
the grams, and pg_trgm GIN indexes on the pinyin and the English name. Alembic cannot
describe them, so `include_in_migrations` hides them from autogenerate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from search.backends.base import STATUS_ORDER

#: the FTS5 tables (SQLite); their shadow tables share the prefixes
FTS_TABLE = "search_fts"
LATIN_TABLE = "search_latin"
#: the GIN indexes (PostgreSQL)
FTS_INDEX = "ix_search_document_fts"
TRIGRAM_INDEXES = {
    "ix_search_document_trgm_joined": "pinyin_joined",
    "ix_search_document_trgm_initials": "pinyin_initials",
    "ix_search_document_trgm_english": "lower(name_en)",
}
#: the tsvector the GIN index holds; queries must use this exact expression to use it
TSVECTOR_SQL = "to_tsvector('simple', name_grams || ' ' || other_grams)"
_FTS_COLUMNS = {
    FTS_TABLE: "name_grams, other_grams",
    LATIN_TABLE: "pinyin_joined, pinyin_initials, name_en",
}
# The FTS5 tables have external content (search_document): they must be told the old
# tokens before rows change or go, and the new ones after. Set-based statements around
# each batch of writes are several times faster than per-row triggers.
FTS_DELETE = [
    text(
        f"INSERT INTO {table}({table}, rowid, {columns}) "
        f"SELECT 'delete', id, {columns} FROM search_document WHERE uscc IN :keys"
    ).bindparams(bindparam("keys", expanding=True))
    for table, columns in _FTS_COLUMNS.items()
]
FTS_INSERT = [
    text(
        f"INSERT INTO {table}(rowid, {columns}) "
        f"SELECT id, {columns} FROM search_document WHERE uscc IN :keys"
    ).bindparams(bindparam("keys", expanding=True))
    for table, columns in _FTS_COLUMNS.items()
]
#: removed or unknown statuses rank last
LAST_RANK = max(STATUS_ORDER.values()) + 1


def _binary(length: int | None = None) -> Any:
    """Text compared by code point on every database: name sorting and prefix ranges
    must agree with Python and with Elasticsearch, whatever the database's locale."""
    plain = String(length) if length else Text()
    exact = String(length, collation="C") if length else Text(collation="C")
    return plain.with_variant(exact, "postgresql")


def include_in_migrations(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Alembic's include_name hook: leave the dialect-specific full-text objects alone."""
    if type_ == "table" and name is not None and name.startswith((FTS_TABLE, LATIN_TABLE)):
        return False
    return not (type_ == "index" and (name == FTS_INDEX or name in TRIGRAM_INDEXES))


class SearchDocument(db.Model):
    """build_document's output, flattened; derived data, rebuilt from the register."""

    __tablename__ = "search_document"
    __table_args__ = (
        # Keyset orders: relevance ties break on (status_rank, uscc); the other sorts.
        Index("ix_search_document_rank_uscc", "status_rank", "uscc"),
        Index("ix_search_document_founded_uscc", "founded_on", "uscc"),
        Index("ix_search_document_name_uscc", "name", "uscc"),
        # Pinyin autocomplete (prefix ranges), and on SQLite a narrow copy of what Latin
        # queries scan for substrings: far fewer pages than the table.
        Index("ix_search_document_latin", "pinyin_joined", "pinyin_initials", "name_en"),
    )

    #: the FTS5 rowid: only an INTEGER PRIMARY KEY keeps its values through VACUUM
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(_binary(18), unique=True)
    organisation_code: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(_binary(200))
    #: indexed for exact-name ranking and name autocomplete (prefix ranges)
    name_simplified: Mapped[str] = mapped_column(_binary(200), index=True)
    name_grams: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(String(300))
    pinyin: Mapped[str] = mapped_column(Text)
    pinyin_joined: Mapped[str] = mapped_column(_binary())
    pinyin_initials: Mapped[str] = mapped_column(_binary(200), index=True)
    legal_representative: Mapped[str] = mapped_column(String(100))
    domicile: Mapped[str] = mapped_column(String(300))
    other_grams: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    #: STATUS_ORDER of the status: live organisations rank before removed ones
    status_rank: Mapped[int] = mapped_column(Integer)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)
    authority_code: Mapped[str] = mapped_column(String(12), index=True)
    is_charity: Mapped[bool] = mapped_column(Boolean, index=True)
    rating: Mapped[str | None] = mapped_column(String(8), index=True)
    abnormal_list: Mapped[bool] = mapped_column(Boolean, index=True)
    dishonest_list: Mapped[bool] = mapped_column(Boolean, index=True)
    founded_on: Mapped[date] = mapped_column(Date)
    founded_year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(32))

    @staticmethod
    def row(document: dict[str, Any]) -> dict[str, Any]:
        """The column values for a document (build_document's output)."""
        row = {c.name: document.get(c.name) for c in SearchDocument.__table__.columns}
        del row["id"]
        row["status_rank"] = STATUS_ORDER.get(document["status"], LAST_RANK)
        founded = document["founded_on"]
        row["founded_on"] = founded if isinstance(founded, date) else date.fromisoformat(founded)
        for flag in ("is_charity", "abnormal_list", "dishonest_list"):
            row[flag] = bool(document.get(flag))
        return row

    def __repr__(self) -> str:
        return f"<SearchDocument {self.uscc} {self.name}>"
