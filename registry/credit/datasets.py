"""The credit bulk datasets."""
