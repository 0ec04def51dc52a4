"""Monte Carlo runs in the server: inputs from estimates and risks, stored results, caps."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from tests.factories import item_create

from keel.apps.risk import services
from keel.apps.risk.models import SimulationRun
from keel.apps.risk.simulation import simulation_run_start
from keel.apps.work.services import dependency_create
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


def _plan(project):
    type(project).objects.filter(pk=project.pk).update(
        start_date=date(2027, 1, 4), finish_date=date(2027, 1, 29)
    )
    project.refresh_from_db()
    design = item_create(project, "Design", duration_days=5)
    build = item_create(project, "Build", duration_days=10)
    dependency_create(actor=project.manager, predecessor=design, successor=build)
    return design, build


def test_fixed_estimates_reproduce_the_deterministic_finish(project):
    """With every estimate fixed at its plan and no risk, every iteration ends on the plan."""
    design, build = _plan(project)
    for item, days in ((design, 5), (build, 10)):
        services.task_estimate_set(
            actor=project.manager, item=item, distribution="fixed",
            duration_min=days, duration_likely=days, duration_max=days,
        )  # fmt: skip
    run = simulation_run_start(actor=project.manager, project=project, iterations=200, seed=3)
    assert (run.status, run.progress) == ("done", 100), run.error
    finish = run.result["finish_percentiles"]
    assert finish["10"] == finish["90"] == run.result["deterministic_finish"]
    assert run.result["probability_on_time"] == 1.0
    keys = [row["key"] for row in run.result["criticality"]]
    assert {design.key, build.key} <= set(keys)


def test_risk_event_from_the_register_delays_the_threatened_item(project):
    """A likely risk adding 10–20 days to Build pushes P90 past the target date."""
    _design, build = _plan(project)
    services.risk_create(
        actor=project.manager, project=project, title="Supplier late", probability=5,
        impact=4, days_min=10, days_likely=15, days_max=20, threatened_items=[build.key],
    )  # fmt: skip
    run = simulation_run_start(actor=project.manager, project=project, iterations=2000, seed=1)
    assert run.status == "done", run.error
    # Level 5 stands for 0.85: about 15% of iterations finish on time.
    assert 0.1 < run.result["probability_on_time"] < 0.2
    assert run.result["finish_percentiles"]["90"] > run.result["deterministic_finish"]
    assert any(d["id"] == "R-1" for d in run.result["finish_drivers"])


def test_same_seed_same_result(project):
    design, _build = _plan(project)
    services.task_estimate_set(
        actor=project.manager, item=design, duration_min=3, duration_likely=5, duration_max=12
    )
    first = simulation_run_start(actor=project.manager, project=project, iterations=300, seed=9)
    second = simulation_run_start(actor=project.manager, project=project, iterations=300, seed=9)
    assert first.result["finish_percentiles"] == second.result["finish_percentiles"]


@pytest.mark.parametrize("iterations", [0, -5, 100_001])
def test_iterations_outside_the_cap_are_refused(project, iterations):
    _plan(project)
    with pytest.raises(ValidationError, match="iterations"):
        simulation_run_start(actor=project.manager, project=project, iterations=iterations)
    assert not SimulationRun.objects.exists()


def test_one_run_at_a_time_and_viewers_cannot_start(project, member_of, settings):
    _plan(project)
    settings.KEEL_SIMULATION_SYNC = False
    first = simulation_run_start(actor=project.manager, project=project, iterations=10)
    assert first.status == "queued"  # starts only after the transaction commits
    with pytest.raises(ValidationError, match="already running"):
        simulation_run_start(actor=project.manager, project=project, iterations=10)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        simulation_run_start(actor=member_of(project, "member"), project=project, iterations=10)


def test_simulation_api_and_page(project):
    _plan(project)
    client = Client()
    client.force_login(project.manager)
    response = client.post(
        "/api/v1/projects/ERP/simulations",
        data={"iterations": 500, "seed": 4},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    status = client.get(f"/api/v1/projects/ERP/simulations/{run_id}").json()
    assert status["status"] == "done"
    assert set(status["result"]["finish_percentiles"]) == {"10", "50", "80", "90"}
    page = client.get("/p/ERP/risks/simulation/").content.decode()
    assert "P80" in page
    assert "Design" in page
    partial = client.get(f"/p/ERP/risks/simulation/{run_id}/").content.decode()
    assert "hx-trigger" not in partial  # a finished run is not polled any more
