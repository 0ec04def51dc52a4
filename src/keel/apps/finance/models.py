"""Time, money and rates: timesheets, budgets with their changes, expenses, exchange rates.

Money is ``DecimalField`` everywhere. Services (services.py) own every write and its rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.models import Project
from keel.apps.work.models import WorkItem

MONEY = {"max_digits": 16, "decimal_places": 2}


class CostCategory(models.TextChoices):
    LABOUR = "labour", _("Labour")
    EQUIPMENT = "equipment", _("Equipment")
    MATERIAL = "material", _("Material")
    VENDOR = "vendor", _("Vendor / contract")
    OTHER = "other", _("Other")


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MemberRate(models.Model):
    """A person's hourly cost rate on one project, from a date (used when no resource rate)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="member_rates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_rates"
    )
    rate = models.DecimalField(_("hourly rate"), **MONEY)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "valid_from"], name="finance_rate_unique_from"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="finance_rate_not_negative"),
        ]
        ordering = ["project", "user", "valid_from"]

    def __str__(self) -> str:
        return f"{self.user} {self.rate} from {self.valid_from}"


class Timesheet(models.Model):
    """One person's hours on one project for one week (starting Monday)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="timesheets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timesheets"
    )
    week_start = models.DateField(_("week"))
    status = models.CharField(
        _("status"), max_length=12, choices=TimesheetStatus.choices, default="draft"
    )
    reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "week_start"], name="finance_timesheet_one_a_week"
            )
        ]
        ordering = ["-week_start", "project_id"]

    def __str__(self) -> str:
        return f"{self.user} {self.project_id} {self.week_start}"


class TimeEntry(models.Model):
    """Hours on one item on one day."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="time_entries")
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="finance_hours_not_negative"),
            models.CheckConstraint(condition=Q(hours__lte=24), name="finance_hours_at_most_24"),
        ]
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.day} {self.hours}h"


class Budget(models.Model):
    """A project's budget in one currency."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="budget")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.project_id} {self.currency}"


class BudgetLine(models.Model):
    """The budgeted amount for one cost category, on the project or on one WBS element."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    item = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, null=True, blank=True, related_name="budget_lines"
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "category", "item"], name="finance_line_unique"
            ),
            models.UniqueConstraint(
                fields=["budget", "category"],
                condition=Q(item__isnull=True),
                name="finance_line_unique_project",
            ),
        ]
        ordering = ["category", "item_id"]

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"


class BudgetChange(models.Model):
    """One approved change of a budget line, kept with its reason."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="changes")
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    item = models.ForeignKey(
        WorkItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_key = models.CharField(max_length=24, blank=True)
    old_amount = models.DecimalField(_("old amount"), **MONEY)
    new_amount = models.DecimalField(_("new amount"), **MONEY)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.category} {self.old_amount} -> {self.new_amount}"


class ExchangeRate(models.Model):
    """How much one unit of ``currency`` is worth in the project's currency, from a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exchange_rates")
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    effective = models.DateField(_("effective from"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "currency", "effective"], name="finance_fx_unique"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="finance_fx_positive"),
        ]
        ordering = ["currency", "-effective"]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} from {self.effective}"


class Expense(models.Model):
    """Money spent on the project: amount in its own currency and in the project's."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expenses")
    item = models.ForeignKey(
        WorkItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses"
    )
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    amount_project = models.DecimalField(_("amount in project currency"), **MONEY)
    day = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    receipt = models.FileField(_("receipt"), upload_to="receipts/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ExpenseStatus.choices, default="submitted"
    )
    reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_expense_positive")
        ]
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.day}"


class MaterialUse(models.Model):
    """Units of a material resource used on a work item on one day, costed at the resource's
    cost per unit on that day (kept here, so later rate changes do not rewrite the past)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="material_uses")
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="material_uses")
    # Kept by name too: a resource deleted from the pool leaves its past cost in place.
    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="material_uses",
    )
    resource_name = models.CharField(_("material"), max_length=150)
    day = models.DateField(_("date"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_cost = models.DecimalField(_("cost per unit"), max_digits=12, decimal_places=2)
    cost = models.DecimalField(_("cost"), **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="finance_material_quantity_positive"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="finance_material_cost"),
        ]
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.resource_name} on {self.item_id} {self.day}"
