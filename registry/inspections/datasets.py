"""The inspections bulk datasets."""
