"""Create, change, move through the workflow and delete work items, with audit history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.checks import check_fields, check_version
from keel.apps.projects.access import Permission, access_project, project_roles
from keel.apps.projects.models import Project, ProjectMembership, Role
from keel.apps.work.models import (
    ChangeAction,
    ConstraintKind,
    ItemChange,
    ItemType,
    Label,
    StatusCategory,
    WorkflowStatus,
    WorkflowTransition,
    WorkItem,
)
from keel.apps.work.scheduling import schedule_request
from keel.apps.work.services._common import display, record
from keel.apps.work.services.wbs import _order, _place, outline_recompute, sort_key
from keel.domain.errors import ValidationError

__all__ = [
    "create_item",
    "validate_item",
    "work_item_create",
    "work_item_delete",
    "work_item_transition",
    "work_item_update",
]

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "type",
        "priority",
        "assignee",
        "estimate_hours",
        "story_points",
        "duration_days",
        "planned_start",
        "planned_finish",
        "due_date",
        "constraint_type",
        "constraint_date",
        "progress",
        "actual_start",
        "actual_finish",
        "labels",
    }
)
# Fields the scheduler reads: changing one re-schedules the project.
SCHEDULE_FIELDS = frozenset(
    {
        "type",
        "duration_days",
        "estimate_hours",
        "planned_start",
        "due_date",
        "constraint_type",
        "constraint_date",
        "progress",
        "actual_start",
        "actual_finish",
    }
)
_DECIMAL_FIELDS = ("estimate_hours", "story_points", "duration_days")
_ELSEWHERE = {
    "status": "use work_item_transition to change the status",
    "parent": "use work_item_move to change the parent",
    "position": "use work_item_move to change the position",
}


def _status_of(project: Project, status: WorkflowStatus | str | int) -> WorkflowStatus:
    qs = WorkflowStatus.objects.filter(workflow__project=project)
    if isinstance(status, WorkflowStatus):
        found = qs.filter(pk=status.pk).first()
    elif isinstance(status, int) or str(status).isdigit():
        found = qs.filter(pk=int(status)).first()
    else:
        found = qs.filter(key=status).first() or qs.filter(name__iexact=status).first()
    if found is None:
        names = ", ".join(qs.values_list("name", flat=True))
        raise ValidationError(f"{project.key} has no status {status!s}; its statuses: {names}.")
    return found


def _member(project: Project, user: User | int | str | None) -> User | None:
    """The member ``user`` names (a User, an id or a username); outsiders are refused."""
    if user is None or user == "":
        return None
    members = User.objects.filter(project_memberships__project=project)
    if isinstance(user, User):
        found, name = members.filter(pk=user.pk).first(), user.username
    elif isinstance(user, int):
        found, name = members.filter(pk=user).first(), str(user)
    else:
        found, name = members.filter(username=user).first(), str(user)
    if found is None:
        raise ValidationError(f"{name} is not a member of {project.key}; add them first.")
    return found


def _labels(project: Project, names: Any) -> list[Label]:
    if isinstance(names, str):
        names = list(names.split(","))
    cleaned = sorted({str(n).strip() for n in names or [] if str(n).strip()})
    for name in cleaned:
        if len(name) > 50:
            raise ValidationError(f"Label {name[:20]}… is longer than 50 characters.")
    existing = {lab.name: lab for lab in Label.objects.filter(project=project, name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name] = Label.objects.create(project=project, name=name)
    return [existing[n] for n in cleaned]


def _moment(name: str, text: str) -> datetime | None:
    """An ISO 8601 date and time typed as text (an empty text clears the field)."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"{name} must be a date and time such as 2026-03-02T09:00, not {text!r}."
        ) from None


def _finished(item: WorkItem) -> bool:
    """Give an item with an actual finish 100 % progress; true when that changed it."""
    if item.actual_finish is None or item.progress == 100:
        return False
    item.progress = 100
    return True


