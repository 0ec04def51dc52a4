"""The demo staffing: a pool, assignments, requests, and an over-allocation that the heat map
flags and portfolio levelling resolves, moving the Gantt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from keel.apps.accounts.models import User
from keel.apps.projects import demo
from keel.apps.projects.models import Project
from keel.apps.resources import levelling, selectors
from keel.apps.resources.models import Assignment, Resource, ResourceRequest
from keel.apps.work.models import WorkItem

pytestmark = pytest.mark.django_db


def test_demo_staffing_shows_over_allocation_and_levelling_moves_it(monkeypatch):
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass-2026")
    # Only this area's part of the demo: the other areas' parts have their own tests.
    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", ("keel.apps.resources.demo",))
    summary = demo.demo_load()
    assert "double-booked" in summary
    gao = Resource.objects.get(user__username="gao")
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == {"person", "equipment", "material"}
    assert Resource.objects.filter(is_placeholder=True).exists()
    assert Resource.objects.filter(external=True).exclude(vendor="").exists()
    projects = set(
        Assignment.objects.filter(resource=gao).values_list("item__project__key", flat=True)
    )
    assert len(projects) >= 2
    assert ResourceRequest.objects.filter(status="approved").get().events.count() == 2
    assert ResourceRequest.objects.filter(status="requested", skill__isnull=False).exists()

    items = WorkItem.objects.filter(assignments__resource=gao)
    first = min(i.early_start for i in items).date()
    last = max(i.early_finish for i in items).date()
    liwei = User.objects.get(username="liwei")
    heat = selectors.utilisation(
        user=liwei, start=first, end=last, resources=Resource.objects.filter(pk=gao.pk)
    )
    assert heat.rows[0].over
    client = Client()
    client.force_login(liwei)
    page = client.get(
        f"/resources/heatmap/?from={first:%Y-%m-%d}&weeks={(last - first).days // 7 + 1}"
    )
    assert "⚠" in page.content.decode()

    portfolio = Project.objects.get(key="ERP").portfolio
    plan = levelling.portfolio_levelling_preview(actor=liwei, portfolio=portfolio.pk)
    assert plan.moves and plan.finish_after >= plan.finish_before
    moved = plan.moves[0]
    levelling.portfolio_levelling_apply(actor=liwei, portfolio=portfolio.pk)
    project_key, number = moved.item.rsplit("-", 1)
    row = WorkItem.objects.get(project__key=project_key, number=int(number))
    assert row.early_start > moved.old_start - timedelta(minutes=1)
    assert row.early_start == moved.new_start
    # What is left involves only work already under way, which levelling never moves.
    started = {
        f"{key}-{n}"
        for key, n, progress, category in WorkItem.objects.values_list(
            "project__key", "number", "progress", "status__category"
        )
        if progress or category != "todo"
    }
    again = levelling.portfolio_levelling_preview(actor=liwei, portfolio=portfolio.pk)
    assert not any(m.item in started for m in again.moves)
    for line in again.unresolved:
        keys = line.split(": ", 1)[1].split(" (")[0].split(", ")
        assert len([k for k in keys if k not in started]) <= 1, line
    assert not any(gao.name in line for line in again.unresolved)
