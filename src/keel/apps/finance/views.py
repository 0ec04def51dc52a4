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
from keel.apps.finance.models import Expense, Timesheet
from keel.apps.finance.panels import status_date_from
from keel.apps.finance.tables import evm_rows_html
from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.models import Project, ProjectMembership
from keel.apps.work.models import StatusCategory, WorkItem
from keel.domain.errors import KeelError


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


@login_required
def cost(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.BUDGET_VIEW)
    status_date = status_date_from(request)
    costs = selectors.actual_costs(project, status_date)
    result = selectors.evm_for_project(project, status_date, costs)
    budget = selectors.budget_get(project)
    perms = project_permissions(request.user, project)
    return render(
        request,
        "finance/cost.html",
        {
            "project": project,
            "tab": "cost",
            "status_date": status_date,
            "budget": budget,
            "currency": budget.currency if budget else "",
            "rows": selectors.budget_vs_actual(project, status_date, costs),
            "changes": list(selectors.budget_changes(project)[:20]),
            "expenses": list(selectors.expense_list(project)[:50]),
            "f": result.total,
            "evm_rows": evm_rows_html(result.nodes),
            "chart": s_curve(result.series, status_date),
            "can_approve_expenses": Permission.EXPENSE_APPROVE in perms,
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
    "cost",
    "expense_decide",
    "time_log",
    "timesheet",
    "timesheet_cell",
    "timesheet_decide",
    "timesheet_submit",
]
