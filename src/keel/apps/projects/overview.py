"""Reads behind the portfolio page and a project's Overview tab.

Each function answers one page in a fixed number of queries, however many projects or items
there are, so the pages stay fast as a PMO's portfolio grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keel.apps.projects.models import Health, Methodology, Portfolio, Project, ProjectStatus
from keel.apps.projects.selectors import portfolio_list_for_user, project_list_for_user
from keel.apps.work.models import ItemChange, ItemType, WorkItem

__all__ = [
    "PORTFOLIO_SORTS",
    "PortfolioPage",
    "PortfolioQuery",
    "ProjectOverview",
    "change_field_label",
    "parse_portfolio_query",
    "portfolio_page_get",
    "portfolio_project_list",
    "progress_by_project",
    "project_overview_get",
]

RECENT_CHANGES = 15

# History names that are not (translatable) WorkItem fields of their own.
_CHANGE_FIELD_LABELS = {
    "status": gettext_lazy("status"),
    "parent": gettext_lazy("parent"),
    "assignee": gettext_lazy("assignee"),
    "reporter": gettext_lazy("reporter"),
    "labels": gettext_lazy("labels"),
    "position": gettext_lazy("position"),
    "comment": gettext_lazy("comment"),
    "predecessors": gettext_lazy("predecessors"),
    "successors": gettext_lazy("successors"),
}

# Worst health first: a PMO scans for trouble.
_HEALTH_RANK = Case(
    When(health=Health.RED, then=Value(0)),
    When(health=Health.AMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

# Sort name -> (field, tie-breaker); undated projects go last either way.
PORTFOLIO_SORTS: dict[str, str] = {
    "name": "name",
    "key": "key",
    "start": "start_date",
    "finish": "finish_date",
    "health": "health_rank",
}


@dataclass(frozen=True)
class PortfolioQuery:
    """The portfolio page's filters and sort, checked; ``errors`` says what was ignored."""

    status: str = ""
    health: str = ""
    methodology: str = ""
    portfolio: int | None = None
    text: str = ""
    sort: str = "key"
    descending: bool = False
    errors: tuple[str, ...] = ()

    def filters(self) -> dict[str, str]:
        """Keyword filters for :func:`project_list_for_user`."""
        return {
            "status": self.status,
            "health": self.health,
            "methodology": self.methodology,
            "portfolio": self.portfolio,
            "text": self.text,
        }


def parse_portfolio_query(params: Any) -> PortfolioQuery:
    """Read the filters and sort from a query string, dropping (and naming) unknown values.

    Parameters
    ----------
    params
        A ``QueryDict`` or any mapping with ``get``.
    """
    errors: list[str] = []
    choices = {
        "status": (ProjectStatus.values, _("status")),
        "health": (Health.values, _("health")),
        "methodology": (Methodology.values, _("methodology")),
    }
    picked: dict[str, str] = {}
    for name, (allowed, label) in choices.items():
        value = (params.get(name) or "").strip()
        if value and value not in allowed:
            errors.append(
                _("Unknown %(field)s “%(value)s”: showing every %(field)s.")
                % {"field": label, "value": value}
            )
            value = ""
        picked[name] = value
    raw_sort = (params.get("sort") or "key").strip()
    descending = raw_sort.startswith("-")
    sort = raw_sort.lstrip("-")
    if sort not in PORTFOLIO_SORTS:
        errors.append(_("Unknown sort “%(value)s”: sorted by key.") % {"value": raw_sort})
        sort, descending = "key", False
    raw_portfolio = (params.get("portfolio") or "").strip()
    portfolio = int(raw_portfolio) if raw_portfolio.isdigit() else None
    if raw_portfolio and portfolio is None:
        errors.append(
            _("Unknown portfolio “%(value)s”: showing every portfolio.") % {"value": raw_portfolio}
        )
    text = (params.get("q") or "").strip()[:100]
    return PortfolioQuery(
        portfolio=portfolio,
        text=text,
        sort=sort,
        descending=descending,
        errors=tuple(errors),
        **picked,
    )


def _leaf_items(project_ids: Any) -> QuerySet[WorkItem]:
    # Summary items roll their children up; counting them too would weigh work twice.
    has_children = WorkItem.objects.filter(parent=OuterRef("pk"))
    return WorkItem.objects.filter(project_id__in=project_ids).filter(~Exists(has_children))


