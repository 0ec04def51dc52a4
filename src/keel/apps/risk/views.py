"""Web pages: risk register, RAID log, change requests and the Monte Carlo simulation.

Each view: access check, one service or selector call, render. Forms post back to the page
(or its HTMX partial); a refused input shows its message and saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.models import Role
from keel.apps.risk import selectors, services
from keel.apps.risk.charts import burn_down_svg, safe
from keel.apps.risk.models import (
    AssumptionStatus,
    Category,
    ChangeStatus,
    DecisionStatus,
    Distribution,
    Escalation,
    IssueStatus,
    Kind,
    Priority,
    Rating,
    RiskStatus,
    Strategy,
)
from keel.apps.risk.simulation import max_iterations, simulation_run_start
from keel.apps.work.selectors import work_item_get
from keel.domain.errors import KeelError

P = Permission

_RISK_TEXT = ("title", "description", "cause", "event", "effect", "trigger")
_RISK_OPTIONAL = (
    "category",
    "kind",
    "owner",
    "residual_probability",
    "residual_impact",
    "proximity",
    "status",
    "strategy",
    "contingency_plan",
    "fallback_plan",
    "cost_min",
    "cost_likely",
    "cost_max",
    "days_min",
    "days_likely",
    "days_max",
    "next_review",
)


def _posted(request: HttpRequest, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields that the form sent (blank optional numbers and dates become None)."""
    out: dict[str, Any] = {}
    for name in names:
        if name in request.POST:
            value = request.POST[name].strip()
            out[name] = value if value != "" or name in _RISK_TEXT else None
    if "threatened_items" in request.POST:
        out["threatened_items"] = [
            k.strip() for k in request.POST["threatened_items"].split(",") if k.strip()
        ]
    return out


def _choices() -> dict[str, Any]:
    return {
        "categories": Category.choices,
        "kinds": Kind.choices,
        "statuses": RiskStatus.choices,
        "strategies": Strategy.choices,
        "ratings": Rating.choices,
        "sorts": [
            ("key", _("Key")),
            ("score", _("Score")),
            ("title", _("Title")),
            ("proximity", _("Proximity")),
            ("next_review", _("Next review")),
            ("status", _("Status")),
        ],
    }


def _members(project: Any) -> Any:
    return project.memberships.select_related("user").order_by("user__username")


# --- register --------------------------------------------------------------------------------


@login_required
def risks(request: HttpRequest, key: str) -> HttpResponse:
    """The register with filters and sort, heat map, burn-down, overdue reviews and a form."""
    project = access_project(request.user, key, P.RISK_VIEW)
    filters = {
        name: request.GET.get(name) or None
        for name in ("status", "category", "kind", "rating", "q", "sort", "probability", "impact")
    }
    filters["residual"] = request.GET.get("residual") == "1"
    rows = list(selectors.risk_list(project, **filters))
    context = {
        "project": project,
        "tab": "risks",
        "rows": rows,
        "f": filters,
        "can_edit": P.RISK_EDIT in project_permissions(request.user, project),
        **_choices(),
    }
    if request.htmx and request.htmx.target == "risk-register":
        return render(request, "risk/_register.html", context)
    context.update(
        heat=selectors.heat_map(project),
        burn=safe(burn_down_svg(selectors.burn_down(project))),
        overdue=list(selectors.reviews_overdue(project=project)),
        scale=selectors.scale_of(project),
        members=_members(project),
    )
    return render(request, "risk/risks.html", context)


@login_required
@require_POST
def risk_create(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, P.RISK_EDIT)
    fields = _posted(request, (*_RISK_TEXT, *_RISK_OPTIONAL))
    try:
        risk = services.risk_create(
            actor=request.user,
            project=project,
            title=fields.pop("title", ""),
            probability=request.POST.get("probability"),
            impact=request.POST.get("impact"),
            **fields,
        )
    except KeelError as exc:
        messages.error(request, str(exc))
        return redirect("keel-web:risks", project.key)
    messages.success(request, f"{risk.key} {risk.title}")
    return redirect("keel-web:risk-detail", project.key, risk.key)


