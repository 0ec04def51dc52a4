"""Keel test suite."""
