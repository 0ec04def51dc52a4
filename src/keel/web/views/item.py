"""A work item's page: fields, Markdown description, comments, dependencies, children, history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.selectors import membership_list
from keel.apps.work import selectors, services
from keel.apps.work.models import Dependency, DependencyType, ItemType, Priority, WorkItem
from keel.domain.errors import ValidationError
from keel.web.views._common import Outcome, attempt
from keel.web.views._markdown import markdown_safe
from keel.web.views.plan import _date, _number

__all__ = ["item_comment", "item_dependency_add", "item_dependency_remove", "item_detail"]

_TEXT_FIELDS = ("title", "description", "type", "priority")
_NUMBER_FIELDS = ("estimate_hours", "story_points", "duration_days")
_DATE_FIELDS = ("planned_start", "planned_finish", "due_date")
_MOMENT_FIELDS = ("actual_start", "actual_finish")


def _moment(value: str, what: str) -> datetime | None:
    """A date and time from a ``datetime-local`` input (the site's time zone); empty: none."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("%(what)s must be a date and time like 2026-03-31 09:00.") % {"what": what}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def _same_minute(new: datetime | None, old: datetime | None) -> bool:
    """The form shows minutes only: an unchanged field must not overwrite stored seconds."""
    if new is None or old is None:
        return new is old
    return new == old.replace(second=0, microsecond=0)


def _get(request: HttpRequest, key: str, item_key: str, need: Permission) -> WorkItem:
    project = access_project(request.user, key, need)
    return selectors.work_item_get(project, item_key)


def _comments(item: WorkItem) -> list[Any]:
    url = reverse("keel-web:project-members", args=[item.project.key])
    comments = list(selectors.comment_list(item))
    for c in comments:
        c.html = markdown_safe(c.body, [m.user.username for m in c.mentions.all()], url)
    return comments


def _dependencies(item: WorkItem) -> dict[str, list[Dependency]]:
    both = Dependency.objects.select_related("predecessor__project", "successor__project")
    return {
        "predecessors": list(both.filter(successor=item).order_by("id")),
        "successors": list(both.filter(predecessor=item).order_by("id")),
    }


def _context(request: HttpRequest, item: WorkItem) -> dict[str, Any]:
    project = item.project
    perms = project_permissions(request.user, project)
    return {
        "project": project,
        "item": item,
        "tab": "plan",
        "perms": perms,
        "can_edit": Permission.ITEM_EDIT in perms,
        "can_transition": Permission.ITEM_TRANSITION in perms,
        "can_comment": Permission.COMMENT_CREATE in perms,
        "can_link": Permission.DEPENDENCY_EDIT in perms,
        "dependency_types": DependencyType.choices,
    }


def _page(request: HttpRequest, item: WorkItem, **extra: Any) -> HttpResponse:
    perms = project_permissions(request.user, item.project)
    context = _context(request, item) | {
        "description_html": markdown_safe(item.description),
        "comments": _comments(item),
        "children": list(selectors.work_item_list(item.project, parent=item)),
        "history": (
            list(selectors.item_history(item)) if Permission.HISTORY_VIEW in perms else None
        ),
        "statuses": list(selectors.workflow_statuses(item.project)),
        "members": [m.user for m in membership_list(item.project)],
        "types": ItemType.choices,
        "priorities": Priority.choices,
        **_dependencies(item),
        **extra,
    }
    return render(request, "keel/item/page.html", context)


@login_required
def item_detail(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """GET: the page. POST: save the edit form (fields, then the status through its workflow)."""
    if request.method != "POST":
        return _page(request, _get(request, key, item_key, Permission.ITEM_VIEW))
    item = _get(request, key, item_key, Permission.ITEM_EDIT)
    data = request.POST

    def save() -> WorkItem:
        fields: dict[str, Any] = {f: data[f] for f in _TEXT_FIELDS if f in data}
        for f in _NUMBER_FIELDS:
            if f in data:
                fields[f] = _number(data[f], str(WorkItem._meta.get_field(f).verbose_name))
        for f in _DATE_FIELDS:
            if f in data:
                fields[f] = _date(data[f], str(WorkItem._meta.get_field(f).verbose_name))
        for f in _MOMENT_FIELDS:
            if f in data:
                moment = _moment(data[f], str(WorkItem._meta.get_field(f).verbose_name))
                if not _same_minute(moment, getattr(item, f)):
                    fields[f] = moment
        if "assignee" in data:
            fields["assignee"] = data["assignee"] or None
        if "progress" in data:
            fields["progress"] = data["progress"] or 0
        with transaction.atomic():
            changed = services.work_item_update(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                version=int(data.get("version") or 0),
                **fields,
            )
            status = data.get("status")
            if status and status.isdigit() and int(status) != changed.status_id:
                changed = services.work_item_transition(
                    actor=request.user,  # type: ignore[arg-type]
                    item=changed,
                    to_status=int(status),
                    version=changed.version,
                )
        return changed

    outcome = attempt(save)
    if not outcome.ok:
        return _page(request, item, error=outcome.error, stale=outcome.stale, form=data)
    return redirect("keel-web:item-detail", item.project.key, item.key)


@login_required
@require_POST
def item_comment(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """Post a comment; ``@username`` mentions a member. HTMX gets the comment list back."""
    item = _get(request, key, item_key, Permission.COMMENT_CREATE)
    outcome = attempt(
        lambda: services.comment_create(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            body=request.POST.get("body", ""),
        )
    )
    if request.htmx:
        context = _context(request, item) | {
            "comments": _comments(item),
            "comment_error": outcome.error,
        }
        return render(request, "keel/item/_comments.html", context)
    if not outcome.ok:
        messages.error(request, outcome.error)
    return redirect("keel-web:item-detail", item.project.key, item.key)


def _dependencies_response(request: HttpRequest, item: WorkItem, outcome: Outcome) -> HttpResponse:
    if request.htmx:
        context = _context(request, item) | _dependencies(item) | {"dep_error": outcome.error}
        return render(request, "keel/item/_dependencies.html", context)
    if not outcome.ok:
        messages.error(request, outcome.error)
    return redirect("keel-web:item-detail", item.project.key, item.key)


@login_required
@require_POST
def item_dependency_add(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """Make this item wait on ``predecessor`` (a key like ABC-1) with a type and a lag."""
    item = _get(request, key, item_key, Permission.DEPENDENCY_EDIT)
    data = request.POST
    try:
        predecessor = selectors.work_item_get(item.project, data.get("predecessor", ""))
    except Http404:
        outcome = Outcome(
            error=_("%(project)s has no work item %(key)s.")
            % {"project": item.project.key, "key": data.get("predecessor", "")}
        )
        return _dependencies_response(request, item, outcome)
    outcome = attempt(
        lambda: services.dependency_create(
            actor=request.user,  # type: ignore[arg-type]
            predecessor=predecessor,
            successor=item,
            type=data.get("type") or DependencyType.FS,
            lag_days=(data.get("lag_days") or "0").replace(",", "."),
        )
    )
    return _dependencies_response(request, item, outcome)


@login_required
@require_POST
def item_dependency_remove(
    request: HttpRequest, key: str, item_key: str, dependency_id: int
) -> HttpResponse:
    item = _get(request, key, item_key, Permission.DEPENDENCY_EDIT)
    dependency = (
        Dependency.objects.filter(pk=dependency_id, project=item.project)
        .filter(predecessor=item)
        .first()
    ) or Dependency.objects.filter(pk=dependency_id, project=item.project, successor=item).first()
    if dependency is None:
        raise Http404("No such dependency.")
    outcome = attempt(
        lambda: services.dependency_delete(actor=request.user, dependency=dependency)  # type: ignore[arg-type]
    )
    return _dependencies_response(request, item, outcome)
