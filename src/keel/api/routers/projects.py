"""Portfolios, programs, projects (by key) and project members (by username)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from keel.api.concurrency import expected_version, optional_version
from keel.api.lookups import unknown, user_named
from keel.api.pagination import Page, PageParams, paginate
from keel.api.schemas.projects import (
    MemberIn,
    MemberOut,
    MemberPatch,
    PortfolioIn,
    PortfolioMemberIn,
    PortfolioMemberOut,
    PortfolioOut,
    PortfolioPatch,
    ProgramFilter,
    ProgramIn,
    ProgramOut,
    ProgramPatch,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
)
from keel.apps.projects import selectors, services
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_program,
    access_project,
)
from keel.apps.projects.models import Portfolio, PortfolioMembership, Program, ProjectMembership

__all__ = ["router"]

router = Router()


def _portfolio_ref(user: Any, portfolio_id: int, field: str = "portfolio") -> Portfolio:
    """A portfolio named in a body; one the caller cannot see reads as one that does not exist."""
    found = selectors.portfolio_list_for_user(user).filter(pk=portfolio_id).first()
    if found is None:
        raise unknown(field, f"No portfolio with id {portfolio_id}.")
    return found


def _program_ref(user: Any, program_id: int | None) -> Program | None:
    """A program named in a body (None stays None), under the same rule as portfolios."""
    if program_id is None:
        return None
    found = selectors.program_list_for_user(user).filter(pk=program_id).first()
    if found is None:
        raise unknown("program", f"No program with id {program_id}.")
    return found


def _project_fields(user: Any, payload: Schema) -> dict[str, Any]:
    """The fields the client sent, with references resolved to rows."""
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "key", "portfolio"})
    fields.pop("template", None)
    if "manager" in fields:
        fields["manager"] = user_named(fields["manager"], "manager")
    if "program" in fields:
        fields["program"] = _program_ref(user, fields["program"])
    return fields


def _membership(project: Any, username: str) -> ProjectMembership:
    membership = selectors.membership_list(project).filter(user__username=username).first()
    if membership is None:
        raise Http404(f"{username} is not a member of {project.key}.")
    return membership


# --- portfolios -----------------------------------------------------------------------------


@router.get("/portfolios", response=Page[PortfolioOut], tags=["portfolios"])
def portfolio_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Portfolios you belong to or hold a project in."""
    return paginate(request, selectors.portfolio_list_for_user(request.auth), page)


@router.post("/portfolios", response={201: PortfolioOut}, tags=["portfolios"])
def portfolio_create(request: HttpRequest, payload: PortfolioIn) -> Any:
    """Create a portfolio (administrators); you become its PMO administrator."""
    return Status(201, services.portfolio_create(actor=request.auth, **payload.model_dump()))


@router.get("/portfolios/{portfolio_id}", response=PortfolioOut, tags=["portfolios"])
def portfolio_get(request: HttpRequest, portfolio_id: int) -> Any:
    """One portfolio; the ETag is its version."""
    portfolio = access_portfolio(request.auth, portfolio_id)
    return portfolio


