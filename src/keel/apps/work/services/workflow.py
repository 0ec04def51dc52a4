"""A project's workflow: statuses (board columns) and the transitions between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from keel.apps.accounts.models import User
from keel.apps.checks import check_fields, check_version
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project, Role
from keel.apps.work.models import (
    StatusCategory,
    Workflow,
    WorkflowStatus,
    WorkflowTransition,
    WorkItem,
)
from keel.domain.errors import ValidationError

__all__ = [
    "workflow_build",
    "workflow_replace",
    "workflow_status_create",
    "workflow_status_delete",
    "workflow_status_update",
    "workflow_transition_create",
    "workflow_transition_delete",
]

STATUS_FIELDS = frozenset({"name", "category", "position", "wip_limit"})


def _roles(values: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(str(v) for v in values or []))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError(
            f"Unknown role(s) {', '.join(unknown)}; use any of: {', '.join(Role.values)}."
        )
    return roles


def _category(value: str) -> str:
    if value not in StatusCategory.values:
        raise ValidationError(
            f"Unknown status category {value!r}; use one of: {', '.join(StatusCategory.values)}."
        )
    return value


def _wip(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ValidationError("A WIP limit is a whole number of items.") from None
    if limit < 1:
        raise ValidationError("A WIP limit must be at least 1 (leave it empty for no limit).")
    return limit


def _workflow(project: Project) -> Workflow:
    workflow, _ = Workflow.objects.select_for_update().get_or_create(project=project)
    return workflow


def _bump(workflow: Workflow) -> None:
    workflow.version += 1
    workflow.save(update_fields=["version"])


def workflow_build(
    project: Project,
    statuses: Iterable[Mapping[str, Any]],
    transitions: Iterable[Mapping[str, Any]],
) -> Workflow:
    """Set up the workflow of a new project (no access check: templates call it on creation).

    ``statuses`` are mappings with ``key``, ``name``, ``category`` and optional ``wip_limit``;
    ``transitions`` have ``from`` and ``to`` (status keys) and optional ``allowed_roles``.
    """
    workflow = _workflow(project)
    created: dict[str, WorkflowStatus] = {}
    specs = list(statuses)
    for attr in ("key", "name"):
        values = [str(spec.get(attr, "")) for spec in specs]
        if len(set(values)) != len(values):
            raise ValidationError(f"Each status needs its own {attr}.")
    for position, spec in enumerate(specs, start=1):
        status = WorkflowStatus(
            workflow=workflow,
            key=spec["key"],
            name=spec["name"],
            category=_category(spec.get("category", StatusCategory.TODO)),
            position=position,
            wip_limit=_wip(spec.get("wip_limit")),
        )
        status.clean_fields(exclude=["workflow"])
        status.save()
        created[status.key] = status
    for spec in transitions:
        try:
            source, target = created[spec["from"]], created[spec["to"]]
        except KeyError as exc:
            raise ValidationError(
                f"A transition names an unknown status {exc.args[0]!r}."
            ) from None
        if source.pk == target.pk:
            raise ValidationError(f"A transition cannot lead from {source.name} to itself.")
        WorkflowTransition.objects.create(
            workflow=workflow,
            from_status=source,
            to_status=target,
            allowed_roles=_roles(spec.get("allowed_roles", [])),
        )
    return workflow


@transaction.atomic
def workflow_status_create(
    *,
    actor: User,
    project: Project,
    key: str,
    name: str,
    category: str = StatusCategory.TODO,
    position: int | None = None,
    wip_limit: int | None = None,
) -> WorkflowStatus:
    """Add a status (column) to the project's workflow; needs ``workflow.edit``."""
    access_project(actor, project.pk, Permission.WORKFLOW_EDIT)
    workflow = _workflow(project)
    last = workflow.statuses.aggregate(m=Max("position"))["m"] or 0
    status = WorkflowStatus(
        workflow=workflow,
        key=key,
        name=name,
        category=_category(category),
        position=last + 1 if position is None else int(position),
        wip_limit=_wip(wip_limit),
    )
    status.full_clean()
    status.save()
    _bump(workflow)
    return status


@transaction.atomic
def workflow_status_update(*, actor: User, status: WorkflowStatus, **fields: Any) -> WorkflowStatus:
    """Rename a status, change its category, position or WIP limit."""
    check_fields(fields, STATUS_FIELDS, "status")
    current = WorkflowStatus.objects.select_related("workflow").get(pk=status.pk)
    access_project(actor, current.workflow.project_id, Permission.WORKFLOW_EDIT)
    if "category" in fields:
        fields["category"] = _category(fields["category"])
    if "wip_limit" in fields:
        fields["wip_limit"] = _wip(fields["wip_limit"])
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    _bump(current.workflow)
    return current


