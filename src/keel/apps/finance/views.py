"""Web pages: my weekly timesheet, approvals, a project's Cost tab, quick log time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keel.apps.finance import selectors, services
from keel.apps.finance.chart import s_curve
from keel.apps.finance.models import CostCategory, Expense, Timesheet
from keel.apps.finance.panels import status_date_from
from keel.apps.finance.receipts import receipt_response
from keel.apps.finance.tables import evm_rows_html
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_project,
    project_permissions,
)
from keel.apps.projects.models import Project, ProjectMembership
from keel.apps.work.models import StatusCategory, WorkItem
from keel.apps.work.selectors import work_item_get
from keel.domain.errors import KeelError, ValidationError


def _week(request: HttpRequest) -> date:
    raw = request.GET.get("week") or request.POST.get("week") or ""
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return services.week_start(day)


def _item(user: Any, item_id: str, need: Permission) -> WorkItem:
    item = WorkItem.objects.select_related("project").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    access_project(user, item.project, need)
    return item


def _grid(user: Any, week: date) -> dict[str, Any]:
    days = [week + timedelta(days=i) for i in range(7)]
    sheets = list(selectors.timesheets_of(user, week))
    cells: dict[tuple[int, date], Decimal] = {}
    items: dict[int, WorkItem] = {}
    for sheet in sheets:
        for entry in sheet.entries.all():
            items[entry.item_id] = entry.item
            key = (entry.item_id, entry.day)
            cells[key] = cells.get(key, Decimal(0)) + entry.hours
    loggable = [
        m.project_id
        for m in ProjectMembership.objects.filter(user=user).select_related("project")
        if Permission.TIME_LOG in project_permissions(user, m.project)
    ]
    for item in (
        WorkItem.objects.filter(assignee=user, project_id__in=loggable)
        .exclude(status__category=StatusCategory.DONE)
        .select_related("project")
        .order_by("project__key", "number")[:40]
    ):
        items.setdefault(item.pk, item)
    status = {s.project_id: s for s in sheets}
    rows = []
    for item in sorted(items.values(), key=lambda i: (i.project.key, i.number)):
        sheet = status.get(item.project_id)
        hours = [cells.get((item.pk, d)) for d in days]
        rows.append(
            {
                "item": item,
                "cells": list(zip(days, hours, strict=True)),
                "total": sum((h or Decimal(0) for h in hours), Decimal(0)),
                "locked": sheet is not None and sheet.status not in ("draft", "rejected"),
            }
        )
    day_totals = [sum((cells.get((i, d), Decimal(0)) for i in items), Decimal(0)) for d in days]
    return {
        "week": week,
        "previous": week - timedelta(days=7),
        "next": week + timedelta(days=7),
        "days": days,
        "rows": rows,
        "sheets": sheets,
        "day_totals": day_totals,
        "total": sum(day_totals, Decimal(0)),
    }


@login_required
def timesheet(request: HttpRequest) -> HttpResponse:
    return render(request, "finance/timesheet.html", _grid(request.user, _week(request)))


@login_required
@require_POST
def timesheet_cell(request: HttpRequest) -> HttpResponse:
    week = _week(request)
    item = _item(request.user, request.POST.get("item", ""), Permission.TIME_LOG)
    error = ""
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
        services.time_set(
            actor=request.user, item=item, day=day, hours=request.POST.get("hours") or "0"
        )
    except ValueError:
        error = _("That is not a date.")
    except KeelError as exc:
        error = exc.message
    context = _grid(request.user, week)
    context["error"] = error
    if request.htmx:
        return render(request, "finance/_timesheet_grid.html", context)
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('keel-web:timesheet')}?week={week.isoformat()}")


@login_required
@require_POST
def timesheet_submit(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = Timesheet.objects.filter(pk=sheet_id, user=request.user).first()
    if sheet is None:
        raise Http404("No such timesheet.")
    try:
        services.timesheet_submit(actor=request.user, timesheet=sheet)
        messages.success(request, _("Timesheet submitted for approval."))
    except KeelError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('keel-web:timesheet')}?week={sheet.week_start.isoformat()}")


def _approvable(user: Any) -> list[Project]:
    projects = Project.objects.filter(memberships__user=user).distinct().order_by("key")
    if user.is_superuser:
        projects = Project.objects.order_by("key")
    return [p for p in projects if Permission.TIMESHEET_APPROVE in project_permissions(user, p)]


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    projects = _approvable(request.user)
    last_week = services.week_start(timezone.localdate()) - timedelta(days=7)
    pending = list(selectors.timesheet_pending(projects))
    for sheet in pending:
        sheet.total = sum((e.hours for e in sheet.entries.all()), Decimal(0))
    reminders = [(p, selectors.timesheets_missing(p, last_week)) for p in projects]
    return render(
        request,
        "finance/approvals.html",
        {
            "pending": pending,
            "reminders": [(p, people) for p, people in reminders if people],
            "last_week": last_week,
            "has_projects": bool(projects),
        },
    )


@login_required
@require_POST
def timesheet_decide(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = Timesheet.objects.select_related("project").filter(pk=sheet_id).first()
    if sheet is None:
        raise Http404("No such timesheet.")
    access_project(request.user, sheet.project, Permission.TIMESHEET_APPROVE)
    try:
        if request.POST.get("decision") == "approve":
            services.timesheet_approve(actor=request.user, timesheet=sheet)
            messages.success(request, _("Timesheet approved."))
        else:
            services.timesheet_reject(
                actor=request.user, timesheet=sheet, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Timesheet sent back."))
    except KeelError as exc:
        messages.error(request, exc.message)
    return redirect("keel-web:timesheet-approvals")


def _material_resources() -> list[Any]:
    from keel.apps.resources.models import Resource, ResourceKind

    return list(Resource.objects.filter(kind=ResourceKind.MATERIAL, active=True).order_by("name"))


def _cost_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    status_date = status_date_from(request)
    costs = selectors.actual_costs(project, status_date)
    node = (request.GET.get("node") or "").strip() or None
    try:
        result = selectors.evm_for_project(project, status_date, costs, node=node)
    except ValidationError:
        raise Http404("No such work item.") from None
    budget = selectors.budget_get(project)
    perms = project_permissions(request.user, project)
    return {
        "project": project,
        "tab": "cost",
        "status_date": status_date,
        "budget": budget,
        "currency": budget.currency if budget else "",
        "rows": selectors.budget_vs_actual(project, status_date, costs),
        "changes": list(selectors.budget_changes(project)[:20]),
        "expenses": list(selectors.expense_list(project)[:50]),
        "rates": list(selectors.exchange_rate_list(project)[:20]),
        "work": selectors.work_totals(project),
        "materials": list(selectors.material_use_list(project)[:20]),
        "material_resources": _material_resources(),
        "f": result.total,
        "evm_rows": evm_rows_html(
            result.nodes, link=f"?status_date={status_date.isoformat()}&node="
        ),
        "node": result.nodes[0] if node and result.nodes else None,
        "chart": s_curve(result.series, status_date),
        "categories": CostCategory.choices,
        "can_approve_expenses": Permission.EXPENSE_APPROVE in perms,
        "can_edit_budget": Permission.BUDGET_EDIT in perms,
        "can_create_expenses": Permission.EXPENSE_CREATE in perms,
        "max_receipt_mb": services.MAX_RECEIPT_BYTES // (1024 * 1024),
    }


@login_required
def cost(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.BUDGET_VIEW)
    return render(request, "finance/cost.html", _cost_context(request, project))


def _cost_form_failed(
    request: HttpRequest, project: Project, form: str, error: str
) -> HttpResponse:
    """The Cost tab again with the error next to the form, as a 400; nothing was saved."""
    context = _cost_context(request, project)
    context.update({"error": error, "error_form": form, "posted": request.POST})
    return render(request, "finance/cost.html", context, status=400)


def _item_by_key(project: Project, raw: str) -> WorkItem | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return work_item_get(project, text)
    except Http404:
        raise ValidationError(
            _("%(project)s has no work item %(item)s.") % {"project": project.key, "item": text}
        ) from None


def _date_field(raw: str, label: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("%(field)s is not a date.") % {"field": label}) from None


@login_required
@require_POST
def budget_change(request: HttpRequest, key: str) -> HttpResponse:
    """Set up the budget's currency (first time) or change one budget line, with a reason."""
    project = access_project(request.user, key, Permission.BUDGET_EDIT)
    try:
        if request.POST.get("currency") and selectors.budget_get(project) is None:
            services.budget_set_up(
                actor=request.user, project=project, currency=request.POST["currency"]
            )
            messages.success(request, _("Budget set up."))
        else:
            services.budget_change(
                actor=request.user,
                project=project,
                category=request.POST.get("category", ""),
                amount=request.POST.get("amount", ""),
                reason=request.POST.get("reason", ""),
                item=_item_by_key(project, request.POST.get("item", "")),
            )
            messages.success(request, _("Budget changed."))
    except KeelError as exc:
        return _cost_form_failed(request, project, "budget", exc.message)
    return redirect("keel-web:cost", key=project.key)


