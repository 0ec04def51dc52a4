"""Writes for portfolios, programs, projects and memberships; each checks access itself."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from keel.apps.accounts.models import User
from keel.apps.checks import check_fields, check_version
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_program,
    access_project,
)
from keel.apps.projects.models import (
    Methodology,
    Portfolio,
    PortfolioMembership,
    PortfolioRole,
    Program,
    Project,
    ProjectMembership,
    Role,
)
from keel.domain.errors import ValidationError

__all__ = [
    "membership_add",
    "membership_remove",
    "membership_update",
    "portfolio_create",
    "portfolio_delete",
    "portfolio_member_add",
    "portfolio_member_remove",
    "portfolio_update",
    "program_create",
    "program_delete",
    "program_update",
    "project_create",
    "project_delete",
    "project_update",
]

PORTFOLIO_FIELDS = frozenset({"name", "slug", "description"})
PROGRAM_FIELDS = frozenset({"name", "description"})
PROJECT_FIELDS = frozenset(
    {
        "name",
        "program",
        "methodology",
        "goals",
        "scope_statement",
        "start_date",
        "finish_date",
        "status",
        "health",
        "manager",
    }
)


_Versioned = TypeVar("_Versioned", Portfolio, Program, Project)


def _save_changes(current: _Versioned, fields: dict[str, Any]) -> _Versioned:
    """Apply checked field values to a locked row, bump its version, validate and save."""
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.full_clean()
    current.save()
    return current


# --- portfolios and programs -------------------------------------------------------------


@transaction.atomic
def portfolio_create(*, actor: User, name: str, slug: str = "", description: str = "") -> Portfolio:
    """Create a portfolio (staff only); the creator becomes its PMO administrator."""
    if not (actor.is_authenticated and (actor.is_staff or actor.is_superuser)):
        raise PermissionDenied("Only administrators may create a portfolio.")
    portfolio = Portfolio(name=name, slug=slug or slugify(name)[:80], description=description)
    portfolio.full_clean()
    portfolio.save()
    PortfolioMembership.objects.create(
        portfolio=portfolio, user=actor, role=PortfolioRole.PMO_ADMIN
    )
    return portfolio


@transaction.atomic
def portfolio_update(
    *, actor: User, portfolio: Portfolio, version: int | None, **fields: Any
) -> Portfolio:
    """Change a portfolio's name, slug or description (portfolio PMO administrators)."""
    check_fields(fields, PORTFOLIO_FIELDS, "portfolio")
    access_portfolio(actor, portfolio.pk, Permission.PORTFOLIO_EDIT)
    current = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    check_version(current.version, version, f"Portfolio {current.name}")
    return _save_changes(current, fields)


@transaction.atomic
def portfolio_delete(*, actor: User, portfolio: Portfolio) -> None:
    """Delete an empty portfolio; one that still holds projects is refused."""
    access_portfolio(actor, portfolio.pk, Permission.PORTFOLIO_EDIT)
    count = Project.objects.filter(portfolio=portfolio).count()
    if count:
        raise ValidationError(
            f"Portfolio {portfolio.name} still holds {count} project(s); move or delete them first."
        )
    portfolio.delete()


