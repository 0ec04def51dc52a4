"""Schemas of the scheduling endpoints."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

__all__ = ["ScheduleOut"]


class ScheduleOut(Schema):
    """What one scheduling run found. ``start`` and ``finish`` are project-local wall-clock
    times (no zone), as the schedule itself is; each item's stored dates are in its own output."""

    project: str
    start: datetime
    finish: datetime
    critical_path: list[str]
    items: int
    changed: int
    warnings: list[str]
