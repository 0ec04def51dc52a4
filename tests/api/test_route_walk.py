"""Walk every route of the OpenAPI document as each kind of caller.

Each route declares the permission it needs (ROUTES). The expected status for every caller is
derived from that declaration and the role matrix (ROLE_PERMISSIONS), so changing either is
reflected here, and a route that is missing from ROUTES fails the walk.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from tests.api.walk import AREAS, NAMED_PORTFOLIO, PORTFOLIO, PROJECT, STAFF, USER, P
from tests.factories import (
    MembershipFactory,
    PortfolioMembershipFactory,
    ProgramFactory,
    ProjectFactory,
    UserFactory,
    item_create,
)

from keel.apps.accounts.services import token_create
from keel.apps.projects.access import PORTFOLIO_ROLE_PERMISSIONS, ROLE_PERMISSIONS, Permission
from keel.apps.projects.models import PortfolioRole, Role
from keel.apps.work import services as work
from keel.apps.work.models import WorkflowTransition

pytestmark = pytest.mark.django_db

V1 = "/api/v1"

# route -> (scope, permission); scopes are explained in tests/api/walk/__init__.py. The core
# routes are here; each area's are in its own module under tests/api/walk/, merged below.
ROUTES: dict[tuple[str, str], tuple[str, Permission | None]] = {
    ("GET", "/me"): (USER, None),
    ("GET", "/me/tokens"): (USER, None),
    ("POST", "/me/tokens"): (USER, None),
    ("DELETE", "/me/tokens/{token_id}"): (USER, None),
    ("GET", "/portfolios"): (USER, None),
    ("POST", "/portfolios"): (STAFF, None),
    ("GET", "/portfolios/{portfolio_id}"): (PORTFOLIO, P.PORTFOLIO_VIEW),
    ("PATCH", "/portfolios/{portfolio_id}"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("DELETE", "/portfolios/{portfolio_id}"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("GET", "/portfolios/{portfolio_id}/members"): (PORTFOLIO, P.PORTFOLIO_VIEW),
    ("POST", "/portfolios/{portfolio_id}/members"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("DELETE", "/portfolios/{portfolio_id}/members/{username}"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("GET", "/programs"): (USER, None),
    ("POST", "/programs"): (NAMED_PORTFOLIO, P.PORTFOLIO_EDIT),
    ("GET", "/programs/{program_id}"): (PORTFOLIO, P.PORTFOLIO_VIEW),
    ("PATCH", "/programs/{program_id}"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("DELETE", "/programs/{program_id}"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("GET", "/projects"): (USER, None),
    ("POST", "/projects"): (NAMED_PORTFOLIO, P.PROJECT_CREATE),
    ("GET", "/projects/{key}"): (PROJECT, P.PROJECT_VIEW),
    ("PATCH", "/projects/{key}"): (PROJECT, P.PROJECT_EDIT),
    ("DELETE", "/projects/{key}"): (PROJECT, P.PROJECT_DELETE),
    ("GET", "/projects/{key}/members"): (PROJECT, P.MEMBER_VIEW),
    ("POST", "/projects/{key}/members"): (PROJECT, P.MEMBER_MANAGE),
    ("PATCH", "/projects/{key}/members/{username}"): (PROJECT, P.MEMBER_MANAGE),
    ("DELETE", "/projects/{key}/members/{username}"): (PROJECT, P.MEMBER_MANAGE),
    ("GET", "/projects/{key}/labels"): (PROJECT, P.ITEM_VIEW),
    ("GET", "/projects/{key}/items"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/items"): (PROJECT, P.ITEM_CREATE),
    ("POST", "/projects/{key}/schedule"): (PROJECT, P.SCHEDULE_RUN),
    ("GET", "/projects/{key}/items/{item_key}"): (PROJECT, P.ITEM_VIEW),
    ("PATCH", "/projects/{key}/items/{item_key}"): (PROJECT, P.ITEM_EDIT),
    ("DELETE", "/projects/{key}/items/{item_key}"): (PROJECT, P.ITEM_DELETE),
    ("POST", "/projects/{key}/items/{item_key}/transition"): (PROJECT, P.ITEM_TRANSITION),
    ("POST", "/projects/{key}/items/{item_key}/move"): (PROJECT, P.ITEM_EDIT),
    ("POST", "/projects/{key}/items/{item_key}/indent"): (PROJECT, P.ITEM_EDIT),
    ("POST", "/projects/{key}/items/{item_key}/outdent"): (PROJECT, P.ITEM_EDIT),
    ("GET", "/projects/{key}/items/{item_key}/comments"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/items/{item_key}/comments"): (PROJECT, P.COMMENT_CREATE),
    # The walkers are not the comment's author, so changing it takes moderation.
    ("PATCH", "/projects/{key}/items/{item_key}/comments/{comment_id}"): (
        PROJECT,
        P.COMMENT_MODERATE,
    ),
    ("DELETE", "/projects/{key}/items/{item_key}/comments/{comment_id}"): (
        PROJECT,
        P.COMMENT_MODERATE,
    ),
    ("GET", "/projects/{key}/items/{item_key}/history"): (PROJECT, P.HISTORY_VIEW),
    ("GET", "/projects/{key}/history"): (PROJECT, P.HISTORY_VIEW),
    ("GET", "/projects/{key}/dependencies"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/dependencies"): (PROJECT, P.DEPENDENCY_EDIT),
    ("GET", "/projects/{key}/dependencies/{dependency_id}"): (PROJECT, P.ITEM_VIEW),
    ("PATCH", "/projects/{key}/dependencies/{dependency_id}"): (PROJECT, P.DEPENDENCY_EDIT),
    ("DELETE", "/projects/{key}/dependencies/{dependency_id}"): (PROJECT, P.DEPENDENCY_EDIT),
    ("GET", "/projects/{key}/workflow"): (PROJECT, P.PROJECT_VIEW),
    ("PUT", "/projects/{key}/workflow"): (PROJECT, P.WORKFLOW_EDIT),
    ("POST", "/projects/{key}/workflow/statuses"): (PROJECT, P.WORKFLOW_EDIT),
    ("PATCH", "/projects/{key}/workflow/statuses/{status_key}"): (PROJECT, P.WORKFLOW_EDIT),
    ("DELETE", "/projects/{key}/workflow/statuses/{status_key}"): (PROJECT, P.WORKFLOW_EDIT),
    ("POST", "/projects/{key}/workflow/transitions"): (PROJECT, P.WORKFLOW_EDIT),
    ("DELETE", "/projects/{key}/workflow/transitions/{transition_id}"): (
        PROJECT,
        P.WORKFLOW_EDIT,
    ),
}

# Minimal valid bodies, built from the demo world (``w``).
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/me/tokens"): lambda w: {"name": "walk"},
    ("POST", "/portfolios"): lambda w: {"name": "Walk portfolio", "slug": "walk"},
    ("PATCH", "/portfolios/{portfolio_id}"): lambda w: {
        "name": "Renamed",
        "version": w["portfolio"].version,
    },
    ("POST", "/portfolios/{portfolio_id}/members"): lambda w: {"username": "newbie"},
    ("POST", "/programs"): lambda w: {"portfolio": w["portfolio"].pk, "name": "Walk program"},
    ("PATCH", "/programs/{program_id}"): lambda w: {
        "name": "Renamed",
        "version": w["program"].version,
    },
    ("POST", "/projects"): lambda w: {
        "key": "WALK",
        "name": "Walk",
        "portfolio": w["portfolio"].pk,
    },
    ("PATCH", "/projects/{key}"): lambda w: {"name": "Renamed", "version": w["project"].version},
    ("POST", "/projects/{key}/members"): lambda w: {"username": "newbie", "role": "viewer"},
    ("PATCH", "/projects/{key}/members/{username}"): lambda w: {"role": "viewer"},
    ("POST", "/projects/{key}/items"): lambda w: {"title": "Walk item"},
    ("PATCH", "/projects/{key}/items/{item_key}"): lambda w: {
        "title": "Renamed",
        "version": w["item"].version,
    },
    ("POST", "/projects/{key}/items/{item_key}/transition"): lambda w: {"to_status": "selected"},
    ("POST", "/projects/{key}/items/{item_key}/move"): lambda w: {"parent": w["sibling"].key},
    ("POST", "/projects/{key}/items/{item_key}/comments"): lambda w: {"body": "Looks good."},
    ("PATCH", "/projects/{key}/items/{item_key}/comments/{comment_id}"): lambda w: {
        "body": "Edited."
    },
    ("POST", "/projects/{key}/dependencies"): lambda w: {
        "predecessor": w["other"].key,
        "successor": w["item"].key,
    },
    ("PATCH", "/projects/{key}/dependencies/{dependency_id}"): lambda w: {
        "lag_days": "2",
        "version": w["dependency"].version,
    },
    ("PUT", "/projects/{key}/workflow"): lambda w: w["workflow_spec"],
    ("POST", "/projects/{key}/workflow/statuses"): lambda w: {"key": "qa", "name": "QA"},
    ("PATCH", "/projects/{key}/workflow/statuses/{status_key}"): lambda w: {
        "name": "Parked",
        "version": w["project"].workflow.version,
    },
    ("POST", "/projects/{key}/workflow/transitions"): lambda w: {
        "from_status": "spare",
        "to_status": "backlog",
    },
}

# Each area's declarations (tests/api/walk/<area>.py).
_AREA_MODULES = [importlib.import_module(f"tests.api.walk.{area}") for area in AREAS]
SCOPES: dict[str, Callable[[Role | None], str]] = {}
for _area in _AREA_MODULES:
    assert not set(_area.ROUTES) & set(ROUTES), f"{_area.__name__} redeclares a route"
    ROUTES.update(_area.ROUTES)
    BODIES.update(_area.BODIES)
    SCOPES.update(getattr(_area, "SCOPES", {}))


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """A scrum project inside a program, with a small WBS, a link, a comment and a spare status.

    The walked item ``item`` has a parent and a sibling above it, no children, and sits in
    backlog, so it can be moved, indented, outdented, transitioned and deleted.
    """
    program = ProgramFactory()
    project = ProjectFactory(
        key="ERP", methodology="scrum", portfolio=program.portfolio, program=program
    )
    pm = project.manager
    parent = item_create(project, "Phase")
    sibling = item_create(project, "First step", parent=parent)
    item = item_create(project, "Second step", parent=parent)
    other = item_create(project, "Elsewhere")
    dependency = work.dependency_create(actor=pm, predecessor=sibling, successor=item)
    comment = work.comment_create(actor=pm, item=item, body="First remark.")
    work.workflow_status_create(actor=pm, project=project, key="spare", name="Spare")
    transition = WorkflowTransition.objects.filter(workflow__project=project).first()
    spare = UserFactory(username="spare")
    MembershipFactory(project=project, user=spare, role=Role.MEMBER)
    PortfolioMembershipFactory(portfolio=program.portfolio, user=spare, role="viewer")
    UserFactory(username="newbie")
    project.refresh_from_db()
    workflow = project.workflow
    spec = {
        "version": workflow.version,
        "statuses": [
            {"key": s.key, "name": s.name, "category": s.category}
            for s in workflow.statuses.order_by("position")
        ],
        "transitions": [
            {"from_status": t.from_status.key, "to_status": t.to_status.key}
            for t in workflow.transitions.all()
        ],
    }
    for row in (item, sibling, other, dependency):
        row.refresh_from_db()
    world = {
        "program": program,
        "portfolio": program.portfolio,
        "project": project,
        "item": item,
        "sibling": sibling,
        "other": other,
        "dependency": dependency,
        "workflow_spec": spec,
        "params": {
            "portfolio_id": program.portfolio.pk,
            "program_id": program.pk,
            "key": project.key,
            "username": "spare",
            "item_key": item.key,
            "comment_id": comment.pk,
            "dependency_id": dependency.pk,
            "status_key": "spare",
            "transition_id": transition.pk,
        },
    }
    for area in _AREA_MODULES:
        area.world_extend(world)
    return world


def _expected(scope: str, perm: Permission | None, role: Role | None) -> str:
    """'2xx', '400', '403' or '404' for a caller holding ``role`` on the project (None: outsider).

    Callers in the walk are never site administrators and hold no portfolio role; a project
    member may see the project's portfolio and program.
    """
    if scope in SCOPES:
        return SCOPES[scope](role)
    if scope == USER:
        return "2xx"
    if scope == STAFF:
        return "403"
    if role is None:
        return "400" if scope == NAMED_PORTFOLIO else "404"
    if scope in (PORTFOLIO, NAMED_PORTFOLIO):
        granted = PORTFOLIO_ROLE_PERMISSIONS[PortfolioRole.VIEWER]
        return "2xx" if perm in granted else "403"
    return "2xx" if perm in ROLE_PERMISSIONS[role] else "403"


def _openapi_routes(client: Any) -> set[tuple[str, str]]:
    document = client.get(f"{V1}/openapi.json").json()
    return {
        (method.upper(), path.removeprefix(V1))
        for path, operations in document["paths"].items()
        for method in operations
    }


def _call(client: Any, method: str, route: str, world: dict[str, Any], params: dict) -> Any:
    body_of = BODIES.get((method, route))
    body = body_of(world) if body_of else None
    # Each call runs in a savepoint that is rolled back, so every call sees the same world.
    with transaction.atomic():
        response = client.call(method, V1 + route.format(**params), body)
        transaction.set_rollback(True)
    return response


def _status_class(code: int) -> str:
    return "2xx" if 200 <= code < 300 else str(code)


def test_every_openapi_route_is_declared(anon):
    """Every route in the OpenAPI document has a permission in ROUTES, and no stale entries."""
    routes = _openapi_routes(anon.client)
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"routes without a declared permission: {missing}"
    assert not stale, f"declared routes that no longer exist: {stale}"


def test_walk_every_route_as_every_caller(world, anon, as_user, error_of):
    """Anonymous: 401. Outsider: 404 on project-scoped routes. Each role: 2xx or 403 as its
    permissions say. Every refusal is in the error format."""
    routes = sorted(_openapi_routes(anon.client))
    project = world["project"]
    callers: list[tuple[str, Any, Role | None]] = [("outsider", UserFactory(), None)]
    for role in ROLE_PERMISSIONS:
        person = UserFactory(username=f"as-{role.value}")
        MembershipFactory(project=project, user=person, role=role)
        callers.append((role.value, person, role))

    failures = []
    for method, route in routes:
        response = _call(anon, method, route, world, {**world["params"], "token_id": 1})
        if response.status_code != 401:
            failures.append(f"anonymous {method} {route}: {response.status_code}")
        else:
            error_of(response)
    for name, person, role in callers:
        client = as_user(person)
        token, _raw = token_create(user=person, name="walker")
        params = {**world["params"], "token_id": token.pk}
        for method, route in routes:
            scope, perm = ROUTES[(method, route)]
            want = _expected(scope, perm, role)
            response = _call(client, method, route, world, params)
            got = _status_class(response.status_code)
            if got != want:
                detail = response.content[:200].decode(errors="replace")
                failures.append(f"{name} {method} {route}: want {want}, got {got} {detail}")
            elif got != "2xx":
                error_of(response)
    assert not failures, "\n".join(failures)


def test_viewer_reads_everything_and_writes_nothing():
    """By the declared map and the matrix, a viewer may use every project read and no write."""
    viewer = ROLE_PERMISSIONS[Role.VIEWER]
    for (method, _route), (scope, perm) in ROUTES.items():
        if scope != PROJECT:
            continue
        assert (perm in viewer) == (method == "GET"), (method, _route, perm)
