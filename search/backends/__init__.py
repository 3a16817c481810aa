"""Search backends: `database` (SQLite FTS5 / PostgreSQL) and `elasticsearch`."""
