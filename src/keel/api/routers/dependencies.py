"""Dependencies between work items of one project: /projects/{key}/dependencies."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from keel.api.concurrency import expected_version
from keel.api.pagination import Page, PageParams, paginate
from keel.api.routers.work import item_ref
from keel.api.schemas.work import DependencyFilter, DependencyIn, DependencyOut, DependencyPatch
from keel.apps.projects.access import Permission, access_project
from keel.apps.work import selectors, services
from keel.apps.work.models import Dependency

__all__ = ["router"]

router = Router(tags=["dependencies"])

ONE = "/projects/{key}/dependencies/{dependency_id}"


def _dependency(request: HttpRequest, key: str, dependency_id: int, need: Permission) -> Dependency:
    project = access_project(request.auth, key, need)
    dependency = selectors.dependency_list(project).filter(pk=dependency_id).first()
    if dependency is None:
        raise Http404(f"{project.key} has no dependency {dependency_id}.")
    return dependency


def _fresh(dependency: Dependency) -> Dependency:
    """Re-read a link as stored, so numbers read the same as on a GET."""
    return selectors.dependency_list(dependency.project).get(pk=dependency.pk)


@router.get("/projects/{key}/dependencies", response=Page[DependencyOut])
def dependency_list(
    request: HttpRequest, key: str, filters: Query[DependencyFilter], page: Query[PageParams]
) -> Any:
    """The project's dependencies, optionally only those of one item."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    rows = selectors.dependency_list(project)
    if filters.item:
        item = item_ref(project, filters.item, "item")
        rows = rows.filter(Q(predecessor=item) | Q(successor=item))
    return paginate(request, rows, page)


@router.post("/projects/{key}/dependencies", response={201: DependencyOut})
def dependency_create(request: HttpRequest, key: str, payload: DependencyIn) -> Any:
    """Link two items: the successor waits on the predecessor. A link closing a loop is a 400."""
    project = access_project(request.auth, key, Permission.DEPENDENCY_EDIT)
    dependency = services.dependency_create(
        actor=request.auth,
        predecessor=item_ref(project, payload.predecessor, "predecessor"),
        successor=item_ref(project, payload.successor, "successor"),
        type=payload.type,
        lag_days=payload.lag_days,
    )
    return Status(201, _fresh(dependency))


@router.get(ONE, response=DependencyOut)
def dependency_get(request: HttpRequest, key: str, dependency_id: int) -> Any:
    """One dependency; the ETag is its version."""
    return _dependency(request, key, dependency_id, Permission.ITEM_VIEW)


@router.patch(ONE, response=DependencyOut)
def dependency_update(
    request: HttpRequest, key: str, dependency_id: int, payload: DependencyPatch
) -> Any:
    """Change a dependency's type or lag."""
    dependency = _dependency(request, key, dependency_id, Permission.DEPENDENCY_EDIT)
    version = expected_version(request, payload.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    changed = services.dependency_update(
        actor=request.auth, dependency=dependency, version=version, **fields
    )
    return _fresh(changed)


@router.delete(ONE, response={204: None})
def dependency_delete(request: HttpRequest, key: str, dependency_id: int) -> Any:
    """Remove a dependency."""
    dependency = _dependency(request, key, dependency_id, Permission.DEPENDENCY_EDIT)
    services.dependency_delete(actor=request.auth, dependency=dependency)
    return Status(204, None)
