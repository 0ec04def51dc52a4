"""Reads for time, money and earned value; the EVM selectors call keel.domain.evm through
the adapters below (rows in, frozen dataclasses out)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from keel.apps.finance.models import (
    Budget,
    BudgetChange,
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
from keel.apps.projects.access import (
    ROLE_PERMISSIONS,
    Permission,
)
from keel.apps.projects.models import Project, Role
from keel.apps.projects.permitted import permitted_projects_q
from keel.apps.work.models import BaselineItem, WorkItem
from keel.domain.errors import ValidationError
from keel.domain.evm import EvmFigures, EvmItem, EvmResult, evm_analyse, money

__all__ = [
    "ActualCosts",
    "BudgetRow",
    "PortfolioEvm",
    "PortfolioLine",
    "RateBook",
    "actual_costs",
    "baseline_price",
    "budget_changes",
    "budget_get",
    "budget_projects",
    "budget_vs_actual",
    "evm_for_project",
    "evm_for_projects",
    "evm_items",
    "evm_table",
    "exchange_rate_list",
    "expense_list",
    "material_use_list",
    "member_rate_list",
    "portfolio_evm",
    "timesheet_pending",
    "timesheet_rows",
    "timesheets_missing",
    "timesheets_of",
    "work_of_item",
    "work_rollup",
    "work_totals",
]

_ZERO = Decimal(0)


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


# --- rates ------------------------------------------------------------------------------------


def _resource_rate() -> Any:
    """``keel.apps.resources.selectors.cost_rate_for_user`` when that app provides it."""
    try:
        from keel.apps.resources import selectors as resources
    except ImportError:
        return None
    return getattr(resources, "cost_rate_for_user", None)


def _resource_rates(user_ids: Iterable[int]) -> dict[int, list[tuple[date, date | None, Decimal]]]:
    """Person resources' standard rates by user, loaded at once (see cost_rate_for_user)."""
    from keel.apps.resources.models import CostRate, ResourceKind

    first_resource: dict[int, int] = {}
    out: dict[int, list[tuple[date, date | None, Decimal]]] = {}
    rows = (
        CostRate.objects.filter(
            resource__user_id__in=list(user_ids), resource__kind=ResourceKind.PERSON
        )
        .order_by("resource_id", "effective_from")
        .values_list(
            "resource__user_id", "resource_id", "effective_from", "effective_to", "standard"
        )
    )
    for user_id, resource_id, start, end, standard in rows:
        # cost_rate_for_user uses the first person resource of the user.
        if first_resource.setdefault(user_id, resource_id) != resource_id:
            continue
        out.setdefault(user_id, []).append((start, end, standard))
    return out


class RateBook:
    """Hourly cost rates for one project's people: the resource rate when the resources app
    has one (keel.apps.resources: the standard rate of the person's resource), otherwise the
    member rate in effect on the day. Loaded once, looked up many times."""

    def __init__(self, project: Project) -> None:
        self._member: dict[int, tuple[list[date], list[Decimal]]] = {}
        for row in MemberRate.objects.filter(project=project).order_by("user_id", "valid_from"):
            days, rates = self._member.setdefault(row.user_id, ([], []))
            days.append(row.valid_from)
            rates.append(row.rate)
        self._resource = _resource_rate()
        self._bulk: dict[int, list[tuple[date, date | None, Decimal]]] | None = None
        if self._resource is not None:
            try:
                members = project.memberships.values_list("user_id", flat=True)
                self._bulk = _resource_rates(list(members))
            except (ImportError, AttributeError, LookupError):
                self._bulk = None
        self._cache: dict[tuple[int, date], Decimal] = {}
        self._users: dict[int, Any] = {}

    def _from_resources(self, user_id: int, day: date) -> Decimal | None:
        if self._bulk is not None:
            rates = self._bulk.get(user_id)
            if rates is None:
                return None
            at = bisect_right([r[0] for r in rates], day)
            if not at:
                return None
            _start, end, standard = rates[at - 1]
            return None if end is not None and end < day else standard
        if user_id not in self._users:
            from keel.apps.accounts.models import User

            self._users[user_id] = User.objects.filter(pk=user_id).first()
        person = self._users[user_id]
        try:
            found = self._resource(person, day) if person is not None else None
        except Exception:  # the other app's failure must not break costing
            found = None
        return None if found is None else Decimal(found)

    def rate(self, user: Any, day: date) -> Decimal:
        """The rate for ``user`` (a User or its id) on ``day``; zero when none is known."""
        user_id = user if isinstance(user, int) else user.pk
        key = (user_id, day)
        if key in self._cache:
            return self._cache[key]
        found = self._from_resources(user_id, day) if self._resource is not None else None
        if found is None:
            days, rates = self._member.get(user_id, ([], []))
            at = bisect_right(days, day)
            found = rates[at - 1] if at else None
        value = Decimal(found) if found is not None else _ZERO
        self._cache[key] = value
        return value


