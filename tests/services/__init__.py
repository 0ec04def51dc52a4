"""Service tests: the Django apps on a real database."""