def _normalise(project: Project, fields: dict[str, Any]) -> dict[str, Any]:
    """Turn API/CLI input into model values, refusing what cannot be used."""
    out = dict(fields)
    if "assignee" in out:
        out["assignee"] = _member(project, out["assignee"])
    for name in _DECIMAL_FIELDS:
        if out.get(name) is not None:
            try:
                out[name] = Decimal(str(out[name]))
            except InvalidOperation:
                raise ValidationError(f"{name} must be a number, not {out[name]!r}.") from None
            if out[name] < 0:
                raise ValidationError(f"{name} cannot be negative.")
    if "constraint_type" in out and out["constraint_type"] is None:
        out["constraint_type"] = ""
    for name in ("constraint_date", "actual_start", "actual_finish"):
        moment = out.get(name)
        if isinstance(moment, str):
            moment = _moment(name, moment)
            out[name] = moment
        if isinstance(moment, datetime) and timezone.is_naive(moment):
            # A wall-clock time without a zone is read in the site's zone, as the schedule is.
            out[name] = timezone.make_aware(moment, timezone.get_default_timezone())
    if "progress" in out:
        try:
            progress = int(out["progress"])
        except (TypeError, ValueError):
            raise ValidationError("progress must be a whole number from 0 to 100.") from None
        if not 0 <= progress <= 100:
            raise ValidationError(f"progress must lie between 0 and 100, not {progress}.")
        out["progress"] = progress
    if "type" in out and out["type"] not in ItemType.values:
        raise ValidationError(
            f"Unknown item type {out['type']!r}; use one of: {', '.join(ItemType.values)}."
        )
    if "title" in out:
        out["title"] = str(out["title"] or "").strip()
        if not out["title"]:
            raise ValidationError("A work item needs a title.")
    return out


_FOREIGN_KEYS = ["project", "status", "assignee", "reporter", "parent"]


def validate_item(item: WorkItem) -> None:
    """Check field values and date order without a query per foreign key."""
    item.clean_fields(exclude=[*_FOREIGN_KEYS, "outline_code", "outline_sort"])
    if item.planned_start and item.planned_finish and item.planned_finish < item.planned_start:
        raise ValidationError(
            f"The planned finish ({item.planned_finish}) comes before the planned start "
            f"({item.planned_start})."
        )
    dateless = {"", ConstraintKind.ASAP, ConstraintKind.ALAP}
    if item.constraint_type not in dateless and item.constraint_date is None:
        raise ValidationError(f"A {item.constraint_type} constraint needs a constraint_date.")
    if item.actual_finish is not None and item.actual_start is None:
        raise ValidationError("An actual finish needs an actual start; set when the work began.")
    if item.actual_start and item.actual_finish and item.actual_finish < item.actual_start:
        raise ValidationError(
            f"The actual finish ({item.actual_finish:%Y-%m-%d %H:%M}) comes before the actual "
            f"start ({item.actual_start:%Y-%m-%d %H:%M})."
        )


def _check_wip(status: WorkflowStatus, what: str) -> None:
    """Refuse one more item in a status that is at its WIP limit."""
    if status.wip_limit is None:
        return
    count = WorkItem.objects.filter(status=status).count()
    if count >= status.wip_limit:
        raise ValidationError(
            f"{status.name} already holds {count} item(s), its WIP limit; "
            f"finish one before moving {what} there."
        )


@transaction.atomic
def work_item_create(
    *,
    actor: User,
    project: Project,
    type: str = ItemType.TASK,
    title: str,
    parent: WorkItem | None = None,
    position: int | None = None,
    status: WorkflowStatus | str | None = None,
    **fields: Any,
) -> WorkItem:
    """Create a work item, numbered ``<KEY>-<n>``, at the end of its parent's children.

    ``status`` picks the starting column (default: the workflow's first status); ``labels`` takes
    label names and creates missing ones; ``position`` (1-based) inserts among the siblings.
    Needs ``item.create``.
    """
    check_fields(fields, EDITABLE_FIELDS - {"title", "type"}, "work item")
    project = access_project(actor, project, Permission.ITEM_CREATE)
    return create_item(
        actor=actor,
        project=project,
        type=type,
        title=title,
        parent=parent,
        position=position,
        status=status,
        **fields,
    )