def member_rate_list(project: Project) -> QuerySet[MemberRate]:
    return MemberRate.objects.filter(project=project).select_related("user")


# --- time -------------------------------------------------------------------------------------


def timesheets_of(user: Any, week_start: date) -> QuerySet[Timesheet]:
    """``user``'s timesheets (one per project) for the week starting ``week_start``."""
    return (
        Timesheet.objects.filter(user=user, week_start=week_start)
        .select_related("project")
        .prefetch_related("entries__item__project")
    )


def timesheet_pending(projects: Iterable[Project]) -> QuerySet[Timesheet]:
    """Submitted timesheets awaiting a decision on ``projects``."""
    return (
        Timesheet.objects.filter(project__in=list(projects), status=TimesheetStatus.SUBMITTED)
        .select_related("project", "user")
        .prefetch_related("entries__item__project")
        .order_by("week_start", "user__username")
    )


def timesheets_missing(project: Project, week: date) -> list[Any]:
    """Members who log time on ``project`` and have not submitted for the week of ``week``."""
    loggers = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.TIME_LOG in perms]
    loggers = [r for r in loggers if r not in {Role.PMO_ADMIN, Role.PROJECT_MANAGER}]
    done = set(
        Timesheet.objects.filter(
            project=project,
            week_start=week,
            status__in=[TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED],
        ).values_list("user_id", flat=True)
    )
    members = project.memberships.filter(role__in=loggers).select_related("user")
    people = {m.user_id: m.user for m in members if m.user.is_active}
    return sorted((u for uid, u in people.items() if uid not in done), key=lambda u: u.username)


def timesheet_rows(project: Project) -> list[dict[str, Any]]:
    """Every time entry of the project, one row each (for exports)."""
    entries = (
        TimeEntry.objects.filter(timesheet__project=project)
        .select_related("timesheet__user", "item")
        .order_by("timesheet__week_start", "timesheet__user__username", "day", "pk")
    )
    return [
        {
            "person": e.timesheet.user.username,
            "week_start": e.timesheet.week_start,
            "status": e.timesheet.status,
            "item": f"{project.key}-{e.item.number}",
            "title": e.item.title,
            "day": e.day,
            "hours": e.hours,
            "note": e.note,
        }
        for e in entries
    ]


def work_rollup(project: Project) -> dict[int, tuple[Decimal, Decimal]]:
    """Item id -> (actual hours, remaining hours), summaries summing their children.

    Actual work counts every logged hour (draft to approved, not rejected); remaining work of
    a leaf is its estimate less its actual work, never below zero.
    """
    rows = list(
        WorkItem.objects.filter(project=project).values_list("pk", "parent_id", "estimate_hours")
    )
    actual: dict[int, Decimal] = defaultdict(Decimal)
    for item_id, hours in (
        TimeEntry.objects.filter(timesheet__project=project)
        .exclude(timesheet__status=TimesheetStatus.REJECTED)
        .values_list("item_id", "hours")
    ):
        actual[item_id] += hours
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent, _estimate in rows:
        children[parent].append(pk)
    estimate = {pk: est for pk, _p, est in rows}
    out: dict[int, tuple[Decimal, Decimal]] = {}

    def walk(pk: int) -> tuple[Decimal, Decimal]:
        kids = children.get(pk, [])
        if not kids:
            done = actual.get(pk, _ZERO)
            left = max((estimate[pk] or _ZERO) - done, _ZERO)
            out[pk] = (done, left)
            return out[pk]
        done, left = actual.get(pk, _ZERO), _ZERO
        for kid in kids:
            d, r = walk(kid)
            done, left = done + d, left + r
        out[pk] = (done, left)
        return out[pk]

    for root in children.get(None, []):
        walk(root)
    return out


