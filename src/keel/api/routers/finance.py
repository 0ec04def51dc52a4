"""REST routes for finance: timesheets, budgets, expenses, rates, earned value (docs/api.md)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import ValidationError as PydanticError

from keel.api.lookups import user_named
from keel.api.pagination import Page, PageParams, paginate
from keel.api.routers.work import item_ref
from keel.api.schemas.finance import (
    BudgetChangeIn,
    BudgetChangeOut,
    BudgetIn,
    BudgetOut,
    EvmOut,
    ExchangeRateIn,
    ExchangeRateOut,
    ExpenseDecisionIn,
    ExpenseIn,
    ExpenseOut,
    MaterialUseIn,
    MaterialUseOut,
    MemberRateIn,
    MemberRateOut,
    MissingOut,
    PortfolioEvmOut,
    PortfolioEvmParams,
    ProjectEvmParams,
    TimeCellIn,
    TimeLogIn,
    TimesheetOut,
    TimesheetRejectIn,
    WeekIn,
    WeekParams,
    WorkOut,
)
from keel.apps.finance import selectors, services
from keel.apps.finance.models import Expense, Timesheet, TimesheetStatus
from keel.apps.finance.receipts import receipt_response
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_project,
    project_permissions,
)
from keel.apps.work import selectors as work_selectors
from keel.domain.errors import ValidationError
from keel.domain.evm import EvmResult

__all__ = ["router"]

router = Router(tags=["finance"])

P = "/projects/{key}"


def _today() -> date:
    return timezone.localdate()


def _sheets(qs: Any) -> Any:
    return qs.select_related("project", "user").prefetch_related("entries__item__project")


# --- time -------------------------------------------------------------------------------------


@router.get("/me/timesheets", response=list[TimesheetOut], tags=["timesheets"])
def my_timesheets(request: HttpRequest, params: Query[WeekParams]) -> Any:
    """My timesheets (one per project) for a week."""
    week = services.week_start(params.week or _today())
    return list(_sheets(Timesheet.objects.filter(user=request.auth, week_start=week)))


@router.post("/me/timesheets/submit", response=list[TimesheetOut], tags=["timesheets"])
def my_timesheets_submit(request: HttpRequest, payload: WeekIn) -> Any:
    """Submit every draft or rejected timesheet of mine with hours in the given week."""
    week = services.week_start(payload.week)
    with transaction.atomic():
        sheets = Timesheet.objects.filter(
            user=request.auth,
            week_start=week,
            status__in=[TimesheetStatus.DRAFT, TimesheetStatus.REJECTED],
            entries__isnull=False,
        ).distinct()
        done = [services.timesheet_submit(actor=request.auth, timesheet=s).pk for s in sheets]
    return list(_sheets(Timesheet.objects.filter(pk__in=done)))


@router.post(f"{P}/items/{{item_key}}/time", response={201: TimesheetOut}, tags=["timesheets"])
def time_log(request: HttpRequest, key: str, item_key: str, payload: TimeLogIn) -> Any:
    """Log hours on an item; they go to my draft timesheet of that week."""
    project = access_project(request.auth, key, Permission.TIME_LOG)
    item = work_selectors.work_item_get(project, item_key)
    entry = services.time_log(
        actor=request.auth, item=item, day=payload.day, hours=payload.hours, note=payload.note
    )
    return Status(201, _sheets(Timesheet.objects.filter(pk=entry.timesheet_id)).get())


@router.put(f"{P}/items/{{item_key}}/time", response=TimesheetOut, tags=["timesheets"])
def time_set(request: HttpRequest, key: str, item_key: str, payload: TimeCellIn) -> Any:
    """Set my hours on an item for one day (a timesheet cell); 0 clears them."""
    project = access_project(request.auth, key, Permission.TIME_LOG)
    item = work_selectors.work_item_get(project, item_key)
    sheet = services.time_set(
        actor=request.auth, item=item, day=payload.day, hours=payload.hours, note=payload.note
    )
    return _sheets(Timesheet.objects.filter(pk=sheet.pk)).get()


@router.get(f"{P}/timesheets", response=list[TimesheetOut], tags=["timesheets"])
def project_timesheets(
    request: HttpRequest, key: str, status: str = "submitted", params: Query[WeekParams] = None
) -> Any:
    """The project's timesheets with a status (default: submitted, awaiting approval)."""
    project = access_project(request.auth, key, Permission.TIMESHEET_APPROVE)
    rows = Timesheet.objects.filter(project=project, status=status)
    if params is not None and params.week:
        rows = rows.filter(week_start=services.week_start(params.week))
    return list(_sheets(rows.order_by("week_start", "user__username")))


