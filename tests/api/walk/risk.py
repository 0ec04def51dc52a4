"""Route-walk declarations for risk (see tests/api/walk/__init__.py).

Reads of the register need ``risk.view``, which the viewer role does not hold: they are
declared in the RISK_READ scope, decided by the role matrix like PROJECT, so the walk's rule
that a viewer may use every PROJECT read does not apply to them.
"""

from collections.abc import Callable
from typing import Any

from tests.api.walk import PROJECT, USER, P

from keel.apps.projects.access import ROLE_PERMISSIONS
from keel.apps.risk import services
from keel.apps.risk.models import ChangeRequest, ChangeStatus

RISK_READ = "risk read"


def _risk_read(role: Any) -> str:
    if role is None:
        return "404"
    return "2xx" if P.RISK_VIEW in ROLE_PERMISSIONS[role] else "403"


def _wrong_state(perm: Any) -> Callable[[Any], str]:
    """A workflow step the walked change request (a submitted one) cannot take: callers who
    may take it get the 400 of the state check, the rest 403/404."""

    def expect(role: Any) -> str:
        if role is None:
            return "404"
        return "400" if perm in ROLE_PERMISSIONS[role] else "403"

    return expect


# The walked change request is submitted: it may be edited, assessed, approved or rejected;
# deleting, submitting and implementing it are refused by its state.
CREATE_STEP, APPROVE_STEP = "change step (create)", "change step (approve)"
SCOPES: dict[str, Callable[[Any], str]] = {
    RISK_READ: _risk_read,
    CREATE_STEP: _wrong_state(P.CHANGE_CREATE),
    APPROVE_STEP: _wrong_state(P.CHANGE_APPROVE),
}

R = "/projects/{key}/risks/{risk_key}"
RAID = "/projects/{key}/raid"
CR = "/projects/{key}/changes"

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/projects/{key}/risks"): (RISK_READ, P.RISK_VIEW),
    ("POST", "/projects/{key}/risks"): (PROJECT, P.RISK_EDIT),
    ("GET", R): (RISK_READ, P.RISK_VIEW),
    ("PATCH", R): (PROJECT, P.RISK_EDIT),
    ("DELETE", R): (PROJECT, P.RISK_EDIT),
    ("GET", f"{R}/reviews"): (RISK_READ, P.RISK_VIEW),
    ("POST", f"{R}/reviews"): (PROJECT, P.RISK_EDIT),
    ("POST", f"{R}/actions"): (PROJECT, P.RISK_EDIT),
    ("DELETE", f"{R}/actions/{{item_key}}"): (PROJECT, P.RISK_EDIT),
    ("POST", f"{R}/occurred"): (PROJECT, P.RISK_EDIT),
    ("GET", "/risk-reviews/overdue"): (USER, None),
    ("GET", "/projects/{key}/risk-scale"): (RISK_READ, P.RISK_VIEW),
    ("PUT", "/projects/{key}/risk-scale"): (PROJECT, P.RISK_EDIT),
    ("GET", "/projects/{key}/risk-matrix"): (RISK_READ, P.RISK_VIEW),
    ("PUT", "/projects/{key}/risk-matrix"): (PROJECT, P.RISK_EDIT),
    ("GET", "/projects/{key}/risk-heatmap"): (RISK_READ, P.RISK_VIEW),
    ("GET", "/projects/{key}/risk-burndown"): (RISK_READ, P.RISK_VIEW),
    ("GET", "/portfolio/risk-heatmap"): (USER, None),
    ("GET", "/portfolio/risks"): (USER, None),
    ("GET", f"{CR}"): (PROJECT, P.PROJECT_VIEW),
    ("POST", f"{CR}"): (PROJECT, P.CHANGE_CREATE),
    ("GET", f"{CR}/{{change_key}}"): (PROJECT, P.PROJECT_VIEW),
    ("PATCH", f"{CR}/{{change_key}}"): (PROJECT, P.CHANGE_CREATE),
    ("DELETE", f"{CR}/{{change_key}}"): (CREATE_STEP, P.CHANGE_CREATE),
    ("POST", f"{CR}/{{change_key}}/submit"): (CREATE_STEP, P.CHANGE_CREATE),
    ("POST", f"{CR}/{{change_key}}/assess"): (PROJECT, P.CHANGE_APPROVE),
    ("POST", f"{CR}/{{change_key}}/approve"): (PROJECT, P.CHANGE_APPROVE),
    ("POST", f"{CR}/{{change_key}}/reject"): (PROJECT, P.CHANGE_APPROVE),
    ("POST", f"{CR}/{{change_key}}/implement"): (APPROVE_STEP, P.CHANGE_APPROVE),
    ("GET", "/projects/{key}/change-board"): (PROJECT, P.PROJECT_VIEW),
    ("PUT", "/projects/{key}/change-board"): (PROJECT, P.PROJECT_EDIT),
    ("GET", "/projects/{key}/estimates"): (RISK_READ, P.RISK_VIEW),
    ("PUT", "/projects/{key}/estimates/{item_key}"): (PROJECT, P.RISK_EDIT),
    ("DELETE", "/projects/{key}/estimates/{item_key}"): (PROJECT, P.RISK_EDIT),
    ("GET", "/projects/{key}/simulations"): (RISK_READ, P.RISK_VIEW),
    ("POST", "/projects/{key}/simulations"): (PROJECT, P.RISK_EDIT),
    ("GET", "/projects/{key}/simulations/{run_id}"): (RISK_READ, P.RISK_VIEW),
}
for _kind in ("issues", "assumptions", "decisions"):
    ROUTES[("GET", f"{RAID}/{_kind}")] = (RISK_READ, P.RISK_VIEW)
    ROUTES[("POST", f"{RAID}/{_kind}")] = (PROJECT, P.RISK_EDIT)
    ROUTES[("GET", f"{RAID}/{_kind}/{{raid_key}}")] = (RISK_READ, P.RISK_VIEW)
    ROUTES[("PATCH", f"{RAID}/{_kind}/{{raid_key}}")] = (PROJECT, P.RISK_EDIT)
    ROUTES[("DELETE", f"{RAID}/{_kind}/{{raid_key}}")] = (PROJECT, P.RISK_EDIT)

