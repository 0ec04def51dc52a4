"""Writes for time, budgets and expenses. Each service checks its permission, validates, and
saves everything or nothing (one transaction)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keel.apps.finance.models import (
    Budget,
    BudgetChange,
    BudgetLine,
    CostCategory,
    ExchangeRate,
    Expense,
    ExpenseStatus,
    MaterialUse,
    MemberRate,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
)
from keel.apps.projects.access import Permission, require
from keel.apps.projects.models import Project
from keel.apps.work.models import WorkItem
from keel.domain.errors import ValidationError

__all__ = [
    "MAX_RECEIPT_BYTES",
    "budget_change",
    "budget_set_up",
    "exchange_rate_set",
    "expense_approve",
    "expense_create",
    "expense_reject",
    "material_use_record",
    "member_rate_set",
    "time_log",
    "time_set",
    "timesheet_approve",
    "timesheet_reject",
    "timesheet_submit",
    "week_start",
]

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
# File signatures: the content must be what the name says.
_RECEIPT_KINDS = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_EDITABLE = (TimesheetStatus.DRAFT, TimesheetStatus.REJECTED)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number.", details={"field": field}) from None
    if not number.is_finite():
        raise ValidationError(f"{field} must be a number.", details={"field": field})
    return number


def _currency(code: str) -> str:
    text = (code or "").strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise ValidationError("A currency is a three-letter code such as CNY or USD.")
    return text


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(f"{what} needs a reason.", details={"field": "reason"})
    return text


# --- rates ------------------------------------------------------------------------------------


@transaction.atomic
def member_rate_set(
    *, actor: Any, project: Project, user: Any, rate: Any, valid_from: date
) -> MemberRate:
    """Set a member's hourly cost rate on the project from ``valid_from`` (budget.edit)."""
    require(actor, project, Permission.BUDGET_EDIT)
    value = _decimal(rate, "rate")
    if value < 0:
        raise ValidationError("A rate cannot be negative.", details={"field": "rate"})
    if not project.memberships.filter(user=user).exists():
        raise ValidationError(f"{user} is not a member of {project.key}.")
    row, _ = MemberRate.objects.update_or_create(
        project=project, user=user, valid_from=valid_from, defaults={"rate": value}
    )
    return row


# --- time -------------------------------------------------------------------------------------


def _sheet_for(actor: Any, item: WorkItem, day: date) -> Timesheet:
    sheet, _ = Timesheet.objects.select_for_update().get_or_create(
        project=item.project, user=actor, week_start=week_start(day)
    )
    if sheet.status not in _EDITABLE:
        raise ValidationError(
            f"Your timesheet for the week of {sheet.week_start} is {sheet.status}; "
            "it can no longer be changed.",
            details={"timesheet": sheet.pk, "status": sheet.status},
        )
    return sheet


def _check_hours(actor: Any, day: date, hours: Decimal, *, replacing: Decimal) -> None:
    if hours < 0:
        raise ValidationError("Hours cannot be negative.", details={"field": "hours"})
    if hours > 24:
        raise ValidationError("A day has at most 24 hours.", details={"field": "hours"})
    logged = TimeEntry.objects.filter(timesheet__user=actor, day=day).aggregate(s=Sum("hours"))[
        "s"
    ] or Decimal(0)
    if logged - replacing + hours > 24:
        raise ValidationError(
            f"That makes {logged - replacing + hours} hours on {day}; a day has at most 24.",
            details={"field": "hours", "day": day.isoformat()},
        )


@transaction.atomic
def time_log(*, actor: Any, item: WorkItem, day: date, hours: Any, note: str = "") -> TimeEntry:
    """Add hours on ``item`` on ``day`` to the actor's draft timesheet of that week (time.log).

    Creates the week's timesheet if there is none; a rejected one becomes a draft again.
    """
    require(actor, item.project, Permission.TIME_LOG)
    value = _decimal(hours, "hours")
    _check_hours(actor, day, value, replacing=Decimal(0))
    if value == 0:
        raise ValidationError("Log more than zero hours.", details={"field": "hours"})
    sheet = _sheet_for(actor, item, day)
    if sheet.status == TimesheetStatus.REJECTED:
        sheet.status = TimesheetStatus.DRAFT
        sheet.save(update_fields=["status"])
    return TimeEntry.objects.create(
        timesheet=sheet, item=item, day=day, hours=value, note=(note or "").strip()[:500]
    )


