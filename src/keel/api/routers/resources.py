"""REST routes for resources (see docs/api.md, "Resources").

The pool is site-wide: any signed-in person reads it; site staff and PMO administrators change
it; cost rates are read by them and by finance managers. Assignments and requests live under
their project; a request is approved or declined by the resource's owner. Utilisation covers
the projects the caller may see; levelling previews save nothing, applying stores the delays.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from keel.api.lookups import unknown
from keel.api.pagination import Page, PageParams, paginate
from keel.api.schemas.resources import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    CostRateIn,
    CostRateOut,
    LeaveIn,
    LeaveOut,
    LevellingIn,
    LevellingOut,
    ReplaceIn,
    RequestDecisionIn,
    RequestIn,
    RequestOut,
    ResourceFilter,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    ResourceSkillIn,
    SkillIn,
    SkillOut,
    UtilisationFilter,
    UtilisationOut,
)
from keel.apps.projects.access import Permission, access_project
from keel.apps.resources import levelling, selectors, services
from keel.apps.resources.models import Resource, Skill
from keel.apps.work.selectors import work_item_get

__all__ = ["router"]

router = Router(tags=["resources"])

R = "/resources/{resource_id}"
ITEM = "/projects/{key}/items/{item_key}/assignments"


def _resource(resource_id: int) -> Resource:
    return selectors.resource_get(resource_id)


def _resource_ref(resource_id: int | None, field: str) -> Resource | None:
    if resource_id is None:
        return None
    found = Resource.objects.filter(pk=resource_id).first()
    if found is None:
        raise unknown(field, f"No resource {resource_id}.")
    return found


def _skill_ref(name: str | None, field: str) -> Skill | None:
    if name is None:
        return None
    found = Skill.objects.filter(name__iexact=name).first()
    if found is None:
        raise unknown(field, f"No skill {name!r}.")
    return found


# --- pool -----------------------------------------------------------------------------------


@router.get("/resources", response=Page[ResourceOut])
def resource_list(
    request: HttpRequest, filters: Query[ResourceFilter], page: Query[PageParams]
) -> Any:
    """The resource pool, filtered by kind, team, skill and text."""
    return paginate(request, selectors.resource_list(**filters.model_dump(exclude_none=True)), page)


@router.post("/resources", response={201: ResourceOut})
def resource_create(request: HttpRequest, payload: ResourceIn) -> Any:
    """Add a resource to the pool (site staff and PMO administrators)."""
    fields = payload.model_dump(exclude_none=True)
    resource = services.resource_create(actor=request.auth, **fields)
    return Status(201, selectors.resource_get(resource.pk))


@router.get(R, response=ResourceOut)
def resource_get(request: HttpRequest, resource_id: int) -> Any:
    """One resource."""
    return _resource(resource_id)


@router.patch(R, response=ResourceOut)
def resource_update(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Any:
    """Change a resource (site staff and PMO administrators)."""
    fields = payload.model_dump(exclude_unset=True)
    resource = services.resource_update(
        actor=request.auth, resource=_resource(resource_id), **fields
    )
    return selectors.resource_get(resource.pk)


@router.delete(R, response={204: None})
def resource_delete(request: HttpRequest, resource_id: int) -> Any:
    """Remove a resource and its assignments."""
    services.resource_delete(actor=request.auth, resource=_resource(resource_id))
    return Status(204, None)


@router.post(f"{R}/replace", response=dict[str, int])
def resource_replace(request: HttpRequest, resource_id: int, payload: ReplaceIn) -> Any:
    """Hand a placeholder's assignments to a named resource (``resource.assign`` on each)."""
    target = _resource_ref(payload.resource, "resource")
    moved = services.resource_replace(
        actor=request.auth, placeholder=_resource(resource_id), resource=target
    )
    return {"moved": moved}