_LEVELS = [{"label": str(n), "meaning": "", "value": str(n / 10)} for n in range(1, 6)]

BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/projects/{key}/risks"): lambda w: {"title": "Walk", "probability": 2, "impact": 3},
    ("PATCH", R): lambda w: {"impact": 5, "version": w["risk"].version},
    ("POST", f"{R}/reviews"): lambda w: {"notes": "Walked"},
    ("POST", f"{R}/actions"): lambda w: {"title": "Walk response"},
    ("POST", f"{R}/occurred"): lambda w: {},
    ("PUT", "/projects/{key}/risk-scale"): lambda w: {
        "probability_levels": _LEVELS,
        "impact_levels": _LEVELS,
    },
    ("PUT", "/projects/{key}/risk-matrix"): lambda w: {
        "cells": {f"{p},{i}": "high" for p in range(1, 6) for i in range(1, 6)}
    },
    ("POST", f"{CR}"): lambda w: {"title": "Walk change"},
    ("PATCH", f"{CR}/{{change_key}}"): lambda w: {"title": "Renamed", "version": 1},
    ("POST", f"{CR}/{{change_key}}/assess"): lambda w: {"assessment": "Small"},
    ("POST", f"{CR}/{{change_key}}/approve"): lambda w: {"comment": "Agreed"},
    ("POST", f"{CR}/{{change_key}}/reject"): lambda w: {"comment": "No"},
    ("PUT", "/projects/{key}/change-board"): lambda w: {"approver_roles": ["project_manager"]},
    ("PUT", "/projects/{key}/estimates/{item_key}"): lambda w: {
        "duration_min": "1",
        "duration_likely": "2",
        "duration_max": "4",
    },
    ("POST", "/projects/{key}/simulations"): lambda w: {"iterations": 50, "seed": 1},
}
for _kind in ("issues", "assumptions", "decisions"):
    BODIES[("POST", f"{RAID}/{_kind}")] = lambda w: {"title": "Walk"}
    BODIES[("PATCH", f"{RAID}/{_kind}/{{raid_key}}")] = lambda w: {"title": "Renamed", "version": 1}


def world_extend(world: dict[str, Any]) -> None:
    """A risk with a response action, one RAID row of each kind, a submitted change request,
    an estimate and a finished simulation run."""
    project, pm = world["project"], world["project"].manager
    risk = services.risk_create(
        actor=pm, project=project, title="Vendor late", probability=3, impact=4, days_min=1,
        days_likely=2, days_max=5, threatened_items=[world["item"].key],
    )  # fmt: skip
    services.risk_response_action_link(actor=pm, risk=risk, item=world["other"])
    risk.refresh_from_db()
    world["risk"] = risk
    issue = services.issue_create(actor=pm, project=project, title="Licences")
    services.assumption_create(actor=pm, project=project, title="Staff")
    services.decision_create(actor=pm, project=project, title="Vendor B")
    services.task_estimate_set(
        actor=pm, item=world["item"], duration_min=1, duration_likely=2, duration_max=3
    )
    change = services.change_request_create(actor=pm, project=project, title="Walk change")
    ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeStatus.SUBMITTED)
    from keel.apps.risk.models import SimulationRun

    run = SimulationRun.objects.create(
        project=project, requested_by=pm, iterations=10, seed=1, status="done", progress=100
    )
    world["params"].update(
        {
            "risk_key": risk.key,
            "raid_key": issue.number,
            "change_key": change.key,
            "run_id": run.pk,
        }
    )