@transaction.atomic
def portfolio_member_add(
    *, actor: User, portfolio: Portfolio, user: User, role: str = PortfolioRole.VIEWER
) -> PortfolioMembership:
    """Give ``user`` PMO-level access (pmo_admin or viewer) to every project of the portfolio."""
    access_portfolio(actor, portfolio.pk, Permission.PORTFOLIO_EDIT)
    if role not in PortfolioRole.values:
        raise ValidationError(
            f"Unknown portfolio role {role!r}; use one of: {', '.join(PortfolioRole.values)}."
        )
    membership, _ = PortfolioMembership.objects.update_or_create(
        portfolio=portfolio, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def portfolio_member_remove(*, actor: User, portfolio: Portfolio, user: User) -> None:
    """Take away ``user``'s portfolio-level access."""
    access_portfolio(actor, portfolio.pk, Permission.PORTFOLIO_EDIT)
    deleted, _ = PortfolioMembership.objects.filter(portfolio=portfolio, user=user).delete()
    if not deleted:
        raise ValidationError(f"{user.username} has no role on portfolio {portfolio.name}.")


@transaction.atomic
def program_create(
    *, actor: User, portfolio: Portfolio, name: str, description: str = ""
) -> Program:
    """Create a program inside a portfolio (portfolio PMO administrators)."""
    access_portfolio(actor, portfolio.pk, Permission.PORTFOLIO_EDIT)
    program = Program(portfolio=portfolio, name=name, description=description)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def program_update(*, actor: User, program: Program, version: int | None, **fields: Any) -> Program:
    """Change a program's name or description."""
    check_fields(fields, PROGRAM_FIELDS, "program")
    access_program(actor, program.pk, Permission.PORTFOLIO_EDIT)
    current = Program.objects.select_for_update().get(pk=program.pk)
    check_version(current.version, version, f"Program {current.name}")
    return _save_changes(current, fields)


@transaction.atomic
def program_delete(*, actor: User, program: Program) -> None:
    """Delete a program; its projects stay in the portfolio without a program."""
    access_program(actor, program.pk, Permission.PORTFOLIO_EDIT)
    program.delete()


# --- projects -------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: User,
    key: str,
    name: str,
    portfolio: Portfolio,
    template: str = Methodology.WATERFALL,
    program: Program | None = None,
    **fields: Any,
) -> Project:
    """Create a project from a template; the creator becomes its project manager.

    The template (waterfall, scrum, kanban, hybrid) sets up the workflow and, for waterfall and
    hybrid, the phases with their gate milestones. Needs ``project.create`` on the portfolio.
    """
    from keel.apps.projects.templates import TEMPLATES, template_apply

    check_fields(fields, PROJECT_FIELDS - {"program"}, "project")
    access_portfolio(actor, portfolio.pk, Permission.PROJECT_CREATE)
    if template not in TEMPLATES:
        raise ValidationError(f"Unknown template {template!r}; use one of: {', '.join(TEMPLATES)}.")
    if program is not None and program.portfolio_id != portfolio.pk:
        raise ValidationError(f"Program {program.name} belongs to another portfolio.")
    fields.setdefault("methodology", template)
    fields.setdefault("manager", actor)
    project = Project(
        key=(key or "").strip().upper(),
        name=name,
        portfolio=portfolio,
        program=program,
        **fields,
    )
    project.full_clean()
    project.save()
    ProjectMembership.objects.create(project=project, user=actor, role=Role.PROJECT_MANAGER)
    if project.manager is not None and project.manager != actor:
        # The named manager runs the project too, so they hold the role that lets them.
        ProjectMembership.objects.create(
            project=project, user=project.manager, role=Role.PROJECT_MANAGER
        )
    template_apply(actor=actor, project=project, template=template)
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, version: int | None, **fields: Any) -> Project:
    """Change a project's fields; a stale ``version`` raises ConflictError and changes nothing."""
    check_fields(fields, PROJECT_FIELDS, "project")
    access_project(actor, project.pk, Permission.PROJECT_EDIT)
    current = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current.version, version, f"Project {current.key}")
    program = fields.get("program")
    if program is not None and program.portfolio_id != current.portfolio_id:
        raise ValidationError(f"Program {program.name} belongs to another portfolio.")
    manager = fields.get("manager")
    if (
        manager is not None
        and not ProjectMembership.objects.filter(project=current, user=manager).exists()
    ):
        raise ValidationError(
            f"{manager.username} is not a member of {current.key}; add them before making "
            "them its manager."
        )
    return _save_changes(current, fields)


@transaction.atomic
def project_delete(*, actor: User, project: Project, version: int | None = None) -> None:
    """Delete a project with all its work items, dependencies, comments and history."""
    access_project(actor, project.pk, Permission.PROJECT_DELETE)
    current = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current.version, version, f"Project {current.key}")
    current.delete()


# --- memberships ----------------------------------------------------------------------------


def _check_role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; use one of: {', '.join(Role.values)}.")
    return Role(role)


@transaction.atomic
def membership_add(
    *, actor: User, project: Project, user: User, role: str = Role.MEMBER
) -> ProjectMembership:
    """Add ``user`` to the project in ``role`` (needs ``member.manage``)."""
    access_project(actor, project.pk, Permission.MEMBER_MANAGE)
    role = _check_role(role)
    if ProjectMembership.objects.filter(project=project, user=user).exists():
        raise ValidationError(
            f"{user.username} is already a member of {project.key}; change their role instead."
        )
    return ProjectMembership.objects.create(project=project, user=user, role=role)


def _refuse_losing_last_manager(membership: ProjectMembership) -> None:
    if membership.role != Role.PROJECT_MANAGER:
        return
    managers = ProjectMembership.objects.filter(
        project_id=membership.project_id, role=Role.PROJECT_MANAGER
    ).count()
    if managers <= 1:
        raise ValidationError(
            f"{membership.user.username} is the last project manager of "
            f"{membership.project.key}; make someone else project manager first."
        )


@transaction.atomic
def membership_update(
    *, actor: User, membership: ProjectMembership, role: str
) -> ProjectMembership:
    """Change a member's role; the last project manager cannot be demoted."""
    access_project(actor, membership.project_id, Permission.MEMBER_MANAGE)
    new_role = _check_role(role)
    current = ProjectMembership.objects.select_for_update().get(pk=membership.pk)
    if current.role != new_role:
        _refuse_losing_last_manager(current)
        current.role = new_role
        current.save(update_fields=["role"])
    return current


@transaction.atomic
def membership_remove(*, actor: User, membership: ProjectMembership) -> None:
    """Remove a member; the last project manager cannot be removed."""
    access_project(actor, membership.project_id, Permission.MEMBER_MANAGE)
    current = ProjectMembership.objects.select_for_update().get(pk=membership.pk)
    _refuse_losing_last_manager(current)
    current.delete()
    # A project is not managed by someone who left it.
    Project.objects.filter(pk=current.project_id, manager_id=current.user_id).update(manager=None)
