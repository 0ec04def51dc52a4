"""Web pages: resource pool, resource page, skills matrix, heat map, the project's Resources tab
and the item page's assignments panel.

Each view: access check, one service or selector call, render. A refused input shows its
message and saves nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keel.apps.accounts.models import Team
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_project,
    portfolio_permissions,
    project_permissions,
    visible_projects_q,
)
from keel.apps.projects.models import Portfolio, Project
from keel.apps.resources import levelling, selectors, services
from keel.apps.resources.models import (
    LeaveKind,
    LevellingDelay,
    RequestStatus,
    Resource,
    ResourceKind,
    Skill,
)
from keel.apps.work.selectors import work_item_get
from keel.domain.errors import KeelError

P = Permission


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _pool_filters(request: HttpRequest) -> dict[str, Any]:
    return {name: request.GET.get(name) or None for name in ("kind", "team", "skill", "q")}


def _filter_choices() -> dict[str, Any]:
    return {
        "kinds": ResourceKind.choices,
        "teams": Team.objects.order_by("name"),
        "skills": Skill.objects.order_by("name"),
    }


# --- pool -----------------------------------------------------------------------------------


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    """The resource pool with filters by kind, team, skill and text; staff add resources."""
    if request.method == "POST":
        try:
            services.resource_create(
                actor=request.user,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ResourceKind.PERSON),
                capacity=request.POST.get("capacity") or 8,
                vendor=request.POST.get("vendor", ""),
                external=request.POST.get("external") == "on",
            )
        except (KeelError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        return redirect("keel-web:resources")
    f = _pool_filters(request)
    rows = selectors.resource_list(**f).prefetch_related("skills__skill")
    context = {"rows": rows, "f": f, "can_manage": services.pool_manager(request.user)}
    if request.htmx and request.htmx.target == "resource-list":
        return render(request, "resources/_pool.html", context)
    return render(request, "resources/pool.html", {**context, **_filter_choices()})


def _may_see_rates(user: Any) -> bool:
    from keel.apps.projects.models import ProjectMembership, Role

    return services.pool_manager(user) or (
        ProjectMembership.objects.filter(
            user=user, role__in=(Role.FINANCE_MANAGER, Role.PMO_ADMIN)
        ).exists()
    )


@login_required
def resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    """One resource: calendar, leave, rates (for those allowed), skills, assignments."""
    resource = selectors.resource_get(resource_id)
    if request.method == "POST":
        try:
            _resource_op(request, resource)
        except (KeelError, PermissionDenied, ValueError) as exc:
            messages.error(request, str(exc))
        return redirect("keel-web:resource-detail", resource.pk)
    visible = Project.objects.filter(visible_projects_q(request.user)).values("pk")
    show_rates = _may_see_rates(request.user)
    days = ", ".join(
        str(day)
        for n, day in enumerate(
            (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")), start=1
        )
        if str(n) in resource.workdays
    )
    placeholders_skill = resource.skill
    return render(
        request,
        "resources/resource.html",
        {
            "resource": resource,
            "workdays": days,
            "leaves": resource.leaves.all(),
            "rates": resource.rates.all() if show_rates else None,
            "skills": resource.skills.select_related("skill"),
            "all_skills": Skill.objects.order_by("name"),
            "assignments": selectors.assignment_list(resource=resource).filter(
                item__project__in=visible
            ),
            "can_manage": services.pool_manager(request.user),
            "leave_kinds": LeaveKind.choices,
            "replacements": (
                Resource.objects.filter(
                    kind=resource.kind, is_placeholder=False, active=True
                ).order_by("name")
                if resource.is_placeholder
                else ()
            ),
            "placeholder_skill": placeholders_skill,
        },
    )


def _resource_op(request: HttpRequest, resource: Resource) -> None:
    op, actor, post = request.POST.get("op"), request.user, request.POST
    if op == "leave":
        services.leave_create(
            actor=actor, resource=resource, start=date.fromisoformat(post["start"]),
            finish=date.fromisoformat(post["finish"]), kind=post.get("kind", "leave"),
            note=post.get("note", ""),
        )  # fmt: skip
    elif op == "leave-delete":
        leave = resource.leaves.filter(pk=post.get("leave")).first()
        if leave is not None:
            services.leave_delete(actor=actor, leave=leave)
    elif op == "rate":
        until = post.get("effective_to")
        services.cost_rate_create(
            actor=actor, resource=resource,
            effective_from=date.fromisoformat(post["effective_from"]),
            effective_to=date.fromisoformat(until) if until else None,
            standard=post.get("standard") or 0, overtime=post.get("overtime") or 0,
            per_use=post.get("per_use") or 0, per_unit=post.get("per_unit") or 0,
        )  # fmt: skip
    elif op == "skill":
        skill = Skill.objects.filter(pk=post.get("skill")).first()
        if skill is None:
            skill = services.skill_create(actor=actor, name=post.get("new_skill", ""))
        services.resource_skill_set(
            actor=actor, resource=resource, skill=skill, level=int(post.get("level", 3))
        )
    elif op == "replace":
        target = Resource.objects.filter(pk=post.get("resource")).first()
        if target is None:
            raise ValueError(_("Choose the resource that takes over."))
        moved = services.resource_replace(actor=actor, placeholder=resource, resource=target)
        messages.success(request, _("%(n)s assignments moved.") % {"n": moved})


@login_required
def skills_matrix(request: HttpRequest) -> HttpResponse:
    """Resources × skills, with each level 1-5."""
    f = _pool_filters(request)
    skills, rows = selectors.skills_matrix(selectors.resource_list(**f))
    return render(
        request,
        "resources/skills.html",
        {"skills": skills, "rows": rows, "f": f, **_filter_choices()},
    )


# --- heat map -------------------------------------------------------------------------------


def _heat_window(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today - timedelta(days=today.weekday()))
    try:
        weeks = max(1, min(104, int(request.GET.get("weeks", "12"))))
    except ValueError:
        weeks = 12
    return start, start + timedelta(weeks=weeks, days=-1)


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    """Resources × weeks coloured by load %, over-allocation flagged; per team with ?team=."""
    start, end = _heat_window(request)
    team = request.GET.get("team") or None
    heat = selectors.utilisation(user=request.user, start=start, end=end, team=team)
    if request.GET.get("format") == "csv":
        from keel.api.routers.resources import utilisation_csv

        return utilisation_csv(heat)
    return render(
        request,
        "resources/heatmap.html",
        {
            "heat": heat,
            "by_team": selectors.team_utilisation(heat) if not team else (),
            "team": team,
            "teams": Team.objects.order_by("name"),
            "start": start,
            "weeks": (end - start).days // 7 + 1,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def heatmap_cell(request: HttpRequest, resource_id: int) -> HttpResponse:
    """The items causing a resource's load in one period (the heat map's click-through)."""
    resource = selectors.resource_get(resource_id)
    start = _date(request.GET.get("start"), timezone.localdate())
    end = _date(request.GET.get("end"), start)
    heat = selectors.utilisation(
        user=request.user, start=start, end=end, period="day",
        resources=Resource.objects.filter(pk=resource.pk),
    )  # fmt: skip
    keys = sorted({k for c in heat.rows[0].cells for k in c.items}) if heat.rows else []
    visible = Project.objects.filter(visible_projects_q(request.user)).values("pk")
    rows = selectors.assignment_list(resource=resource).filter(item__project__in=visible)
    rows = [a for a in rows if a.item.key in keys]
    return render(
        request,
        "resources/_cell.html",
        {"resource": resource, "start": start, "end": end, "rows": rows, "days": heat.rows[0]},
    )


# --- project tab ----------------------------------------------------------------------------


@login_required
def project_resources(request: HttpRequest, key: str) -> HttpResponse:
    """The project's assignments, requests, over-allocations and levelling preview → apply."""
    project = access_project(request.user, key, P.ITEM_VIEW)
    perms = project_permissions(request.user, project)
    if request.method == "POST":
        return _project_op(request, project, perms)
    today = timezone.localdate()
    start = project.start_date or today
    start = start - timedelta(days=start.weekday())
    heat = selectors.utilisation(
        user=request.user, start=start, end=start + timedelta(weeks=12, days=-1), project=project
    )
    preview = None
    if request.GET.get("preview") and P.SCHEDULE_RUN in perms:
        try:
            preview = levelling.levelling_preview(
                actor=request.user,
                project=project,
                within_float_only=request.GET.get("within_float") == "1",
            )
        except KeelError as exc:
            messages.error(request, str(exc))
    requests = list(selectors.request_list(project=project))
    for row in requests:
        row.may_decide = row.status == RequestStatus.REQUESTED and services.may_decide(
            request.user, row
        )
    return render(
        request,
        "resources/project.html",
        {
            "project": project,
            "tab": "resources",
            "assignments": selectors.assignments_for_project(project),
            "requests": requests,
            "heat": heat,
            "over": [r for r in heat.rows if r.over],
            "preview": preview,
            "within_float": request.GET.get("within_float") == "1",
            "delays": LevellingDelay.objects.filter(item__project=project).count(),
            "can_assign": P.RESOURCE_ASSIGN in perms,
            "can_level": P.SCHEDULE_RUN in perms,
            "pool": selectors.resource_list(),
            "all_skills": Skill.objects.order_by("name"),
        },
    )


