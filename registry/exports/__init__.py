"""Bulk data: the public datasets as CSV, JSON Lines and Parquet, with a manifest."""