@router.get(f"{P}/timesheets/missing", response=list[MissingOut], tags=["timesheets"])
def timesheets_missing(request: HttpRequest, key: str, params: Query[WeekParams]) -> Any:
    """Who has not submitted for a week (default: last week): the reminders list."""
    project = access_project(request.auth, key, Permission.TIMESHEET_APPROVE)
    week = services.week_start(params.week or (_today() - timedelta(days=7)))
    return [
        {"username": u.username, "name": u.get_full_name() or u.username}
        for u in selectors.timesheets_missing(project, week)
    ]


def _sheet(project: Any, timesheet_id: int) -> Timesheet:
    sheet = Timesheet.objects.filter(project=project, pk=timesheet_id).first()
    if sheet is None:
        raise Http404(f"{project.key} has no timesheet {timesheet_id}.")
    return sheet


@router.post(f"{P}/timesheets/{{timesheet_id}}/approve", response=TimesheetOut, tags=["timesheets"])
def timesheet_approve(request: HttpRequest, key: str, timesheet_id: int) -> Any:
    """Approve a submitted timesheet; its hours count in actual cost and it is locked."""
    project = access_project(request.auth, key, Permission.TIMESHEET_APPROVE)
    sheet = services.timesheet_approve(actor=request.auth, timesheet=_sheet(project, timesheet_id))
    return _sheets(Timesheet.objects.filter(pk=sheet.pk)).get()


@router.post(f"{P}/timesheets/{{timesheet_id}}/reject", response=TimesheetOut, tags=["timesheets"])
def timesheet_reject(
    request: HttpRequest, key: str, timesheet_id: int, payload: TimesheetRejectIn
) -> Any:
    """Send a submitted timesheet back with a reason."""
    project = access_project(request.auth, key, Permission.TIMESHEET_APPROVE)
    sheet = services.timesheet_reject(
        actor=request.auth, timesheet=_sheet(project, timesheet_id), reason=payload.reason
    )
    return _sheets(Timesheet.objects.filter(pk=sheet.pk)).get()


@router.get(f"{P}/work", response=WorkOut, tags=["timesheets"])
def work_rollup(request: HttpRequest, key: str) -> Any:
    """Actual and remaining work in hours for the project and each item, summary items
    adding up their children."""
    from keel.apps.work.models import WorkItem

    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    rollup = selectors.work_rollup(project)
    actual, remaining = selectors.work_totals(project)
    numbers = dict(
        WorkItem.objects.filter(project=project)
        .order_by("outline_sort", "number")
        .values_list("pk", "number")
    )
    return {
        "actual_hours": actual,
        "remaining_hours": remaining,
        "items": [
            {
                "key": f"{project.key}-{number}",
                "actual_hours": rollup.get(pk, (0, 0))[0],
                "remaining_hours": rollup.get(pk, (0, 0))[1],
            }
            for pk, number in numbers.items()
        ],
    }


# --- budget -----------------------------------------------------------------------------------


def _budget_out(project: Any) -> dict[str, Any]:
    budget = selectors.budget_get(project)
    if budget is None:
        raise Http404(f"{project.key} has no budget.")
    rows = selectors.budget_vs_actual(project)
    return {
        "currency": budget.currency,
        "total_budget": rows[-1].budget,
        "total_actual": rows[-1].actual,
        "lines": [
            {
                "category": line.category,
                "item": f"{project.key}-{line.item.number}" if line.item_id else None,
                "amount": line.amount,
            }
            for line in budget.lines.select_related("item")
        ],
        "by_category": [
            {
                "category": r.category,
                "budget": r.budget,
                "actual": r.actual,
                "remaining": r.remaining,
            }
            for r in rows[:-1]
        ],
    }


