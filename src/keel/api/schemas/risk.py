"""Schemas for the risk register, the RAID log, change requests, estimates and simulations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from keel.api.schemas.common import InSchema, OutSchema, PatchSchema
from keel.apps.risk.models import (
    AssumptionStatus,
    Category,
    ChangeStatus,
    DecisionStatus,
    Distribution,
    Escalation,
    IssueStatus,
    Kind,
    Priority,
    Rating,
    RiskStatus,
    RunStatus,
    Strategy,
)

CategoryName = Literal[tuple(Category.values)]  # type: ignore[valid-type]
KindName = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
RiskStatusName = Literal[tuple(RiskStatus.values)]  # type: ignore[valid-type]
StrategyName = Literal[tuple(Strategy.values)]  # type: ignore[valid-type]
RatingName = Literal[tuple(Rating.values)]  # type: ignore[valid-type]
PriorityName = Literal[tuple(Priority.values)]  # type: ignore[valid-type]
EscalationName = Literal[tuple(Escalation.values)]  # type: ignore[valid-type]
IssueStatusName = Literal[tuple(IssueStatus.values)]  # type: ignore[valid-type]
AssumptionStatusName = Literal[tuple(AssumptionStatus.values)]  # type: ignore[valid-type]
DecisionStatusName = Literal[tuple(DecisionStatus.values)]  # type: ignore[valid-type]
ChangeStatusName = Literal[tuple(ChangeStatus.values)]  # type: ignore[valid-type]
DistributionName = Literal[tuple(Distribution.values)]  # type: ignore[valid-type]
RunStatusName = Literal[tuple(RunStatus.values)]  # type: ignore[valid-type]

__all__ = [
    "AssumptionIn",
    "AssumptionOut",
    "AssumptionPatch",
    "BurnDownOut",
    "ChangeAssessIn",
    "ChangeBoardIn",
    "ChangeBoardOut",
    "ChangeDecisionIn",
    "ChangeRequestIn",
    "ChangeRequestOut",
    "ChangeRequestPatch",
    "DecisionIn",
    "DecisionOut",
    "DecisionPatch",
    "EstimateIn",
    "EstimateOut",
    "HeatMapOut",
    "IssueIn",
    "IssueOut",
    "IssuePatch",
    "MatrixIn",
    "MatrixOut",
    "OccurredIn",
    "OverdueReviewOut",
    "ResponseActionIn",
    "ReviewIn",
    "ReviewOut",
    "RiskFilter",
    "RiskIn",
    "RiskOut",
    "RiskPatch",
    "ScaleIn",
    "ScaleOut",
    "SimulationIn",
    "SimulationRunOut",
]


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


def _keys(manager: Any) -> list[str]:
    return [item.key for item in manager.all()]


Level = Field(description="A level of the project's scale (1 = lowest).", ge=1)


class _RiskFields(InSchema):
    description: str | None = None
    cause: str | None = None
    event: str | None = None
    effect: str | None = None
    category: CategoryName | None = None
    kind: KindName | None = None
    owner: str | None = Field(None, description="Username of a project member.")
    residual_probability: int | None = Field(None, ge=1)
    residual_impact: int | None = Field(None, ge=1)
    proximity: date | None = Field(None, description="When the risk may hit.")
    trigger: str | None = None
    status: RiskStatusName | None = None
    strategy: StrategyName | Literal[""] | None = Field(
        None,
        description="Threats: avoid, mitigate, transfer, accept, escalate; "
        "opportunities: exploit, enhance, share, accept.",
    )
    contingency_plan: str | None = None
    fallback_plan: str | None = None
    cost_min: Decimal | None = None
    cost_likely: Decimal | None = None
    cost_max: Decimal | None = None
    days_min: Decimal | None = None
    days_likely: Decimal | None = None
    days_max: Decimal | None = None
    threatened_items: list[str] | None = Field(None, description="Keys of threatened items.")
    next_review: date | None = None


class RiskIn(_RiskFields):
    title: str = Field(min_length=1, max_length=255)
    probability: int = Level
    impact: int = Level


class RiskPatch(_RiskFields, PatchSchema):
    title: str | None = Field(None, min_length=1, max_length=255)
    probability: int | None = Field(None, ge=1)
    impact: int | None = Field(None, ge=1)


class RiskFilter(Schema):
    status: str | None = Field(None, description="A status, or 'open' for the open ones.")
    category: CategoryName | None = None
    kind: KindName | None = None
    rating: RatingName | None = None
    q: str | None = Field(None, description="Text in the title.")
    probability: int | None = Field(None, description="With impact: the risks in one cell.")
    impact: int | None = None
    residual: bool = Field(False, description="Cell after response instead of before.")
    sort: Literal["key", "score", "title", "proximity", "next_review", "status"] = "key"


class RiskOut(OutSchema):
    key: str
    title: str
    description: str
    cause: str
    event: str
    effect: str
    category: str
    kind: str
    owner: str | None
    probability: int
    impact: int
    score: int
    rating: str
    residual_probability: int | None
    residual_impact: int | None
    residual_score: int | None
    proximity: date | None
    trigger: str
    status: str
    strategy: str
    contingency_plan: str
    fallback_plan: str
    cost_min: Decimal | None
    cost_likely: Decimal | None
    cost_max: Decimal | None
    days_min: Decimal | None
    days_likely: Decimal | None
    days_max: Decimal | None
    threatened_items: list[str]
    response_actions: list[str]
    next_review: date | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_threatened_items(obj: Any) -> list[str]:
        return _keys(obj.threatened_items)

    @staticmethod
    def resolve_response_actions(obj: Any) -> list[str]:
        return _keys(obj.response_actions)


class ReviewIn(InSchema):
    notes: str = ""
    reviewed_on: date | None = Field(None, description="Default: today.")
    next_review: date | None = None


class ReviewOut(OutSchema):
    id: int
    reviewer: str | None
    reviewed_on: date
    notes: str

    @staticmethod
    def resolve_reviewer(obj: Any) -> str | None:
        return _username(obj.reviewer)


class OverdueReviewOut(OutSchema):
    project: str
    key: str
    title: str
    next_review: date | None
    rating: str

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.key)


class RollupFilter(Schema):
    portfolio: int | None = Field(None, description="Only the projects of this portfolio (id).")
    program: int | None = Field(None, description="Only the projects of this program (id).")


class RollupRiskOut(OutSchema):
    project: str
    key: str
    title: str
    category: str
    owner: str | None
    probability: int
    impact: int
    score: int
    rating: str
    status: str
    proximity: date | None
    next_review: date | None

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.key)

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _username(obj.owner)


class ResponseActionIn(InSchema):
    item: str | None = Field(None, description="Link this existing item instead of creating one.")
    title: str | None = Field(None, description="Title of a new work item to create.")
    assignee: str | None = None
    due_date: date | None = None
    duration_days: Decimal | None = Field(None, ge=0)


class OccurredIn(InSchema):
    title: str | None = Field(None, description="Issue title; default: the risk's title.")
    priority: PriorityName | None = None
    escalation: EscalationName | None = None
    due_date: date | None = None


class ScaleLevel(Schema):
    label: str
    meaning: str = ""
    value: Decimal | None = Field(None, description="Probability levels only: the chance 0–1.")


class ScaleIn(InSchema):
    probability_levels: list[ScaleLevel]
    impact_levels: list[ScaleLevel]
    matrix: dict[str, RatingName] | None = Field(
        None, description="Needed when the number of levels changes: 'p,i' → rating."
    )
    version: int | None = None


class ScaleOut(OutSchema):
    probability_levels: list[dict[str, Any]]
    impact_levels: list[dict[str, Any]]
    version: int


class MatrixIn(InSchema):
    cells: dict[str, RatingName] = Field(description="Every 'probability,impact' → rating.")
    version: int | None = None


class MatrixOut(OutSchema):
    cells: dict[str, str]
    version: int


class HeatCellOut(Schema):
    probability: int
    rating: str
    before: int
    after: int


class HeatRowOut(Schema):
    impact: int
    label: str
    cells: list[HeatCellOut]


class HeatMapOut(OutSchema):
    rows: list[HeatRowOut]
    open_count: int
    projects: list[str] | None = None


class BurnDownPoint(Schema):
    day: date
    exposure: int


class BurnDownOut(OutSchema):
    points: list[BurnDownPoint]


# --- RAID ------------------------------------------------------------------------------------


class _RaidOut(OutSchema):
    key: str
    title: str
    description: str
    owner: str | None
    items: list[str]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_items(obj: Any) -> list[str]:
        return _keys(obj.items)


class _IssueFields(InSchema):
    description: str | None = None
    owner: str | None = None
    priority: PriorityName | None = None
    due_date: date | None = None
    escalation: EscalationName | None = None
    status: IssueStatusName | None = None
    risk: str | None = Field(None, description="Key of the risk it came from (R-3).")
    items: list[str] | None = None


class IssueIn(_IssueFields):
    title: str = Field(min_length=1, max_length=255)


class IssuePatch(_IssueFields, PatchSchema):
    title: str | None = Field(None, min_length=1, max_length=255)


class IssueOut(_RaidOut):
    priority: str
    due_date: date | None
    escalation: str
    status: str
    risk: str | None

    @staticmethod
    def resolve_risk(obj: Any) -> str | None:
        return obj.risk.key if obj.risk_id else None


class _AssumptionFields(InSchema):
    description: str | None = None
    owner: str | None = None
    status: AssumptionStatusName | None = None
    validate_by: date | None = None
    items: list[str] | None = None


class AssumptionIn(_AssumptionFields):
    title: str = Field(min_length=1, max_length=255)


class AssumptionPatch(_AssumptionFields, PatchSchema):
    title: str | None = Field(None, min_length=1, max_length=255)


class AssumptionOut(_RaidOut):
    status: str
    validate_by: date | None


class _DecisionFields(InSchema):
    description: str | None = None
    owner: str | None = None
    decided_on: date | None = None
    rationale: str | None = None
    status: DecisionStatusName | None = None
    items: list[str] | None = None


class DecisionIn(_DecisionFields):
    title: str = Field(min_length=1, max_length=255)


class DecisionPatch(_DecisionFields, PatchSchema):
    title: str | None = Field(None, min_length=1, max_length=255)


class DecisionOut(_RaidOut):
    decided_on: date | None
    rationale: str
    status: str


# --- change requests -------------------------------------------------------------------------


class _ChangeFields(InSchema):
    description: str | None = Field(None, description="What changes.")
    reason: str | None = Field(None, description="Why; kept with the baseline on approval.")
    scope_impact: str | None = None
    schedule_days: Decimal | None = None
    cost: Decimal | None = None
    priority: PriorityName | None = None
    alters_plan: bool | None = Field(
        None, description="Approving it records a new baseline with the reason."
    )
    items: list[str] | None = None


class ChangeRequestIn(_ChangeFields):
    title: str = Field(min_length=1, max_length=255)


class ChangeRequestPatch(_ChangeFields, PatchSchema):
    title: str | None = Field(None, min_length=1, max_length=255)


class ChangeRequestOut(OutSchema):
    key: str
    title: str
    description: str
    reason: str
    requested_by: str | None
    scope_impact: str
    schedule_days: Decimal
    cost: Decimal
    priority: str
    alters_plan: bool
    status: ChangeStatusName
    assessment: str
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    baseline_number: int | None
    items: list[str]
    version: int
    created_at: datetime

    @staticmethod
    def resolve_requested_by(obj: Any) -> str | None:
        return _username(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return _username(obj.decided_by)

    @staticmethod
    def resolve_items(obj: Any) -> list[str]:
        return _keys(obj.items)


class ChangeAssessIn(InSchema):
    assessment: str = ""
    schedule_days: Decimal | None = None
    cost: Decimal | None = None
    scope_impact: str | None = None


class ChangeDecisionIn(InSchema):
    comment: str = Field(min_length=1, description="Why it was approved or rejected.")


class ChangeBoardIn(InSchema):
    approver_roles: list[str] = Field(description="Project roles that decide change requests.")


class ChangeBoardOut(OutSchema):
    approver_roles: list[str]


# --- estimates and simulation ----------------------------------------------------------------


class EstimateIn(InSchema):
    distribution: DistributionName = "triangular"
    duration_min: Decimal = Field(ge=0, description="Working days.")
    duration_likely: Decimal = Field(ge=0)
    duration_max: Decimal = Field(ge=0)
    cost_min: Decimal | None = Field(None, ge=0)
    cost_likely: Decimal | None = Field(None, ge=0)
    cost_max: Decimal | None = Field(None, ge=0)


class EstimateOut(OutSchema):
    item: str
    title: str
    distribution: str
    duration_min: Decimal
    duration_likely: Decimal
    duration_max: Decimal
    cost_min: Decimal | None
    cost_likely: Decimal | None
    cost_max: Decimal | None

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.key)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.item.title)


class SimulationIn(InSchema):
    iterations: int = Field(10000, description="1 to the documented cap (100,000).")
    seed: int | None = Field(None, description="Same seed, same inputs: same result.")


class SimulationRunOut(OutSchema):
    id: int
    status: RunStatusName
    progress: int
    iterations: int
    seed: int
    requested_by: str | None
    created_at: datetime
    finished_at: datetime | None
    error: str
    result: dict[str, Any] | None

    @staticmethod
    def resolve_requested_by(obj: Any) -> str | None:
        return _username(obj.requested_by)