def work_totals(project: Project) -> tuple[Decimal, Decimal]:
    """The project's actual and remaining work in hours, as :func:`work_rollup` adds them up
    to the top: every logged hour except rejected ones, and each leaf's estimate less its
    actual work (never below zero). Two aggregate queries, whatever the project's size."""
    return _work_sums(project, None)


def work_of_item(item: WorkItem) -> tuple[Decimal, Decimal]:
    """One item's actual and remaining work, its descendants included (as
    :func:`work_rollup` gives it), without reading the rest of the project: one query per
    level below the item, then two aggregates."""
    ids, level = [item.pk], [item.pk]
    while level:
        level = list(WorkItem.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return _work_sums(item.project, ids)


def _work_sums(project: Project, ids: list[int] | None) -> tuple[Decimal, Decimal]:
    logged = TimeEntry.objects.filter(timesheet__project=project).exclude(
        timesheet__status=TimesheetStatus.REJECTED
    )
    items = WorkItem.objects.filter(project=project)
    if ids is not None:
        logged = logged.filter(item_id__in=ids)
        items = items.filter(pk__in=ids)
    actual = logged.aggregate(s=Sum("hours"))["s"] or _ZERO
    hours = DecimalField(max_digits=12, decimal_places=2)
    done = (
        logged.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(s=Sum("hours"))
        .values("s")
    )
    leaves = items.filter(children__isnull=True).annotate(
        done=Coalesce(Subquery(done, output_field=hours), Value(_ZERO), output_field=hours)
    )
    left = leaves.aggregate(
        s=Sum(
            Greatest(
                Coalesce("estimate_hours", Value(_ZERO), output_field=hours) - F("done"),
                Value(_ZERO),
                output_field=hours,
            )
        )
    )["s"]
    cents = Decimal("0.01")
    return Decimal(actual).quantize(cents), Decimal(left or _ZERO).quantize(cents)


# --- budget and actual cost -------------------------------------------------------------------


def budget_get(project: Project) -> Budget | None:
    return Budget.objects.filter(project=project).first()


def budget_changes(project: Project) -> QuerySet[BudgetChange]:
    return BudgetChange.objects.filter(budget__project=project).select_related("actor")


def expense_list(project: Project) -> QuerySet[Expense]:
    return Expense.objects.filter(project=project).select_related("item", "submitted_by")


def material_use_list(project: Project) -> QuerySet[MaterialUse]:
    return MaterialUse.objects.filter(project=project).select_related("item", "resource")


def exchange_rate_list(project: Project) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.filter(project=project)


@dataclass(frozen=True)
class ActualCosts:
    """Actual cost to a status date: per item (dated, for the S-curve), unassigned, per
    category."""

    by_item: dict[int, list[tuple[date, Decimal]]]
    unassigned: list[tuple[date, Decimal]]
    by_category: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_category.values(), _ZERO)


def actual_costs(project: Project, status_date: date | None = None) -> ActualCosts:
    """Approved timesheet hours x rate (labour), plus material use (units x cost per unit),
    plus approved expenses (their category, in the project currency), to ``status_date``."""
    rates = RateBook(project)
    by_item: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    unassigned: list[tuple[date, Decimal]] = []
    by_category: dict[str, Decimal] = dict.fromkeys(CostCategory.values, _ZERO)
    entries = TimeEntry.objects.filter(
        timesheet__project=project, timesheet__status=TimesheetStatus.APPROVED
    )
    expenses = Expense.objects.filter(project=project, status=ExpenseStatus.APPROVED)
    materials = MaterialUse.objects.filter(project=project)
    if status_date is not None:
        entries = entries.filter(day__lte=status_date)
        expenses = expenses.filter(day__lte=status_date)
        materials = materials.filter(day__lte=status_date)
    for item_id, user_id, day, hours in entries.values_list(
        "item_id", "timesheet__user_id", "day", "hours"
    ):
        cost = money(hours * rates.rate(user_id, day))
        by_item[item_id].append((day, cost))
        by_category[CostCategory.LABOUR] += cost
    for item_id, category, day, amount in expenses.values_list(
        "item_id", "category", "day", "amount_project"
    ):
        (by_item[item_id] if item_id else unassigned).append((day, amount))
        by_category[category] += amount
    for item_id, day, amount in materials.values_list("item_id", "day", "cost"):
        by_item[item_id].append((day, amount))
        by_category[CostCategory.MATERIAL] += amount
    return ActualCosts(dict(by_item), unassigned, by_category)