@router.get(f"{R}/assignments", response=list[AssignmentOut])
def resource_assignments(request: HttpRequest, resource_id: int) -> Any:
    """The resource's assignments on the projects the caller may see."""
    from keel.apps.projects.access import visible_projects_q
    from keel.apps.projects.models import Project

    visible = Project.objects.filter(visible_projects_q(request.auth)).values("pk")
    rows = selectors.assignment_list(resource=_resource(resource_id))
    return list(rows.filter(item__project__in=visible))


@router.get(f"{R}/leave", response=list[LeaveOut])
def leave_list(request: HttpRequest, resource_id: int) -> Any:
    """The resource's leave, vacation and maintenance days."""
    return list(_resource(resource_id).leaves.all())


@router.post(f"{R}/leave", response={201: LeaveOut})
def leave_create(request: HttpRequest, resource_id: int, payload: LeaveIn) -> Any:
    """Record days off (both ends included)."""
    row = services.leave_create(
        actor=request.auth, resource=_resource(resource_id), **payload.model_dump()
    )
    return Status(201, row)


@router.delete(f"{R}/leave/{{leave_id}}", response={204: None})
def leave_delete(request: HttpRequest, resource_id: int, leave_id: int) -> Any:
    """Remove a leave period."""
    resource = _resource(resource_id)
    if not services.pool_manager(request.auth):
        raise PermissionDenied("Only site staff and PMO administrators manage the resource pool.")
    row = resource.leaves.filter(pk=leave_id).first()
    if row is None:
        raise Http404("No such leave.")
    services.leave_delete(actor=request.auth, leave=row)
    return Status(204, None)


def _rate_reader(user: Any) -> None:
    from keel.apps.projects.models import ProjectMembership, Role

    if services.pool_manager(user):
        return
    roles = (Role.FINANCE_MANAGER, Role.PMO_ADMIN)
    if not ProjectMembership.objects.filter(user=user, role__in=roles).exists():
        raise PermissionDenied("Cost rates are for site staff, PMO and finance managers.")


@router.get(f"{R}/rates", response=list[CostRateOut])
def rate_list(request: HttpRequest, resource_id: int) -> Any:
    """The resource's cost rates by effective date (staff, PMO and finance)."""
    resource = _resource(resource_id)
    _rate_reader(request.auth)
    return list(resource.rates.all())


@router.post(f"{R}/rates", response={201: CostRateOut})
def rate_create(request: HttpRequest, resource_id: int, payload: CostRateIn) -> Any:
    """Add a cost rate; overlapping effective dates are refused."""
    row = services.cost_rate_create(
        actor=request.auth, resource=_resource(resource_id), **payload.model_dump()
    )
    return Status(201, row)


@router.delete(f"{R}/rates/{{rate_id}}", response={204: None})
def rate_delete(request: HttpRequest, resource_id: int, rate_id: int) -> Any:
    """Remove a cost rate."""
    resource = _resource(resource_id)
    if not services.pool_manager(request.auth):
        raise PermissionDenied("Only site staff and PMO administrators manage the resource pool.")
    row = resource.rates.filter(pk=rate_id).first()
    if row is None:
        raise Http404("No such rate.")
    services.cost_rate_delete(actor=request.auth, rate=row)
    return Status(204, None)


@router.get("/skills", response=list[SkillOut])
def skill_list(request: HttpRequest) -> Any:
    """The skills catalogue."""
    return list(selectors.skill_list())


@router.post("/skills", response={201: SkillOut})
def skill_create(request: HttpRequest, payload: SkillIn) -> Any:
    """Add a skill (site staff and PMO administrators)."""
    return Status(201, services.skill_create(actor=request.auth, **payload.model_dump()))


@router.get("/skills/matrix", response=dict[str, Any])
def skills_matrix(request: HttpRequest, filters: Query[ResourceFilter]) -> Any:
    """Resources × skills: each resource's level (1-5) per skill, null where it has none."""
    skills, rows = selectors.skills_matrix(
        selectors.resource_list(**filters.model_dump(exclude_none=True))
    )
    return {
        "skills": [s.name for s in skills],
        "rows": [{"resource": r.pk, "name": r.name, "levels": levels} for r, levels in rows],
    }