def create_item(
    *,
    actor: User,
    project: Project,
    type: str,
    title: str,
    parent: WorkItem | None = None,
    position: int | None = None,
    status: WorkflowStatus | str | None = None,
    **fields: Any,
) -> WorkItem:
    """``work_item_create`` without the access check, for templates and imports already checked."""
    values = _normalise(project, {"type": type, "title": title, **fields})
    labels = values.pop("labels", None)
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError(f"The parent {parent.key} belongs to another project.")
    start = (
        _status_of(project, status)
        if status is not None
        else WorkflowStatus.objects.filter(workflow__project=project).order_by("position").first()
    )
    if start is None:
        raise ValidationError(f"{project.key} has no workflow statuses; set up its workflow first.")
    _check_wip(start, f"the new item “{values['title']}”")
    if values["type"] == ItemType.MILESTONE and values.get("duration_days") is None:
        values["duration_days"] = Decimal(0)
    if start.category == StatusCategory.DONE and "progress" not in fields:
        values["progress"] = 100
    if values.get("actual_finish") is not None:
        values["progress"] = 100
    if position is not None and int(position) < 1:
        raise ValidationError("Positions start at 1.")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    item = WorkItem(
        project=locked,
        number=locked.next_item_number,
        status=start,
        reporter=actor,
        parent=parent,
        **values,
    )
    validate_item(item)
    if position is None:
        last = WorkItem.objects.filter(project=locked, parent=parent).aggregate(m=Max("position"))
        item.position = (last["m"] or 0) + 1
        code = f"{parent.outline_code}.{item.position}" if parent else str(item.position)
        item.outline_code, item.outline_sort = code, sort_key(code)
    else:
        placed = _place(item, parent, position)
    Project.objects.filter(pk=locked.pk).update(next_item_number=F("next_item_number") + 1)
    item.save()
    if labels:
        item.labels.set(_labels(locked, labels))
    if position is not None:
        outline_recompute(locked, order=_order(item, placed))
        item.refresh_from_db(fields=["position", "outline_code", "outline_sort"])
    record(
        item,
        project=locked,
        item_key=item.key,
        actor=actor,
        action=ChangeAction.CREATED,
        field="title",
        new=item.title,
    )
    schedule_request(locked)
    return item


@transaction.atomic
def work_item_update(
    *, actor: User, item: WorkItem, version: int | None, **fields: Any
) -> WorkItem:
    """Change fields of a work item; every changed field gets one history row.

    Raises
    ------
    ValidationError
        For unknown fields (``status``, ``parent`` and ``position`` have their own services).
    ConflictError
        When ``version`` is stale; nothing changes.
    """
    for name, hint in _ELSEWHERE.items():
        if name in fields:
            raise ValidationError(f"{name} cannot be changed here: {hint}.")
    check_fields(fields, EDITABLE_FIELDS, "work item")
    project = access_project(actor, item.project_id, Permission.ITEM_EDIT)
    current = WorkItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    check_version(current.version, version, current.key)
    values = _normalise(project, fields)
    changes: list[tuple[str, Any, Any]] = []
    if "labels" in values:
        new_labels = _labels(project, values.pop("labels"))
        old_names = sorted(current.labels.values_list("name", flat=True))
        new_names = [lab.name for lab in new_labels]
        if old_names != new_names:
            current.labels.set(new_labels)
            changes.append(("labels", old_names, new_names))
    for name, value in values.items():
        old = getattr(current, name)
        if old != value:
            changes.append((name, old, value))
            setattr(current, name, value)
    progress_before = current.progress
    if _finished(current):
        # An actual finish means the work is done: progress becomes 100 (one history row).
        stored = next((o for n, o, _v in changes if n == "progress"), progress_before)
        changes = [c for c in changes if c[0] != "progress"]
        if stored != 100:
            changes.append(("progress", stored, 100))
    if not changes:
        return current
    current.version += 1
    validate_item(current)
    current.save()
    ItemChange.objects.bulk_create(
        ItemChange(
            item=current,
            project=project,
            item_key=current.key,
            actor=actor,
            action=ChangeAction.UPDATED,
            field=name,
            old=display(old),
            new=display(new),
        )
        for name, old, new in changes
    )
    if any(name in SCHEDULE_FIELDS for name, _old, _new in changes):
        schedule_request(project)
    return current


