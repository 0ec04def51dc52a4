"""Base classes for request and response schemas.

Inputs forbid unknown fields, so a misspelt field is refused with 400 rather than ignored.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

__all__ = ["InSchema", "OutSchema", "PatchSchema"]


class InSchema(Schema):
    """A request body: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class PatchSchema(InSchema):
    """A partial update: only the fields sent change; ``version`` names the version it is based on.

    ``version`` may instead come as an ``If-Match`` header.
    """

    version: int | None = None


class OutSchema(Schema):
    """A response body."""