def progress_by_project(project_ids: Any) -> dict[int, int]:
    """Share of done work per project in whole percent, from one aggregate query.

    Each leaf work item's progress is weighted by its ``duration_days``; a project whose items
    carry no durations falls back to the plain mean of their progress. Projects without work
    items are absent from the result.

    Parameters
    ----------
    project_ids
        Project ids, or a ``values("pk")`` queryset.
    """
    decimal = DecimalField(max_digits=20, decimal_places=4)
    rows = (
        _leaf_items(project_ids)
        .values("project_id")
        .annotate(
            done=Sum(
                F("progress") * Coalesce("duration_days", Value(Decimal(0))),
                output_field=decimal,
            ),
            weight=Sum(Coalesce("duration_days", Value(Decimal(0))), output_field=decimal),
            total=Sum("progress"),
            count=Count("pk"),
        )
        .order_by()
    )
    result: dict[int, int] = {}
    for row in rows:
        weight = Decimal(row["weight"] or 0)
        if weight > 0:
            share = Decimal(row["done"] or 0) / weight
        else:
            share = Decimal(row["total"] or 0) / max(row["count"], 1)
        result[row["project_id"]] = int(share.quantize(Decimal(1)))
    return result


@dataclass(frozen=True)
class PortfolioPage:
    """The portfolio page: the listed projects and the portfolios the user may pick from."""

    projects: list[Project]
    portfolios: list[Portfolio]


def portfolio_page_get(user: Any, query: PortfolioQuery) -> PortfolioPage:
    """Everything the portfolio page shows, in three queries whatever the number of projects.

    Parameters
    ----------
    user
        The signed-in user.
    query
        Filters and sort from :func:`parse_portfolio_query`.
    """
    return PortfolioPage(
        projects=portfolio_project_list(user, query),
        portfolios=list(portfolio_list_for_user(user).order_by("name")),
    )


def portfolio_project_list(user: Any, query: PortfolioQuery) -> list[Project]:
    """The projects ``user`` may see, filtered and sorted, each with ``progress`` (percent or
    ``None``) set; two queries whatever the number of projects.

    Parameters
    ----------
    user
        The signed-in user.
    query
        Filters and sort from :func:`parse_portfolio_query`.
    """
    qs = project_list_for_user(user, **query.filters()).annotate(health_rank=_HEALTH_RANK)
    field = F(PORTFOLIO_SORTS[query.sort])
    first = field.desc(nulls_last=True) if query.descending else field.asc(nulls_last=True)
    projects = list(qs.order_by(first, "key"))
    progress = progress_by_project([p.pk for p in projects]) if projects else {}
    for project in projects:
        project.progress = progress.get(project.pk)  # type: ignore[attr-defined]
    return projects


@dataclass(frozen=True)
class ProjectOverview:
    """What the Overview tab shows about one project."""

    project: Project
    progress: int | None
    milestones: list[WorkItem]
    recent_changes: list[ItemChange]
    item_count: int
    scheduled_start: datetime | None
    scheduled_finish: datetime | None

    @property
    def key_dates(self) -> list[tuple[str, date | datetime | None]]:
        """Label and value of each key date, in time order of meaning."""
        return [
            (_("Planned start"), self.project.start_date),
            (_("Planned finish"), self.project.finish_date),
            (_("Scheduled start"), self.scheduled_start),
            (_("Scheduled finish"), self.scheduled_finish),
        ]


def change_field_label(name: str) -> str:
    """The translated label of a field named in the audit history (the name if unknown).

    Parameters
    ----------
    name
        ``ItemChange.field``, e.g. ``"progress"`` or ``"successors"``.
    """
    if name in _CHANGE_FIELD_LABELS:
        return str(_CHANGE_FIELD_LABELS[name])
    try:
        return str(WorkItem._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return name


def project_overview_get(project: Project) -> ProjectOverview:
    """Gather the Overview tab of ``project`` (already access-checked) in four queries.

    Parameters
    ----------
    project
        A project the caller may view.
    """
    milestones = list(
        WorkItem.objects.filter(project=project, type=ItemType.MILESTONE)
        .select_related("status", "project")
        .order_by(
            F("early_finish").asc(nulls_last=True),
            F("planned_finish").asc(nulls_last=True),
            "outline_sort",
            "id",
        )
    )
    changes = list(
        ItemChange.objects.filter(project=project)
        .select_related("actor")
        .order_by("-at", "-id")[:RECENT_CHANGES]
    )
    span = WorkItem.objects.filter(project=project).aggregate(
        start=Min("early_start"),
        finish=Max("early_finish"),
        count=Count("pk"),
    )
    progress = progress_by_project([project.pk]).get(project.pk)
    for change in changes:
        change.field_label = change_field_label(change.field)  # type: ignore[attr-defined]
    return ProjectOverview(
        project=project,
        progress=progress,
        milestones=milestones,
        recent_changes=changes,
        item_count=span["count"],
        scheduled_start=span["start"],
        scheduled_finish=span["finish"],
    )
