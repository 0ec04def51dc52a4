"""The demo portfolio that `keel up` loads on an empty database."""

import pytest

from keel.apps.accounts.models import User
from keel.apps.projects.demo import demo_load, demo_load_if_empty
from keel.apps.projects.models import Project, ProjectMembership, Role
from keel.apps.work.models import Dependency, WorkItem

pytestmark = pytest.mark.django_db


def _snapshot():
    items = list(
        WorkItem.objects.order_by("project__key", "number").values_list(
            "project__key",
            "number",
            "outline_code",
            "title",
            "type",
            "status__key",
            "assignee__username",
            "duration_days",
        )
    )
    deps = sorted(
        Dependency.objects.values_list(
            "predecessor__project__key",
            "predecessor__number",
            "successor__number",
            "type",
            "lag_days",
        )
    )
    return items, deps


def test_demo_is_a_realistic_portfolio(monkeypatch):
    """Three projects (waterfall, scrum, hybrid) in one portfolio, 150+ items in a real WBS
    with dependencies and milestones, ten users who between them hold every project role."""
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass-2026")
    summary = demo_load_if_empty()
    assert summary and "demo-pass-2026" in summary

    projects = {p.key: p for p in Project.objects.select_related("portfolio")}
    assert {k: p.methodology for k, p in projects.items()} == {
        "DCM": "waterfall",
        "MBA": "scrum",
        "ERP": "hybrid",
    }
    assert len({p.portfolio_id for p in projects.values()}) == 1
    assert WorkItem.objects.count() >= 150
    assert WorkItem.objects.filter(parent__parent__isnull=False).exists(), "WBS is 3+ levels deep"
    assert WorkItem.objects.filter(type="milestone").count() >= 10
    assert Dependency.objects.count() >= 100
    assert set(Dependency.objects.values_list("type", flat=True)) == {"FS", "SS", "FF"}
    assert set(ProjectMembership.objects.values_list("role", flat=True)) >= set(Role.values) - {
        Role.PMO_ADMIN
    }
    assert User.objects.filter(is_superuser=False).count() == 10
    alice = User.objects.get(username="alice")
    assert alice.check_password("demo-pass-2026")
    # outline codes follow the tree: each child's code extends its parent's
    for item in WorkItem.objects.filter(parent__isnull=False).select_related("parent"):
        assert item.outline_code.startswith(item.parent.outline_code + ".")


def test_demo_is_deterministic_and_loads_once(monkeypatch):
    """Loading again changes nothing; a reset rebuilds exactly the same plan."""
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass-2026")
    demo_load()
    first = _snapshot()
    assert "already loaded" in demo_load()
    assert demo_load_if_empty() is None
    assert _snapshot() == first
    demo_load(reset=True)
    assert _snapshot() == first