def _project_op(request: HttpRequest, project: Project, perms: frozenset[Permission]) -> Any:
    op, actor, post = request.POST.get("op"), request.user, request.POST
    del perms  # each service checks its own permission
    try:
        if op == "request":
            resource = Resource.objects.filter(pk=post.get("resource") or None).first()
            skill = Skill.objects.filter(pk=post.get("skill") or None).first()
            services.request_create(
                actor=actor, project=project, resource=resource, skill=skill,
                start=date.fromisoformat(post.get("start", "")),
                finish=date.fromisoformat(post.get("finish", "")),
                hours=post.get("hours") or None, note=post.get("note", ""),
            )  # fmt: skip
            messages.success(request, _("Request sent."))
        elif op in ("approve", "decline", "cancel"):
            row = selectors.request_list(project=project).filter(pk=post.get("request")).first()
            if row is None:
                raise Http404
            action = {
                "approve": services.request_approve,
                "decline": services.request_decline,
                "cancel": services.request_cancel,
            }[op]
            action(actor=actor, request=row, note=post.get("note", ""))
        elif op == "apply":
            plan = levelling.levelling_apply(
                actor=actor, project=project, within_float_only=post.get("within_float") == "1"
            )
            messages.success(
                request,
                _("Levelling applied: %(n)s items moved.") % {"n": len(plan.moves)},
            )
        elif op == "clear":
            n = services.levelling_clear(actor=actor, project=project)
            messages.success(request, _("Levelling cleared from %(n)s items.") % {"n": n})
    except (KeelError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("keel-web:project-resources", project.key)


# --- item panel -----------------------------------------------------------------------------


def item_panel_context(request: HttpRequest, item: Any) -> dict[str, Any]:
    """The item's assignments and, for ``resource.assign``, the pool to add from."""
    perms = project_permissions(request.user, item.project)
    return {
        "item": item,
        "project": item.project,
        "rows": selectors.assignment_list(item=item),
        "can_assign": P.RESOURCE_ASSIGN in perms,
        "pool": selectors.resource_list() if P.RESOURCE_ASSIGN in perms else (),
    }


@login_required
@require_POST
def item_assignments(request: HttpRequest, key: str, item_key: str) -> HttpResponse:
    """Add, change or remove an assignment from the item page."""
    project = access_project(request.user, key, P.RESOURCE_ASSIGN)
    item = work_item_get(project, item_key)
    op, post = request.POST.get("op"), request.POST
    try:
        if op == "add":
            resource = Resource.objects.filter(pk=post.get("resource") or None).first()
            if resource is None:
                raise ValueError(_("Choose a resource."))
            services.assignment_create(
                actor=request.user, item=item, resource=resource,
                units=post.get("units") or None, work_hours=post.get("work_hours") or None,
                quantity=post.get("quantity") or None,
            )  # fmt: skip
        else:
            row = selectors.assignment_list(item=item).filter(pk=post.get("assignment")).first()
            if row is None:
                raise Http404
            if op == "delete":
                services.assignment_delete(actor=request.user, assignment=row)
            else:
                services.assignment_update(
                    actor=request.user, assignment=row, units=post.get("units") or None,
                    work_hours=post.get("work_hours") or None,
                    quantity=post.get("quantity") or None,
                )  # fmt: skip
    except (KeelError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("keel-web:item-detail", project.key, item.key)


# --- cross-project (PMO) levelling ------------------------------------------------------------


def _levellable_portfolios(user: Any) -> list[Portfolio]:
    """The portfolios ``user`` may level: where they hold ``portfolio.edit``."""
    return [
        p
        for p in Portfolio.objects.order_by("name")
        if P.PORTFOLIO_EDIT in portfolio_permissions(user, p)
    ]


@login_required
def portfolio_levelling(request: HttpRequest) -> HttpResponse:
    """Level every project of a portfolio together: preview, then apply (PMO administrators).

    Without a portfolio the page lists those the user may level; a stranger to the chosen
    portfolio gets a 404, a member without ``portfolio.edit`` a 403.
    """
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("portfolio")
    within_float = source.get("within_float") == "1"
    portfolio = None
    preview = None
    if chosen:
        if not chosen.isdigit():
            raise Http404("No such portfolio.")
        portfolio = access_portfolio(request.user, int(chosen), P.PORTFOLIO_EDIT)
        try:
            if request.method == "POST":
                plan = levelling.portfolio_levelling_apply(
                    actor=request.user, portfolio=portfolio, within_float_only=within_float
                )
                messages.success(
                    request, _("Levelling applied: %(n)s items moved.") % {"n": len(plan.moves)}
                )
                return redirect(f"{request.path}?portfolio={portfolio.pk}")
            if request.GET.get("preview"):
                preview = levelling.portfolio_levelling_preview(
                    actor=request.user, portfolio=portfolio, within_float_only=within_float
                )
        except KeelError as exc:
            messages.error(request, str(exc))
    elif request.method == "POST":
        raise Http404("No such portfolio.")
    return render(
        request,
        "resources/levelling.html",
        {
            "portfolios": _levellable_portfolios(request.user),
            "portfolio": portfolio,
            "preview": preview,
            "within_float": within_float,
            "delays": LevellingDelay.objects.filter(item__project__portfolio=portfolio).count()
            if portfolio
            else 0,
        },
    )
