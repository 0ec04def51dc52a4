"""Fixtures for finance tests: a budgeted project with a baseline, people with rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.factories import MembershipFactory, ProjectFactory, UserFactory, item_create

from keel.apps.finance import services
from keel.apps.projects.models import Role


@pytest.fixture
def fin(db: Any) -> dict[str, Any]:
    """Project FIN starting Monday 2025-01-06: a phase with two 5-day tasks (40 h each) done
    by ``dev`` at 100/h, CNY budget with a labour line, a finance manager and a coordinator."""
    project = ProjectFactory(key="FIN", name="Finance test", start_date=date(2025, 1, 6))
    pm = project.manager
    dev = UserFactory(username="dev")
    MembershipFactory(project=project, user=dev, role=Role.MEMBER)
    money = UserFactory(username="money")
    MembershipFactory(project=project, user=money, role=Role.FINANCE_MANAGER)
    coord = UserFactory(username="coord")
    MembershipFactory(project=project, user=coord, role=Role.COORDINATOR)
    viewer = UserFactory(username="viewer")
    MembershipFactory(project=project, user=viewer, role=Role.VIEWER)
    phase = item_create(project, "Phase", type="deliverable")
    a = item_create(
        project,
        "Build",
        parent=phase,
        duration_days=Decimal(5),
        estimate_hours=Decimal(40),
        assignee=dev,
    )
    b = item_create(
        project,
        "Test",
        parent=phase,
        duration_days=Decimal(5),
        estimate_hours=Decimal(40),
        assignee=dev,
    )
    services.budget_set_up(actor=money, project=project, currency="CNY")
    services.member_rate_set(
        actor=money, project=project, user=dev, rate="100", valid_from=date(2024, 1, 1)
    )
    return {
        "project": project,
        "pm": pm,
        "dev": dev,
        "money": money,
        "coord": coord,
        "viewer": viewer,
        "phase": phase,
        "a": a,
        "b": b,
    }
