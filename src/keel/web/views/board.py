"""The Board tab: a Kanban column per workflow status, swimlanes, and moves between columns.

A move calls ``work_item_transition``, the same service as the API's
``POST /items/{key}/transition``, so the workflow's rules, role-restricted transitions and WIP
limits hold here exactly as there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.work import selectors, services
from keel.apps.work.models import ItemType, WorkflowStatus, WorkItem
from keel.web.views._common import Outcome, attempt

__all__ = ["LANES", "board", "board_columns", "board_move"]

LANES = ("none", "assignee", "epic")


@dataclass
class Column:
    status: WorkflowStatus
    count: int = 0

    @property
    def over(self) -> bool:
        return self.status.wip_limit is not None and self.count > self.status.wip_limit

    @property
    def full(self) -> bool:
        return self.status.wip_limit is not None and self.count >= self.status.wip_limit


@dataclass
class Lane:
    key: str
    label: str
    cells: list[tuple[int, list[WorkItem]]] = field(default_factory=list)


def board_columns(project: Any) -> list[Column]:
    """The workflow's statuses in order, each with how many items it holds."""
    counts = dict(
        WorkItem.objects.filter(project=project)
        .values_list("status_id")
        .annotate(n=Count("id"))
        .values_list("status_id", "n")
    )
    return [
        Column(status, counts.get(status.pk, 0)) for status in selectors.workflow_statuses(project)
    ]


def _lanes(project: Any, columns: list[Column], by: str) -> list[Lane]:
    """The cards (items without children) sorted into lanes and columns."""
    # Only what a card and its lane show: loading whole rows costs more than the rest of a
    # 2,000-item board.
    everything = list(
        WorkItem.objects.filter(project=project)
        .select_related("assignee")
        .only(
            "id", "number", "title", "type", "parent_id", "status_id", "priority", "version",
            "is_critical", "outline_sort", "assignee__id", "assignee__username",
            "assignee__display_name", "assignee__first_name", "assignee__last_name",
        )
        .order_by("outline_sort", "id")
    )  # fmt: skip
    for item in everything:
        item.project = project  # for item.key, without a join per row
    parents = {i.parent_id for i in everything if i.parent_id is not None}
    by_id = {i.pk: i for i in everything}
    index = {c.status.pk: n for n, c in enumerate(columns)}
    lanes: dict[str, Lane] = {}
    order: list[str] = []

    def lane_of(item: WorkItem) -> tuple[str, str]:
        if by == "assignee":
            if item.assignee is None:
                return "", _("Unassigned")
            return str(item.assignee.pk), str(item.assignee)
        if by == "epic":
            up = by_id.get(item.parent_id) if item.parent_id else None
            while up is not None and up.type not in (ItemType.EPIC, ItemType.DELIVERABLE):
                up = by_id.get(up.parent_id) if up.parent_id else None
            if up is None:
                return "", _("No epic")
            return up.key, f"{up.key} {up.title}"
        return "all", ""

    for item in everything:
        if item.pk in parents:
            continue
        key, label = lane_of(item)
        lane = lanes.get(key)
        if lane is None:
            lane = lanes[key] = Lane(key, label, [(c.status.pk, []) for c in columns])
            order.append(key)
        lane.cells[index[item.status_id]][1].append(item)
    # Named lanes first (alphabetically for people, WBS order for epics), the catch-all last.
    named = [lanes[k] for k in order if k]
    if by == "assignee":
        named.sort(key=lambda lane: lane.label.lower())
    return named + ([lanes[""]] if "" in lanes else [])


@login_required
def board(request: HttpRequest, key: str) -> HttpResponse:
    """The board; ``?lanes=none|assignee|epic``. HTMX lane changes swap only the board."""
    project = access_project(request.user, key, Permission.ITEM_VIEW)
    perms = project_permissions(request.user, project)
    by = request.GET.get("lanes", "none")
    if by not in LANES:
        by = "none"
    columns = board_columns(project)
    context = {
        "project": project,
        "tab": "board",
        "columns": columns,
        "lanes": _lanes(project, columns, by),
        "lanes_by": by,
        "lane_choices": [
            ("none", _("No swimlanes")),
            ("assignee", _("Assignee")),
            ("epic", _("Epic")),
        ],
        "can_move": Permission.ITEM_TRANSITION in perms,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "keel/board/_board.html", context)
    return render(request, "keel/board/page.html", context)


@login_required
@require_POST
def board_move(request: HttpRequest, key: str) -> HttpResponse:
    """Move card ``item`` (a key) to status ``to_status`` (an id) through its workflow.

    Answers JSON (``ok``, ``error``, the columns' counts) to the board's script, and redirects
    back to the board with a message when the form is posted without it.
    """
    project = access_project(request.user, key, Permission.ITEM_TRANSITION)
    data = request.POST
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        item = selectors.work_item_get(project, data.get("item", ""))
    except Http404:
        item = None
    to_status = data.get("to_status", "")
    if item is None or not to_status.isdigit():
        outcome = Outcome(error=_("Choose a card and a column."))
    else:
        version = data.get("version", "")
        outcome = attempt(
            lambda: services.work_item_transition(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                to_status=int(to_status),
                version=int(version) if version.isdigit() else None,
            )
        )
    if wants_json:
        columns = board_columns(project)
        body: dict[str, Any] = {
            "ok": outcome.ok,
            "error": outcome.error,
            "columns": {
                str(c.status.pk): {
                    "count": c.count,
                    "limit": c.status.wip_limit,
                    "over": c.over,
                    "full": c.full,
                }
                for c in columns
            },
        }
        if outcome.ok:
            body["version"] = outcome.result.version
        return JsonResponse(body, status=200 if outcome.ok else 409)
    if outcome.ok:
        messages.success(
            request,
            _("%(key)s moved to %(status)s.")
            % {"key": outcome.result.key, "status": outcome.result.status.name},
        )
    else:
        messages.error(request, outcome.error)
    url = reverse("keel-web:project-board", args=[project.key])
    lanes = data.get("lanes", "")
    return redirect(f"{url}?lanes={lanes}" if lanes in LANES else url)
