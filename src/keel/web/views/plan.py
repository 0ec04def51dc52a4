"""The Plan tab: the WBS as a tree table with inline edits, adding, indenting and moving."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.models import Project
from keel.apps.projects.selectors import membership_list
from keel.apps.work import selectors, services
from keel.apps.work.models import WorkItem
from keel.domain.errors import ValidationError
from keel.web.views._common import Outcome, attempt

__all__ = ["plan", "plan_add", "plan_move", "plan_row", "plan_row_edit", "plan_structure"]


def _rows(project: Project, statuses: list[Any] | None = None) -> list[WorkItem]:
    """The WBS in outline order, each item told its depth, whether it has children, and its
    status and assignee (``plan_status``, ``plan_person``)."""
    # Only the row's own columns, and statuses and people looked up once each: whole rows with
    # joined objects and the labels prefetch cost more than the rest of a 2,000-row page.
    items = list(
        selectors.work_item_list(project)
        .prefetch_related(None)
        .select_related(None)
        .only(
            "id", "number", "title", "type", "outline_code", "parent_id", "version",
            "is_critical", "early_start", "early_finish", "duration_days", "estimate_hours",
            "progress", "status_id", "assignee_id",
        )
    )  # fmt: skip
    by_id = {s.pk: s for s in (statuses or selectors.workflow_statuses(project))}
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in={i.assignee_id for i in items if i.assignee_id}).only(
            "id", "username", "display_name", "first_name", "last_name"
        )
    }
    parents = {i.parent_id for i in items if i.parent_id}
    for item in items:
        item.project = project
        item.depth = item.outline_code.count(".")
        item.is_summary = item.pk in parents
        item.plan_status = by_id.get(item.status_id)
        item.plan_person = people.get(item.assignee_id) if item.assignee_id else None
    return items


def _context(request: HttpRequest, project: Project) -> dict[str, Any]:
    perms = project_permissions(request.user, project)
    return {
        "project": project,
        "tab": "plan",
        "can_edit": Permission.ITEM_EDIT in perms,
        "can_create": Permission.ITEM_CREATE in perms,
        "can_transition": Permission.ITEM_TRANSITION in perms,
        "statuses": list(selectors.workflow_statuses(project)),
        "members": [m.user for m in membership_list(project)],
    }


def _item(request: HttpRequest, key: str, item_key: str, need: Permission) -> WorkItem:
    project = access_project(request.user, key, need)
    item = selectors.work_item_get(project, item_key)
    item.depth = item.outline_code.count(".")
    item.is_summary = item.children.exists()
    return item


def _rows_response(request: HttpRequest, project: Project, error: str = "") -> HttpResponse:
    context = _context(request, project)
    context |= {"items": _rows(project, context["statuses"]), "error": error}
    return render(request, "keel/plan/_rows.html", context)


@login_required
def plan(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.ITEM_VIEW)
    if request.htmx and not request.htmx.history_restore_request:
        return _rows_response(request, project)
    context = _context(request, project)
    context["items"] = _rows(project, context["statuses"])
    return render(request, "keel/plan/page.html", context)


def _number(value: str, what: str) -> str | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        float(text)
    except ValueError:
        raise ValidationError(_("%(what)s must be a number.") % {"what": what}) from None
    return text


def _date(value: str, what: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("%(what)s must be a date like 2026-03-31.") % {"what": what}
        ) from None


@login_required
@require_POST
def plan_add(request: HttpRequest, key: str) -> HttpResponse:
    """Add a task: top-level, as the last child of ``parent``, or just below ``sibling``."""
    project = access_project(request.user, key, Permission.ITEM_CREATE)
    data = request.POST

    def create() -> WorkItem:
        fields: dict[str, Any] = {}
        duration = _number(data.get("duration_days", ""), _("Duration"))
        if duration is not None:
            fields["duration_days"] = duration
        parent, position = None, None
        if data.get("parent"):
            parent = selectors.work_item_get(project, data["parent"])
        elif data.get("sibling"):
            sibling = selectors.work_item_get(project, data["sibling"])
            parent, position = sibling.parent, sibling.position + 1
        title = data.get("title", "").strip() or (_("New task") if parent or position else "")
        return services.work_item_create(
            actor=request.user,  # type: ignore[arg-type]
            project=project,
            title=title,
            parent=parent,
            position=position,
            **fields,
        )

    try:
        outcome = attempt(create)
    except Http404:
        outcome = Outcome(error=_("No such work item."))
    if not request.htmx:
        return redirect("keel-web:project-plan", project.key)
    return _rows_response(request, project, outcome.error)


@login_required
@require_http_methods(["GET", "POST"])
def plan_row(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """GET: the row as shown (Esc cancels an edit). POST: save the row's inline edit."""
    if request.method == "GET":
        item = _item(request, key, item_key, Permission.ITEM_VIEW)
        return render(
            request, "keel/plan/_row.html", _context(request, item.project) | {"item": item}
        )
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    project = item.project
    data = request.POST

    def save() -> WorkItem:
        version = int(data.get("version") or 0)
        with transaction.atomic():
            changed = services.work_item_update(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                version=version,
                title=data.get("title", item.title),
                planned_start=_date(data.get("planned_start", ""), _("Planned start")),
                planned_finish=_date(data.get("planned_finish", ""), _("Planned finish")),
                estimate_hours=_number(data.get("estimate_hours", ""), _("Estimate")),
                assignee=data.get("assignee") or None,
            )
            status = data.get("status")
            if status and int(status) != changed.status_id:
                changed = services.work_item_transition(
                    actor=request.user,  # type: ignore[arg-type]
                    item=changed,
                    to_status=int(status),
                    version=changed.version,
                )
            return changed

    outcome = attempt(save)
    if not outcome.ok:
        context = _context(request, project) | {"item": item, "error": outcome.error}
        context["stale"] = outcome.stale
        return render(request, "keel/plan/_row_edit.html", context)
    fresh = _item(request, key, item_key, Permission.ITEM_VIEW)
    return render(request, "keel/plan/_row.html", _context(request, project) | {"item": fresh})


