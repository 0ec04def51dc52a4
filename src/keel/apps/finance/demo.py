"""This area's part of the demo portfolio, loaded after the demo projects (see projects.demo).

Each demo project gets a CNY budget by category (some lines on WBS elements), member rates,
USD exchange rates, an approved baseline priced from them, weekly timesheets for the work done
so far (older weeks approved, last week submitted and waiting, this week in draft) and a few
expenses in CNY and USD. Approving last week's timesheets moves CPI, SPI and EAC.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keel.apps.finance import selectors, services
from keel.apps.finance.models import TimeEntry, Timesheet, TimesheetStatus
from keel.apps.projects.access import ROLE_PERMISSIONS, Permission
from keel.apps.projects.models import Project, Role
from keel.apps.work.models import WorkItem
from keel.apps.work.services import baseline_capture
from keel.domain.errors import ValidationError

__all__ = ["demo_delete", "demo_extend"]

KEYS = ("ERP", "DCM", "MBA")
# Hourly cost in CNY by role.
RATES = {
    Role.TECH_LEAD: Decimal(520),
    Role.COORDINATOR: Decimal(380),
    Role.QA_MANAGER: Decimal(420),
    Role.MEMBER: Decimal(340),
}
# How much more work than earned each project needed (the red ERP overruns).
OVERRUN = {"ERP": Decimal("1.30"), "DCM": Decimal("1.05"), "MBA": Decimal("0.95")}
SHARES = {"equipment": Decimal("0.12"), "material": Decimal("0.05"), "vendor": Decimal("0.25")}


def _date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def _weekdays(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _finance_manager(project: Project) -> Any:
    member = project.memberships.filter(role=Role.FINANCE_MANAGER).select_related("user").first()
    return member.user if member else project.manager


def _budget(project: Project, money: Any) -> None:
    start = project.start_date or timezone.localdate()
    services.budget_set_up(actor=money, project=project, currency="CNY")
    for membership in project.memberships.select_related("user"):
        role = Role(membership.role)
        if Permission.TIME_LOG in ROLE_PERMISSIONS[role]:
            services.member_rate_set(
                actor=money,
                project=project,
                user=membership.user,
                rate=RATES.get(role, Decimal(450)),
                valid_from=start - timedelta(days=30),
            )
    services.exchange_rate_set(
        actor=money, project=project, currency="USD", rate="7.10", effective=start
    )
    services.exchange_rate_set(
        actor=money,
        project=project,
        currency="USD",
        rate="7.25",
        effective=start + timedelta(days=60),
    )
    labour = sum(selectors.baseline_price(project).values(), Decimal(0)).quantize(Decimal(1))
    services.budget_change(
        actor=money,
        project=project,
        category="labour",
        amount=labour,
        reason="Labour of the approved plan at the agreed rates",
    )
    phases = list(
        WorkItem.objects.filter(project=project, parent__isnull=True).order_by("outline_sort")
    )
    for i, (category, share) in enumerate(SHARES.items()):
        services.budget_change(
            actor=money,
            project=project,
            category=category,
            amount=(labour * share).quantize(Decimal(1)),
            reason="Initial budget approved by the sponsor",
            item=phases[min(i + 1, len(phases) - 1)] if phases else None,
        )
    services.budget_change(
        actor=money,
        project=project,
        category="other",
        amount=(labour * Decimal("0.03")).quantize(Decimal(1)),
        reason="Travel and training",
    )
    if phases:
        vendor = (labour * SHARES["vendor"] * Decimal("1.10")).quantize(Decimal(1))
        services.budget_change(
            actor=money,
            project=project,
            category="vendor",
            amount=vendor,
            reason="Change request: the integrator's extra interface work",
            item=phases[min(3, len(phases) - 1)],
        )


def _timesheets(project: Project, today: date) -> int:
    """Hours for the work done so far, as weekly timesheets; returns the number of entries."""
    this_week = services.week_start(today)
    overrun = OVERRUN.get(project.key, Decimal(1))
    leaves = (
        WorkItem.objects.filter(project=project, children__isnull=True, progress__gt=0)
        .exclude(assignee=None)
        .exclude(estimate_hours=None)
        .order_by("outline_sort")
    )
    loggers = {
        m.user_id
        for m in project.memberships.all()
        if Permission.TIME_LOG in ROLE_PERMISSIONS[Role(m.role)]
    }
    # Hours people already have on those days (in the projects loaded before this one).
    per_day: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for user_id, day, hours in TimeEntry.objects.filter(timesheet__user_id__in=loggers).values_list(
        "timesheet__user_id", "day", "hours"
    ):
        per_day[(user_id, day)] += hours
    cells: list[tuple[int, WorkItem, date, Decimal]] = []
    for item in leaves:
        if item.assignee_id not in loggers or item.estimate_hours is None:
            continue
        hours = (item.estimate_hours * item.progress / 100 * overrun).quantize(Decimal(1))
        first = _date(item.early_start) or today - timedelta(days=14)
        last = min(_date(item.early_finish) or today, today - timedelta(days=1))
        days = _weekdays(first, last) or _weekdays(today - timedelta(days=14), today)
        share = (hours / len(days)).quantize(Decimal("0.25")) if days else Decimal(0)
        for day in days:
            room = Decimal(10) - per_day[(item.assignee_id, day)]
            logged = min(share, room)
            if logged > 0:
                per_day[(item.assignee_id, day)] += logged
                cells.append((item.assignee_id, item, day, logged))
    sheets: dict[tuple[int, date], Timesheet] = {}
    now = timezone.now()
    for user_id, _item, day, _hours in cells:
        week = services.week_start(day)
        if (user_id, week) in sheets:
            continue
        if week >= this_week:
            status = TimesheetStatus.DRAFT
        elif week == this_week - timedelta(days=7):
            status = TimesheetStatus.SUBMITTED
        else:
            status = TimesheetStatus.APPROVED
        sheets[(user_id, week)] = Timesheet(
            project=project,
            user_id=user_id,
            week_start=week,
            status=status,
            submitted_at=now if status != TimesheetStatus.DRAFT else None,
            decided_at=now if status == TimesheetStatus.APPROVED else None,
            decided_by=project.manager if status == TimesheetStatus.APPROVED else None,
        )
    Timesheet.objects.bulk_create(sheets.values())
    saved = {(s.user_id, s.week_start): s for s in Timesheet.objects.filter(project=project)}
    TimeEntry.objects.bulk_create(
        TimeEntry(
            timesheet=saved[(user_id, services.week_start(day))],
            item=item,
            day=day,
            hours=hours,
        )
        for user_id, item, day, hours in cells
    )
    return len(cells)


def _expenses(project: Project, money: Any, today: date) -> int:
    phases = list(
        WorkItem.objects.filter(project=project, parent__isnull=True).order_by("outline_sort")
    )
    start = project.start_date or today
    if start >= today or not phases:
        return 0
    span = (today - start).days
    spec = [
        ("equipment", "48000", "CNY", 0.3, "Test servers", True),
        ("material", "6200", "CNY", 0.5, "Cabling and labels", True),
        ("vendor", "9500", "USD", 0.6, "Integrator milestone 1", True),
        ("other", "1800", "USD", 0.8, "Conference travel", False),
    ]
    for i, (category, amount, currency, at, text, approve) in enumerate(spec):
        expense = services.expense_create(
            actor=project.manager,
            project=project,
            category=category,
            amount=amount,
            currency=currency,
            day=start + timedelta(days=int(span * at)),
            item=phases[min(i + 1, len(phases) - 1)],
            description=text,
        )
        if approve:
            services.expense_approve(actor=money, expense=expense)
    return len(spec)


def _material(project: Project, today: date) -> int:
    """The resource pool's demo cable used on the project's first leaf task (if the pool has
    it and a cost per unit), a little each fortnight so far."""
    from keel.apps.resources.models import Resource, ResourceKind

    cable = Resource.objects.filter(kind=ResourceKind.MATERIAL, name__startswith="Demo: ").first()
    leaf = (
        WorkItem.objects.filter(project=project, children__isnull=True)
        .order_by("outline_sort")
        .first()
    )
    start = project.start_date or today
    if cable is None or leaf is None or start >= today:
        return 0
    count = 0
    day = start + timedelta(days=3)
    while day < today and count < 6:
        try:
            services.material_use_record(
                actor=project.manager, item=leaf, resource=cable, day=day, quantity="12"
            )
        except ValidationError:  # no cost per unit on that day
            break
        count += 1
        day += timedelta(days=14)
    return count


def demo_extend(*, head: Any, users: dict[str, Any]) -> str:
    """Add this area's demo data to the loaded demo projects; return a summary sentence."""
    today = timezone.localdate()
    entries = expenses = 0
    projects = list(Project.objects.filter(key__in=KEYS).order_by("key"))
    for project in projects:
        money = _finance_manager(project)
        _budget(project, money)
        baseline_capture(
            actor=project.manager,
            project=project,
            name="Approved plan",
            reason="Budget and schedule signed off by the sponsor",
        )
        entries += _timesheets(project, today)
        expenses += _expenses(project, money, today)
        _material(project, today)
    if not projects:
        return ""
    return (
        f"Budgets, baselines, {entries} time entries (last week's awaiting approval) and "
        f"{expenses} expenses in CNY and USD for {', '.join(p.key for p in projects)}."
    )


def demo_delete() -> None:
    """Delete what demo_extend made that does not go with the demo projects' own rows.

    Budgets, rates, timesheets and expenses belong to the projects and go with them.
    """
