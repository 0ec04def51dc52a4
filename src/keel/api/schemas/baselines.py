"""Schemas of the baseline endpoints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema

__all__ = ["BaselineDetailOut", "BaselineIn", "BaselineItemOut", "BaselineOut"]


class BaselineIn(Schema):
    name: str
    reason: str = ""


class BaselineOut(Schema):
    number: int
    name: str
    reason: str
    is_current: bool
    created_by: str | None
    created_at: datetime
    items: int

    @staticmethod
    def resolve_created_by(obj: object) -> str | None:
        user = getattr(obj, "created_by", None)
        return user.username if user is not None else None

    @staticmethod
    def resolve_items(obj: object) -> int:
        count = getattr(obj, "item_count", None)
        return count if count is not None else obj.items.count()  # type: ignore[attr-defined]


class BaselineItemOut(Schema):
    item_key: str
    title: str
    outline_code: str
    is_summary: bool
    is_milestone: bool
    start: datetime | None
    finish: datetime | None
    duration_days: Decimal | None
    work_hours: Decimal | None
    cost: Decimal | None


class BaselineDetailOut(BaselineOut):
    rows: list[BaselineItemOut]

    @staticmethod
    def resolve_rows(obj: object) -> list[object]:
        return list(obj.items.all())  # type: ignore[attr-defined]