@transaction.atomic
def time_set(
    *, actor: Any, item: WorkItem, day: date, hours: Any, note: str | None = None
) -> Timesheet:
    """Set the actor's hours on ``item`` on ``day`` (the timesheet grid); 0 clears the cell."""
    require(actor, item.project, Permission.TIME_LOG)
    value = _decimal(hours, "hours")
    cell = TimeEntry.objects.filter(timesheet__user=actor, item=item, day=day)
    existing = cell.aggregate(s=Sum("hours"))["s"] or Decimal(0)
    _check_hours(actor, day, value, replacing=existing)
    sheet = _sheet_for(actor, item, day)
    old_note = cell.values_list("note", flat=True).first() or ""
    cell.delete()
    if value > 0:
        TimeEntry.objects.create(
            timesheet=sheet,
            item=item,
            day=day,
            hours=value,
            note=(old_note if note is None else note).strip()[:500],
        )
    if sheet.status == TimesheetStatus.REJECTED:
        sheet.status = TimesheetStatus.DRAFT
        sheet.save(update_fields=["status"])
    return sheet


@transaction.atomic
def timesheet_submit(*, actor: Any, timesheet: Timesheet) -> Timesheet:
    """Send one's own draft (or rejected) timesheet for approval."""
    if timesheet.user_id != actor.pk:
        raise PermissionDenied("Only its owner submits a timesheet.")
    if timesheet.status not in _EDITABLE:
        raise ValidationError(f"This timesheet is already {timesheet.status}.")
    if not timesheet.entries.exists():
        raise ValidationError("An empty timesheet cannot be submitted.")
    timesheet.status = TimesheetStatus.SUBMITTED
    timesheet.submitted_at = timezone.now()
    timesheet.reason = ""
    timesheet.save(update_fields=["status", "submitted_at", "reason"])
    return timesheet


def _decide(actor: Any, timesheet: Timesheet) -> None:
    require(actor, timesheet.project, Permission.TIMESHEET_APPROVE)
    if timesheet.status != TimesheetStatus.SUBMITTED:
        raise ValidationError(
            f"Only a submitted timesheet can be decided; this one is {timesheet.status}."
        )


@transaction.atomic
def timesheet_approve(*, actor: Any, timesheet: Timesheet) -> Timesheet:
    """Approve a submitted timesheet (timesheet.approve); it is locked from then on."""
    _decide(actor, timesheet)
    timesheet.status = TimesheetStatus.APPROVED
    timesheet.decided_by = actor
    timesheet.decided_at = timezone.now()
    timesheet.save(update_fields=["status", "decided_by", "decided_at"])
    return timesheet


@transaction.atomic
def timesheet_reject(*, actor: Any, timesheet: Timesheet, reason: str) -> Timesheet:
    """Send a submitted timesheet back with a reason (timesheet.approve)."""
    _decide(actor, timesheet)
    timesheet.reason = _reason(reason, "Rejecting a timesheet")
    timesheet.status = TimesheetStatus.REJECTED
    timesheet.decided_by = actor
    timesheet.decided_at = timezone.now()
    timesheet.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return timesheet


# --- budget -----------------------------------------------------------------------------------


@transaction.atomic
def budget_set_up(*, actor: Any, project: Project, currency: str) -> Budget:
    """Create the project's budget in ``currency``, or change the currency of an empty one."""
    require(actor, project, Permission.BUDGET_EDIT)
    code = _currency(currency)
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        return Budget.objects.create(project=project, currency=code)
    if budget.currency != code:
        if budget.lines.exists() or project.expenses.exists():
            raise ValidationError("The currency of a budget with lines or expenses cannot change.")
        budget.currency = code
        budget.save(update_fields=["currency"])
    return budget


