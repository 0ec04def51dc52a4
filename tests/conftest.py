"""Shared fixtures. Domain tests need none of Django; the rest run on a real database."""