@router.put(f"{R}/skills/{{skill_id}}", response=dict[str, Any])
def resource_skill_set(
    request: HttpRequest, resource_id: int, skill_id: int, payload: ResourceSkillIn
) -> Any:
    """Give the resource a skill at a level (1-5)."""
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise Http404("No such skill.")
    row = services.resource_skill_set(
        actor=request.auth, resource=_resource(resource_id), skill=skill, level=payload.level
    )
    return {"skill": skill.name, "level": row.level}


@router.delete(f"{R}/skills/{{skill_id}}", response={204: None})
def resource_skill_remove(request: HttpRequest, resource_id: int, skill_id: int) -> Any:
    """Take a skill off the resource."""
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise Http404("No such skill.")
    services.resource_skill_remove(actor=request.auth, resource=_resource(resource_id), skill=skill)
    return Status(204, None)


# --- assignments ----------------------------------------------------------------------------


@router.get("/projects/{key}/assignments", response=list[AssignmentOut])
def project_assignments(request: HttpRequest, key: str) -> Any:
    """Every assignment in the project."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return list(selectors.assignments_for_project(project))


@router.get(ITEM, response=list[AssignmentOut])
def assignment_list(request: HttpRequest, key: str, item_key: str) -> Any:
    """The item's assignments."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return list(selectors.assignment_list(item=work_item_get(project, item_key)))


@router.post(ITEM, response={201: AssignmentOut})
def assignment_create(request: HttpRequest, key: str, item_key: str, payload: AssignmentIn) -> Any:
    """Assign a resource; units, work and the item's duration follow the effort-driven rule."""
    project = access_project(request.auth, key, Permission.RESOURCE_ASSIGN)
    item = work_item_get(project, item_key)
    fields = payload.model_dump(exclude={"resource"})
    row = services.assignment_create(
        actor=request.auth,
        item=item,
        resource=_resource_ref(payload.resource, "resource"),
        **fields,
    )
    return Status(201, selectors.assignment_list(item=item).get(pk=row.pk))


def _assignment(request: HttpRequest, key: str, item_key: str, assignment_id: int) -> Any:
    project = access_project(request.auth, key, Permission.RESOURCE_ASSIGN)
    item = work_item_get(project, item_key)
    row = selectors.assignment_list(item=item).filter(pk=assignment_id).first()
    if row is None:
        raise Http404(f"{item.key} has no assignment {assignment_id}.")
    return row


@router.patch(f"{ITEM}/{{assignment_id}}", response=AssignmentOut)
def assignment_update(
    request: HttpRequest, key: str, item_key: str, assignment_id: int, payload: AssignmentPatch
) -> Any:
    """Change units, work or quantity (effort-driven)."""
    row = _assignment(request, key, item_key, assignment_id)
    services.assignment_update(actor=request.auth, assignment=row, **payload.model_dump())
    return selectors.assignment_list(item=row.item).get(pk=row.pk)


@router.delete(f"{ITEM}/{{assignment_id}}", response={204: None})
def assignment_delete(request: HttpRequest, key: str, item_key: str, assignment_id: int) -> Any:
    """Take the resource off the item."""
    row = _assignment(request, key, item_key, assignment_id)
    services.assignment_delete(actor=request.auth, assignment=row)
    return Status(204, None)


# --- requests -------------------------------------------------------------------------------


