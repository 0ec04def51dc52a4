"""Helpers shared by the work services: audit rows, value display, version checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from keel.apps.accounts.models import User
from keel.apps.projects.models import Project
from keel.apps.work.models import ChangeAction, ItemChange, WorkItem
from keel.domain.errors import ConflictError, ValidationError


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


def check_fields(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    """Refuse unknown field names with a message that lists the allowed ones."""
    allowed_set = set(allowed)
    unknown = sorted(set(fields) - allowed_set)
    if unknown:
        raise ValidationError(
            f"Unknown {what} field(s): {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(allowed_set))}.",
            details={"fields": unknown},
        )


def check_version(current: int, given: int | None, what: str) -> None:
    """Raise ConflictError when ``given`` is not the stored version (None skips the check)."""
    if given is None:
        return
    if int(given) != current:
        raise ConflictError(
            f"{what} was changed by someone else (version {current}, yours {given}). "
            "Reload and try again.",
            details={"current_version": current},
        )
