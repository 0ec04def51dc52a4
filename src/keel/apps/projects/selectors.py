"""Reads for portfolios, programs, projects and memberships, filtered to what a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from keel.apps.projects.access import is_signed_in, visible_projects_q
from keel.apps.projects.models import Portfolio, Program, Project, ProjectMembership
from keel.domain.errors import ValidationError

__all__ = [
    "membership_list",
    "portfolio_list_for_user",
    "program_list_for_user",
    "project_list_for_user",
]

_PROJECT_FILTERS = frozenset(
    {"status", "health", "methodology", "portfolio", "program", "manager", "text"}
)


def project_list_for_user(user: Any, **filters: Any) -> QuerySet[Project]:
    """The projects ``user`` may see, optionally filtered.

    Parameters
    ----------
    user
        The signed-in user; anonymous users see nothing.
    **filters
        ``status``, ``health``, ``methodology``, ``portfolio``, ``program``, ``manager`` (objects
        or ids) and ``text`` (matches key or name).
    """
    unknown = sorted(set(filters) - _PROJECT_FILTERS)
    if unknown:
        raise ValidationError(f"Unknown project filter(s): {', '.join(unknown)}.")
    ids = Project.objects.filter(visible_projects_q(user)).values("pk")
    qs = Project.objects.filter(pk__in=ids).select_related("portfolio", "program", "manager")
    text = filters.pop("text", None)
    if text:
        qs = qs.filter(Q(key__icontains=text) | Q(name__icontains=text))
    for name, value in filters.items():
        if value is not None and value != "":
            qs = qs.filter(**{name: value})
    return qs.order_by("key")


def portfolio_list_for_user(user: Any) -> QuerySet[Portfolio]:
    """Portfolios ``user`` belongs to, or holds a project in."""
    if not is_signed_in(user):
        return Portfolio.objects.none()
    if user.is_superuser:
        return Portfolio.objects.all()
    ids = Portfolio.objects.filter(
        Q(memberships__user=user) | Q(projects__memberships__user=user)
    ).values("pk")
    return Portfolio.objects.filter(pk__in=ids)


def program_list_for_user(user: Any, portfolio: Portfolio | int | None = None) -> QuerySet[Program]:
    """Programs ``user`` may see: as a portfolio member or a member of one of their projects."""
    if not is_signed_in(user):
        return Program.objects.none()
    qs = Program.objects.select_related("portfolio")
    if not user.is_superuser:
        ids = Program.objects.filter(
            Q(portfolio__memberships__user=user) | Q(projects__memberships__user=user)
        ).values("pk")
        qs = qs.filter(pk__in=ids)
    if portfolio is not None:
        qs = qs.filter(portfolio=portfolio)
    return qs.order_by("name")


def membership_list(project: Project) -> QuerySet[ProjectMembership]:
    """The project's members with their users, by username."""
    return (
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__username")
    )
