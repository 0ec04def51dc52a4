"""The WBS: parents, sibling order and outline codes (1, 1.2, 1.2.3)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work.models import ChangeAction, ItemChange, WorkItem
from keel.apps.work.scheduling import schedule_request
from keel.apps.work.services._common import check_version, display
from keel.domain.errors import CycleError, ValidationError

__all__ = [
    "outline_recompute",
    "work_item_indent",
    "work_item_move",
    "work_item_outdent",
]

_PAD = 5


def sort_key(code: str) -> str:
    """``1.10.2`` → ``00001.00010.00002`` so text order is WBS order."""
    return ".".join(part.zfill(_PAD) for part in code.split(".")) if code else ""


def outline_recompute(project: Project | int) -> int:
    """Renumber one project's WBS in one pass: dense sibling positions and outline codes.

    Reads every item of the project once and writes only the rows that changed, in one
    ``bulk_update``. Returns how many rows changed.
    """
    project_id = project.pk if isinstance(project, Project) else project
    rows = list(
        WorkItem.objects.filter(project_id=project_id)
        .order_by("position", "id")
        .only("id", "parent_id", "position", "outline_code", "outline_sort")
    )
    children: dict[int | None, list[WorkItem]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    changed: list[WorkItem] = []
    stack: list[tuple[int | None, str]] = [(None, "")]
    while stack:
        parent_id, prefix = stack.pop()
        for index, row in enumerate(children.get(parent_id, []), start=1):
            code = f"{prefix}.{index}" if prefix else str(index)
            if row.position != index or row.outline_code != code:
                row.position = index
                row.outline_code = code
                row.outline_sort = sort_key(code)
                changed.append(row)
            stack.append((row.id, code))
    if changed:
        WorkItem.objects.bulk_update(changed, ["position", "outline_code", "outline_sort"])
    return len(changed)


def _ancestors(item_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    chain: list[int] = []
    current = parent_of.get(item_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def _place(item: WorkItem, parent: WorkItem | None, position: int | None) -> None:
    """Put ``item`` under ``parent`` at 1-based ``position`` (None: last), shifting siblings."""
    siblings = list(
        WorkItem.objects.filter(project_id=item.project_id, parent=parent)
        .exclude(pk=item.pk)
        .order_by("position", "id")
        .only("id", "position")
    )
    index = len(siblings) if position is None else max(0, min(int(position) - 1, len(siblings)))
    siblings.insert(index, item)
    for number, sibling in enumerate(siblings, start=1):
        sibling.position = number
    WorkItem.objects.bulk_update([s for s in siblings if s.pk != item.pk], ["position"])
    item.parent = parent
    item.position = index + 1


def _lock(item: WorkItem) -> WorkItem:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent.
    return (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("project", "parent")
        .get(pk=item.pk)
    )


def _finish_move(actor: User, item: WorkItem, old_parent: WorkItem | None, old_code: str) -> None:
    item.version += 1
    item.save(update_fields=["parent", "position", "version", "updated_at"])
    outline_recompute(item.project_id)
    schedule_request(item.project_id)
    item.refresh_from_db(fields=["position", "outline_code", "outline_sort"])
    rows = []
    if (old_parent.pk if old_parent else None) != item.parent_id:
        rows.append(("parent", display(old_parent), display(item.parent)))
    if old_code != item.outline_code:
        rows.append(("outline_code", old_code, item.outline_code))
    ItemChange.objects.bulk_create(
        ItemChange(
            item=item,
            project_id=item.project_id,
            item_key=item.key,
            actor=actor,
            action=ChangeAction.UPDATED,
            field=field,
            old=old,
            new=new,
        )
        for field, old, new in rows
    )


@transaction.atomic
def work_item_move(
    *,
    actor: User,
    item: WorkItem,
    parent: WorkItem | None,
    position: int | None = None,
    version: int | None = None,
) -> WorkItem:
    """Move ``item`` (with its subtree) under ``parent`` at ``position`` (1-based; None: last).

    Raises
    ------
    CycleError
        When ``parent`` is the item itself or one of its descendants; names the loop.
    ValidationError
        When ``parent`` belongs to another project.
    """
    access_project(actor, item.project_id, Permission.ITEM_EDIT)
    item = _lock(item)
    check_version(item.version, version, item.key)
    if parent is not None:
        if parent.project_id != item.project_id:
            raise ValidationError(
                f"{item.key} cannot move under an item of another project ({parent.key})."
            )
        parent_of = dict(
            WorkItem.objects.filter(project_id=item.project_id).values_list("id", "parent_id")
        )
        chain = [parent.pk, *_ancestors(parent.pk, parent_of)]
        if item.pk in chain:
            loop = list(reversed(chain[: chain.index(item.pk) + 1]))
            numbers = dict(WorkItem.objects.filter(pk__in=loop).values_list("id", "number"))
            key = item.project.key
            raise CycleError([f"{key}-{numbers[i]}" for i in loop], what="WBS")
    if position is not None and int(position) < 1:
        raise ValidationError("Positions start at 1.")
    old_parent, old_code = item.parent, item.outline_code
    _place(item, parent, position)
    _finish_move(actor, item, old_parent, old_code)
    return item


@transaction.atomic
def work_item_indent(*, actor: User, item: WorkItem) -> WorkItem:
    """Make ``item`` the last child of the sibling just above it."""
    access_project(actor, item.project_id, Permission.ITEM_EDIT)
    item = _lock(item)
    above = (
        WorkItem.objects.filter(
            project_id=item.project_id, parent_id=item.parent_id, position__lt=item.position
        )
        .order_by("-position", "-id")
        .first()
    )
    if above is None:
        raise ValidationError(
            f"{item.key} is the first item at its level; there is nothing to indent it under."
        )
    old_parent, old_code = item.parent, item.outline_code
    _place(item, above, None)
    _finish_move(actor, item, old_parent, old_code)
    return item


@transaction.atomic
def work_item_outdent(*, actor: User, item: WorkItem) -> WorkItem:
    """Make ``item`` the sibling just below its parent."""
    access_project(actor, item.project_id, Permission.ITEM_EDIT)
    item = _lock(item)
    parent = item.parent
    if parent is None:
        raise ValidationError(f"{item.key} is already at the top level of the WBS.")
    old_code = item.outline_code
    _place(item, parent.parent, parent.position + 1)
    _finish_move(actor, item, parent, old_code)
    return item
