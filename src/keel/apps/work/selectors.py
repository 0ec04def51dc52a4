"""Reads for work items, dependencies, comments and history (no N+1: related rows joined)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from keel.apps.projects.models import Project
from keel.apps.work.models import (
    Baseline,
    Comment,
    Dependency,
    ItemChange,
    Label,
    Mention,
    WorkflowStatus,
    WorkflowTransition,
    WorkItem,
)

__all__ = [
    "baseline_current",
    "baseline_get",
    "baseline_list",
    "calendar_holidays",
    "comment_list",
    "dependency_list",
    "item_history",
    "label_list",
    "project_calendar_get",
    "project_history",
    "work_item_get",
    "work_item_list",
    "workflow_statuses",
    "workflow_transitions",
]

_ANY: Any = ...


def _items() -> QuerySet[WorkItem]:
    return WorkItem.objects.select_related(
        "project", "status", "assignee", "reporter", "parent__project"
    ).prefetch_related(Prefetch("labels", queryset=Label.objects.order_by("name")))


def work_item_list(
    project: Project,
    *,
    status: Any = None,
    assignee: Any = None,
    type: Any = None,
    label: str | None = None,
    text: str | None = None,
    parent: Any = _ANY,
    category: str | None = None,
    priority: str | None = None,
    critical: bool | None = None,
) -> QuerySet[WorkItem]:
    """The project's work items in WBS order, with status, people, parent and labels joined.

    Parameters
    ----------
    status
        A WorkflowStatus, its id or its key.
    assignee
        A user or user id; the string ``"none"`` lists unassigned items.
    parent
        Leave out for every level; ``None`` for top-level items; an item or id for its children.
    text
        Matches the title, the description or the number.
    """
    qs = _items().filter(project=project)
    if status is not None:
        if isinstance(status, (WorkflowStatus, int)):
            qs = qs.filter(status=status)
        elif str(status).isdigit():
            qs = qs.filter(status_id=int(status))
        else:
            qs = qs.filter(status__key=status)
    if category:
        qs = qs.filter(status__category=category)
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee is not None:
        qs = qs.filter(assignee=assignee)
    if type:
        qs = qs.filter(type=type)
    if priority:
        qs = qs.filter(priority=priority)
    if label:
        qs = qs.filter(labels__name=label)
    if critical is not None:
        qs = qs.filter(is_critical=critical)
    if text:
        cond = Q(title__icontains=text) | Q(description__icontains=text)
        number = text.rsplit("-", 1)[-1]
        if number.isdigit():
            cond |= Q(number=int(number))
        qs = qs.filter(cond)
    if parent is not _ANY:
        qs = qs.filter(parent=parent)
    return qs.order_by("outline_sort", "id")


def work_item_get(project: Project, key_or_number: str | int) -> WorkItem:
    """One item by number (``42``) or key (``ERP-42``); Http404 when it is not in the project."""
    text = str(key_or_number).strip()
    if "-" in text:
        prefix, _, text = text.rpartition("-")
        if prefix.upper() != project.key:
            raise Http404("No such work item.")
    if not text.isdigit():
        raise Http404("No such work item.")
    item = _items().filter(project=project, number=int(text)).first()
    if item is None:
        raise Http404("No such work item.")
    return item


def dependency_list(project: Project) -> QuerySet[Dependency]:
    """The project's dependencies with both items (and their project) joined."""
    return (
        Dependency.objects.filter(project=project)
        .select_related("predecessor__project", "successor__project")
        .order_by("id")
    )


def comment_list(item: WorkItem) -> QuerySet[Comment]:
    """An item's comments, oldest first, with author and mentioned users."""
    return (
        Comment.objects.filter(item=item)
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=Mention.objects.select_related("user")))
        .order_by("created_at", "id")
    )


def item_history(item: WorkItem) -> QuerySet[ItemChange]:
    """Every recorded change to one item, oldest first."""
    return ItemChange.objects.filter(item=item).select_related("actor").order_by("at", "id")


def project_history(project: Project) -> QuerySet[ItemChange]:
    """Every recorded change in a project (deleted items included), newest first."""
    return ItemChange.objects.filter(project=project).select_related("actor").order_by("-at", "-id")


def label_list(project: Project) -> QuerySet[Label]:
    """The project's labels by name."""
    return Label.objects.filter(project=project).order_by("name")


def workflow_statuses(project: Project) -> QuerySet[WorkflowStatus]:
    """The project's statuses in board order."""
    return WorkflowStatus.objects.filter(workflow__project=project).order_by("position", "id")


def workflow_transitions(project: Project) -> QuerySet[WorkflowTransition]:
    """The project's allowed moves with both statuses joined."""
    return WorkflowTransition.objects.filter(workflow__project=project).select_related(
        "from_status", "to_status"
    )


def baseline_list(project: Project) -> QuerySet[Baseline]:
    """The project's baselines, oldest first."""
    return project.baselines.select_related("created_by").order_by("number")


def baseline_current(project: Project) -> Baseline | None:
    """The baseline variances and earned value are measured against, if any."""
    return project.baselines.filter(is_current=True).first()


def baseline_get(project: Project, number: int) -> Baseline:
    """Baseline ``number`` of the project; Http404 when there is none."""
    baseline = project.baselines.filter(number=number).first()
    if baseline is None:
        raise Http404(f"{project.key} has no baseline {number}.")
    return baseline


def project_calendar_get(project: Project) -> Any:
    """The project's ``ProjectCalendar`` with its exceptions (None: the standard calendar)."""
    from keel.apps.work.models import ProjectCalendar

    return ProjectCalendar.objects.filter(project=project).prefetch_related("exceptions").first()


def calendar_holidays(country: str, years: Any, language: str = "") -> list[tuple[Any, str, bool]]:
    """A country's public holidays in ``years`` as (date, name, working) by date; ``working``
    marks a weekend day that is worked instead (China's 调休). Names are in ``language``
    (a Django language code) where the ``holidays`` package has them, else in English."""
    import holidays

    if not country:
        return []
    supported = holidays.country_holidays(country).supported_languages
    wanted_language = "zh_CN" if language.lower().startswith("zh") else "en_US"
    table = holidays.country_holidays(
        country,
        years=list(years),
        language=wanted_language if wanted_language in supported else None,
    )
    wanted = set(years)
    days: list[tuple[Any, str, bool]] = [(day, name, False) for day, name in table.items()]
    days += [
        (day, "", True) for day in getattr(table, "weekend_workdays", ()) if day.year in wanted
    ]
    return sorted(days, key=lambda row: row[0])
