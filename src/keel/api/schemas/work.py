"""Schemas for work items, their workflow, dependencies, comments and history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from keel.api.schemas.common import InSchema, OutSchema, PatchSchema
from keel.api.schemas.projects import RoleName
from keel.apps.work.models import (
    ChangeAction,
    ConstraintKind,
    DependencyType,
    ItemType,
    Priority,
    StatusCategory,
)

# Choices as literal types, so the OpenAPI document lists the allowed values.
ItemTypeName = Literal[tuple(ItemType.values)]  # type: ignore[valid-type]
PriorityName = Literal[tuple(Priority.values)]  # type: ignore[valid-type]
DependencyTypeName = Literal[tuple(DependencyType.values)]  # type: ignore[valid-type]
CategoryName = Literal[tuple(StatusCategory.values)]  # type: ignore[valid-type]
ChangeActionName = Literal[tuple(ChangeAction.values)]  # type: ignore[valid-type]
ConstraintName = Literal[tuple(ConstraintKind.values)]  # type: ignore[valid-type]

__all__ = [
    "ChangeOut",
    "CommentIn",
    "CommentOut",
    "CommentPatch",
    "DependencyFilter",
    "DependencyIn",
    "DependencyOut",
    "DependencyPatch",
    "ItemDeleteParams",
    "LabelOut",
    "MoveIn",
    "TransitionIn",
    "WorkItemFilter",
    "WorkItemIn",
    "WorkItemOut",
    "WorkItemPatch",
    "WorkflowIn",
    "WorkflowOut",
    "WorkflowStatusIn",
    "WorkflowStatusOut",
    "WorkflowStatusPatch",
    "WorkflowTransitionIn",
    "WorkflowTransitionOut",
]


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


class _ItemFields(InSchema):
    description: str | None = None
    priority: PriorityName | None = None
    assignee: str | None = Field(None, description="Username of a project member.")
    estimate_hours: Decimal | None = Field(None, ge=0)
    story_points: Decimal | None = Field(None, ge=0)
    duration_days: Decimal | None = Field(None, ge=0)
    planned_start: date | None = None
    planned_finish: date | None = None
    due_date: date | None = None
    constraint_type: ConstraintName | None = Field(
        None, description="ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO or MFO; replaces planned_start."
    )
    constraint_date: datetime | None = Field(None, description="Needed by all but ASAP/ALAP.")
    progress: int | None = Field(None, ge=0, le=100)
    actual_start: datetime | None = Field(None, description="When work on the item began.")
    actual_finish: datetime | None = Field(
        None, description="When the item was finished; needs actual_start; sets progress to 100."
    )
    labels: list[str] | None = Field(None, description="Label names of the project.")


class WorkItemIn(_ItemFields):
    type: ItemTypeName = "task"
    title: str = Field(min_length=1, max_length=255)
    parent: str | None = Field(None, description="Key of the parent item, e.g. ERP-3.")
    position: int | None = Field(None, ge=1, description="Place among its siblings; null: last.")
    status: str | None = Field(None, description="Key of the starting status; default: first.")


class WorkItemPatch(_ItemFields, PatchSchema):
    type: ItemTypeName | None = None
    title: str | None = Field(None, min_length=1, max_length=255)


class WorkItemOut(OutSchema):
    key: str
    number: int
    project: str
    type: ItemTypeName
    title: str
    description: str
    status: str
    status_name: str
    status_category: CategoryName
    priority: PriorityName
    assignee: str | None
    reporter: str | None
    estimate_hours: Decimal | None
    story_points: Decimal | None
    duration_days: Decimal | None
    planned_start: date | None
    planned_finish: date | None
    due_date: date | None
    constraint_type: ConstraintName | Literal[""]
    constraint_date: datetime | None
    progress: int
    actual_start: datetime | None
    actual_finish: datetime | None
    labels: list[str]
    parent: str | None
    position: int
    outline_code: str
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    total_float_minutes: int | None
    free_float_minutes: int | None
    is_critical: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.key)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.status.key)

    @staticmethod
    def resolve_status_name(obj: Any) -> str:
        return str(obj.status.name)

    @staticmethod
    def resolve_status_category(obj: Any) -> str:
        return str(obj.status.category)

    @staticmethod
    def resolve_assignee(obj: Any) -> str | None:
        return _username(obj.assignee)

    @staticmethod
    def resolve_reporter(obj: Any) -> str | None:
        return _username(obj.reporter)

    @staticmethod
    def resolve_labels(obj: Any) -> list[str]:
        return [label.name for label in obj.labels.all()]

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.key if obj.parent_id else None


class LabelOut(OutSchema):
    name: str
    color: str


class WorkItemFilter(Schema):
    """Filters for the item list; all given filters must match."""

    status: str | None = Field(None, description="Status key, e.g. in_progress.")
    assignee: str | None = Field(
        None, description="Username; 'me' for yourself; 'none' for unassigned."
    )
    type: ItemTypeName | None = None
    label: str | None = Field(None, description="Label name.")
    text: str | None = Field(None, description="Words to find in the title or description.")


class TransitionIn(InSchema):
    to_status: str = Field(description="Key of the status to move to.")
    version: int | None = None


class ItemDeleteParams(Schema):
    cascade: bool = Field(False, description="Also delete the item's children.")


class MoveIn(InSchema):
    parent: str | None = Field(description="Key of the new parent, or null for the top level.")
    position: int | None = Field(
        None, ge=1, description="Place among the new siblings, from 1; null: last."
    )
    version: int | None = None


class DependencyIn(InSchema):
    predecessor: str = Field(description="Key of the item that comes first, e.g. ERP-3.")
    successor: str = Field(description="Key of the item that depends on it.")
    type: DependencyTypeName = "FS"
    lag_days: Decimal = Field(Decimal(0), description="Working days of lag (negative: lead).")


class DependencyFilter(Schema):
    item: str | None = Field(None, description="Only links to or from this item (its key).")


class DependencyPatch(PatchSchema):
    type: DependencyTypeName | None = None
    lag_days: Decimal | None = None


class DependencyOut(OutSchema):
    id: int
    predecessor: str
    successor: str
    type: DependencyTypeName
    lag_days: Decimal
    version: int

    @staticmethod
    def resolve_predecessor(obj: Any) -> str:
        return str(obj.predecessor.key)

    @staticmethod
    def resolve_successor(obj: Any) -> str:
        return str(obj.successor.key)


class CommentIn(InSchema):
    body: str = Field(min_length=1, description="Markdown; @username mentions a member.")


class CommentPatch(InSchema):
    body: str = Field(min_length=1)


class CommentOut(OutSchema):
    id: int
    item: str
    author: str | None
    body: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.key)

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return _username(obj.author)


class ChangeOut(OutSchema):
    """One line of audit history: who, when, which field, old → new."""

    id: int
    item: str
    actor: str | None
    at: datetime
    action: ChangeActionName
    field: str
    old: str
    new: str

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item_key)

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return _username(obj.actor)


class WorkflowStatusIn(InSchema):
    key: str = Field(min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=80)
    category: CategoryName = "todo"
    position: int | None = Field(None, ge=0)
    wip_limit: int | None = Field(None, ge=1)


class WorkflowStatusPatch(PatchSchema):
    name: str | None = Field(None, min_length=1, max_length=80)
    category: CategoryName | None = None
    position: int | None = Field(None, ge=0)
    wip_limit: int | None = Field(None, ge=1)


class WorkflowStatusOut(OutSchema):
    id: int
    key: str
    name: str
    category: CategoryName
    position: int
    wip_limit: int | None


class WorkflowTransitionIn(InSchema):
    from_status: str = Field(description="Key of the status the move starts from.")
    to_status: str = Field(description="Key of the status the move ends in.")
    allowed_roles: list[RoleName] = Field(
        default_factory=list, description="Roles that may make the move; empty: any."
    )
    version: int | None = None


class WorkflowTransitionOut(OutSchema):
    id: int
    from_status: str
    to_status: str
    allowed_roles: list[str]

    @staticmethod
    def resolve_from_status(obj: Any) -> str:
        return str(obj.from_status.key)

    @staticmethod
    def resolve_to_status(obj: Any) -> str:
        return str(obj.to_status.key)


class WorkflowOut(OutSchema):
    version: int
    statuses: list[WorkflowStatusOut]
    transitions: list[WorkflowTransitionOut]


class _WorkflowStatusSpec(InSchema):
    key: str = Field(min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=80)
    category: CategoryName = "todo"
    wip_limit: int | None = Field(None, ge=1)


class _WorkflowTransitionSpec(InSchema):
    from_status: str
    to_status: str
    allowed_roles: list[RoleName] = Field(default_factory=list)


class WorkflowIn(InSchema):
    """A whole workflow, replacing the current one; items in removed statuses must be moved."""

    statuses: list[_WorkflowStatusSpec] = Field(min_length=1)
    transitions: list[_WorkflowTransitionSpec] = Field(default_factory=list)
    version: int | None = None
