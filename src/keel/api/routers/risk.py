"""REST routes for risk: the register, scales and matrix, heat maps, the burn-down, the rest of
the RAID log, change requests, three-point estimates and simulation runs (see docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from keel.api.concurrency import expected_version
from keel.api.pagination import Page, PageParams, paginate
from keel.api.routers.work import item_ref
from keel.api.schemas.risk import (
    AssumptionIn,
    AssumptionOut,
    AssumptionPatch,
    BurnDownOut,
    ChangeAssessIn,
    ChangeBoardIn,
    ChangeBoardOut,
    ChangeDecisionIn,
    ChangeRequestIn,
    ChangeRequestOut,
    ChangeRequestPatch,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    EstimateIn,
    EstimateOut,
    HeatMapOut,
    IssueIn,
    IssueOut,
    IssuePatch,
    MatrixIn,
    MatrixOut,
    OccurredIn,
    OverdueReviewOut,
    ResponseActionIn,
    ReviewIn,
    ReviewOut,
    RiskFilter,
    RiskIn,
    RiskOut,
    RiskPatch,
    RollupFilter,
    RollupRiskOut,
    ScaleIn,
    ScaleOut,
    SimulationIn,
    SimulationRunOut,
)
from keel.apps.projects.access import Permission, access_project
from keel.apps.risk import selectors, services
from keel.apps.risk.simulation import simulation_run_start
from keel.apps.work.selectors import work_item_get
from keel.domain.errors import ValidationError

__all__ = ["router"]

router = Router(tags=["risk"])

RISK = "/projects/{key}/risks/{risk_key}"


def _risk(request: HttpRequest, key: str, risk_key: str, need: Permission) -> Any:
    project = access_project(request.auth, key, need)
    return selectors.risk_get(project, risk_key)


def _fields(payload: Any) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude={"version"})


# --- register --------------------------------------------------------------------------------


@router.get("/projects/{key}/risks", response=Page[RiskOut])
def risk_list(
    request: HttpRequest, key: str, filters: Query[RiskFilter], page: Query[PageParams]
) -> Any:
    """The risk register, filtered by status (or 'open'), category, kind, rating, text or one
    heat-map cell, sorted by key, score, title, proximity, next review or status."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return paginate(request, selectors.risk_list(project, **filters.model_dump()), page)


@router.post("/projects/{key}/risks", response={201: RiskOut})
def risk_create(request: HttpRequest, key: str, payload: RiskIn) -> Any:
    """Add a risk (R-<n>); its score and rating come from the project's matrix."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    risk = services.risk_create(actor=request.auth, project=project, **_fields(payload))
    return Status(201, selectors.risk_get(project, risk.number))


@router.get(RISK, response=RiskOut)
def risk_get(request: HttpRequest, key: str, risk_key: str) -> Any:
    """One risk by key (R-3) or number."""
    return _risk(request, key, risk_key, Permission.RISK_VIEW)


@router.patch(RISK, response=RiskOut)
def risk_update(request: HttpRequest, key: str, risk_key: str, payload: RiskPatch) -> Any:
    """Change a risk; every change is kept for the burn-down. Needs the version."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    version = expected_version(request, payload.version)
    services.risk_update(actor=request.auth, risk=risk, version=version, **_fields(payload))
    return selectors.risk_get(risk.project, risk.number)


@router.delete(RISK, response={204: None})
def risk_delete(request: HttpRequest, key: str, risk_key: str) -> Any:
    """Remove a risk from the register."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    services.risk_delete(actor=request.auth, risk=risk)
    return Status(204, None)


@router.get(f"{RISK}/reviews", response=list[ReviewOut])
def review_list(request: HttpRequest, key: str, risk_key: str) -> Any:
    """The risk's reviews, newest first."""
    risk = _risk(request, key, risk_key, Permission.RISK_VIEW)
    return risk.reviews.select_related("reviewer")


