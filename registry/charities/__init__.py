"""Charity organisations and charity trusts."""
