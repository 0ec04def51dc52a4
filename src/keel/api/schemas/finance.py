"""Schemas for timesheets, budgets, expenses, rates and earned value."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from keel.api.schemas.common import InSchema, OutSchema
from keel.apps.finance.models import CostCategory, ExpenseStatus, TimesheetStatus

CategoryName = Literal[tuple(CostCategory.values)]  # type: ignore[valid-type]
TimesheetStatusName = Literal[tuple(TimesheetStatus.values)]  # type: ignore[valid-type]
ExpenseStatusName = Literal[tuple(ExpenseStatus.values)]  # type: ignore[valid-type]

__all__ = [
    "BudgetChangeIn",
    "BudgetChangeOut",
    "BudgetIn",
    "BudgetOut",
    "EvmFiguresOut",
    "EvmNodeOut",
    "EvmOut",
    "EvmParams",
    "ExchangeRateIn",
    "ExchangeRateOut",
    "ExpenseDecisionIn",
    "ExpenseIn",
    "ExpenseOut",
    "MaterialUseIn",
    "MaterialUseOut",
    "MemberRateIn",
    "MemberRateOut",
    "MissingOut",
    "PortfolioEvmOut",
    "PortfolioEvmParams",
    "PortfolioEvmProgramOut",
    "ProjectEvmParams",
    "TimeCellIn",
    "TimeEntryOut",
    "TimeLogIn",
    "TimesheetOut",
    "TimesheetRejectIn",
    "WeekIn",
    "WeekParams",
    "WorkOut",
]


class WeekParams(Schema):
    week: date | None = Field(None, description="Any day of the week; default this week.")


class WeekIn(InSchema):
    week: date = Field(description="Any day of the week to submit.")


class TimeLogIn(InSchema):
    day: date
    hours: Decimal = Field(description="More than 0, at most 24 a day in all.")
    note: str = ""


class TimeCellIn(InSchema):
    day: date
    hours: Decimal = Field(description="The hours for this item and day; 0 clears them.")
    note: str | None = None


class TimeEntryOut(OutSchema):
    id: int
    item: str
    day: date
    hours: Decimal
    note: str

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return f"{obj.item.project.key}-{obj.item.number}"


class TimesheetOut(OutSchema):
    id: int
    project: str
    user: str
    week_start: date
    status: TimesheetStatusName
    reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    total_hours: Decimal
    entries: list[TimeEntryOut]

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.key)

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_entries(obj: Any) -> list[Any]:
        return list(obj.entries.all())

    @staticmethod
    def resolve_total_hours(obj: Any) -> Decimal:
        return sum((e.hours for e in obj.entries.all()), Decimal(0))


class TimesheetRejectIn(InSchema):
    reason: str = Field(description="Required: why the timesheet goes back.")


class MissingOut(OutSchema):
    username: str
    name: str


class ItemWorkOut(OutSchema):
    key: str
    actual_hours: Decimal
    remaining_hours: Decimal


class WorkOut(OutSchema):
    actual_hours: Decimal = Field(description="Hours logged (draft to approved, not rejected).")
    remaining_hours: Decimal = Field(description="Estimates less actual work, never below 0.")
    items: list[ItemWorkOut] = Field(description="Each item; summaries add up their children.")


class BudgetIn(InSchema):
    currency: str = Field(description="ISO 4217 code, e.g. CNY.", min_length=3, max_length=3)


class BudgetLineOut(OutSchema):
    category: CategoryName
    item: str | None
    amount: Decimal


class CategoryOut(OutSchema):
    category: CategoryName
    budget: Decimal
    actual: Decimal
    remaining: Decimal


class BudgetOut(OutSchema):
    currency: str
    total_budget: Decimal
    total_actual: Decimal
    lines: list[BudgetLineOut]
    by_category: list[CategoryOut]


class BudgetChangeIn(InSchema):
    category: CategoryName
    amount: Decimal = Field(description="The line's new amount, in the project currency.")
    reason: str = Field(description="Required: why the budget changes.")
    item: str | None = Field(None, description="A WBS element's key; none for the project.")


class BudgetChangeOut(OutSchema):
    id: int
    category: CategoryName
    item: str
    old_amount: Decimal
    new_amount: Decimal
    reason: str
    actor: str | None
    at: datetime

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item_key)

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor else None


class ExchangeRateIn(InSchema):
    currency: str = Field(min_length=3, max_length=3)
    rate: Decimal = Field(description="One unit of the currency in the project currency.")
    effective: date


class ExchangeRateOut(OutSchema):
    currency: str
    rate: Decimal
    effective: date


class MemberRateIn(InSchema):
    username: str
    rate: Decimal = Field(description="Hourly cost in the project currency.")
    valid_from: date


class MemberRateOut(OutSchema):
    username: str
    rate: Decimal
    valid_from: date

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)


class ExpenseIn(InSchema):
    """A new expense (as JSON, or as multipart form fields with a ``receipt`` file)."""

    category: CategoryName
    amount: Decimal
    currency: str
    day: date
    item: str | None = None
    description: str = ""


class ExpenseOut(OutSchema):
    id: int
    category: CategoryName
    amount: Decimal
    currency: str
    rate: Decimal
    amount_project: Decimal
    day: date
    item: str | None
    description: str
    has_receipt: bool
    status: ExpenseStatusName
    reason: str
    submitted_by: str | None

    @staticmethod
    def resolve_item(obj: Any) -> str | None:
        return f"{obj.project.key}-{obj.item.number}" if obj.item_id else None

    @staticmethod
    def resolve_has_receipt(obj: Any) -> bool:
        return bool(obj.receipt)

    @staticmethod
    def resolve_submitted_by(obj: Any) -> str | None:
        return obj.submitted_by.username if obj.submitted_by else None


class MaterialUseIn(InSchema):
    item: str = Field(description="The work item's key, e.g. ERP-12.")
    resource: int = Field(description="The id of a material resource (keel.apps.resources).")
    day: date
    quantity: Decimal = Field(description="Units used; more than 0.")
    note: str = ""


class MaterialUseOut(OutSchema):
    id: int
    item: str
    resource: int | None = Field(description="None once the resource left the pool.")
    resource_name: str
    day: date
    quantity: Decimal
    unit_cost: Decimal = Field(description="The resource's cost per unit on that day.")
    cost: Decimal = Field(description="quantity x unit_cost, in the project currency.")
    note: str
    recorded_by: str | None

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return f"{obj.project.key}-{obj.item.number}"

    @staticmethod
    def resolve_resource(obj: Any) -> int | None:
        return obj.resource_id

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return obj.recorded_by.username if obj.recorded_by else None


class ExpenseDecisionIn(InSchema):
    reason: str = ""


class EvmParams(Schema):
    status_date: date | None = Field(None, description="Default: today.")


class ProjectEvmParams(EvmParams):
    node: str | None = Field(
        None, description="A work item's key: that WBS element's own figures and S-curve."
    )


class PortfolioEvmParams(EvmParams):
    program: int | None = Field(None, description="One program's projects only.")


class EvmFiguresOut(OutSchema):
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    eac_cpi: Decimal | None
    eac_budget_rate: Decimal
    eac_cpi_spi: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: Decimal | None
    tcpi_eac: Decimal | None
    percent_complete: Decimal | None
    es: Decimal | None = Field(description="Earned schedule, in weeks.")
    at: Decimal | None = Field(description="Actual time, in weeks.")
    pd: Decimal | None = Field(description="Planned duration, in weeks.")
    sv_t: Decimal | None
    spi_t: Decimal | None
    ieac_t: Decimal | None = Field(description="Forecast duration, in weeks.")


class EvmNodeOut(OutSchema):
    key: str
    title: str
    parent: str | None
    depth: int
    is_leaf: bool
    start: date | None
    finish: date | None
    figures: EvmFiguresOut


class SeriesPointOut(OutSchema):
    date: date
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None


class EacPointOut(OutSchema):
    date: date
    value: Decimal


class EvmOut(OutSchema):
    status_date: date
    currency: str
    total: EvmFiguresOut
    nodes: list[EvmNodeOut]
    series: list[SeriesPointOut]
    eac_line: list[EacPointOut]
    forecast_finish: date | None


class PortfolioEvmProjectOut(OutSchema):
    key: str
    name: str
    program: str | None = Field(None, description="The program's name; none outside one.")
    currency: str
    figures: EvmFiguresOut


class PortfolioEvmProgramOut(OutSchema):
    id: int
    name: str
    currency: str | None = Field(description="None when its projects' currencies differ.")
    figures: EvmFiguresOut | None = Field(description="None when the currencies differ.")


class PortfolioEvmOut(OutSchema):
    status_date: date
    currency: str | None = Field(description="None when the projects' currencies differ.")
    total: EvmFiguresOut | None
    programs: list[PortfolioEvmProgramOut] = Field(default_factory=list)
    projects: list[PortfolioEvmProjectOut]
    by_category: list[CategoryOut] | None = Field(
        None, description="Budget and actual cost by category, summed; None for mixed currencies."
    )
    series: list[SeriesPointOut] = Field(
        default_factory=list,
        description="The portfolio S-curve, weekly; empty for mixed currencies.",
    )
    eac_line: list[EacPointOut] = Field(default_factory=list)