@transaction.atomic
def work_item_transition(
    *,
    actor: User,
    item: WorkItem,
    to_status: WorkflowStatus | str | int,
    version: int | None = None,
) -> WorkItem:
    """Move a work item to another status along one of its workflow's transitions.

    Checks that the transition exists, that the actor's role may make it and that the target's
    WIP limit has room. Reaching a *done* status sets progress to 100.
    """
    project = access_project(actor, item.project_id, Permission.ITEM_TRANSITION)
    current = (
        WorkItem.objects.select_for_update().select_related("project", "status").get(pk=item.pk)
    )
    check_version(current.version, version, current.key)
    target = _status_of(project, to_status)
    source = current.status
    if target.pk == source.pk:
        raise ValidationError(f"{current.key} is already in {source.name}.")
    transition = WorkflowTransition.objects.filter(from_status=source, to_status=target).first()
    if transition is None:
        allowed = list(
            WorkflowTransition.objects.filter(from_status=source)
            .order_by("to_status__position")
            .values_list("to_status__name", flat=True)
        )
        raise ValidationError(
            f"Moving {current.key} from {source.name} to {target.name} is not allowed; "
            f"allowed next: {', '.join(allowed) or 'nothing'}.",
            details={"allowed": allowed},
        )
    if transition.allowed_roles:
        roles = project_roles(actor, project)
        if not roles & set(transition.allowed_roles):
            names = ", ".join(str(Role(r).label) for r in transition.allowed_roles)
            raise PermissionDenied(
                f"Only these roles may move {current.key} from {source.name} to "
                f"{target.name}: {names}."
            )
    _check_wip(target, current.key)
    current.status = target
    fields = ["status", "version", "updated_at"]
    rows = [("status", source.name, target.name, ChangeAction.TRANSITIONED)]
    if target.category == StatusCategory.DONE and current.progress != 100:
        rows.append(("progress", str(current.progress), "100", ChangeAction.UPDATED))
        current.progress = 100
        fields.append("progress")
    current.version += 1
    current.save(update_fields=fields)
    ItemChange.objects.bulk_create(
        ItemChange(
            item=current,
            project=project,
            item_key=current.key,
            actor=actor,
            action=action,
            field=field,
            old=old,
            new=new,
        )
        for field, old, new, action in rows
    )
    return current


@transaction.atomic
def work_item_delete(
    *, actor: User, item: WorkItem, cascade: bool = False, version: int | None = None
) -> int:
    """Delete a work item; returns how many items went.

    An item with children is refused unless ``cascade`` is true, which deletes the whole
    subtree. Each deleted item leaves a *deleted* row in the project history.
    """
    project = access_project(actor, item.project_id, Permission.ITEM_DELETE)
    current = WorkItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    check_version(current.version, version, current.key)
    rows = list(WorkItem.objects.filter(project=project).values_list("id", "parent_id", "number"))
    children: dict[int | None, list[int]] = {}
    numbers = {}
    for pk, parent_id, number in rows:
        children.setdefault(parent_id, []).append(pk)
        numbers[pk] = number
    subtree = [current.pk]
    for pk in subtree:
        subtree.extend(children.get(pk, []))
    if len(subtree) > 1 and not cascade:
        raise ValidationError(
            f"{current.key} has {len(subtree) - 1} item(s) below it; move or delete them first, "
            "or delete with cascade."
        )
    ItemChange.objects.bulk_create(
        ItemChange(
            item=None,
            project=project,
            item_key=f"{project.key}-{numbers[pk]}",
            actor=actor,
            action=ChangeAction.DELETED,
            field="title" if pk == current.pk else "parent",
            old=current.title if pk == current.pk else "",
        )
        for pk in subtree
    )
    WorkItem.objects.filter(pk__in=subtree).delete()
    outline_recompute(project)
    schedule_request(project)
    return len(subtree)


def member_ids(project: Project) -> set[int]:
    """Ids of the project's members (for mention and assignee checks)."""
    return set(ProjectMembership.objects.filter(project=project).values_list("user_id", flat=True))
