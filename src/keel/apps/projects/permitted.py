"""Which projects a person holds one permission on, as a single database filter.

Pages that list many projects (the portfolio and its panels) would otherwise ask
:func:`keel.apps.projects.access.project_permissions` once per project. The filter here gives
the same answer in the one query that lists the projects. It derives from ``ROLE_PERMISSIONS``,
so the matrix in ``access`` stays the only place that says which role may do what.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from keel.apps.projects.access import (
    _PORTFOLIO_ROLE_AS_PROJECT_ROLE,
    PORTFOLIO_ROLE_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    is_signed_in,
)

__all__ = ["permitted_portfolios_q", "permitted_projects_q"]


def permitted_projects_q(user: Any, perm: Permission, prefix: str = "") -> Q:
    """A filter for the projects on which ``user`` may do ``perm`` (``prefix`` for related
    lookups); use ``.distinct()``, as with ``visible_projects_q``."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission(perm) in perms]
    portfolio_roles = [pr for pr, role in _PORTFOLIO_ROLE_AS_PROJECT_ROLE.items() if role in roles]
    return Q(**{f"{prefix}memberships__user": user, f"{prefix}memberships__role__in": roles}) | Q(
        **{
            f"{prefix}portfolio__memberships__user": user,
            f"{prefix}portfolio__memberships__role__in": portfolio_roles,
        }
    )


def permitted_portfolios_q(user: Any, perm: Permission) -> Q:
    """A filter for the portfolios on which ``user`` holds the portfolio-level ``perm`` (as
    ``access.portfolio_permissions`` decides it); use ``.distinct()``."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    roles = [
        role for role, perms in PORTFOLIO_ROLE_PERMISSIONS.items() if Permission(perm) in perms
    ]
    q = Q(memberships__user=user, memberships__role__in=roles)
    if Permission(perm) == Permission.PORTFOLIO_VIEW:
        # Members of a project see its portfolio.
        q |= Q(projects__memberships__user=user)
    return q