@router.get("/projects/{key}/resource-requests", response=list[RequestOut])
def request_list(request: HttpRequest, key: str) -> Any:
    """The project's resource requests, newest first, each with its history."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return list(selectors.request_list(project=project))


@router.post("/projects/{key}/resource-requests", response={201: RequestOut})
def request_create(request: HttpRequest, key: str, payload: RequestIn) -> Any:
    """Ask for a named resource or a skill for a period (``resource.assign``)."""
    project = access_project(request.auth, key, Permission.RESOURCE_ASSIGN)
    fields = payload.model_dump(exclude={"resource", "skill"})
    row = services.request_create(
        actor=request.auth,
        project=project,
        resource=_resource_ref(payload.resource, "resource"),
        skill=_skill_ref(payload.skill, "skill"),
        **fields,
    )
    return Status(201, selectors.request_get(row.pk))


@router.get("/resource-requests", response=list[RequestOut])
def request_inbox(request: HttpRequest) -> Any:
    """Requests waiting for the caller's decision as the owner of a resource."""
    return list(selectors.pending_for(request.auth))


def _decide(request: HttpRequest, request_id: int, action: str, payload: RequestDecisionIn) -> Any:
    row = selectors.request_get(request_id)
    actor = request.auth
    if action == "approve":
        target = _resource_ref(payload.resource, "resource")
        services.request_approve(actor=actor, request=row, note=payload.note, resource=target)
    elif action == "decline":
        services.request_decline(actor=actor, request=row, note=payload.note)
    else:
        services.request_cancel(actor=actor, request=row, note=payload.note)
    return selectors.request_get(request_id)


@router.post("/resource-requests/{request_id}/approve", response=RequestOut)
def request_approve(request: HttpRequest, request_id: int, payload: RequestDecisionIn) -> Any:
    """Approve (the resource's owner or site staff); a skill request names the resource given."""
    return _decide(request, request_id, "approve", payload)


@router.post("/resource-requests/{request_id}/decline", response=RequestOut)
def request_decline(request: HttpRequest, request_id: int, payload: RequestDecisionIn) -> Any:
    """Decline, with the reason in ``note`` (the resource's owner or site staff)."""
    return _decide(request, request_id, "decline", payload)


@router.post("/resource-requests/{request_id}/cancel", response=RequestOut)
def request_cancel(request: HttpRequest, request_id: int, payload: RequestDecisionIn) -> Any:
    """Withdraw a request (its requester, or anyone with ``resource.assign`` on the project)."""
    return _decide(request, request_id, "cancel", payload)


# --- utilisation ----------------------------------------------------------------------------


