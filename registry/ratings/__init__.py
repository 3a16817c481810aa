"""Ratings (等级评估, 1A–5A)."""