@login_required
def plan_row_edit(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """The row as a form (Enter or the pencil opens it)."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    return render(
        request, "keel/plan/_row_edit.html", _context(request, item.project) | {"item": item}
    )


@login_required
@require_POST
def plan_structure(request: HttpRequest, key: str, item_key: str, action: str) -> HttpResponse:
    """Indent or outdent a row (Tab / Shift+Tab); answers with all rows, codes renumbered."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    service = {"indent": services.work_item_indent, "outdent": services.work_item_outdent}.get(
        action
    )
    if service is None:
        raise Http404("No such action.")
    outcome = attempt(lambda: service(actor=request.user, item=item))  # type: ignore[arg-type]
    if not request.htmx:
        return redirect("keel-web:project-plan", item.project.key)
    return _rows_response(request, item.project, outcome.error)


def _siblings(item: WorkItem, parent_id: int | None) -> list[int]:
    return list(
        WorkItem.objects.filter(project_id=item.project_id, parent_id=parent_id)
        .exclude(pk=item.pk)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )


@login_required
@require_POST
def plan_move(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """Drag and drop: put the row just before the row ``before`` (same parent as that row),
    or, with ``into``, as the last child of that row."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    project = item.project
    data = request.POST
    try:
        if data.get("into"):
            parent: WorkItem | None = selectors.work_item_get(project, data["into"])
            position = None
        else:
            target = selectors.work_item_get(project, data.get("before", ""))
            parent = target.parent
            position = _siblings(item, target.parent_id).index(target.pk) + 1
    except (Http404, ValueError):
        return _rows_response(request, project, _("No such work item."))
    version = data.get("version")
    outcome = attempt(
        lambda: services.work_item_move(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            parent=parent,
            position=position,
            version=int(version) if version else None,
        )
    )
    return _rows_response(request, project, outcome.error)