@dataclass(frozen=True)
class BudgetRow:
    category: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.actual


def budget_vs_actual(
    project: Project, status_date: date | None = None, costs: ActualCosts | None = None
) -> list[BudgetRow]:
    """Budget and actual cost per cost category, and a total row (category "").

    ``costs`` reuses actual costs already computed for the same status date."""
    budget: dict[str, Decimal] = dict.fromkeys(CostCategory.values, _ZERO)
    found = budget_get(project)
    if found is not None:
        for category, amount in found.lines.values_list("category", "amount"):
            budget[category] += amount
    actual = (costs or actual_costs(project, status_date)).by_category
    rows = [
        BudgetRow(c.value, str(c.label), budget[c.value], actual[c.value]) for c in CostCategory
    ]
    rows.append(
        BudgetRow(
            "",
            "",
            sum((r.budget for r in rows), _ZERO),
            sum((r.actual for r in rows), _ZERO),
        )
    )
    return rows


def baseline_price(project: Project) -> dict[int, Decimal]:
    """The budgeted cost of each work item, for baselines (registered in BASELINE_PRICERS).

    Budget lines on a WBS element are spread over its leaf items in proportion to their
    estimated hours (evenly when none has an estimate). Labour of a leaf that no labour line
    covers is priced as estimated hours x its assignee's rate on its planned start.
    """
    rows = list(
        WorkItem.objects.filter(project=project).values_list(
            "pk", "parent_id", "estimate_hours", "assignee_id", "early_start", "planned_start"
        )
    )
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent, *_rest in rows:
        children[parent].append(pk)
    info = {pk: (est or _ZERO, who, _day(es) or ps) for pk, _p, est, who, es, ps in rows}

    def leaves(pk: int) -> list[int]:
        kids = children.get(pk)
        if not kids:
            return [pk]
        out: list[int] = []
        for kid in kids:
            out.extend(leaves(kid))
        return out

    cost: dict[int, Decimal] = defaultdict(Decimal)
    covered: set[int] = set()
    budget = budget_get(project)
    if budget is not None:
        for item_id, category, amount in budget.lines.filter(item__isnull=False).values_list(
            "item_id", "category", "amount"
        ):
            targets = leaves(item_id)
            if category == CostCategory.LABOUR:
                covered.update(targets)
            weights = [info[t][0] for t in targets]
            total = sum(weights, _ZERO)
            for target, weight in zip(targets, weights, strict=True):
                share = weight / total if total else Decimal(1) / len(targets)
                cost[target] += amount * share
    rates = RateBook(project)
    today = date.today()  # noqa: DTZ011  # a rate for items not yet planned
    for pk, (estimate, who, start) in info.items():
        if pk in covered or children.get(pk) or not estimate or who is None:
            continue
        cost[pk] += estimate * rates.rate(who, start or today)
    return {pk: value.quantize(Decimal("0.01")) for pk, value in cost.items()}


# --- earned value -----------------------------------------------------------------------------


