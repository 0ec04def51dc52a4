"""Helpers shared by the work services: audit rows and how values read in the history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from keel.apps.accounts.models import User
from keel.apps.projects.models import Project
from keel.apps.work.models import ChangeAction, ItemChange, WorkItem


def display(value: Any) -> str:
    """How a value reads in the history: keys for items, usernames for people."""
    if value is None:
        return ""
    if isinstance(value, WorkItem):
        return value.key
    if isinstance(value, User):
        return value.username
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(display(v) for v in value))
    return str(value)


def record(
    item: WorkItem | None,
    *,
    project: Project,
    item_key: str,
    actor: User | None,
    action: ChangeAction,
    field: str = "",
    old: Any = None,
    new: Any = None,
) -> ItemChange:
    """Write one audit row."""
    return ItemChange.objects.create(
        item=item,
        project=project,
        item_key=item_key,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        field=field,
        old=display(old),
        new=display(new),
    )


def record_many(rows: Iterable[ItemChange]) -> None:
    """Write several audit rows in one statement."""
    ItemChange.objects.bulk_create(list(rows))
