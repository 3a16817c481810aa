"""Dormant ("zombie") organisations: detection, cases, public notices and decisions."""