def evm_items(
    project: Project,
    status_date: date,
    *,
    prefix: str = "",
    costs: ActualCosts | None = None,
) -> list[EvmItem]:
    """The project's items as EVM input: budget and dates from the current baseline (the
    live plan and :func:`baseline_price` without one), progress from the items, actual cost
    from approved time and expenses. The project itself is the root (its key)."""
    root = prefix + project.key
    plan: dict[int, tuple[Decimal, date | None, date | None]] = {}
    baseline = project.baselines.filter(is_current=True).first()
    rows = WorkItem.objects.filter(project=project).order_by("outline_sort", "number")
    fields = ("pk", "number", "title", "parent_id", "progress")
    items: list[tuple[Any, ...]]
    if baseline is not None:
        # The live dates are not needed: skip reading (and converting) them.
        items = list(rows.values_list(*fields))
        for item_id, cost, start, finish in BaselineItem.objects.filter(
            baseline=baseline, item__isnull=False
        ).values_list("item_id", "cost", "start", "finish"):
            plan[item_id] = (cost or _ZERO, _day(start), _day(finish))
    else:
        live = list(rows.values_list(*fields, "early_start", "early_finish"))
        prices = baseline_price(project)
        for pk, *_rest, start, finish in live:
            plan[pk] = (prices.get(pk, _ZERO), _day(start), _day(finish))
        items = [row[:5] for row in live]
    costs = costs or actual_costs(project, status_date)
    out = [
        EvmItem(
            key=root,
            title=project.name,
            actual_cost=sum((c for _d, c in costs.unassigned), _ZERO),
            actuals=tuple(costs.unassigned),
        )
    ]
    keys = {pk: f"{prefix}{project.key}-{number}" for pk, number, *_r in items}
    for pk, _number, title, parent, progress in items:
        budget, start, finish = plan.get(pk, (_ZERO, None, None))
        dated = costs.by_item.get(pk, [])
        out.append(
            EvmItem(
                key=keys[pk],
                parent=keys.get(parent, root) if parent else root,
                title=title,
                budget=budget,
                start=start,
                finish=finish,
                percent_complete=Decimal(min(max(progress, 0), 100)),
                actual_cost=sum((c for _d, c in dated), _ZERO),
                actuals=tuple(dated),
            )
        )
    return out


def evm_for_project(
    project: Project,
    status_date: date,
    costs: ActualCosts | None = None,
    *,
    node: str | None = None,
) -> EvmResult:
    """Earned value of the project at ``status_date``: every WBS node and the S-curve.

    With ``node`` (a work item's key) only that item's subtree is analysed, so the totals and
    the weekly series are that WBS element's or item's own; ValidationError if it is not in
    the project."""
    items = evm_items(project, status_date, costs=costs)
    if node is not None:
        items = _subtree(items, node.strip().upper())
        if not items:
            raise ValidationError(
                f"{project.key} has no work item {node}.", details={"field": "node"}
            )
    return evm_analyse(items, status_date)


def _subtree(items: list[EvmItem], key: str) -> list[EvmItem]:
    """``key`` and its descendants, ``key`` made a root; empty when ``key`` is absent."""
    children: dict[str | None, list[EvmItem]] = defaultdict(list)
    for item in items:
        children[item.parent].append(item)
    top = next((item for item in items if item.key == key), None)
    if top is None:
        return []
    out = [replace(top, parent=None)]
    stack = [top.key]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child.key)
    return out


def evm_for_projects(
    projects: Sequence[Project],
    status_date: date,
    *,
    group_of: Any = None,
    costs: dict[int, ActualCosts] | None = None,
) -> EvmResult:
    """Earned value over several projects (a program or a portfolio): one root "ALL", an
    optional level of groups (``group_of(project) -> (key, title) | None``, e.g. programs),
    then each project's tree. ``costs`` reuses actual costs already computed per project id."""
    items = [EvmItem("ALL", title="All")]
    groups: set[str] = set()
    for project in projects:
        group = group_of(project) if group_of else None
        parent = "ALL"
        if group is not None:
            parent = f"G:{group[0]}"
            if parent not in groups:
                groups.add(parent)
                items.append(EvmItem(parent, parent="ALL", title=str(group[1])))
        known = costs.get(project.pk) if costs else None
        tree = evm_items(project, status_date, prefix="", costs=known)
        root = tree[0]
        items.append(
            EvmItem(
                root.key,
                parent=parent,
                title=root.title,
                actual_cost=root.actual_cost,
                actuals=root.actuals,
            )
        )
        items.extend(tree[1:])
    return evm_analyse(items, status_date)


@dataclass(frozen=True)
class PortfolioLine:
    """One row of the portfolio EVM table: a program ("G:<id>") or a project (its key)."""

    key: str
    title: str
    kind: str  # "program" or "project"
    program: str | None
    currency: str | None
    figures: EvmFigures | None
    project: Project | None = None