@router.post(f"{RISK}/reviews", response={201: ReviewOut})
def review_create(request: HttpRequest, key: str, risk_key: str, payload: ReviewIn) -> Any:
    """Record a review and set the next review date."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    review = services.risk_review_create(actor=request.auth, risk=risk, **payload.model_dump())
    return Status(201, review)


@router.post(f"{RISK}/actions", response={201: RiskOut})
def response_action_add(
    request: HttpRequest, key: str, risk_key: str, payload: ResponseActionIn
) -> Any:
    """Add a response action: a new work item (title, …) or an existing one (item)."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    fields = payload.model_dump(exclude_none=True)
    existing = fields.pop("item", None)
    if existing:
        services.risk_response_action_link(actor=request.auth, risk=risk, item=existing)
    elif fields.get("title"):
        services.risk_response_action_create(
            actor=request.auth, risk=risk, title=fields.pop("title"), **fields
        )
    else:
        raise ValidationError("Give either item (an existing key) or title (a new work item).")
    return Status(201, selectors.risk_get(risk.project, risk.number))


@router.delete(f"{RISK}/actions/{{item_key}}", response={204: None})
def response_action_remove(request: HttpRequest, key: str, risk_key: str, item_key: str) -> Any:
    """Unlink a response action (the work item itself stays)."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    item = work_item_get(risk.project, item_key)
    services.risk_response_action_link(actor=request.auth, risk=risk, item=item, remove=True)
    return Status(204, None)


@router.post(f"{RISK}/occurred", response={201: IssueOut})
def risk_occurred(request: HttpRequest, key: str, risk_key: str, payload: OccurredIn) -> Any:
    """The risk happened: mark it occurred and open a RAID issue from it."""
    risk = _risk(request, key, risk_key, Permission.RISK_EDIT)
    fields = payload.model_dump(exclude_none=True)
    issue = services.risk_occurred(actor=request.auth, risk=risk, **fields)
    return Status(201, issue)


@router.get("/risk-reviews/overdue", response=list[OverdueReviewOut])
def reviews_overdue(request: HttpRequest) -> Any:
    """Open risks you own whose review date has passed, across your projects."""
    return selectors.reviews_overdue(owner=request.auth)


# --- scale, matrix, heat map, burn-down ------------------------------------------------------


@router.get("/projects/{key}/risk-scale", response=ScaleOut)
def scale_get(request: HttpRequest, key: str) -> Any:
    """The probability and impact levels with their meanings (and each probability's chance)."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return selectors.scale_of(project)


@router.put("/projects/{key}/risk-scale", response=ScaleOut)
def scale_put(request: HttpRequest, key: str, payload: ScaleIn) -> Any:
    """Replace the levels; a new number of levels needs the matrix for the new cells."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    return services.risk_scale_update(
        actor=request.auth,
        project=project,
        probability_levels=[level.model_dump(mode="json") for level in payload.probability_levels],
        impact_levels=[level.model_dump(mode="json") for level in payload.impact_levels],
        matrix=payload.matrix,
        version=payload.version,
    )


@router.get("/projects/{key}/risk-matrix", response=MatrixOut)
def matrix_get(request: HttpRequest, key: str) -> Any:
    """The rating of every probability × impact cell."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return selectors.matrix_of(project)


@router.put("/projects/{key}/risk-matrix", response=MatrixOut)
def matrix_put(request: HttpRequest, key: str, payload: MatrixIn) -> Any:
    """Replace the ratings; every cell needs one. Risks are re-rated."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    return services.risk_matrix_update(
        actor=request.auth, project=project, cells=payload.cells, version=payload.version
    )


@router.get("/projects/{key}/risk-heatmap", response=HeatMapOut)
def heat_map(request: HttpRequest, key: str) -> Any:
    """Open risks per probability × impact cell, before and after response."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return selectors.heat_map(project)


@router.get("/projects/{key}/risk-burndown", response=BurnDownOut)
def burn_down(request: HttpRequest, key: str) -> Any:
    """Total exposure (sum of open risks' scores) at the end of each of the last 90 days."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    points = selectors.burn_down(project)
    return {"points": [{"day": day, "exposure": value} for day, value in points]}


@router.get("/portfolio/risk-heatmap", response=HeatMapOut)
def portfolio_heat_map(request: HttpRequest, scope: Query[RollupFilter]) -> Any:
    """One heat map over every project on which you may see risks (``?portfolio=`` or
    ``?program=`` narrow it to one portfolio or program)."""
    return selectors.portfolio_heat_map(
        request.auth, portfolio=scope.portfolio, program=scope.program
    )


@router.get("/portfolio/risks", response=Page[RollupRiskOut])
def risk_rollup(request: HttpRequest, scope: Query[RollupFilter], page: Query[PageParams]) -> Any:
    """The open risks of every project on which you may see risks, highest score first
    (``?portfolio=`` or ``?program=`` narrow it to one portfolio or program)."""
    rows = selectors.risk_rollup(request.auth, portfolio=scope.portfolio, program=scope.program)
    return paginate(request, rows, page)


# --- RAID: issues, assumptions, decisions ----------------------------------------------------


def _raid_routes(
    path: str,
    prefix: str,
    listing: Any,
    create: Any,
    update: Any,
    delete: Any,
    arg: str,
    schemas: tuple[Any, Any, Any],
    noun: str,
) -> None:
    in_schema, patch_schema, out_schema = schemas
    base = f"/projects/{{key}}/raid/{path}"
    one = f"{base}/{{raid_key}}"

    def list_(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
        project = access_project(request.auth, key, Permission.RISK_VIEW)
        return paginate(request, listing(project), page)

    def create_(request: HttpRequest, key: str, payload: Any) -> Any:
        project = access_project(request.auth, key, Permission.RISK_EDIT)
        row = create(actor=request.auth, project=project, **_fields(payload))
        return Status(201, selectors.numbered_get(project, prefix, row.number))

    def get_(request: HttpRequest, key: str, raid_key: str) -> Any:
        project = access_project(request.auth, key, Permission.RISK_VIEW)
        return selectors.numbered_get(project, prefix, raid_key)

    def update_(request: HttpRequest, key: str, raid_key: str, payload: Any) -> Any:
        project = access_project(request.auth, key, Permission.RISK_EDIT)
        row = selectors.numbered_get(project, prefix, raid_key)
        version = expected_version(request, payload.version)
        update(actor=request.auth, version=version, **{arg: row}, **_fields(payload))
        return selectors.numbered_get(project, prefix, row.number)

    def delete_(request: HttpRequest, key: str, raid_key: str) -> Any:
        project = access_project(request.auth, key, Permission.RISK_EDIT)
        row = selectors.numbered_get(project, prefix, raid_key)
        delete(actor=request.auth, **{arg: row})
        return Status(204, None)

    create_.__annotations__["payload"] = in_schema
    update_.__annotations__["payload"] = patch_schema
    for fn, verb in (
        (list_, "list"),
        (create_, "create"),
        (get_, "get"),
        (update_, "update"),
        (delete_, "delete"),
    ):
        fn.__name__ = f"raid_{path}_{verb}"
    router.get(base, response=Page[out_schema], summary=f"List {noun}s")(list_)
    router.post(base, response={201: out_schema}, summary=f"Record a {noun}")(create_)
    router.get(one, response=out_schema, summary=f"One {noun}")(get_)
    router.patch(one, response=out_schema, summary=f"Change a {noun}")(update_)
    router.delete(one, response={204: None}, summary=f"Delete a {noun}")(delete_)


_raid_routes(
    "issues",
    "I",
    selectors.issue_list,
    services.issue_create,
    services.issue_update,
    services.issue_delete,
    "issue",
    (IssueIn, IssuePatch, IssueOut),
    "RAID issue",
)
_raid_routes(
    "assumptions",
    "A",
    selectors.assumption_list,
    services.assumption_create,
    services.assumption_update,
    services.assumption_delete,
    "assumption",
    (AssumptionIn, AssumptionPatch, AssumptionOut),
    "assumption",
)
_raid_routes(
    "decisions",
    "D",
    selectors.decision_list,
    services.decision_create,
    services.decision_update,
    services.decision_delete,
    "decision",
    (DecisionIn, DecisionPatch, DecisionOut),
    "decision",
)


# --- change requests -------------------------------------------------------------------------

CHANGE = "/projects/{key}/changes/{change_key}"


def _change(request: HttpRequest, key: str, change_key: str, need: Permission) -> Any:
    project = access_project(request.auth, key, need)
    return selectors.numbered_get(project, "CR", change_key)


def _change_out(change: Any) -> Any:
    return selectors.numbered_get(change.project, "CR", change.number)


@router.get("/projects/{key}/changes", response=Page[ChangeRequestOut], tags=["changes"])
def change_list(
    request: HttpRequest, key: str, page: Query[PageParams], status: str | None = None
) -> Any:
    """The project's change requests by key, optionally in one status."""
    project = access_project(request.auth, key, Permission.PROJECT_VIEW)
    return paginate(request, selectors.change_request_list(project, status), page)


@router.post("/projects/{key}/changes", response={201: ChangeRequestOut}, tags=["changes"])
def change_create(request: HttpRequest, key: str, payload: ChangeRequestIn) -> Any:
    """Raise a change request (CR-<n>) as a draft."""
    project = access_project(request.auth, key, Permission.CHANGE_CREATE)
    change = services.change_request_create(actor=request.auth, project=project, **_fields(payload))
    return Status(201, _change_out(change))


@router.get(CHANGE, response=ChangeRequestOut, tags=["changes"])
def change_get(request: HttpRequest, key: str, change_key: str) -> Any:
    """One change request by key (CR-2) or number."""
    return _change(request, key, change_key, Permission.PROJECT_VIEW)


@router.patch(CHANGE, response=ChangeRequestOut, tags=["changes"])
def change_update(
    request: HttpRequest, key: str, change_key: str, payload: ChangeRequestPatch
) -> Any:
    """Edit a draft or submitted change request. Needs the version."""
    change = _change(request, key, change_key, Permission.CHANGE_CREATE)
    version = expected_version(request, payload.version)
    services.change_request_update(
        actor=request.auth, change=change, version=version, **_fields(payload)
    )
    return _change_out(change)


@router.delete(CHANGE, response={204: None}, tags=["changes"])
def change_delete(request: HttpRequest, key: str, change_key: str) -> Any:
    """Delete a draft change request."""
    change = _change(request, key, change_key, Permission.CHANGE_CREATE)
    services.change_request_delete(actor=request.auth, change=change)
    return Status(204, None)


@router.post(f"{CHANGE}/submit", response=ChangeRequestOut, tags=["changes"])
def change_submit(request: HttpRequest, key: str, change_key: str) -> Any:
    """Send a draft to the change board."""
    change = _change(request, key, change_key, Permission.CHANGE_CREATE)
    return _change_out(services.change_request_submit(actor=request.auth, change=change))


@router.post(f"{CHANGE}/assess", response=ChangeRequestOut, tags=["changes"])
def change_assess(request: HttpRequest, key: str, change_key: str, payload: ChangeAssessIn) -> Any:
    """Record the impact analysis of a submitted request."""
    change = _change(request, key, change_key, Permission.CHANGE_APPROVE)
    services.change_request_assess(actor=request.auth, change=change, **payload.model_dump())
    return _change_out(change)


@router.post(f"{CHANGE}/approve", response=ChangeRequestOut, tags=["changes"])
def change_approve(
    request: HttpRequest, key: str, change_key: str, payload: ChangeDecisionIn
) -> Any:
    """Approve (approver roles only, with a comment); a plan-altering change records a baseline."""
    change = _change(request, key, change_key, Permission.CHANGE_APPROVE)
    services.change_request_approve(actor=request.auth, change=change, comment=payload.comment)
    return _change_out(change)


@router.post(f"{CHANGE}/reject", response=ChangeRequestOut, tags=["changes"])
def change_reject(
    request: HttpRequest, key: str, change_key: str, payload: ChangeDecisionIn
) -> Any:
    """Reject (approver roles only, with a comment)."""
    change = _change(request, key, change_key, Permission.CHANGE_APPROVE)
    services.change_request_reject(actor=request.auth, change=change, comment=payload.comment)
    return _change_out(change)


@router.post(f"{CHANGE}/implement", response=ChangeRequestOut, tags=["changes"])
def change_implement(request: HttpRequest, key: str, change_key: str) -> Any:
    """Mark an approved change as carried out."""
    change = _change(request, key, change_key, Permission.CHANGE_APPROVE)
    return _change_out(services.change_request_implement(actor=request.auth, change=change))


@router.get("/projects/{key}/change-board", response=ChangeBoardOut, tags=["changes"])
def change_board_get(request: HttpRequest, key: str) -> Any:
    """The roles that decide change requests on this project."""
    project = access_project(request.auth, key, Permission.PROJECT_VIEW)
    return {"approver_roles": selectors.approver_roles_of(project)}


@router.put("/projects/{key}/change-board", response=ChangeBoardOut, tags=["changes"])
def change_board_put(request: HttpRequest, key: str, payload: ChangeBoardIn) -> Any:
    """Set the roles that decide change requests (they also need change.approve)."""
    project = access_project(request.auth, key, Permission.PROJECT_EDIT)
    return services.change_board_update(
        actor=request.auth, project=project, approver_roles=payload.approver_roles
    )


# --- estimates and simulation ----------------------------------------------------------------


@router.get("/projects/{key}/estimates", response=Page[EstimateOut], tags=["simulation"])
def estimate_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """Three-point estimates of the project's items, in WBS order."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return paginate(request, selectors.task_estimate_list(project), page)


@router.put("/projects/{key}/estimates/{item_key}", response=EstimateOut, tags=["simulation"])
def estimate_put(request: HttpRequest, key: str, item_key: str, payload: EstimateIn) -> Any:
    """Set an item's three-point duration (working days) and optional cost."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    item = item_ref(project, item_key, "item_key")
    return services.task_estimate_set(actor=request.auth, item=item, **payload.model_dump())


@router.delete("/projects/{key}/estimates/{item_key}", response={204: None}, tags=["simulation"])
def estimate_delete(request: HttpRequest, key: str, item_key: str) -> Any:
    """Remove an item's estimate (the simulation then uses its planned duration)."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    item = work_item_get(project, item_key)
    services.task_estimate_delete(actor=request.auth, item=item)
    return Status(204, None)


@router.get("/projects/{key}/simulations", response=Page[SimulationRunOut], tags=["simulation"])
def simulation_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """The project's simulation runs, newest first."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return paginate(request, selectors.simulation_run_list(project), page)


@router.post("/projects/{key}/simulations", response={202: SimulationRunOut}, tags=["simulation"])
def simulation_start(request: HttpRequest, key: str, payload: SimulationIn) -> Any:
    """Start a Monte Carlo run in the background; poll GET …/simulations/{run_id}."""
    project = access_project(request.auth, key, Permission.RISK_EDIT)
    run = simulation_run_start(
        actor=request.auth, project=project, iterations=payload.iterations, seed=payload.seed
    )
    return Status(202, run)


@router.get("/projects/{key}/simulations/{run_id}", response=SimulationRunOut, tags=["simulation"])
def simulation_get(request: HttpRequest, key: str, run_id: int) -> Any:
    """A run's status, progress (0–100) and, when done, its result."""
    project = access_project(request.auth, key, Permission.RISK_VIEW)
    return selectors.simulation_run_get(project, run_id)
