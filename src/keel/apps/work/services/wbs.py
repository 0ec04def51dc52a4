"""The WBS: parents, sibling order and outline codes (1, 1.2, 1.2.3)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from django.db import connection, transaction

from keel.apps.accounts.models import User
from keel.apps.checks import check_version
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work.models import ChangeAction, ItemChange, WorkItem
from keel.apps.work.scheduling import schedule_request
from keel.apps.work.services._common import display
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


def outline_recompute(
    project: Project | int, order: Mapping[int | None, Sequence[int]] | None = None
) -> int:
    """Renumber one project's WBS in one pass: dense sibling positions and outline codes.

    Reads the project's items once (as tuples) and writes only the rows that changed, in
    batched ``UPDATE … FROM`` statements. ``order`` may fix the order of some sibling groups
    (parent id → child ids), as a move does; other groups keep their ``position`` order.
    Returns how many rows changed.
    """
    project_id = project.pk if isinstance(project, Project) else project
    rows = (
        WorkItem.objects.filter(project_id=project_id)
        .order_by("position", "id")
        .values_list("id", "parent_id", "position", "outline_code")
    )
    children: dict[int | None, list[int]] = {}
    stored: dict[int, tuple[int, str]] = {}
    for pk, parent_id, position, code in rows:
        children.setdefault(parent_id, []).append(pk)
        stored[pk] = (position, code)
    for parent_id, ids in (order or {}).items():
        children[parent_id] = list(ids)
    changed: list[tuple[int, int, str, str]] = []
    stack: list[tuple[int | None, str]] = [(None, "")]
    while stack:
        parent_id, prefix = stack.pop()
        for index, pk in enumerate(children.get(parent_id, []), start=1):
            code = f"{prefix}.{index}" if prefix else str(index)
            if stored[pk] != (index, code):
                changed.append((pk, index, code, sort_key(code)))
            stack.append((pk, code))
    _write_outline(changed)
    return len(changed)


_BATCH = 200


def _write_outline(changed: list[tuple[int, int, str, str]]) -> None:
    """Store (id, position, code, sort) rows with an ``UPDATE … FROM`` joined on the id.

    PostgreSQL takes every row in one statement (``unnest`` of four arrays); SQLite takes
    batches of ``SELECT … UNION ALL …``. Django's ``bulk_update`` would build a CASE over every
    id instead, which grows quadratically on large projects (seconds at 5,000 items).
    """
    if not changed:
        return
    if connection.vendor not in {"postgresql", "sqlite"} or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        objs = [
            WorkItem(id=pk, position=pos, outline_code=code, outline_sort=srt)
            for pk, pos, code, srt in changed
        ]
        WorkItem.objects.bulk_update(
            objs, ["position", "outline_code", "outline_sort"], batch_size=_BATCH
        )
        return
    table = connection.ops.quote_name(WorkItem._meta.db_table)
    if connection.vendor == "postgresql":
        # One statement whatever the size: four arrays unnested side by side.
        columns = [list(col) for col in zip(*changed, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET position = v.position, outline_code = v.code, "  # noqa: S608
                "outline_sort = v.sort FROM unnest(%s::bigint[], %s::integer[], %s::text[], "
                f"%s::text[]) AS v(id, position, code, sort) WHERE {table}.id = v.id",
                columns,
            )
        return
    row_sql = (
        "SELECT CAST(%s AS bigint) AS id, CAST(%s AS integer) AS position, "
        "CAST(%s AS varchar(100)) AS code, CAST(%s AS varchar(255)) AS sort"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(changed), _BATCH):
            batch = changed[start : start + _BATCH]
            values = " UNION ALL ".join([row_sql] * len(batch))
            sql = (
                f"UPDATE {table} SET position = v.position, outline_code = v.code, "  # noqa: S608
                f"outline_sort = v.sort FROM ({values}) AS v WHERE {table}.id = v.id"
            )
            cursor.execute(sql, [value for row in batch for value in row])


def _ancestors(item_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    chain: list[int] = []
    current = parent_of.get(item_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def _place(item: WorkItem, parent: WorkItem | None, position: int | None) -> list[int | None]:
    """Put ``item`` under ``parent`` at 1-based ``position`` (None: last).

    Returns the new order of that sibling group, with None standing for ``item`` (which may
    not be saved yet); pass it to :func:`_order` once the item has its id.
    """
    siblings: list[int | None] = list(
        WorkItem.objects.filter(project_id=item.project_id, parent=parent)
        .exclude(pk=item.pk)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )
    index = len(siblings) if position is None else max(0, min(int(position) - 1, len(siblings)))
    siblings.insert(index, None)
    item.parent = parent
    item.position = index + 1
    return siblings


def _order(item: WorkItem, placed: list[int | None]) -> dict[int | None, list[int]]:
    return {item.parent_id: [item.pk if pk is None else pk for pk in placed]}


def _lock(item: WorkItem) -> WorkItem:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent.
    return (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("project", "parent")
        .get(pk=item.pk)
    )


def _finish_move(
    actor: User,
    item: WorkItem,
    old_parent: WorkItem | None,
    old_code: str,
    placed: list[int | None],
) -> None:
    item.version += 1
    item.save(update_fields=["parent", "position", "version", "updated_at"])
    outline_recompute(item.project_id, order=_order(item, placed))
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
    placed = _place(item, parent, position)
    _finish_move(actor, item, old_parent, old_code, placed)
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
    placed = _place(item, above, None)
    _finish_move(actor, item, old_parent, old_code, placed)
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
    placed = _place(item, parent.parent, parent.position + 1)
    _finish_move(actor, item, parent, old_code, placed)
    return item