@router.get(f"{P}/budget", response=BudgetOut, tags=["budget"])
def budget_get(request: HttpRequest, key: str) -> Any:
    """The budget by line, and budget against actual cost by category."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    return _budget_out(project)


@router.put(f"{P}/budget", response=BudgetOut, tags=["budget"])
def budget_put(request: HttpRequest, key: str, payload: BudgetIn) -> Any:
    """Create the budget in a currency (the currency of a used budget cannot change)."""
    project = access_project(request.auth, key, Permission.BUDGET_EDIT)
    services.budget_set_up(actor=request.auth, project=project, currency=payload.currency)
    return _budget_out(project)


@router.get(f"{P}/budget/changes", response=list[BudgetChangeOut], tags=["budget"])
def budget_changes(request: HttpRequest, key: str) -> Any:
    """Every budget change with its reason, newest first."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    return list(selectors.budget_changes(project))


@router.post(f"{P}/budget/changes", response={201: BudgetChangeOut}, tags=["budget"])
def budget_change(request: HttpRequest, key: str, payload: BudgetChangeIn) -> Any:
    """Set one budget line to a new amount; the reason is required and kept."""
    project = access_project(request.auth, key, Permission.BUDGET_EDIT)
    change = services.budget_change(
        actor=request.auth,
        project=project,
        category=payload.category,
        amount=payload.amount,
        reason=payload.reason,
        item=item_ref(project, payload.item, "item"),
    )
    return Status(201, change)


@router.get(f"{P}/exchange-rates", response=list[ExchangeRateOut], tags=["budget"])
def exchange_rates(request: HttpRequest, key: str) -> Any:
    """Exchange rates into the project currency, by currency, newest first."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    return list(selectors.exchange_rate_list(project))


@router.post(f"{P}/exchange-rates", response={201: ExchangeRateOut}, tags=["budget"])
def exchange_rate_set(request: HttpRequest, key: str, payload: ExchangeRateIn) -> Any:
    """Add (or replace) the rate of a currency from a date."""
    project = access_project(request.auth, key, Permission.BUDGET_EDIT)
    row = services.exchange_rate_set(
        actor=request.auth,
        project=project,
        currency=payload.currency,
        rate=payload.rate,
        effective=payload.effective,
    )
    return Status(201, row)


@router.get(f"{P}/member-rates", response=list[MemberRateOut], tags=["budget"])
def member_rates(request: HttpRequest, key: str) -> Any:
    """Hourly cost rates of members (used where the resources area has no rate)."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    return list(selectors.member_rate_list(project))


@router.post(f"{P}/member-rates", response={201: MemberRateOut}, tags=["budget"])
def member_rate_set(request: HttpRequest, key: str, payload: MemberRateIn) -> Any:
    """Set a member's hourly rate from a date."""
    project = access_project(request.auth, key, Permission.BUDGET_EDIT)
    row = services.member_rate_set(
        actor=request.auth,
        project=project,
        user=user_named(payload.username, "username"),
        rate=payload.rate,
        valid_from=payload.valid_from,
    )
    return Status(201, row)


# --- expenses ---------------------------------------------------------------------------------


