"""The one place where Keel decides who may see or do what.

Every view, router and CLI command reaches a project through :func:`access_project`, and every
service checks its permission here too, so no caller can forget it.

The 404 rule: a person who is not a member (or the project does not exist) gets ``Http404``,
never a hint that the project exists. A member who lacks a permission gets ``PermissionDenied``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.http import Http404

from keel.apps.projects.models import (
    Portfolio,
    PortfolioMembership,
    PortfolioRole,
    Program,
    Project,
    ProjectMembership,
    Role,
)

__all__ = [
    "PORTFOLIO_ROLE_PERMISSIONS",
    "ROLE_PERMISSIONS",
    "Permission",
    "access_portfolio",
    "access_program",
    "access_project",
    "has_permission",
    "is_signed_in",
    "permission_matrix_markdown",
    "portfolio_permissions",
    "project_permissions",
    "project_roles",
    "require",
    "visible_projects_q",
]


class Permission(StrEnum):
    """Something a person may do. Project-level ones appear in ROLE_PERMISSIONS."""

    PROJECT_VIEW = "project.view"
    PROJECT_EDIT = "project.edit"
    PROJECT_DELETE = "project.delete"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    ITEM_VIEW = "item.view"
    ITEM_CREATE = "item.create"
    ITEM_EDIT = "item.edit"
    ITEM_DELETE = "item.delete"
    ITEM_TRANSITION = "item.transition"
    DEPENDENCY_EDIT = "dependency.edit"
    COMMENT_CREATE = "comment.create"
    COMMENT_MODERATE = "comment.moderate"
    WORKFLOW_EDIT = "workflow.edit"
    HISTORY_VIEW = "history.view"
    SCHEDULE_RUN = "schedule.run"
    BASELINE_MANAGE = "baseline.manage"
    BUDGET_VIEW = "budget.view"
    BUDGET_EDIT = "budget.edit"
    RISK_VIEW = "risk.view"
    RISK_EDIT = "risk.edit"
    QUALITY_EDIT = "quality.edit"
    # Resources: assigning resources to items and requesting them for the project.
    RESOURCE_ASSIGN = "resource.assign"
    # Time and money.
    TIME_LOG = "time.log"
    TIMESHEET_APPROVE = "timesheet.approve"
    EXPENSE_CREATE = "expense.create"
    EXPENSE_APPROVE = "expense.approve"
    # Change control: raise a change request; approve one (the project may narrow who approves).
    CHANGE_CREATE = "change.create"
    CHANGE_APPROVE = "change.approve"
    # Interchange: import files into the project; export it.
    DATA_IMPORT = "data.import"
    DATA_EXPORT = "data.export"
    # Portfolio level: decided by PortfolioMembership, not by a project role.
    PORTFOLIO_VIEW = "portfolio.view"
    PORTFOLIO_EDIT = "portfolio.edit"
    PROJECT_CREATE = "project.create"


P = Permission

_READ = frozenset({P.PROJECT_VIEW, P.MEMBER_VIEW, P.ITEM_VIEW})
_CONTRIBUTE = frozenset(
    {
        P.ITEM_CREATE,
        P.ITEM_EDIT,
        P.ITEM_TRANSITION,
        P.COMMENT_CREATE,
        P.HISTORY_VIEW,
        P.TIME_LOG,
        P.EXPENSE_CREATE,
        P.CHANGE_CREATE,
        P.DATA_EXPORT,
    }
)
_PROJECT_PERMISSIONS = frozenset(
    p for p in Permission if p not in {P.PORTFOLIO_VIEW, P.PORTFOLIO_EDIT, P.PROJECT_CREATE}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # The PMO may do everything on every project it oversees.
    Role.PMO_ADMIN: _PROJECT_PERMISSIONS,
    # The project manager runs the project: team, workflow, plan, baselines, budget.
    Role.PROJECT_MANAGER: _PROJECT_PERMISSIONS,
    # Coordinators keep the plan up to date but do not change the team or the rules.
    Role.COORDINATOR: _READ
    | _CONTRIBUTE
    | {P.ITEM_DELETE, P.DEPENDENCY_EDIT, P.SCHEDULE_RUN, P.BUDGET_VIEW, P.RISK_VIEW}
    | {P.RESOURCE_ASSIGN, P.TIMESHEET_APPROVE},
    # Finance owns the budget and reads the plan.
    Role.FINANCE_MANAGER: _READ
    | {P.COMMENT_CREATE, P.HISTORY_VIEW, P.BUDGET_VIEW, P.BUDGET_EDIT, P.RISK_VIEW}
    | {P.EXPENSE_CREATE, P.EXPENSE_APPROVE, P.CHANGE_CREATE, P.DATA_EXPORT},
    # QA logs and moves defects, runs quality gates, and moderates review threads.
    Role.QA_MANAGER: _READ | _CONTRIBUTE | {P.COMMENT_MODERATE, P.QUALITY_EDIT, P.RISK_VIEW},
    # The risk manager owns the risk register and may raise items for responses.
    Role.RISK_MANAGER: _READ
    | {P.ITEM_CREATE, P.COMMENT_CREATE, P.HISTORY_VIEW, P.RISK_VIEW}
    | {P.RISK_EDIT, P.CHANGE_CREATE, P.DATA_EXPORT},
    # Tech leads shape the technical plan: structure, links, scheduling.
    Role.TECH_LEAD: _READ
    | _CONTRIBUTE
    | {P.ITEM_DELETE, P.DEPENDENCY_EDIT, P.SCHEDULE_RUN, P.COMMENT_MODERATE, P.RISK_VIEW}
    | {P.RESOURCE_ASSIGN},
    # Team members do the work: create, update and move items, comment.
    Role.MEMBER: _READ | _CONTRIBUTE | {P.RISK_VIEW},
    # The customer follows progress and may comment, but changes nothing.
    Role.CUSTOMER_REPRESENTATIVE: _READ | {P.COMMENT_CREATE, P.CHANGE_CREATE},
    # Consultants advise: read and comment, no team list.
    Role.EXTERNAL_CONSULTANT: frozenset({P.PROJECT_VIEW, P.ITEM_VIEW, P.COMMENT_CREATE}),
    # Viewers read, including the history.
    Role.VIEWER: _READ | {P.HISTORY_VIEW},
}

PORTFOLIO_ROLE_PERMISSIONS: dict[PortfolioRole, frozenset[Permission]] = {
    PortfolioRole.PMO_ADMIN: frozenset({P.PORTFOLIO_VIEW, P.PORTFOLIO_EDIT, P.PROJECT_CREATE}),
    PortfolioRole.VIEWER: frozenset({P.PORTFOLIO_VIEW}),
}

# A portfolio role carries these project roles onto every project in the portfolio.
_PORTFOLIO_ROLE_AS_PROJECT_ROLE = {
    PortfolioRole.PMO_ADMIN: Role.PMO_ADMIN,
    PortfolioRole.VIEWER: Role.VIEWER,
}


def is_signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.is_active


def project_roles(user: Any, project: Project) -> frozenset[Role]:
    """Every role the user holds on the project; empty for outsiders.

    Superusers and the portfolio's PMO administrators hold ``pmo_admin``; a portfolio viewer
    holds ``viewer`` on each project of the portfolio.
    """
    if not is_signed_in(user):
        return frozenset()
    if user.is_superuser:
        return frozenset({Role.PMO_ADMIN})
    # One query for both sources: every service asks this, often many times per request.
    on_project = (
        ProjectMembership.objects.filter(project=project, user=user)
        .annotate(source=Value("project"))
        .order_by()
        .values_list("source", "role")
    )
    on_portfolio = (
        PortfolioMembership.objects.filter(portfolio_id=project.portfolio_id, user=user)
        .annotate(source=Value("portfolio"))
        .order_by()
        .values_list("source", "role")
    )
    return frozenset(
        Role(role) if source == "project" else _PORTFOLIO_ROLE_AS_PROJECT_ROLE[PortfolioRole(role)]
        for source, role in on_project.union(on_portfolio, all=True)
    )


def project_permissions(user: Any, project: Project) -> frozenset[Permission]:
    """Everything ``user`` may do on ``project`` (empty for outsiders and anonymous users)."""
    perms: frozenset[Permission] = frozenset()
    for role in project_roles(user, project):
        perms |= ROLE_PERMISSIONS[role]
    return perms


def has_permission(user: Any, project: Project, perm: Permission) -> bool:
    """Whether ``user`` may do ``perm`` on ``project``."""
    return Permission(perm) in project_permissions(user, project)


def require(user: Any, project: Project, perm: Permission) -> None:
    """Raise Http404 for outsiders and PermissionDenied for members lacking ``perm``."""
    perms = project_permissions(user, project)
    if Permission.PROJECT_VIEW not in perms:
        raise Http404("No such project.")
    if Permission(perm) not in perms:
        raise PermissionDenied(f"Your role on {project.key} does not allow {perm}.")


def access_project(
    user: Any, key_or_id: str | int | Project, need: Permission = Permission.PROJECT_VIEW
) -> Project:
    """Return the project if ``user`` may do ``need`` on it.

    Raises
    ------
    Http404
        For anonymous users, non-members and missing projects alike.
    PermissionDenied
        For members whose role lacks ``need``.
    """
    if not is_signed_in(user):
        raise Http404("No such project.")
    if isinstance(key_or_id, Project):
        project = key_or_id
    else:
        lookup: dict[str, object]
        if isinstance(key_or_id, int) or str(key_or_id).isdigit():
            lookup = {"pk": int(key_or_id)}
        else:
            lookup = {"key": str(key_or_id).upper()}
        project_or_none = Project.objects.select_related("portfolio").filter(**lookup).first()
        if project_or_none is None:
            raise Http404("No such project.")
        project = project_or_none
    require(user, project, need)
    return project


def portfolio_permissions(user: Any, portfolio: Portfolio) -> frozenset[Permission]:
    """Portfolio-level permissions; project members see the portfolios of their projects."""
    if not is_signed_in(user):
        return frozenset()
    if user.is_superuser:
        return PORTFOLIO_ROLE_PERMISSIONS[PortfolioRole.PMO_ADMIN]
    perms: set[Permission] = set()
    for role in PortfolioMembership.objects.filter(portfolio=portfolio, user=user).values_list(
        "role", flat=True
    ):
        perms |= PORTFOLIO_ROLE_PERMISSIONS[PortfolioRole(role)]
    if (
        not perms
        and ProjectMembership.objects.filter(project__portfolio=portfolio, user=user).exists()
    ):
        perms.add(Permission.PORTFOLIO_VIEW)
    return frozenset(perms)


def access_portfolio(
    user: Any, portfolio_id: int | Portfolio, need: Permission = Permission.PORTFOLIO_VIEW
) -> Portfolio:
    """Return the portfolio if ``user`` may do ``need`` on it (Http404 / PermissionDenied)."""
    if not is_signed_in(user):
        raise Http404("No such portfolio.")
    if isinstance(portfolio_id, Portfolio):
        portfolio = portfolio_id
    else:
        found = Portfolio.objects.filter(pk=portfolio_id).first()
        if found is None:
            raise Http404("No such portfolio.")
        portfolio = found
    perms = portfolio_permissions(user, portfolio)
    if Permission.PORTFOLIO_VIEW not in perms:
        raise Http404("No such portfolio.")
    if Permission(need) not in perms:
        raise PermissionDenied(f"Changing portfolio {portfolio.name} needs a PMO administrator.")
    return portfolio


def access_program(
    user: Any, program_id: int | Program, need: Permission = Permission.PORTFOLIO_VIEW
) -> Program:
    """Return the program if ``user`` may see it (a portfolio member, or a member of one of its
    projects); changing it (``portfolio.edit``) needs the portfolio's PMO administrator."""
    if not is_signed_in(user):
        raise Http404("No such program.")
    if isinstance(program_id, Program):
        program = program_id
    else:
        found = Program.objects.select_related("portfolio").filter(pk=program_id).first()
        if found is None:
            raise Http404("No such program.")
        program = found
    perms = set(portfolio_permissions(user, program.portfolio))
    in_portfolio = (
        user.is_superuser
        or PortfolioMembership.objects.filter(portfolio_id=program.portfolio_id, user=user).exists()
    )
    sees_a_project = ProjectMembership.objects.filter(project__program=program, user=user).exists()
    if not (in_portfolio or sees_a_project):
        raise Http404("No such program.")
    perms.add(Permission.PORTFOLIO_VIEW)
    if Permission(need) not in perms:
        raise PermissionDenied(f"Changing program {program.name} needs a PMO administrator.")
    return program


def visible_projects_q(user: Any, prefix: str = "") -> Q:
    """A filter for the projects ``user`` may see (``prefix`` for related lookups)."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix}memberships__user": user}) | Q(
        **{f"{prefix}portfolio__memberships__user": user}
    )


def permission_matrix_markdown() -> str:
    """The role/permission matrix as one Markdown table (rendered into docs/permissions.md)."""
    roles = list(ROLE_PERMISSIONS)
    perms = [p for p in Permission if p in _PROJECT_PERMISSIONS]
    header = "| permission | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{p.value}` | "
        + " | ".join("✓" if p in ROLE_PERMISSIONS[r] else "" for r in roles)
        + " |"
        for p in perms
    ]
    return "\n".join([header, rule, *rows]) + "\n"
