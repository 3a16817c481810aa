"""The change feed: every change to a public record, in commit order, with the record as it
became. Mirrors follow it; the search index is fed from it (the outbox)."""