def _utilisation_body(heat: Any) -> HttpResponse:
    """The UtilisationOut body, serialised here: a year of weeks for hundreds of resources is
    tens of thousands of values, and checking each against the schema again took most of the
    request's time. The shape is exactly UtilisationOut (the OpenAPI document says so)."""
    body = {
        "start": heat.start.isoformat(),
        "end": heat.end.isoformat(),
        "period": heat.period,
        "rows": [
            {
                "resource": row.resource.pk,
                "name": row.resource.name,
                "kind": row.resource.kind,
                "team": row.resource.team.slug if row.resource.team else None,
                "over": row.over,
                "cells": [
                    {
                        "start": c.start.isoformat(),
                        "end": c.end.isoformat(),
                        "capacity": c.capacity,
                        "load": c.load,
                        "percent": c.percent,
                        "over": c.over,
                        "items": list(c.items),
                    }
                    for c in row.cells
                ],
            }
            for row in heat.rows
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )


def utilisation_csv(heat: Any) -> HttpResponse:
    """One line per resource and period: capacity, load, percent, over-allocated, items."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["resource", "kind", "team", "start", "end", "capacity", "load", "percent", "over", "items"]
    )
    for row in heat.rows:
        team = row.resource.team.slug if row.resource.team else ""
        for c in row.cells:
            name, kind = row.resource.name, row.resource.kind
            over, items = "yes" if c.over else "no", " ".join(c.items)
            writer.writerow(
                [name, kind, team, c.start, c.end, c.capacity, c.load, c.percent, over, items]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="utilisation.csv"'
    return response


def _window(filters: UtilisationFilter) -> tuple[Any, Any]:
    start = filters.start or timezone.localdate()
    end = filters.end or start + timedelta(weeks=12) - timedelta(days=1)
    if end < start:
        raise unknown("to", "The end of the window is before its start.")
    if (end - start).days > 800:
        raise unknown("to", "A utilisation window is at most about two years.")
    return start, end


@router.get("/utilisation", response=UtilisationOut)
def utilisation(request: HttpRequest, filters: Query[UtilisationFilter]) -> Any:
    """Load against capacity per resource and period over the projects the caller may see;
    ``format=csv`` for a CSV file."""
    start, end = _window(filters)
    heat = selectors.utilisation(
        user=request.auth, start=start, end=end, period=filters.period, team=filters.team
    )
    if filters.format == "csv":
        return utilisation_csv(heat)
    return _utilisation_body(heat)


@router.get("/projects/{key}/utilisation", response=UtilisationOut)
def project_utilisation(request: HttpRequest, key: str, filters: Query[UtilisationFilter]) -> Any:
    """Utilisation of the resources assigned in the project (their load across every visible
    project); ``format=csv`` for a CSV file."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    start, end = _window(filters)
    heat = selectors.utilisation(
        user=request.auth, start=start, end=end, period=filters.period, team=filters.team,
        project=project,
    )  # fmt: skip
    if filters.format == "csv":
        return utilisation_csv(heat)
    return _utilisation_body(heat)


# --- levelling ------------------------------------------------------------------------------


def _levelling_body(plan: Any) -> dict[str, Any]:
    return {
        "finish_before": plan.finish_before,
        "finish_after": plan.finish_after,
        "moves": [m.__dict__ for m in plan.moves],
        "unresolved": list(plan.unresolved),
        "applied": plan.applied,
    }


@router.post("/projects/{key}/levelling/preview", response=LevellingOut)
def levelling_preview(request: HttpRequest, key: str, payload: LevellingIn) -> Any:
    """What levelling would move and the new finish; nothing is saved (``schedule.run``)."""
    project = access_project(request.auth, key, Permission.SCHEDULE_RUN)
    plan = levelling.levelling_preview(
        actor=request.auth, project=project, within_float_only=payload.level_within_float_only
    )
    return _levelling_body(plan)


@router.post("/projects/{key}/levelling/apply", response=LevellingOut)
def levelling_apply(request: HttpRequest, key: str, payload: LevellingIn) -> Any:
    """Level the project, store the delays and re-schedule (``schedule.run``)."""
    project = access_project(request.auth, key, Permission.SCHEDULE_RUN)
    plan = levelling.levelling_apply(
        actor=request.auth, project=project, within_float_only=payload.level_within_float_only
    )
    return _levelling_body(plan)


@router.delete("/projects/{key}/levelling", response=dict[str, int])
def levelling_clear(request: HttpRequest, key: str) -> Any:
    """Remove the project's levelling delays and re-schedule."""
    project = access_project(request.auth, key, Permission.SCHEDULE_RUN)
    return {"cleared": services.levelling_clear(actor=request.auth, project=project)}


@router.post("/portfolios/{portfolio_id}/levelling/preview", response=LevellingOut)
def portfolio_levelling_preview(
    request: HttpRequest, portfolio_id: int, payload: LevellingIn
) -> Any:
    """Level every project of the portfolio together (PMO administrators); nothing is saved."""
    plan = levelling.portfolio_levelling_preview(
        actor=request.auth,
        portfolio=portfolio_id,
        within_float_only=payload.level_within_float_only,
    )
    return _levelling_body(plan)


@router.post("/portfolios/{portfolio_id}/levelling/apply", response=LevellingOut)
def portfolio_levelling_apply(request: HttpRequest, portfolio_id: int, payload: LevellingIn) -> Any:
    """Level the portfolio's projects together and store the delays (PMO administrators)."""
    plan = levelling.portfolio_levelling_apply(
        actor=request.auth,
        portfolio=portfolio_id,
        within_float_only=payload.level_within_float_only,
    )
    return _levelling_body(plan)
