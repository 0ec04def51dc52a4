"""Scheduling through the API: POST /projects/{key}/schedule and the dates on each item."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import ProjectFactory, item_create

from keel.apps.work.services import dependency_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Kanban project from Monday 2 March 2026: Design (2d) → Build (3d) → Launch milestone."""
    project = ProjectFactory(methodology="kanban", start_date=date(2026, 3, 2))
    design = item_create(project, "Design", duration_days=2)
    build = item_create(project, "Build", duration_days=3)
    launch = item_create(project, "Launch", type="milestone")
    side = item_create(project, "Side task", duration_days=1)
    dependency_create(actor=project.manager, predecessor=design, successor=build)
    dependency_create(actor=project.manager, predecessor=build, successor=launch)
    return project, design, build, launch, side


def test_schedule_returns_finish_and_critical_path(chain, as_user):
    """A project manager schedules the project and reads its finish and critical path; each
    item then shows its computed dates, float and critical flag."""
    project, design, build, launch, side = chain
    client = as_user(project.manager)
    response = client.post(f"projects/{project.key}/schedule")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["project"] == project.key
    assert body["start"] == "2026-03-02T09:00:00"
    assert body["finish"] == "2026-03-06T18:00:00"
    assert body["critical_path"] == [design.key, build.key, launch.key]
    assert body["items"] == 4

    item = client.get(f"projects/{project.key}/items/{build.key}").json()
    assert item["early_start"].startswith("2026-03-04T09:00")
    assert item["early_finish"].startswith("2026-03-06T18:00")
    assert item["is_critical"] is True
    assert item["total_float_minutes"] == 0
    other = client.get(f"projects/{project.key}/items/{side.key}").json()
    assert other["is_critical"] is False
    assert other["total_float_minutes"] == 4 * 480


def test_viewer_may_not_schedule_and_outsider_sees_nothing(chain, as_user, member_of, user):
    """A viewer is refused with 403; someone outside the project gets 404."""
    project = chain[0]
    viewer = member_of(project, role="viewer")
    assert as_user(viewer).post(f"projects/{project.key}/schedule").status_code == 403
    assert as_user(user).post(f"projects/{project.key}/schedule").status_code == 404
