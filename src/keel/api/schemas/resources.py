"""Schemas for the resource pool, assignments, requests, utilisation and levelling."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from keel.api.schemas.common import InSchema, OutSchema
from keel.apps.resources.models import LeaveKind, RequestStatus, ResourceKind

KindName = Literal[tuple(ResourceKind.values)]  # type: ignore[valid-type]
LeaveKindName = Literal[tuple(LeaveKind.values)]  # type: ignore[valid-type]
RequestStatusName = Literal[tuple(RequestStatus.values)]  # type: ignore[valid-type]

__all__ = [
    "AssignmentIn",
    "AssignmentOut",
    "AssignmentPatch",
    "CostRateIn",
    "CostRateOut",
    "LeaveIn",
    "LeaveOut",
    "LevellingIn",
    "LevellingOut",
    "ReplaceIn",
    "RequestDecisionIn",
    "RequestEventOut",
    "RequestIn",
    "RequestOut",
    "ResourceFilter",
    "ResourceIn",
    "ResourceOut",
    "ResourcePatch",
    "ResourceSkillIn",
    "SkillIn",
    "SkillOut",
    "UtilisationFilter",
    "UtilisationOut",
]


class ResourceFilter(Schema):
    kind: KindName | None = None
    team: str | None = Field(None, description="Team slug.")
    skill: str | None = Field(None, description="Skill name (placeholders by skill included).")
    q: str | None = Field(None, description="Text in the name or vendor.")


class ResourceIn(InSchema):
    name: str = Field(min_length=1, max_length=150)
    kind: KindName = "person"
    user: str | None = Field(None, description="Username of the person (people only).")
    team: str | None = Field(None, description="Home team's slug.")
    owner: str | None = Field(None, description="Username of the owner who approves requests.")
    external: bool = False
    vendor: str = ""
    capacity: Decimal = Field(Decimal(8), description="Hours per day (material: units per day).")
    max_units: Decimal = Field(Decimal(1), description="1 = 100 % of capacity.")
    calendar_country: str = Field("", description="Public holidays of this country, e.g. CN.")
    workdays: str = Field("12345", description="Working weekdays, 1 = Monday ... 7 = Sunday.")
    is_placeholder: bool = False
    skill: str | None = Field(None, description="A placeholder's skill.")
    active: bool = True


class ResourcePatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    kind: KindName | None = None
    user: str | None = None
    team: str | None = None
    owner: str | None = None
    external: bool | None = None
    vendor: str | None = None
    capacity: Decimal | None = None
    max_units: Decimal | None = None
    calendar_country: str | None = None
    workdays: str | None = None
    is_placeholder: bool | None = None
    skill: str | None = None
    active: bool | None = None


class ResourceOut(OutSchema):
    id: int
    name: str
    kind: KindName
    user: str | None = Field(None, alias="user.username")
    team: str | None = Field(None, alias="team.slug")
    owner: str | None = Field(None, alias="owner.username")
    external: bool
    vendor: str
    capacity: Decimal
    max_units: Decimal
    calendar_country: str
    workdays: str
    is_placeholder: bool
    skill: str | None = Field(None, alias="skill.name")
    active: bool


class ReplaceIn(InSchema):
    resource: int = Field(description="Id of the named resource that takes over.")


class LeaveIn(InSchema):
    start: date
    finish: date
    kind: LeaveKindName = "leave"
    note: str = ""


class LeaveOut(OutSchema):
    id: int
    start: date
    finish: date
    kind: LeaveKindName
    note: str


class CostRateIn(InSchema):
    effective_from: date
    effective_to: date | None = None
    standard: Decimal = Decimal(0)
    overtime: Decimal = Decimal(0)
    per_use: Decimal = Decimal(0)
    per_unit: Decimal = Decimal(0)


class CostRateOut(OutSchema):
    id: int
    effective_from: date
    effective_to: date | None
    standard: Decimal
    overtime: Decimal
    per_use: Decimal
    per_unit: Decimal


class SkillIn(InSchema):
    name: str = Field(min_length=1, max_length=80)
    description: str = ""


class SkillOut(OutSchema):
    id: int
    name: str
    description: str


class ResourceSkillIn(InSchema):
    level: int = Field(ge=1, le=5)


class AssignmentIn(InSchema):
    resource: int
    units: Decimal | None = Field(None, description="1 = 100 %.")
    work_hours: Decimal | None = Field(None, description="Hours of work (not for material).")
    quantity: Decimal | None = Field(None, description="Amount of material.")


class AssignmentPatch(InSchema):
    units: Decimal | None = None
    work_hours: Decimal | None = None
    quantity: Decimal | None = None


class AssignmentOut(OutSchema):
    id: int
    item: str = Field(alias="item.key")
    resource: int = Field(alias="resource_id")
    resource_name: str = Field(alias="resource.name")
    kind: KindName = Field(alias="resource.kind")
    units: Decimal
    work: Decimal = Field(description="Hours (material: quantity).")


class RequestIn(InSchema):
    resource: int | None = None
    skill: str | None = None
    start: date
    finish: date
    hours: Decimal | None = None
    units: Decimal = Decimal(1)
    note: str = ""


class RequestDecisionIn(InSchema):
    note: str = ""
    resource: int | None = Field(None, description="For a skill request: who is given.")


class RequestEventOut(OutSchema):
    status: RequestStatusName
    actor: str | None = Field(None, alias="actor.username")
    note: str
    at: datetime


class RequestOut(OutSchema):
    id: int
    project: str = Field(alias="project.key")
    requested_by: str | None = Field(None, alias="requested_by.username")
    resource: int | None = Field(None, alias="resource_id")
    skill: str | None = Field(None, alias="skill.name")
    start: date
    finish: date
    hours: Decimal | None
    units: Decimal
    note: str
    status: RequestStatusName
    events: list[RequestEventOut]

    @staticmethod
    def resolve_events(obj: object) -> list[object]:
        return list(obj.events.all())  # type: ignore[attr-defined]


class UtilisationFilter(Schema):
    start: date | None = Field(None, alias="from", description="First day (default: today).")
    end: date | None = Field(None, alias="to", description="Last day (default: 12 weeks on).")
    period: Literal["day", "week"] = "week"
    team: str | None = Field(None, description="Only this team's resources (slug).")
    format: Literal["json", "csv"] = "json"


class CellOut(Schema):
    start: date
    end: date
    capacity: float
    load: float
    percent: int
    over: bool
    items: list[str]


class UtilisationRowOut(Schema):
    resource: int
    name: str
    kind: KindName
    team: str | None
    over: bool
    cells: list[CellOut]


class UtilisationOut(Schema):
    start: date
    end: date
    period: str
    rows: list[UtilisationRowOut]


class LevellingIn(InSchema):
    level_within_float_only: bool = Field(
        False, description="Only delay tasks within their total float."
    )


class MoveOut(Schema):
    item: str
    title: str
    delay_minutes: int
    old_start: datetime | None
    new_start: datetime | None


class LevellingOut(Schema):
    finish_before: datetime | None
    finish_after: datetime | None
    moves: list[MoveOut]
    unresolved: list[str]
    applied: bool
