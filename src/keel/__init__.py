"""Keel: project-management and PMO platform."""

__version__ = "0.1.0"
