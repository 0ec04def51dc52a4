"""A project's workflow: its statuses (by key) and allowed transitions.

The workflow as a whole carries one ``version``; every change to a status or transition bumps
it, so each of them is checked against that version.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from keel.api.concurrency import check_version, expected_version, optional_version
from keel.api.lookups import unknown
from keel.api.schemas.work import (
    WorkflowIn,
    WorkflowOut,
    WorkflowStatusIn,
    WorkflowStatusOut,
    WorkflowStatusPatch,
    WorkflowTransitionIn,
    WorkflowTransitionOut,
)
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work import selectors, services
from keel.apps.work.models import Workflow, WorkflowStatus, WorkflowTransition

__all__ = ["router"]

router = Router(tags=["workflow"])

WF = "/projects/{key}/workflow"


def _workflow(project: Project) -> Workflow:
    workflow = Workflow.objects.filter(project=project).first()
    if workflow is None:
        raise Http404(f"{project.key} has no workflow.")
    return workflow


def _checked(request: HttpRequest, project: Project, version: int | None) -> None:
    check_version(_workflow(project).version, version, f"The workflow of {project.key}")


def _status(project: Project, status_key: str, field: str | None = None) -> WorkflowStatus:
    status = selectors.workflow_statuses(project).filter(key=status_key).first()
    if status is None:
        message = f"{project.key} has no status {status_key!r}."
        raise unknown(field, message) if field else Http404(message)
    return status


def _render(project: Project) -> dict[str, Any]:
    return {
        "version": _workflow(project).version,
        "statuses": list(selectors.workflow_statuses(project)),
        "transitions": list(selectors.workflow_transitions(project)),
    }


@router.get(WF, response=WorkflowOut)
def workflow_get(request: HttpRequest, key: str) -> Any:
    """The statuses in board order and the allowed moves; the ETag is the workflow's version."""
    project = access_project(request.auth, key, Permission.PROJECT_VIEW)
    return _render(project)


@router.put(WF, response=WorkflowOut)
def workflow_replace(request: HttpRequest, key: str, payload: WorkflowIn) -> Any:
    """Replace the whole workflow; statuses are matched by key so items keep theirs."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    version = expected_version(request, payload.version)
    statuses = [status.model_dump() for status in payload.statuses]
    # The service names a transition's ends "from"/"to"; the API says from_status/to_status.
    transitions = [
        {"from": t.from_status, "to": t.to_status, "allowed_roles": t.allowed_roles}
        for t in payload.transitions
    ]
    services.workflow_replace(
        actor=request.auth,
        project=project,
        version=version,
        statuses=statuses,
        transitions=transitions,
    )
    return _render(project)


@router.post(f"{WF}/statuses", response={201: WorkflowStatusOut})
def workflow_status_create(request: HttpRequest, key: str, payload: WorkflowStatusIn) -> Any:
    """Add a status (at the end unless a position is given)."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    _checked(request, project, optional_version(request))
    status = services.workflow_status_create(
        actor=request.auth, project=project, **payload.model_dump()
    )
    return Status(201, status)


@router.patch(f"{WF}/statuses/{{status_key}}", response=WorkflowStatusOut)
def workflow_status_update(
    request: HttpRequest, key: str, status_key: str, payload: WorkflowStatusPatch
) -> Any:
    """Rename a status or change its category, position or WIP limit."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    status = _status(project, status_key)
    _checked(request, project, expected_version(request, payload.version))
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    return services.workflow_status_update(actor=request.auth, status=status, **fields)


@router.delete(f"{WF}/statuses/{{status_key}}", response={204: None})
def workflow_status_delete(request: HttpRequest, key: str, status_key: str) -> Any:
    """Delete a status no item is in; its transitions go with it."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    status = _status(project, status_key)
    _checked(request, project, optional_version(request))
    services.workflow_status_delete(actor=request.auth, status=status)
    return Status(204, None)


@router.post(f"{WF}/transitions", response={201: WorkflowTransitionOut})
def workflow_transition_create(
    request: HttpRequest, key: str, payload: WorkflowTransitionIn
) -> Any:
    """Allow moving items from one status to another, optionally only for some roles."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    _checked(request, project, optional_version(request, payload.version))
    transition = services.workflow_transition_create(
        actor=request.auth,
        project=project,
        from_status=_status(project, payload.from_status, "from_status"),
        to_status=_status(project, payload.to_status, "to_status"),
        allowed_roles=payload.allowed_roles,
    )
    return Status(201, transition)


@router.delete(f"{WF}/transitions/{{transition_id}}", response={204: None})
def workflow_transition_delete(request: HttpRequest, key: str, transition_id: int) -> Any:
    """Stop allowing a move."""
    project = access_project(request.auth, key, Permission.WORKFLOW_EDIT)
    transition: WorkflowTransition | None = (
        selectors.workflow_transitions(project).filter(pk=transition_id).first()
    )
    if transition is None:
        raise Http404(f"{project.key} has no transition {transition_id}.")
    _checked(request, project, optional_version(request))
    services.workflow_transition_delete(actor=request.auth, transition=transition)
    return Status(204, None)
