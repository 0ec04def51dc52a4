"""Issue #7 line by line where other files leave it open: heat maps on the project and
portfolio pages, the burn-down over days, overdue reviews for their owner, the background
run with its progress, and the histogram with its cumulative curve."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import ProgramFactory, ProjectFactory, item_create

from keel.apps.risk import selectors, services
from keel.apps.risk.models import RiskChange, SimulationRun
from keel.apps.risk.simulation import simulation_run_start
from keel.apps.work.services import dependency_create

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _risk(project, title="Vendor late", **fields):
    fields.setdefault("probability", 3)
    fields.setdefault("impact", 4)
    return services.risk_create(actor=project.manager, project=project, title=title, **fields)


def _cells(html: str) -> list[tuple[int, int]]:
    """Every heat-map cell's (before, after) counts, in page order."""
    pairs = re.findall(
        r'<span class="before">(\d+)</span> / <span class="after">(\d+)</span>', html
    )
    return [(int(b), int(a)) for b, a in pairs]


def test_project_overview_heat_map_counts_before_and_after_response(project):
    _risk(project, "Data quality", probability=4, impact=4, residual_probability=2,
          residual_impact=2)  # fmt: skip
    _risk(project, "Key users away", probability=4, impact=4)
    html = _client(project.manager).get("/p/ERP/").content.decode()
    cells = _cells(html)
    assert len(cells) == 25
    assert sum(b for b, _ in cells) == 2 and sum(a for _, a in cells) == 2
    assert (2, 1) in cells  # cell 4 × 4: two before response, one after
    assert (0, 1) in cells  # cell 2 × 2: the residual of the first risk


def test_portfolio_heat_map_rolls_up_the_projects_the_viewer_may_see(project, member_of):
    other = ProjectFactory(key="CRM", name="CRM", manager=project.manager)
    hidden = ProjectFactory(key="HR", name="HR")
    _risk(project, probability=5, impact=5, residual_probability=1, residual_impact=1)
    services.risk_create(actor=other.manager, project=other, title="Licence", probability=5,
                         impact=5)  # fmt: skip
    services.risk_create(actor=hidden.manager, project=hidden, title="Secret", probability=5,
                         impact=5)  # fmt: skip
    heat = selectors.portfolio_heat_map(project.manager)
    assert sorted(heat["projects"]) == ["CRM", "ERP"]
    html = _client(project.manager).get("/portfolio/").content.decode()
    assert "Portfolio risk heat map" in html
    cells = _cells(html)
    assert (2, 1) in cells  # 5 × 5: both projects before, only CRM after
    assert (0, 1) in cells  # 1 × 1: ERP's residual
    assert sum(b for b, _ in cells) == 2  # HR's risk is not counted
    viewer = member_of(project, "viewer")
    assert "Portfolio risk heat map" in _client(viewer).get("/portfolio/").content.decode()
    assert _cells(_client(viewer).get("/portfolio/").content.decode()) == []


def test_program_and_portfolio_roll_up_over_the_api_and_on_the_page(project, api):
    program = ProgramFactory(portfolio=project.portfolio)
    in_program = ProjectFactory(
        key="CRM", name="CRM", manager=project.manager, portfolio=project.portfolio,
        program=program,
    )  # fmt: skip
    elsewhere = ProjectFactory(key="WEB", name="Web", manager=project.manager)
    _risk(project, "ERP risk", probability=2, impact=2)
    services.risk_create(actor=project.manager, project=in_program, title="CRM risk",
                         probability=5, impact=4)  # fmt: skip
    services.risk_create(actor=project.manager, project=elsewhere, title="Web risk",
                         probability=3, impact=3)  # fmt: skip
    client = api(project.manager)
    everything = client.get("/api/v1/portfolio/risks").json()["items"]
    assert [(r["project"], r["key"], r["score"]) for r in everything] == [
        ("CRM", "R-1", 20), ("WEB", "R-1", 9), ("ERP", "R-1", 4),
    ]  # fmt: skip
    by_program = client.get(f"/api/v1/portfolio/risks?program={program.pk}").json()["items"]
    assert [r["title"] for r in by_program] == ["CRM risk"]
    portfolio = project.portfolio.pk
    heat = client.get(f"/api/v1/portfolio/risk-heatmap?portfolio={portfolio}").json()
    assert heat["projects"] == ["CRM", "ERP"] and heat["open_count"] == 2
    heat = client.get(f"/api/v1/portfolio/risk-heatmap?program={program.pk}").json()
    assert heat["projects"] == ["CRM"] and heat["open_count"] == 1
    html = _client(project.manager).get(f"/portfolio/?program={program.pk}").content.decode()
    assert "Top risks across projects" in html
    assert "CRM risk" in html and "Web risk" not in html and "ERP risk" not in html


