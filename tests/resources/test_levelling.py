"""Levelling in the server: preview saves nothing, apply stores delays and moves the dates,
clear puts them back; a portfolio is levelled across its projects."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import PortfolioMembershipFactory, ProjectFactory, UserFactory, item_create

from keel.apps.resources import levelling, services
from keel.apps.resources.models import LevellingDelay
from keel.apps.work.scheduling import schedule_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def clash(staff, planned):
    """Two 5-day items for Ana in the same week; "Build" has the higher priority."""
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    build = item_create(
        planned, "Build", duration_days=Decimal(5), planned_start=date(2026, 3, 2), priority="high"
    )
    docs = item_create(planned, "Docs", duration_days=Decimal(5), planned_start=date(2026, 3, 2))
    for item in (build, docs):
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
    schedule_store(planned)
    return build, docs


def test_preview_moves_the_lower_priority_item_and_saves_nothing(planned, clash):
    """Docs waits a week (2,400 working minutes) behind Build; nothing is stored."""
    _build, docs = clash
    plan = levelling.levelling_preview(actor=planned.manager, project=planned)
    assert [(m.item, m.delay_minutes) for m in plan.moves] == [(docs.key, 2400)]
    assert plan.finish_after > plan.finish_before
    assert not LevellingDelay.objects.exists()
    docs.refresh_from_db()
    assert docs.early_start.date() == date(2026, 3, 2)


def test_apply_stores_delays_and_the_schedule_moves(
    planned, clash, django_capture_on_commit_callbacks
):
    """After apply the stored delay re-schedules Docs to the next Monday; clear undoes it."""
    _build, docs = clash
    with django_capture_on_commit_callbacks(execute=True):
        plan = levelling.levelling_apply(actor=planned.manager, project=planned)
    assert plan.applied
    assert LevellingDelay.objects.get().item_id == docs.pk
    docs.refresh_from_db()
    assert docs.early_start.date() == date(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        services.levelling_clear(actor=planned.manager, project=planned)
    docs.refresh_from_db()
    assert docs.early_start.date() == date(2026, 3, 2)


def test_levelling_needs_schedule_run(planned, clash, member_of):
    with pytest.raises(PermissionDenied):
        levelling.levelling_preview(actor=member_of(planned), project=planned)


def test_portfolio_levelling_spans_projects(staff, planned):
    """Ana booked in two projects of one portfolio the same week: a PMO admin's preview moves
    one of them; a project manager may not level the portfolio."""
    other = ProjectFactory(key="OPS", portfolio=planned.portfolio)
    other.start_date = date(2026, 3, 2)
    other.save(update_fields=["start_date"])
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    pmo = UserFactory()
    PortfolioMembershipFactory(portfolio=planned.portfolio, user=pmo, role="pmo_admin")
    keys = []
    for project in (planned, other):
        item = item_create(
            project, "Work", duration_days=Decimal(2), planned_start=date(2026, 3, 2)
        )
        services.assignment_create(actor=pmo, item=item, resource=ana)
        schedule_store(project)
        keys.append(item.key)
    plan = levelling.portfolio_levelling_preview(actor=pmo, portfolio=planned.portfolio.pk)
    assert len(plan.moves) == 1 and plan.moves[0].item in keys
    assert plan.moves[0].delay_minutes == 960
    with pytest.raises(PermissionDenied):
        levelling.portfolio_levelling_preview(actor=planned.manager, portfolio=planned.portfolio.pk)
    levelling.portfolio_levelling_apply(actor=pmo, portfolio=planned.portfolio.pk)
    assert LevellingDelay.objects.count() == 1


def test_preview_and_apply_on_the_project_tab(planned, clash):
    """The tab shows the preview table and the new finish; Apply stores the delay and the
    Gantt chart's bar moves to the next week."""
    from django.test import Client

    client = Client()
    client.force_login(planned.manager)
    page = client.get("/p/ERP/resources/?preview=1").content.decode()
    assert clash[1].key in page and "Apply levelling" in page
    docs = clash[1]
    bar = re.compile(rf'data-key="{docs.key}"[^>]*><title>[^<]*: ([^<]*)</title>')
    before = bar.findall(client.get("/p/ERP/gantt/").content.decode())
    client.post("/p/ERP/resources/", {"op": "apply"})
    assert LevellingDelay.objects.filter(item=docs).exists()
    after = bar.findall(client.get("/p/ERP/gantt/").content.decode())
    assert len(before) == len(after) == 1
    assert before != after and "9" in after[0] and "13" in after[0]  # 9-13 March


