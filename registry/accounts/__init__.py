"""Officers' accounts, roles, API tokens and jurisdiction."""