@router.get(f"{P}/expenses", response=Page[ExpenseOut], tags=["expenses"])
def expense_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """The project's expenses, newest first."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    return paginate(request, selectors.expense_list(project).select_related("project"), page)


_EXPENSE_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["category", "amount", "currency", "day"],
                    "properties": {
                        **{
                            name: {"type": "string"}
                            for name in ("category", "amount", "currency", "item", "description")
                        },
                        "day": {"type": "string", "format": "date"},
                        "receipt": {"type": "string", "format": "binary"},
                    },
                }
            },
            "application/json": {"schema": ExpenseIn.model_json_schema()},
        },
    }
}


@router.post(
    f"{P}/expenses", response={201: ExpenseOut}, tags=["expenses"], openapi_extra=_EXPENSE_FORM
)
def expense_create(request: HttpRequest, key: str) -> Any:
    """Record an expense: a multipart form with an optional ``receipt`` file (PDF, PNG or
    JPEG up to 5 MB), or JSON without one.

    An expense in a currency other than the project's needs an exchange rate on its date.
    """
    project = access_project(request.auth, key, Permission.EXPENSE_CREATE)
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}")
        except ValueError:
            raise ValidationError("The body is not valid JSON.") from None
    else:
        raw = request.POST.dict()
    try:
        payload = ExpenseIn.model_validate(raw)
    except PydanticError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise ValidationError(
            f"Invalid expense: check {fields}.", details={"fields": fields}
        ) from None
    expense = services.expense_create(
        actor=request.auth,
        project=project,
        category=payload.category,
        amount=payload.amount,
        currency=payload.currency,
        day=payload.day,
        item=item_ref(project, payload.item, "item"),
        description=payload.description,
        receipt=request.FILES.get("receipt"),
    )
    return Status(201, expense)


def _expense(project: Any, expense_id: int) -> Expense:
    expense = selectors.expense_list(project).select_related("project").filter(pk=expense_id)
    found = expense.first()
    if found is None:
        raise Http404(f"{project.key} has no expense {expense_id}.")
    return found


_RECEIPT_RESPONSE = {
    "responses": {
        "200": {
            "description": "The receipt file, as an attachment.",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in ("application/pdf", "image/png", "image/jpeg")
            },
        }
    }
}


@router.get(
    f"{P}/expenses/{{expense_id}}/receipt", tags=["expenses"], openapi_extra=_RECEIPT_RESPONSE
)
def expense_receipt(request: HttpRequest, key: str, expense_id: int) -> Any:
    """Download an expense's receipt (budget.view, or the person who recorded it)."""
    project = access_project(request.auth, key, Permission.PROJECT_VIEW)
    expense = _expense(project, expense_id)
    if not expense.receipt:
        raise Http404(f"Expense {expense_id} has no receipt.")
    if (
        Permission.BUDGET_VIEW not in project_permissions(request.auth, project)
        and expense.submitted_by_id != request.auth.pk
    ):
        raise PermissionDenied("Seeing receipts needs budget.view.")
    return receipt_response(expense)


@router.post(f"{P}/expenses/{{expense_id}}/approve", response=ExpenseOut, tags=["expenses"])
def expense_approve(request: HttpRequest, key: str, expense_id: int) -> Any:
    """Approve an expense; it then counts in actual cost."""
    project = access_project(request.auth, key, Permission.EXPENSE_APPROVE)
    return services.expense_approve(actor=request.auth, expense=_expense(project, expense_id))


@router.post(f"{P}/expenses/{{expense_id}}/reject", response=ExpenseOut, tags=["expenses"])
def expense_reject(
    request: HttpRequest, key: str, expense_id: int, payload: ExpenseDecisionIn
) -> Any:
    """Reject an expense with a reason."""
    project = access_project(request.auth, key, Permission.EXPENSE_APPROVE)
    return services.expense_reject(
        actor=request.auth, expense=_expense(project, expense_id), reason=payload.reason
    )


# --- material use -----------------------------------------------------------------------------


@router.get(f"{P}/material-use", response=Page[MaterialUseOut], tags=["expenses"])
def material_use_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """Material used on the project's items, newest first, with its cost."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    rows = selectors.material_use_list(project).select_related("project", "recorded_by")
    return paginate(request, rows, page)


@router.post(f"{P}/material-use", response={201: MaterialUseOut}, tags=["expenses"])
def material_use_record(request: HttpRequest, key: str, payload: MaterialUseIn) -> Any:
    """Record units of a material resource used on an item; it counts in actual cost
    (material) at the resource's cost per unit on that day."""
    from keel.apps.resources.models import Resource

    project = access_project(request.auth, key, Permission.EXPENSE_CREATE)
    item = item_ref(project, payload.item, "item")
    resource = Resource.objects.filter(pk=payload.resource).first()
    if resource is None:
        raise ValidationError(
            f"There is no resource {payload.resource}.", details={"field": "resource"}
        )
    row = services.material_use_record(
        actor=request.auth,
        item=item,
        resource=resource,
        day=payload.day,
        quantity=payload.quantity,
        note=payload.note,
    )
    return Status(
        201, selectors.material_use_list(project).select_related("project").get(pk=row.pk)
    )


