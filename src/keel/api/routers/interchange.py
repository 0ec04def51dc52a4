"""REST routes for interchange (see docs/api.md)."""

from __future__ import annotations

from ninja import Router

__all__ = ["router"]

router = Router(tags=["interchange"])