@login_required
def risk_detail(request: HttpRequest, key: str, risk_key: str) -> HttpResponse:
    """One risk: edit form, reviews, response actions, turn into an issue."""
    project = access_project(request.user, key, P.RISK_VIEW)
    risk = selectors.risk_get(project, risk_key)
    if request.method == "POST":
        access_project(request.user, project, P.RISK_EDIT)
        try:
            _risk_op(request, risk)
        except (KeelError, Http404) as exc:
            messages.error(request, str(exc))
        else:
            if request.POST.get("op") == "delete":
                return redirect("keel-web:risks", project.key)
        return redirect("keel-web:risk-detail", project.key, risk.key)
    return render(
        request,
        "risk/risk_detail.html",
        {
            "project": project,
            "tab": "risks",
            "risk": risk,
            "reviews": risk.reviews.select_related("reviewer"),
            "issues": risk.issues.all(),
            "scale": selectors.scale_of(project),
            "members": _members(project),
            "can_edit": P.RISK_EDIT in project_permissions(request.user, project),
            "threatened": ", ".join(i.key for i in risk.threatened_items.all()),
            **_choices(),
        },
    )


def _risk_op(request: HttpRequest, risk: Any) -> None:
    op, actor = request.POST.get("op"), request.user
    if op == "update":
        fields = _posted(request, (*_RISK_TEXT, *_RISK_OPTIONAL, "probability", "impact"))
        services.risk_update(
            actor=actor, risk=risk, version=int(request.POST.get("version", 0)), **fields
        )
    elif op == "review":
        services.risk_review_create(
            actor=actor,
            risk=risk,
            notes=request.POST.get("notes", ""),
            next_review=request.POST.get("next_review") or None,
        )
    elif op == "action":
        existing = request.POST.get("item", "").strip()
        if existing:
            services.risk_response_action_link(actor=actor, risk=risk, item=existing)
        else:
            services.risk_response_action_create(
                actor=actor, risk=risk, title=request.POST.get("title", "")
            )
    elif op == "unlink":
        item = work_item_get(risk.project, request.POST.get("item", ""))
        services.risk_response_action_link(actor=actor, risk=risk, item=item, remove=True)
    elif op == "occurred":
        services.risk_occurred(actor=actor, risk=risk)
    elif op == "delete":
        services.risk_delete(actor=actor, risk=risk)


# --- RAID ------------------------------------------------------------------------------------

_RAID = {
    "issue": (services.issue_create, services.issue_update, "I", "issue"),
    "assumption": (services.assumption_create, services.assumption_update, "A", "assumption"),
    "decision": (services.decision_create, services.decision_update, "D", "decision"),
}
_RAID_FIELDS = {
    "issue": ("description", "owner", "priority", "due_date", "escalation", "status"),
    "assumption": ("description", "owner", "status", "validate_by"),
    "decision": ("description", "owner", "decided_on", "rationale", "status"),
}


@login_required
def raid(request: HttpRequest, key: str) -> HttpResponse:
    """Issues, assumptions and decisions, each with a short form."""
    project = access_project(request.user, key, P.RISK_VIEW)
    if request.method == "POST":
        access_project(request.user, project, P.RISK_EDIT)
        kind = request.POST.get("kind", "")
        if kind in _RAID:
            create, update, prefix, arg = _RAID[kind]
            fields = {
                n: (request.POST[n].strip() or None)
                for n in _RAID_FIELDS[kind]
                if n in request.POST
            }
            try:
                if request.POST.get("raid_key"):
                    row = selectors.numbered_get(project, prefix, request.POST["raid_key"])
                    update(actor=request.user, **{arg: row}, **fields)
                else:
                    create(
                        actor=request.user,
                        project=project,
                        title=request.POST.get("title", ""),
                        **fields,
                    )
            except KeelError as exc:
                messages.error(request, str(exc))
        return redirect(reverse("keel-web:raid", args=[project.key]) + f"#{kind}s")
    return render(
        request,
        "risk/raid.html",
        {
            "project": project,
            "tab": "raid",
            "issues": selectors.issue_list(project),
            "assumptions": selectors.assumption_list(project),
            "decisions": selectors.decision_list(project),
            "members": _members(project),
            "priorities": Priority.choices,
            "escalations": Escalation.choices,
            "issue_statuses": IssueStatus.choices,
            "assumption_statuses": AssumptionStatus.choices,
            "decision_statuses": DecisionStatus.choices,
            "can_edit": P.RISK_EDIT in project_permissions(request.user, project),
            "today": timezone.localdate(),
        },
    )


# --- change requests -------------------------------------------------------------------------