def test_item_priority_decides_who_waits(staff, planned):
    """ "Early" has the smaller key but low priority: it is the one that waits."""
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    early = item_create(
        planned, "Early", duration_days=Decimal(2), planned_start=date(2026, 3, 2), priority="low"
    )
    late = item_create(
        planned, "Late", duration_days=Decimal(2), planned_start=date(2026, 3, 2), priority="high"
    )
    for item in (early, late):
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
    schedule_store(planned)
    plan = levelling.levelling_preview(actor=planned.manager, project=planned)
    assert [m.item for m in plan.moves] == [early.key]


def test_started_work_never_moves(staff, planned):
    """An item already in progress keeps its dates; the item not started waits for it."""
    from keel.apps.work.models import WorkItem

    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    running = item_create(
        planned, "Running", duration_days=Decimal(3), planned_start=date(2026, 3, 2), priority="low"
    )
    fresh = item_create(
        planned, "Fresh", duration_days=Decimal(3), planned_start=date(2026, 3, 2), priority="high"
    )
    for item in (running, fresh):
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
    WorkItem.objects.filter(pk=running.pk).update(progress=40)
    schedule_store(planned)
    plan = levelling.levelling_apply(actor=planned.manager, project=planned)
    assert [m.item for m in plan.moves] == [fresh.key]
    running.refresh_from_db()
    fresh.refresh_from_db()
    assert running.early_start.date() == date(2026, 3, 2)
    assert fresh.early_start >= running.early_finish
    assert not plan.unresolved


def test_portfolio_levelling_page_previews_then_applies(staff, planned):
    """A PMO administrator previews the portfolio's levelling on the web page and applies it;
    a project manager sees no portfolio to level and gets a 403 when naming it."""
    from django.test import Client

    other = ProjectFactory(key="OPS", portfolio=planned.portfolio)
    other.start_date = date(2026, 3, 2)
    other.save(update_fields=["start_date"])
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    pmo = UserFactory()
    PortfolioMembershipFactory(portfolio=planned.portfolio, user=pmo, role="pmo_admin")
    for project in (planned, other):
        item = item_create(
            project, "Work", duration_days=Decimal(2), planned_start=date(2026, 3, 2)
        )
        services.assignment_create(actor=pmo, item=item, resource=ana)
        schedule_store(project)
    client = Client()
    client.force_login(pmo)
    url = "/resources/levelling/"
    assert planned.portfolio.name in client.get(url).content.decode()
    page = client.get(f"{url}?portfolio={planned.portfolio.pk}&preview=1").content.decode()
    assert "Apply levelling" in page and "res-moves" in page
    assert not LevellingDelay.objects.exists()
    response = client.post(url, {"portfolio": planned.portfolio.pk})
    assert response.status_code == 302
    delay = LevellingDelay.objects.get()
    delay.item.refresh_from_db()
    assert delay.item.early_start.date() == date(2026, 3, 4)
    manager = Client()
    manager.force_login(planned.manager)
    assert planned.portfolio.name not in manager.get(url).content.decode()
    assert manager.post(url, {"portfolio": planned.portfolio.pk}).status_code == 403
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(f"{url}?portfolio={planned.portfolio.pk}").status_code == 404
    assert LevellingDelay.objects.count() == 1