@dataclass(frozen=True)
class PortfolioEvm:
    """Earned value of a set of projects: per program, per project and in total.

    Figures that would add up amounts in different currencies are None (``currency`` None):
    the total when the projects' currencies differ, a program when its projects' do."""

    status_date: date
    currency: str | None
    total: EvmFigures | None
    lines: list[PortfolioLine]
    by_category: list[BudgetRow] | None
    result: EvmResult

    @property
    def mixed(self) -> bool:
        return self.currency is None and bool(self.lines)


def _currency_of(project: Project) -> str:
    budget = getattr(project, "budget", None)
    return budget.currency if budget is not None else ""


def portfolio_evm(projects: Sequence[Project], status_date: date) -> PortfolioEvm:
    """Earned value over ``projects`` (already filtered to those whose budget the viewer
    may see), grouped by program, with budget against actual cost by category summed over
    them. Projects without a budget count in no currency."""
    costs = {p.pk: actual_costs(p, status_date) for p in projects}

    def program_of(project: Project) -> tuple[int, str] | None:
        program = project.program
        return None if program is None else (program.pk, program.name)

    result = evm_for_projects(projects, status_date, group_of=program_of, costs=costs)
    by_key = {n.key: n for n in result.nodes}
    currencies = {_currency_of(p) for p in projects} - {""}
    single = next(iter(currencies)) if len(currencies) == 1 else None
    program_currencies: dict[int, set[str]] = defaultdict(set)
    for project in projects:
        if project.program_id is not None:
            program_currencies[project.program_id].add(_currency_of(project))
    lines: list[PortfolioLine] = []
    seen: set[int] = set()
    ordered = sorted(
        projects, key=lambda p: (p.program is None, p.program.name if p.program else "", p.key)
    )
    for project in ordered:
        program = project.program
        if program is not None and program.pk not in seen:
            seen.add(program.pk)
            found = program_currencies[program.pk] - {""}
            currency = next(iter(found)) if len(found) == 1 else None
            node = by_key[f"G:{program.pk}"]
            lines.append(
                PortfolioLine(
                    key=f"G:{program.pk}",
                    title=program.name,
                    kind="program",
                    program=None,
                    currency=currency,
                    figures=node.figures if currency is not None else None,
                )
            )
        lines.append(
            PortfolioLine(
                key=project.key,
                title=project.name,
                kind="project",
                program=program.name if program else None,
                currency=_currency_of(project),
                figures=by_key[project.key].figures,
                project=project,
            )
        )
    by_category: list[BudgetRow] | None = None
    if single is not None or not currencies:
        sums: dict[str, tuple[Decimal, Decimal]] = {}
        for project in projects:
            for row in budget_vs_actual(project, status_date, costs[project.pk]):
                b, a = sums.get(row.category, (_ZERO, _ZERO))
                sums[row.category] = (b + row.budget, a + row.actual)
        by_category = [
            BudgetRow(c.value, str(c.label), *sums.get(c.value, (_ZERO, _ZERO)))
            for c in CostCategory
        ]
        by_category.append(BudgetRow("", "", *sums.get("", (_ZERO, _ZERO))))
    return PortfolioEvm(
        status_date=status_date,
        currency=single,
        total=result.total if single is not None or not currencies else None,
        lines=lines,
        by_category=by_category,
        result=result,
    )


def evm_table(project: Project, status_date: date) -> list[dict[str, Any]]:
    """One row per WBS node (the project first) with every EVM figure, for tables and
    exports. Keys: key, title, depth, is_leaf, start, finish, and each EvmFigures field."""
    result = evm_for_project(project, status_date)
    rows = []
    for node in result.nodes:
        row: dict[str, Any] = {
            "key": node.key,
            "title": node.title,
            "depth": node.depth,
            "is_leaf": node.is_leaf,
            "start": node.start,
            "finish": node.finish,
        }
        row.update(vars(node.figures))
        row["eac"] = node.figures.eac
        rows.append(row)
    return rows


def budget_projects(user: Any, portfolio: Any = None) -> list[Project]:
    """The projects (of ``portfolio``, or all) whose budget ``user`` may see, by key."""
    # One query whatever the number of projects (not a permission check per project).
    projects = Project.objects.filter(permitted_projects_q(user, Permission.BUDGET_VIEW)).distinct()
    if portfolio is not None:
        projects = projects.filter(portfolio=portfolio)
    return list(projects.select_related("budget", "portfolio", "program").order_by("key"))


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