def test_burn_down_gives_total_exposure_at_the_end_of_each_day(project):
    today = timezone.localdate()
    big = _risk(project, "Power", probability=4, impact=5)  # 20
    _risk(project, "Latency", probability=2, impact=2)  # 4
    three_days_ago = timezone.now() - timedelta(days=3)
    RiskChange.objects.filter(project=project).update(at=three_days_ago)
    services.risk_update(actor=project.manager, risk=big, status="closed")
    RiskChange.objects.filter(project=project, at__gt=three_days_ago).update(
        at=timezone.now() - timedelta(days=1)
    )
    series = selectors.burn_down(project, as_of=today)
    assert [d for d, _ in series] == [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    assert [v for _, v in series] == [24, 24, 4, 4]
    html = _client(project.manager).get("/p/ERP/risks/").content.decode()
    assert 'class="burndown"' in html
    assert f"{today.isoformat()} · 4" in html


def test_overdue_reviews_are_listed_for_their_owner_only(project, member_of, api):
    owner = member_of(project, "risk_manager")
    late = _risk(project, "Late review", owner=owner.username, next_review="2020-01-01")
    _risk(project, "Not due", owner=owner.username, next_review=date.today() + timedelta(days=5))
    _risk(project, "Someone else's", next_review="2020-01-01")
    closed = _risk(project, "Closed", owner=owner.username, next_review="2020-01-01")
    services.risk_update(actor=project.manager, risk=closed, status="closed")
    rows = api(owner).get("/api/v1/risk-reviews/overdue").json()
    items = rows["items"] if isinstance(rows, dict) else rows
    assert [r["key"] for r in items] == [late.key]
    assert list(selectors.reviews_overdue(owner=owner)) == [late]


def _plan(project):
    type(project).objects.filter(pk=project.pk).update(
        start_date=date(2027, 1, 4), finish_date=date(2027, 1, 29)
    )
    project.refresh_from_db()
    design = item_create(project, "Design", duration_days=5)
    build = item_create(project, "Build", duration_days=10)
    dependency_create(actor=project.manager, predecessor=design, successor=build)
    services.task_estimate_set(
        actor=project.manager, item=build, duration_min=8, duration_likely=10, duration_max=16,
        distribution="pert", cost_min=1000, cost_likely=2000, cost_max=5000,
    )  # fmt: skip
    return design, build


def test_simulation_page_draws_histogram_and_cumulative_curve(project):
    _plan(project)
    run = simulation_run_start(actor=project.manager, project=project, iterations=2000, seed=5)
    assert run.status == "done", run.error
    html = _client(project.manager).get(f"/p/ERP/risks/simulation/{run.pk}/").content.decode()
    charts = re.findall(r'<svg class="sim-histogram".*?</svg>', html, flags=re.S)
    assert len(charts) == 2  # finish and cost
    finish = charts[0]
    bars = re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', finish)
    assert len(bars) == len(run.result["finish_histogram"]["counts"]) == 40
    assert max(float(h) for h in bars) > 0
    curve = re.search(r'<polyline class="cumulative" points="([^"]+)"', finish).group(1)
    ys = [float(p.split(",")[1]) for p in curve.split()]
    assert ys == sorted(ys, reverse=True)  # the cumulative share only rises (y grows down)
    assert ys[-1] == pytest.approx(22.0)  # and ends at 100 %, the top of the plot
    assert ">P50<" in finish and ">P80<" in finish
    assert "Total cost" in charts[1]
    assert run.result["chart_svg"].count("<svg") == 2  # the API's copy


@pytest.mark.django_db(transaction=True)
def test_a_web_run_is_a_background_job_that_reports_progress(project, settings, monkeypatch):
    import keel.domain.risk.engine as engine
    from keel.apps.risk import simulation

    settings.KEEL_SIMULATION_SYNC = False
    monkeypatch.setattr(engine, "CHUNK_CELLS", 2_000)  # many chunks, so many progress calls
    seen: list[int] = []
    writer = simulation._progress_writer

    def recording(run_id):
        write = writer(run_id)

        def record(fraction):
            write(fraction)
            seen.append(SimulationRun.objects.get(pk=run_id).progress)

        return record

    monkeypatch.setattr(simulation, "_progress_writer", recording)
    _plan(project)
    client = _client(project.manager)
    response = client.post("/p/ERP/risks/simulation/", {"iterations": "3000", "seed": "2"})
    assert response.status_code in (200, 302)
    run = SimulationRun.objects.get(project=project)
    deadline = time.monotonic() + 60
    while run.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        run.refresh_from_db()
    assert (run.status, run.progress) == ("done", 100), run.error
    assert len(set(seen)) >= 5 and seen == sorted(seen)  # written as it went, never backwards
    assert 0 < seen[0] < 100
    page = client.get(f"/p/ERP/risks/simulation/{run.pk}/").content.decode()
    assert "hx-trigger" not in page and "sim-histogram" in page


def test_a_running_job_is_polled_and_shows_its_progress(project):
    _plan(project)
    run = SimulationRun.objects.create(
        project=project, requested_by=project.manager, iterations=100, seed=1,
        status="running", progress=45,
    )  # fmt: skip
    html = _client(project.manager).get(f"/p/ERP/risks/simulation/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "45" in html