# --- earned value -----------------------------------------------------------------------------


def _evm_out(result: EvmResult, currency: str) -> dict[str, Any]:
    s = result.series
    points = []
    for i, day in enumerate(s.dates):
        points.append(
            {
                "date": day,
                "pv": s.pv[i],
                "ev": s.ev[i] if i < len(s.ev) else None,
                "ac": s.ac[i] if i < len(s.ac) else None,
            }
        )
    return {
        "status_date": result.status_date,
        "currency": currency,
        "total": _figures(result.total),
        "nodes": [
            {
                "key": n.key,
                "title": n.title,
                "parent": n.parent,
                "depth": n.depth,
                "is_leaf": n.is_leaf,
                "start": n.start,
                "finish": n.finish,
                "figures": _figures(n.figures),
            }
            for n in result.nodes
        ],
        "series": points,
        "eac_line": [{"date": d, "value": v} for d, v in s.eac],
        "forecast_finish": s.forecast_finish,
    }


def _figures(f: Any) -> dict[str, Any]:
    out = dict(vars(f))
    out["eac"] = f.eac
    return out


@router.get(f"{P}/evm", response=EvmOut, tags=["earned value"])
def project_evm(request: HttpRequest, key: str, params: Query[ProjectEvmParams]) -> Any:
    """Earned value at a status date: totals, every WBS node and the weekly S-curve; with
    ``node``, those of one WBS element (or item) and its descendants."""
    project = access_project(request.auth, key, Permission.BUDGET_VIEW)
    status_date = params.status_date or _today()
    budget = selectors.budget_get(project)
    result = selectors.evm_for_project(project, status_date, node=params.node)
    return _evm_out(result, budget.currency if budget else "")


@router.get("/portfolios/{portfolio_id}/evm", response=PortfolioEvmOut, tags=["earned value"])
def portfolio_evm(
    request: HttpRequest, portfolio_id: int, params: Query[PortfolioEvmParams]
) -> Any:
    """Earned value per program, per project and for the portfolio (or, with ``program``, for
    one program), with budget against actual cost by category and the weekly S-curve, over the
    projects whose budget the caller may see. Totals are left out (None) where they would add
    up different currencies."""
    portfolio = access_portfolio(request.auth, portfolio_id)
    status_date = params.status_date or _today()
    projects = selectors.budget_projects(request.auth, portfolio)
    if params.program is not None:
        if not portfolio.programs.filter(pk=params.program).exists():
            raise Http404(f"Portfolio {portfolio.name} has no program {params.program}.")
        projects = [p for p in projects if p.program_id == params.program]
    if not projects:
        return {"status_date": status_date, "currency": None, "total": None, "projects": []}
    data = selectors.portfolio_evm(projects, status_date)
    single = data.total is not None
    curve = _evm_out(data.result, data.currency or "") if single else None
    return {
        "status_date": status_date,
        "currency": data.currency,
        "total": _figures(data.total) if single else None,
        "programs": [
            {
                "id": int(line.key[2:]),
                "name": line.title,
                "currency": line.currency,
                "figures": None if line.figures is None else _figures(line.figures),
            }
            for line in data.lines
            if line.kind == "program"
        ],
        "projects": [
            {
                "key": line.key,
                "name": line.title,
                "program": line.program,
                "currency": line.currency or "",
                "figures": _figures(line.figures),
            }
            for line in data.lines
            if line.kind == "project"
        ],
        "by_category": None
        if data.by_category is None
        else [
            {
                "category": r.category,
                "budget": r.budget,
                "actual": r.actual,
                "remaining": r.remaining,
            }
            for r in data.by_category
            if r.category
        ],
        "series": curve["series"] if curve else [],
        "eac_line": curve["eac_line"] if curve else [],
    }