@transaction.atomic
def budget_change(
    *,
    actor: Any,
    project: Project,
    category: str,
    amount: Any,
    reason: str,
    item: WorkItem | None = None,
) -> BudgetChange:
    """Set one budget line (category, optionally a WBS element) to ``amount``, keeping the
    change with its reason (budget.edit). A change without a reason is refused."""
    require(actor, project, Permission.BUDGET_EDIT)
    text = _reason(reason, "A budget change")
    if category not in CostCategory.values:
        raise ValidationError(
            f"Unknown cost category {category!r}; use one of {', '.join(CostCategory.values)}.",
            details={"field": "category"},
        )
    value = _decimal(amount, "amount")
    if value < 0:
        raise ValidationError("A budget amount cannot be negative.", details={"field": "amount"})
    if item is not None and item.project_id != project.pk:
        raise ValidationError(f"{item.key} is not in {project.key}.")
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        raise ValidationError(f"{project.key} has no budget yet; set up its currency first.")
    line = BudgetLine.objects.filter(budget=budget, category=category, item=item).first()
    old = line.amount if line else Decimal(0)
    if line is None:
        BudgetLine.objects.create(budget=budget, category=category, item=item, amount=value)
    else:
        line.amount = value
        line.save(update_fields=["amount"])
    return BudgetChange.objects.create(
        budget=budget,
        category=category,
        item=item,
        item_key=item.key if item else "",
        old_amount=old,
        new_amount=value,
        reason=text,
        actor=actor,
    )


@transaction.atomic
def exchange_rate_set(
    *, actor: Any, project: Project, currency: str, rate: Any, effective: date
) -> ExchangeRate:
    """Say what one unit of ``currency`` is worth in the project's currency from ``effective``."""
    require(actor, project, Permission.BUDGET_EDIT)
    code = _currency(currency)
    value = _decimal(rate, "rate")
    if value <= 0:
        raise ValidationError("An exchange rate must be above zero.", details={"field": "rate"})
    row, _ = ExchangeRate.objects.update_or_create(
        project=project, currency=code, effective=effective, defaults={"rate": value}
    )
    return row


# --- expenses ---------------------------------------------------------------------------------


