"""Dependencies between work items: FS, SS, FF, SF with a lag; cycles are refused."""

from __future__ import annotations

from collections import deque
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from keel.apps.accounts.models import User
from keel.apps.checks import check_version
from keel.apps.projects.access import Permission, access_project
from keel.apps.work.models import (
    MAX_LAG_DAYS,
    ChangeAction,
    Dependency,
    DependencyType,
    ItemChange,
    WorkItem,
)
from keel.apps.work.scheduling import schedule_request
from keel.domain.errors import CycleError, ValidationError

__all__ = ["dependency_create", "dependency_delete", "dependency_update"]


def _type(value: str) -> str:
    text = str(value).upper()
    if text not in DependencyType.values:
        raise ValidationError(
            f"Unknown dependency type {value!r}; use one of: {', '.join(DependencyType.values)}."
        )
    return text


def _lag(value: Any) -> Decimal:
    try:
        lag = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"The lag must be a number of working days, not {value!r}.") from None
    if not lag.is_finite() or abs(lag) > MAX_LAG_DAYS:
        raise ValidationError(f"The lag must lie within ±{MAX_LAG_DAYS} working days.")
    if lag != lag.quantize(Decimal("0.01")):
        raise ValidationError("The lag takes at most two decimals of a day.")
    return lag


def _describe(dep: Dependency, predecessor: WorkItem, successor: WorkItem) -> str:
    lag = format(dep.lag_days.normalize(), "f") if dep.lag_days else "0"
    sign = "+" if not lag.startswith("-") else ""
    return f"{predecessor.key} → {successor.key} ({dep.type} {sign}{lag}d)"


def _find_path(edges: list[tuple[int, int]], start: int, goal: int) -> list[int] | None:
    """A shortest path start → … → goal along the edges, or None."""
    following: dict[int, list[int]] = {}
    for a, b in edges:
        following.setdefault(a, []).append(b)
    came_from: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])  # type: ignore[arg-type]
            return list(reversed(path))
        for nxt in following.get(node, []):
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None


def _audit(actor: User, dep: Dependency, action: ChangeAction, old: str, new: str) -> None:
    pred, succ = dep.predecessor, dep.successor
    ItemChange.objects.bulk_create(
        [
            ItemChange(
                item=succ,
                project_id=dep.project_id,
                item_key=succ.key,
                actor=actor,
                action=action,
                field="predecessors",
                old=old,
                new=new,
            ),
            ItemChange(
                item=pred,
                project_id=dep.project_id,
                item_key=pred.key,
                actor=actor,
                action=action,
                field="successors",
                old=old,
                new=new,
            ),
        ]
    )


@transaction.atomic
def dependency_create(
    *,
    actor: User,
    predecessor: WorkItem,
    successor: WorkItem,
    type: str = DependencyType.FS,
    lag_days: Any = 0,
) -> Dependency:
    """Link two items of one project so ``successor`` waits on ``predecessor``.

    Raises
    ------
    ValidationError
        For a self-link, a duplicate, items of different projects, a link between an item and
        its own WBS ancestor, an unknown type or a lag beyond ten years.
    CycleError
        When the link would close a loop; names the items in order, e.g. ERP-3 → ERP-7 → ERP-3.
    """
    project = access_project(actor, predecessor.project_id, Permission.DEPENDENCY_EDIT)
    if successor.project_id != predecessor.project_id:
        raise ValidationError(
            f"{predecessor.key} and {successor.key} belong to different projects; "
            "dependencies stay within one project."
        )
    if predecessor.pk == successor.pk:
        raise ValidationError(f"{predecessor.key} cannot depend on itself.")
    dep_type, lag = _type(type), _lag(lag_days)
    # Lock the project row so two concurrent links cannot close a cycle together.
    project.__class__.objects.select_for_update().get(pk=project.pk)
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError(f"{successor.key} already depends on {predecessor.key}.")
    parent_of = dict(WorkItem.objects.filter(project=project).values_list("id", "parent_id"))
    for child, ancestor in ((predecessor, successor), (successor, predecessor)):
        node = parent_of.get(child.pk)
        while node is not None:
            if node == ancestor.pk:
                raise ValidationError(
                    f"{ancestor.key} contains {child.key} in the WBS; "
                    "a summary item cannot depend on its own parts or they on it."
                )
            node = parent_of.get(node)
    edges = list(
        Dependency.objects.filter(project=project).values_list("predecessor_id", "successor_id")
    )
    path = _find_path(edges, successor.pk, predecessor.pk)
    if path is not None:
        numbers = dict(WorkItem.objects.filter(pk__in=path).values_list("id", "number"))
        cycle = [predecessor.key] + [f"{project.key}-{numbers[pk]}" for pk in path[:-1]]
        raise CycleError(cycle)
    dep = Dependency(
        project=project, predecessor=predecessor, successor=successor, type=dep_type, lag_days=lag
    )
    dep.clean_fields(exclude=["project", "predecessor", "successor"])
    dep.save()
    _audit(actor, dep, ChangeAction.DEPENDENCY_ADDED, "", _describe(dep, predecessor, successor))
    schedule_request(dep.project_id)
    return dep


@transaction.atomic
def dependency_update(
    *,
    actor: User,
    dependency: Dependency,
    version: int | None = None,
    type: str | None = None,
    lag_days: Any = None,
) -> Dependency:
    """Change a dependency's type or lag; a stale ``version`` raises ConflictError."""
    access_project(actor, dependency.project_id, Permission.DEPENDENCY_EDIT)
    current = (
        Dependency.objects.select_for_update()
        .select_related("predecessor__project", "successor__project")
        .get(pk=dependency.pk)
    )
    check_version(current.version, version, "This dependency")
    before = _describe(current, current.predecessor, current.successor)
    if type is not None:
        current.type = _type(type)
    if lag_days is not None:
        current.lag_days = _lag(lag_days)
    after = _describe(current, current.predecessor, current.successor)
    if after == before:
        return current
    current.version += 1
    current.clean_fields(exclude=["project", "predecessor", "successor"])
    current.save()
    _audit(actor, current, ChangeAction.UPDATED, before, after)
    schedule_request(current.project_id)
    return current


@transaction.atomic
def dependency_delete(*, actor: User, dependency: Dependency) -> None:
    """Remove a dependency; both items' histories note it."""
    access_project(actor, dependency.project_id, Permission.DEPENDENCY_EDIT)
    current = (
        Dependency.objects.select_for_update()
        .select_related("predecessor__project", "successor__project")
        .get(pk=dependency.pk)
    )
    text = _describe(current, current.predecessor, current.successor)
    _audit(actor, current, ChangeAction.DEPENDENCY_REMOVED, text, "")
    schedule_request(current.project_id)
    current.delete()
