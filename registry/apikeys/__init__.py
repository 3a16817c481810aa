"""API keys: issued by officers from the command line, they raise a client's rate limits."""