def _receipt(upload: Any) -> ContentFile[bytes]:
    name = str(getattr(upload, "name", "") or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in _RECEIPT_KINDS:
        raise ValidationError(
            "A receipt must be a PDF, PNG or JPEG file.", details={"field": "receipt"}
        )
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_RECEIPT_BYTES:
        raise ValidationError("A receipt may be at most 5 MB.", details={"field": "receipt"})
    data = upload.read(MAX_RECEIPT_BYTES + 1)
    if len(data) > MAX_RECEIPT_BYTES:
        raise ValidationError("A receipt may be at most 5 MB.", details={"field": "receipt"})
    if not any(data.startswith(magic) for magic in _RECEIPT_KINDS[ext]):
        raise ValidationError(
            "The receipt's content is not the kind of file its name says.",
            details={"field": "receipt"},
        )
    return ContentFile(data, name=f"{uuid.uuid4().hex}{'.jpg' if ext == '.jpeg' else ext}")


def rate_to_project(project: Project, currency: str, day: date) -> Decimal:
    """What one unit of ``currency`` is worth in the project's currency on ``day``."""
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        raise ValidationError(f"{project.key} has no budget (and so no currency) yet.")
    if currency == budget.currency:
        return Decimal(1)
    row = (
        ExchangeRate.objects.filter(project=project, currency=currency, effective__lte=day)
        .order_by("-effective")
        .first()
    )
    if row is None:
        raise ValidationError(
            f"No exchange rate from {currency} to {budget.currency} on {day}; "
            "add one before recording this expense.",
            details={"field": "currency"},
        )
    return row.rate


@transaction.atomic
def expense_create(
    *,
    actor: Any,
    project: Project,
    category: str,
    amount: Any,
    currency: str,
    day: date,
    item: WorkItem | None = None,
    description: str = "",
    receipt: Any = None,
) -> Expense:
    """Record an expense awaiting approval (expense.create), converted to the project currency.

    An expense in a currency without an exchange rate on its date is refused; a receipt must
    be a PDF, PNG or JPEG of at most 5 MB and is stored under a generated name.
    """
    require(actor, project, Permission.EXPENSE_CREATE)
    if category not in CostCategory.values:
        raise ValidationError(f"Unknown cost category {category!r}.", details={"field": "category"})
    value = _decimal(amount, "amount")
    if value <= 0:
        raise ValidationError("An expense must be above zero.", details={"field": "amount"})
    code = _currency(currency)
    if item is not None and item.project_id != project.pk:
        raise ValidationError(f"{item.key} is not in {project.key}.")
    rate = rate_to_project(project, code, day)
    expense = Expense(
        project=project,
        item=item,
        category=category,
        amount=value,
        currency=code,
        rate=rate,
        amount_project=(value * rate).quantize(Decimal("0.01")),
        day=day,
        description=(description or "").strip()[:300],
        submitted_by=actor,
    )
    if receipt is not None:
        expense.receipt = _receipt(receipt)
    expense.save()
    return expense


def _decide_expense(actor: Any, expense: Expense) -> None:
    require(actor, expense.project, Permission.EXPENSE_APPROVE)
    if expense.status != ExpenseStatus.SUBMITTED:
        raise ValidationError(f"This expense is already {expense.status}.")


@transaction.atomic
def expense_approve(*, actor: Any, expense: Expense) -> Expense:
    """Approve an expense (expense.approve); from then on it counts in actual cost."""
    _decide_expense(actor, expense)
    expense.status = ExpenseStatus.APPROVED
    expense.decided_by = actor
    expense.save(update_fields=["status", "decided_by"])
    return expense


@transaction.atomic
def expense_reject(*, actor: Any, expense: Expense, reason: str) -> Expense:
    """Reject an expense with a reason (expense.approve)."""
    _decide_expense(actor, expense)
    expense.reason = _reason(reason, "Rejecting an expense")
    expense.status = ExpenseStatus.REJECTED
    expense.decided_by = actor
    expense.save(update_fields=["status", "reason", "decided_by"])
    return expense


# --- material use -----------------------------------------------------------------------------


@transaction.atomic
def material_use_record(
    *, actor: Any, item: WorkItem, resource: Any, day: date, quantity: Any, note: str = ""
) -> MaterialUse:
    """Record ``quantity`` units of a material resource used on ``item`` on ``day``
    (expense.create), costed at the resource's cost per unit on that day (keel.apps.resources).

    It counts in actual cost (material) at once, like approved time and expenses. Refused: a
    resource that is not a material, a quantity of zero or less, a day without a cost per unit.
    """
    from keel.apps.resources.models import ResourceKind
    from keel.apps.resources.selectors import cost_rate_get

    require(actor, item.project, Permission.EXPENSE_CREATE)
    value = _decimal(quantity, "quantity")
    if value <= 0:
        raise ValidationError(
            "The quantity used must be above zero.", details={"field": "quantity"}
        )
    if resource.kind != ResourceKind.MATERIAL:
        raise ValidationError(
            f"{resource.name} is not a material; record people's work as time.",
            details={"field": "resource"},
        )
    rate = cost_rate_get(resource, day)
    if rate is None or rate.per_unit <= 0:
        raise ValidationError(
            f"{resource.name} has no cost per unit on {day}; add one to the resource first.",
            details={"field": "resource", "day": day.isoformat()},
        )
    return MaterialUse.objects.create(
        project=item.project,
        item=item,
        resource=resource,
        resource_name=resource.name[:150],
        day=day,
        quantity=value,
        unit_cost=rate.per_unit,
        cost=(value * rate.per_unit).quantize(Decimal("0.01")),
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
