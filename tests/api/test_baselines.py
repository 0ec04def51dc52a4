"""Baselines over the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.factories import ProjectFactory, item_create

pytestmark = pytest.mark.django_db


def test_capture_list_read_and_switch_baselines(as_user):
    project = ProjectFactory(template="kanban")
    item_create(project, "Survey", duration_days=Decimal(2))
    client = as_user(project.manager)
    base = f"projects/{project.key}/baselines"

    created = client.post(base, {"name": "Signed off", "reason": "Kick-off"})
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 1 and created.json()["items"] == 1
    client.post(base, {"name": "Re-plan"})

    listed = client.get(base).json()
    assert [(b["number"], b["is_current"]) for b in listed] == [(1, False), (2, True)]
    detail = client.get(f"{base}/1").json()
    assert detail["reason"] == "Kick-off"
    assert [row["title"] for row in detail["rows"]] == ["Survey"]
    assert detail["rows"][0]["start"] is not None

    switched = client.post(f"{base}/1/current")
    assert switched.status_code == 200 and switched.json()["is_current"]
    assert [b["is_current"] for b in client.get(base).json()] == [True, False]


def test_a_nameless_baseline_is_a_400_and_saves_nothing(as_user, error_of):
    project = ProjectFactory(template="kanban")
    client = as_user(project.manager)
    response = client.post(f"projects/{project.key}/baselines", {"name": " "})
    assert response.status_code == 400
    assert "name" in error_of(response)["details"]["fields"]
    assert client.get(f"projects/{project.key}/baselines").json() == []


def test_a_missing_baseline_is_a_404(as_user, error_of):
    project = ProjectFactory(template="kanban")
    response = as_user(project.manager).get(f"projects/{project.key}/baselines/3")
    assert response.status_code == 404
    error_of(response)
