"""Search: backends (database, elasticsearch), the indexed document, the outbox and its relay.

Only search reads the index; the index is derived data, rebuilt from the register.
"""
