"""Keel's REST API (django-ninja) at /api/v1; OpenAPI at /api/v1/openapi.json."""

from keel.api.main import api

__all__ = ["api"]
