"""The append-only audit trail, linked in a hash chain."""