@login_required
@require_POST
def exchange_rate_set(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.BUDGET_EDIT)
    try:
        services.exchange_rate_set(
            actor=request.user,
            project=project,
            currency=request.POST.get("currency", ""),
            rate=request.POST.get("rate", ""),
            effective=_date_field(request.POST.get("effective", ""), _("Effective from")),
        )
        messages.success(request, _("Exchange rate saved."))
    except KeelError as exc:
        return _cost_form_failed(request, project, "rate", exc.message)
    return redirect("keel-web:cost", key=project.key)


@login_required
@require_POST
def expense_create(request: HttpRequest, key: str) -> HttpResponse:
    """Record an expense with an optional receipt file (multipart form)."""
    project = access_project(request.user, key, Permission.EXPENSE_CREATE)
    try:
        services.expense_create(
            actor=request.user,
            project=project,
            category=request.POST.get("category", ""),
            amount=request.POST.get("amount", ""),
            currency=request.POST.get("currency", ""),
            day=_date_field(request.POST.get("day", ""), _("Date")),
            item=_item_by_key(project, request.POST.get("item", "")),
            description=request.POST.get("description", ""),
            receipt=request.FILES.get("receipt"),
        )
        messages.success(request, _("Expense recorded; it counts once approved."))
    except KeelError as exc:
        return _cost_form_failed(request, project, "expense", exc.message)
    return redirect("keel-web:cost", key=project.key)