@transaction.atomic
def workflow_status_delete(*, actor: User, status: WorkflowStatus) -> None:
    """Delete a status no item is in; its transitions go with it."""
    current = WorkflowStatus.objects.select_related("workflow").get(pk=status.pk)
    access_project(actor, current.workflow.project_id, Permission.WORKFLOW_EDIT)
    in_use = WorkItem.objects.filter(status=current).count()
    if in_use:
        raise ValidationError(
            f"{in_use} work item(s) are in {current.name}; move them to another status first."
        )
    if current.workflow.statuses.count() <= 1:
        raise ValidationError("A workflow needs at least one status.")
    current.delete()
    _bump(current.workflow)


@transaction.atomic
def workflow_transition_create(
    *,
    actor: User,
    project: Project,
    from_status: WorkflowStatus,
    to_status: WorkflowStatus,
    allowed_roles: Iterable[str] = (),
) -> WorkflowTransition:
    """Allow moving items from one status to another (optionally only for some roles)."""
    access_project(actor, project.pk, Permission.WORKFLOW_EDIT)
    workflow = _workflow(project)
    if from_status.workflow_id != workflow.pk or to_status.workflow_id != workflow.pk:
        raise ValidationError("Both statuses must belong to this project's workflow.")
    if from_status.pk == to_status.pk:
        raise ValidationError(f"A transition cannot lead from {from_status.name} to itself.")
    if WorkflowTransition.objects.filter(from_status=from_status, to_status=to_status).exists():
        raise ValidationError(
            f"Items may already move from {from_status.name} to {to_status.name}."
        )
    transition = WorkflowTransition.objects.create(
        workflow=workflow,
        from_status=from_status,
        to_status=to_status,
        allowed_roles=_roles(allowed_roles),
    )
    _bump(workflow)
    return transition


@transaction.atomic
def workflow_transition_delete(*, actor: User, transition: WorkflowTransition) -> None:
    """Stop allowing a move between two statuses."""
    current = WorkflowTransition.objects.select_related("workflow").get(pk=transition.pk)
    access_project(actor, current.workflow.project_id, Permission.WORKFLOW_EDIT)
    current.delete()
    _bump(current.workflow)


@transaction.atomic
def workflow_replace(
    *,
    actor: User,
    project: Project,
    version: int | None,
    statuses: Iterable[Mapping[str, Any]],
    transitions: Iterable[Mapping[str, Any]],
) -> Workflow:
    """Replace the whole workflow in one go.

    Statuses are matched by ``key``: existing ones are updated (so items keep their status),
    new ones created, missing ones deleted (refused while items are in them). Transitions are
    replaced wholesale. A stale ``version`` raises ConflictError and changes nothing.
    """
    access_project(actor, project.pk, Permission.WORKFLOW_EDIT)
    workflow = _workflow(project)
    check_version(workflow.version, version, f"The workflow of {project.key}")
    specs = list(statuses)
    if not specs:
        raise ValidationError("A workflow needs at least one status.")
    keys = [str(s.get("key", "")) for s in specs]
    if len(set(keys)) != len(keys):
        raise ValidationError("Each status needs its own key.")
    existing = {s.key: s for s in workflow.statuses.all()}
    gone = [s for k, s in existing.items() if k not in keys]
    for status in gone:
        in_use = WorkItem.objects.filter(status=status).count()
        if in_use:
            raise ValidationError(
                f"{in_use} work item(s) are in {status.name}; keep that status or move them first."
            )
    WorkflowTransition.objects.filter(workflow=workflow).delete()
    for status in gone:
        status.delete()
    # Park names and positions first so renames that swap names do not collide.
    for status in existing.values():
        if status.key in keys:
            status.name = f"__{status.pk}"
            status.save(update_fields=["name"])
    by_key: dict[str, WorkflowStatus] = {}
    for position, spec in enumerate(specs, start=1):
        status = existing.get(spec["key"]) or WorkflowStatus(workflow=workflow, key=spec["key"])
        status.name = spec.get("name") or spec["key"]
        status.category = _category(spec.get("category", StatusCategory.TODO))
        status.position = position
        status.wip_limit = _wip(spec.get("wip_limit"))
        status.full_clean()
        status.save()
        by_key[status.key] = status
    for spec in transitions:
        source, target = by_key.get(spec.get("from", "")), by_key.get(spec.get("to", ""))
        if source is None or target is None:
            raise ValidationError(
                f"A transition names an unknown status: {spec.get('from')} → {spec.get('to')}."
            )
        if source.pk == target.pk:
            raise ValidationError(f"A transition cannot lead from {source.name} to itself.")
        WorkflowTransition.objects.get_or_create(
            workflow=workflow,
            from_status=source,
            to_status=target,
            defaults={"allowed_roles": _roles(spec.get("allowed_roles", []))},
        )
    _bump(workflow)
    return workflow
