"""The demo projects carry realistic risk registers, RAID logs and change requests."""

from __future__ import annotations

from datetime import date

import pytest

from keel.apps.projects.demo import demo_load
from keel.apps.projects.models import Project
from keel.apps.risk import selectors
from keel.apps.risk.models import (
    Assumption,
    ChangeRequest,
    Decision,
    ProjectIssue,
    Risk,
    TaskEstimate,
)

pytestmark = pytest.mark.django_db


def test_demo_registers(monkeypatch):
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass")
    demo_load()
    for project in Project.objects.filter(key__in=["DCM", "MBA", "ERP"]):
        risks = Risk.objects.filter(project=project)
        assert 8 <= risks.count() <= 12, project.key
        assert risks.exclude(cause="").count() == risks.count()
        assert risks.filter(response_actions__isnull=False).exists(), project.key
        assert risks.filter(kind="opportunity").exists(), project.key
        assert selectors.reviews_overdue(project=project, as_of=date(2026, 11, 22)).count() >= 2
        assert ProjectIssue.objects.filter(project=project).exists()
        assert Assumption.objects.filter(project=project).exists()
        assert Decision.objects.filter(project=project).exists()
        states = set(ChangeRequest.objects.filter(project=project).values_list("status", flat=True))
        assert len(states) >= 2, (project.key, states)
        assert TaskEstimate.objects.filter(item__project=project).count() >= 5, project.key
        series = selectors.burn_down(project, as_of=date(2026, 11, 22), days=120)
        assert series[-1][1] > 0
        assert len({value for _day, value in series}) > 2, "the burn-down has a shape"
