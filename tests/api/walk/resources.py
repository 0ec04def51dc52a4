"""Route-walk declarations for resources (see tests/api/walk/__init__.py).

The pool is read by any signed-in person and written by site staff (the walkers are not).
Cost rates are read by finance managers and PMO administrators (RATES). Approving and
declining a request belongs to the resource's owner (DECIDE: members 403, outsiders 404). The
walked resource is not a placeholder, so replacing it is refused as bad input (REPLACE).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from tests.api.walk import PORTFOLIO, PROJECT, STAFF, USER, P
from tests.factories import UserFactory

from keel.apps.projects.models import Role
from keel.apps.resources import services

RATES, DECIDE, REPLACE = "resource rates", "request decision", "replace placeholder"


def _rates(role: Any) -> str:
    return "2xx" if role in (Role.FINANCE_MANAGER, Role.PMO_ADMIN) else "403"


def _decide(role: Any) -> str:
    return "404" if role is None else "403"


SCOPES: dict[str, Callable[[Any], str]] = {
    RATES: _rates,
    DECIDE: _decide,
    REPLACE: lambda role: "400",
}

R = "/resources/{resource_id}"
ITEM = "/projects/{key}/items/{item_key}/assignments"
REQ = "/resource-requests/{request_id}"

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/resources"): (USER, None),
    ("POST", "/resources"): (STAFF, None),
    ("GET", R): (USER, None),
    ("PATCH", R): (STAFF, None),
    ("DELETE", R): (STAFF, None),
    ("POST", f"{R}/replace"): (REPLACE, None),
    ("GET", f"{R}/assignments"): (USER, None),
    ("GET", f"{R}/leave"): (USER, None),
    ("POST", f"{R}/leave"): (STAFF, None),
    ("DELETE", f"{R}/leave/{{leave_id}}"): (STAFF, None),
    ("GET", f"{R}/rates"): (RATES, None),
    ("POST", f"{R}/rates"): (STAFF, None),
    ("DELETE", f"{R}/rates/{{rate_id}}"): (STAFF, None),
    ("GET", "/skills"): (USER, None),
    ("POST", "/skills"): (STAFF, None),
    ("GET", "/skills/matrix"): (USER, None),
    ("PUT", f"{R}/skills/{{skill_id}}"): (STAFF, None),
    ("DELETE", f"{R}/skills/{{skill_id}}"): (STAFF, None),
    ("GET", "/projects/{key}/assignments"): (PROJECT, P.ITEM_VIEW),
    ("GET", ITEM): (PROJECT, P.ITEM_VIEW),
    ("POST", ITEM): (PROJECT, P.RESOURCE_ASSIGN),
    ("PATCH", f"{ITEM}/{{assignment_id}}"): (PROJECT, P.RESOURCE_ASSIGN),
    ("DELETE", f"{ITEM}/{{assignment_id}}"): (PROJECT, P.RESOURCE_ASSIGN),
    ("GET", "/projects/{key}/resource-requests"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/resource-requests"): (PROJECT, P.RESOURCE_ASSIGN),
    ("GET", "/resource-requests"): (USER, None),
    ("POST", f"{REQ}/approve"): (DECIDE, None),
    ("POST", f"{REQ}/decline"): (DECIDE, None),
    ("POST", f"{REQ}/cancel"): (PROJECT, P.RESOURCE_ASSIGN),
    ("GET", "/utilisation"): (USER, None),
    ("GET", "/projects/{key}/utilisation"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/levelling/preview"): (PROJECT, P.SCHEDULE_RUN),
    ("POST", "/projects/{key}/levelling/apply"): (PROJECT, P.SCHEDULE_RUN),
    ("DELETE", "/projects/{key}/levelling"): (PROJECT, P.SCHEDULE_RUN),
    ("POST", "/portfolios/{portfolio_id}/levelling/preview"): (PORTFOLIO, P.PORTFOLIO_EDIT),
    ("POST", "/portfolios/{portfolio_id}/levelling/apply"): (PORTFOLIO, P.PORTFOLIO_EDIT),
}

BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/resources"): lambda w: {"name": "Walker", "kind": "person"},
    ("PATCH", R): lambda w: {"capacity": "6"},
    ("POST", f"{R}/replace"): lambda w: {"resource": w["spare_resource"].pk},
    ("POST", f"{R}/leave"): lambda w: {"start": "2026-08-03", "finish": "2026-08-07"},
    ("POST", f"{R}/rates"): lambda w: {"effective_from": "2030-01-01", "standard": "90"},
    ("POST", "/skills"): lambda w: {"name": "Walking"},
    ("PUT", f"{R}/skills/{{skill_id}}"): lambda w: {"level": 4},
    ("POST", ITEM): lambda w: {"resource": w["spare_resource"].pk, "units": "0.5"},
    ("PATCH", f"{ITEM}/{{assignment_id}}"): lambda w: {"units": "0.5"},
    ("POST", "/projects/{key}/resource-requests"): lambda w: {
        "resource": w["resource"].pk,
        "start": "2026-09-01",
        "finish": "2026-09-30",
        "hours": "40",
    },
    ("POST", f"{REQ}/approve"): lambda w: {"note": "ok"},
    ("POST", f"{REQ}/decline"): lambda w: {"note": "no"},
    ("POST", f"{REQ}/cancel"): lambda w: {},
    ("POST", "/projects/{key}/levelling/preview"): lambda w: {},
    ("POST", "/projects/{key}/levelling/apply"): lambda w: {},
    ("POST", "/portfolios/{portfolio_id}/levelling/preview"): lambda w: {},
    ("POST", "/portfolios/{portfolio_id}/levelling/apply"): lambda w: {},
}


def world_extend(world: dict[str, Any]) -> None:
    """A staff-owned person with leave, a rate and a skill, assigned to the walked item; a
    spare person; a pending request for the first one."""
    staff = UserFactory(username="walk-staff", is_staff=True)
    pm = world["project"].manager
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    spare = services.resource_create(actor=staff, name="Spare", kind="person")
    leave = services.leave_create(
        actor=staff, resource=ana, start=date(2026, 7, 6), finish=date(2026, 7, 10)
    )
    rate = services.cost_rate_create(
        actor=staff, resource=ana, effective_from=date(2026, 1, 1), standard="80"
    )
    skill = services.skill_create(actor=staff, name="Python")
    services.resource_skill_set(actor=staff, resource=ana, skill=skill, level=3)
    assignment = services.assignment_create(actor=pm, item=world["item"], resource=ana, units=1)
    request = services.request_create(
        actor=pm, project=world["project"], resource=ana, start=date(2026, 9, 1),
        finish=date(2026, 9, 30),
    )  # fmt: skip
    world["resource"], world["spare_resource"] = ana, spare
    world["item"].refresh_from_db()
    world["params"].update(
        {
            "resource_id": ana.pk,
            "leave_id": leave.pk,
            "rate_id": rate.pk,
            "skill_id": skill.pk,
            "assignment_id": assignment.pk,
            "request_id": request.pk,
        }
    )