@login_required
def changes(request: HttpRequest, key: str) -> HttpResponse:
    """Change requests and their workflow: raise, submit, assess, approve/reject, implement."""
    project = access_project(request.user, key, P.PROJECT_VIEW)
    if request.method == "POST":
        try:
            _change_op(request, project)
        except KeelError as exc:
            messages.error(request, str(exc))
        return redirect("keel-web:changes", project.key)
    perms = project_permissions(request.user, project)
    approvers = selectors.approver_roles_of(project)
    return render(
        request,
        "risk/changes.html",
        {
            "project": project,
            "tab": "changes",
            "rows": selectors.change_request_list(project, request.GET.get("status") or None),
            "statuses": ChangeStatus.choices,
            "priorities": Priority.choices,
            "status": request.GET.get("status") or "",
            "can_create": P.CHANGE_CREATE in perms,
            "can_approve": P.CHANGE_APPROVE in perms,
            "approvers": [Role(r).label for r in approvers if r in Role.values],
        },
    )


def _change_op(request: HttpRequest, project: Any) -> None:
    op, actor = request.POST.get("op"), request.user
    if op == "create":
        access_project(actor, project, P.CHANGE_CREATE)
        services.change_request_create(
            actor=actor,
            project=project,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            reason=request.POST.get("reason", ""),
            scope_impact=request.POST.get("scope_impact", ""),
            schedule_days=request.POST.get("schedule_days") or 0,
            cost=request.POST.get("cost") or 0,
            priority=request.POST.get("priority") or Priority.MEDIUM,
            alters_plan=request.POST.get("alters_plan") == "on",
        )
        return
    change = selectors.numbered_get(project, "CR", request.POST.get("change", ""))
    if op == "submit":
        services.change_request_submit(actor=actor, change=change)
    elif op == "assess":
        services.change_request_assess(
            actor=actor, change=change, assessment=request.POST.get("assessment", "")
        )
    elif op == "approve":
        services.change_request_approve(
            actor=actor, change=change, comment=request.POST.get("comment", "")
        )
    elif op == "reject":
        services.change_request_reject(
            actor=actor, change=change, comment=request.POST.get("comment", "")
        )
    elif op == "implement":
        services.change_request_implement(actor=actor, change=change)
    elif op == "delete":
        services.change_request_delete(actor=actor, change=change)


# --- simulation ------------------------------------------------------------------------------


@login_required
def simulation(request: HttpRequest, key: str) -> HttpResponse:
    """Three-point estimates, the run button, the latest run's progress and results."""
    project = access_project(request.user, key, P.RISK_VIEW)
    if request.method == "POST":
        access_project(request.user, project, P.RISK_EDIT)
        try:
            if request.POST.get("op") == "estimate":
                item = work_item_get(project, request.POST.get("item", ""))
                services.task_estimate_set(
                    actor=request.user,
                    item=item,
                    distribution=request.POST.get("distribution") or Distribution.TRIANGULAR,
                    duration_min=request.POST.get("duration_min"),
                    duration_likely=request.POST.get("duration_likely"),
                    duration_max=request.POST.get("duration_max"),
                    cost_min=request.POST.get("cost_min") or None,
                    cost_likely=request.POST.get("cost_likely") or None,
                    cost_max=request.POST.get("cost_max") or None,
                )
            else:
                seed = request.POST.get("seed", "").strip()
                simulation_run_start(
                    actor=request.user,
                    project=project,
                    iterations=request.POST.get("iterations") or 0,
                    seed=int(seed) if seed.isdigit() else None,
                )
        except (KeelError, Http404) as exc:
            messages.error(request, str(exc))
        return redirect("keel-web:risk-simulation", project.key)
    runs = list(selectors.simulation_run_list(project)[:10])
    return render(
        request,
        "risk/simulation.html",
        {
            "project": project,
            "tab": "risks",
            "estimates": selectors.task_estimate_list(project),
            "distributions": Distribution.choices,
            "runs": runs,
            "run": runs[0] if runs else None,
            "cap": max_iterations(),
            "can_edit": P.RISK_EDIT in project_permissions(request.user, project),
            **_result_context(runs[0] if runs else None),
        },
    )


def _result_context(run: Any) -> dict[str, Any]:
    if run is None or run.status != "done" or not run.result:
        return {}
    from keel.apps.risk.engine import result_view

    return result_view(run)


@login_required
def simulation_run(request: HttpRequest, key: str, run_id: int) -> HttpResponse:
    """The progress partial the page polls while a run is queued or running."""
    project = access_project(request.user, key, P.RISK_VIEW)
    run = selectors.simulation_run_get(project, run_id)
    return render(
        request,
        "risk/_run.html",
        {"project": project, "run": run, **_result_context(run)},
    )