@router.patch("/portfolios/{portfolio_id}", response=PortfolioOut, tags=["portfolios"])
def portfolio_update(request: HttpRequest, portfolio_id: int, payload: PortfolioPatch) -> Any:
    """Change a portfolio (its PMO administrators)."""
    portfolio = access_portfolio(request.auth, portfolio_id, Permission.PORTFOLIO_EDIT)
    version = expected_version(request, payload.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    return services.portfolio_update(
        actor=request.auth, portfolio=portfolio, version=version, **fields
    )


@router.delete("/portfolios/{portfolio_id}", response={204: None}, tags=["portfolios"])
def portfolio_delete(request: HttpRequest, portfolio_id: int) -> Any:
    """Delete an empty portfolio (its PMO administrators)."""
    portfolio = access_portfolio(request.auth, portfolio_id, Permission.PORTFOLIO_EDIT)
    services.portfolio_delete(actor=request.auth, portfolio=portfolio)
    return Status(204, None)


@router.get(
    "/portfolios/{portfolio_id}/members", response=Page[PortfolioMemberOut], tags=["portfolios"]
)
def portfolio_member_list(request: HttpRequest, portfolio_id: int, page: Query[PageParams]) -> Any:
    """People with PMO-level access to the portfolio."""
    portfolio = access_portfolio(request.auth, portfolio_id)
    rows = (
        PortfolioMembership.objects.filter(portfolio=portfolio)
        .select_related("user")
        .order_by("user__username")
    )
    return paginate(request, rows, page)


@router.post(
    "/portfolios/{portfolio_id}/members", response={201: PortfolioMemberOut}, tags=["portfolios"]
)
def portfolio_member_add(
    request: HttpRequest, portfolio_id: int, payload: PortfolioMemberIn
) -> Any:
    """Give a person PMO-level access (pmo_admin or viewer), or change theirs."""
    portfolio = access_portfolio(request.auth, portfolio_id, Permission.PORTFOLIO_EDIT)
    membership = services.portfolio_member_add(
        actor=request.auth,
        portfolio=portfolio,
        user=user_named(payload.username, "username"),
        role=payload.role,
    )
    return Status(201, membership)


@router.delete(
    "/portfolios/{portfolio_id}/members/{username}", response={204: None}, tags=["portfolios"]
)
def portfolio_member_remove(request: HttpRequest, portfolio_id: int, username: str) -> Any:
    """Take away a person's PMO-level access."""
    portfolio = access_portfolio(request.auth, portfolio_id, Permission.PORTFOLIO_EDIT)
    member = PortfolioMembership.objects.filter(portfolio=portfolio, user__username=username)
    if not member.exists():
        raise Http404(f"{username} has no role on portfolio {portfolio.name}.")
    services.portfolio_member_remove(
        actor=request.auth, portfolio=portfolio, user=member.get().user
    )
    return Status(204, None)


# --- programs -------------------------------------------------------------------------------


@router.get("/programs", response=Page[ProgramOut], tags=["programs"])
def program_list(
    request: HttpRequest, filters: Query[ProgramFilter], page: Query[PageParams]
) -> Any:
    """Programs you may see, optionally of one portfolio."""
    rows = selectors.program_list_for_user(request.auth, portfolio=filters.portfolio)
    return paginate(request, rows, page)


@router.post("/programs", response={201: ProgramOut}, tags=["programs"])
def program_create(request: HttpRequest, payload: ProgramIn) -> Any:
    """Create a program in a portfolio (its PMO administrators)."""
    portfolio = _portfolio_ref(request.auth, payload.portfolio)
    program = services.program_create(
        actor=request.auth,
        portfolio=portfolio,
        name=payload.name,
        description=payload.description,
    )
    return Status(201, program)


@router.get("/programs/{program_id}", response=ProgramOut, tags=["programs"])
def program_get(request: HttpRequest, program_id: int) -> Any:
    """One program; the ETag is its version."""
    program = access_program(request.auth, program_id)
    return program


@router.patch("/programs/{program_id}", response=ProgramOut, tags=["programs"])
def program_update(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Any:
    """Change a program (the portfolio's PMO administrators)."""
    program = access_program(request.auth, program_id, Permission.PORTFOLIO_EDIT)
    version = expected_version(request, payload.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    return services.program_update(actor=request.auth, program=program, version=version, **fields)


@router.delete("/programs/{program_id}", response={204: None}, tags=["programs"])
def program_delete(request: HttpRequest, program_id: int) -> Any:
    """Delete a program; its projects stay in the portfolio."""
    program = access_program(request.auth, program_id, Permission.PORTFOLIO_EDIT)
    services.program_delete(actor=request.auth, program=program)
    return Status(204, None)


# --- projects -------------------------------------------------------------------------------


@router.get("/projects", response=Page[ProjectOut], tags=["projects"])
def project_list(
    request: HttpRequest, filters: Query[ProjectFilter], page: Query[PageParams]
) -> Any:
    """Projects you may see, filtered by status, health, methodology, portfolio, program, text."""
    rows = selectors.project_list_for_user(request.auth, **filters.model_dump(exclude_none=True))
    return paginate(request, rows, page)


@router.post("/projects", response={201: ProjectOut}, tags=["projects"])
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    """Create a project from a template (waterfall, scrum, kanban, hybrid); you manage it."""
    portfolio = _portfolio_ref(request.auth, payload.portfolio)
    fields = _project_fields(request.auth, payload)
    if payload.template:
        fields["template"] = payload.template
    project = services.project_create(
        actor=request.auth, key=payload.key, portfolio=portfolio, **fields
    )
    return Status(201, project)


@router.get("/projects/{key}", response=ProjectOut, tags=["projects"])
def project_get(request: HttpRequest, key: str) -> Any:
    """One project by key; the ETag is its version."""
    project = access_project(request.auth, key)
    return project


@router.patch("/projects/{key}", response=ProjectOut, tags=["projects"])
def project_update(request: HttpRequest, key: str, payload: ProjectPatch) -> Any:
    """Change a project's fields."""
    project = access_project(request.auth, key, Permission.PROJECT_EDIT)
    version = expected_version(request, payload.version)
    fields = _project_fields(request.auth, payload)
    return services.project_update(actor=request.auth, project=project, version=version, **fields)


@router.delete("/projects/{key}", response={204: None}, tags=["projects"])
def project_delete(request: HttpRequest, key: str) -> Any:
    """Delete a project with everything in it. If-Match, when sent, must match its version."""
    project = access_project(request.auth, key, Permission.PROJECT_DELETE)
    version = optional_version(request)
    services.project_delete(actor=request.auth, project=project, version=version)
    return Status(204, None)


# --- members --------------------------------------------------------------------------------


@router.get("/projects/{key}/members", response=Page[MemberOut], tags=["members"])
def member_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """The project's members and their roles."""
    project = access_project(request.auth, key, Permission.MEMBER_VIEW)
    return paginate(request, selectors.membership_list(project), page)


@router.post("/projects/{key}/members", response={201: MemberOut}, tags=["members"])
def member_add(request: HttpRequest, key: str, payload: MemberIn) -> Any:
    """Add a person to the project in a role."""
    project = access_project(request.auth, key, Permission.MEMBER_MANAGE)
    user = user_named(payload.username, "username")
    membership = services.membership_add(
        actor=request.auth, project=project, user=user, role=payload.role
    )
    return Status(201, membership)


@router.patch("/projects/{key}/members/{username}", response=MemberOut, tags=["members"])
def member_update(request: HttpRequest, key: str, username: str, payload: MemberPatch) -> Any:
    """Change a member's role; the last project manager cannot be demoted."""
    project = access_project(request.auth, key, Permission.MEMBER_MANAGE)
    membership = _membership(project, username)
    return services.membership_update(actor=request.auth, membership=membership, role=payload.role)


@router.delete("/projects/{key}/members/{username}", response={204: None}, tags=["members"])
def member_remove(request: HttpRequest, key: str, username: str) -> Any:
    """Remove a member; the last project manager cannot be removed."""
    project = access_project(request.auth, key, Permission.MEMBER_MANAGE)
    services.membership_remove(actor=request.auth, membership=_membership(project, username))
    return Status(204, None)