@login_required
@require_POST
def material_use_record(request: HttpRequest, key: str) -> HttpResponse:
    """Record units of a material resource used on a work item."""
    from keel.apps.resources.models import Resource

    project = access_project(request.user, key, Permission.EXPENSE_CREATE)
    try:
        raw = request.POST.get("resource", "")
        resource = Resource.objects.filter(pk=raw).first() if raw.isdigit() else None
        if resource is None:
            raise ValidationError(_("Choose a material."))
        item = _item_by_key(project, request.POST.get("item", ""))
        if item is None:
            raise ValidationError(_("Name the work item the material was used on."))
        services.material_use_record(
            actor=request.user,
            item=item,
            resource=resource,
            day=_date_field(request.POST.get("day", ""), _("Date")),
            quantity=request.POST.get("quantity", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Material use recorded."))
    except KeelError as exc:
        return _cost_form_failed(request, project, "material", exc.message)
    return redirect("keel-web:cost", key=project.key)


@login_required
def expense_receipt(request: HttpRequest, key: str, expense_id: int) -> HttpResponse:
    """The receipt of an expense, as a download, for those who see the budget (or its
    submitter); never served from a public media URL."""
    project = access_project(request.user, key, Permission.PROJECT_VIEW)
    expense = Expense.objects.filter(project=project, pk=expense_id).first()
    if expense is None or not expense.receipt:
        raise Http404("No such receipt.")
    if (
        Permission.BUDGET_VIEW not in project_permissions(request.user, project)
        and expense.submitted_by_id != request.user.pk
    ):
        raise PermissionDenied("Seeing receipts needs budget.view.")
    return receipt_response(expense)


@login_required
def portfolio_evm(request: HttpRequest) -> HttpResponse:
    """Earned value by program and project and for the portfolio, with budget against actual
    cost by category and the portfolio S-curve; ``?portfolio=<id>`` narrows it to one."""
    portfolio = None
    raw = request.GET.get("portfolio", "")
    if raw:
        if not raw.isdigit():
            raise Http404("No such portfolio.")
        portfolio = access_portfolio(request.user, int(raw))
    status_date = status_date_from(request)
    projects = selectors.budget_projects(request.user, portfolio)
    program = None
    raw_program = request.GET.get("program", "")
    if raw_program:
        program = next(
            (p.program for p in projects if p.program and str(p.program_id) == raw_program), None
        )
        if program is None:
            raise Http404("No such program.")
        projects = [p for p in projects if p.program_id == program.pk]
    data = selectors.portfolio_evm(projects, status_date) if projects else None
    chart = None
    if data is not None and data.total is not None:
        chart = s_curve(data.result.series, status_date)
    return render(
        request,
        "finance/portfolio_evm.html",
        {
            "portfolio": portfolio,
            "program": program,
            "status_date": status_date,
            "data": data,
            "chart": chart,
        },
    )


@login_required
@require_POST
def expense_decide(request: HttpRequest, key: str, expense_id: int) -> HttpResponse:
    project = access_project(request.user, key, Permission.EXPENSE_APPROVE)
    expense = Expense.objects.filter(project=project, pk=expense_id).first()
    if expense is None:
        raise Http404("No such expense.")
    try:
        if request.POST.get("decision") == "approve":
            services.expense_approve(actor=request.user, expense=expense)
        else:
            services.expense_reject(
                actor=request.user, expense=expense, reason=request.POST.get("reason", "")
            )
    except KeelError as exc:
        messages.error(request, exc.message)
    return redirect("keel-web:cost", key=project.key)


@login_required
@require_POST
def time_log(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request.user, str(item_id), Permission.TIME_LOG)
    try:
        day = date.fromisoformat(request.POST.get("day", "")) if request.POST.get("day") else None
        services.time_log(
            actor=request.user,
            item=item,
            day=day or timezone.localdate(),
            hours=request.POST.get("hours", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Time logged."))
    except ValueError:
        messages.error(request, _("That is not a date."))
    except (KeelError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next") or ""
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("keel-web:timesheet")


__all__ = [
    "approvals",
    "budget_change",
    "cost",
    "exchange_rate_set",
    "expense_create",
    "expense_decide",
    "expense_receipt",
    "material_use_record",
    "portfolio_evm",
    "time_log",
    "timesheet",
    "timesheet_cell",
    "timesheet_decide",
    "timesheet_submit",
]
