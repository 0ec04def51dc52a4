"""The Risks tab in real chromium: add a risk, filter by a heat-map cell, run a simulation in
the background and watch it finish."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from tests.factories import PASSWORD, ProjectFactory, UserFactory, item_create

from keel.apps.risk import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager():
    with transaction.atomic():
        pm = UserFactory(username="riskpm")
        project = ProjectFactory(
            key="RSK", name="Risky", manager=pm, start_date=date(2027, 1, 4),
            finish_date=date(2027, 2, 26),
        )  # fmt: skip
        build = item_create(project, "Build", duration_days=10)
        services.task_estimate_set(
            actor=pm, item=build, duration_min=8, duration_likely=10, duration_max=20
        )
        services.risk_create(actor=pm, project=project, title="Low one", probability=1, impact=1)
    return pm


def test_add_risk_filter_by_cell_and_run_a_simulation(browser, live_server, manager, settings):
    settings.KEEL_SIMULATION_SYNC = False  # the real thing: a worker thread after commit
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "riskpm")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/p/RSK/risks/")
    page.click("details.card > summary")  # the form is folded away until asked for
    page.fill(".risk-form input[name=title]", "Supplier insolvent")
    page.select_option(".risk-form select[name=probability]", "4")
    page.select_option(".risk-form select[name=impact]", "5")
    page.click(".risk-form button[type=submit]")
    page.wait_for_url("**/risks/R-2/")
    assert "Supplier insolvent" in page.inner_text("h2")

    page.goto(f"{live_server.url}/p/RSK/risks/")
    rows = page.locator("#risk-register tbody tr")
    assert rows.count() == 2
    page.click(".heatmap a[href$='probability=4&impact=5']")
    page.wait_for_function("document.querySelectorAll('#risk-register tbody tr').length === 1")
    assert "Supplier insolvent" in page.inner_text("#risk-register")
    assert "probability=4" in page.url  # the filter is in the address, without a reload

    page.goto(f"{live_server.url}/p/RSK/risks/simulation/")
    page.fill("input[name=iterations]", "2000")
    page.click("text=Run simulation")
    page.wait_for_selector("#sim-run h3", timeout=30_000)
    assert "P80" in page.inner_text("#sim-run")
