"""The Gantt tab: bars, milestones, summaries, arrows, critical path, baseline, zoom, access."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import Baseline, BaselineItem, WorkItem
from keel.apps.work.scheduling import schedule_recalculate
from keel.apps.work.services import dependency_create

pytestmark = pytest.mark.django_db


def _url(key, **query):
    url = reverse("keel-web:project-gantt", args=[key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def plan():
    """A kanban project: design (3 d) → build (5 d) → launch milestone; docs (1 d) in parallel,
    started with build (SS); all under one deliverable."""
    project = ProjectFactory(key="GNT", methodology="kanban")
    phase = item_create(project, "Release 1", type="deliverable")
    design = item_create(project, "Design", parent=phase, duration_days=3)
    build = item_create(project, "Build", parent=phase, duration_days=5)
    docs = item_create(project, "Docs", parent=phase, duration_days=1)
    launch = item_create(project, "Launch", type="milestone", duration_days=0)
    pm = project.manager
    dependency_create(actor=pm, predecessor=design, successor=build, type="FS")
    dependency_create(actor=pm, predecessor=build, successor=docs, type="SS")
    dependency_create(actor=pm, predecessor=build, successor=launch, type="FS")
    schedule_recalculate(actor=pm, project=project)
    return project


def _bar(html, key):
    match = re.search(rf'<g class="bar ([^"]*)" data-key="{key}"', html)
    assert match, f"no bar for {key}"
    return match.group(1).split()


def test_bars_milestones_summaries_and_critical_path(client, plan):
    """Tasks get bars, the milestone a diamond, the deliverable a summary bar; the chain
    design → build → launch is critical, docs (which has float) is not."""
    client.force_login(plan.manager)
    html = client.get(_url("GNT")).content.decode()
    assert _bar(html, "GNT-2") == ["task", "critical"]
    assert _bar(html, "GNT-3") == ["task", "critical"]
    assert _bar(html, "GNT-4") == ["task"]
    assert _bar(html, "GNT-5") == ["milestone", "critical"]
    assert _bar(html, "GNT-1")[0] == "summary"
    # Names column: WBS code and title, children indented under their parent.
    assert re.search(
        r'data-key="GNT-2" style="padding-left:1\.7rem"[^>]*><span class="wbs">1\.1<', html
    )
    assert 'data-key="GNT-1" style="padding-left:0.6rem"' in html


def test_bars_follow_the_schedule(client, plan):
    """Build starts where design ends; a bar's width is its working duration in days."""
    client.force_login(plan.manager)
    html = client.get(_url("GNT", zoom="day")).content.decode()

    def rect(key):
        m = re.search(
            rf'data-key="{key}"[^>]*><title>[^<]*</title>'
            r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"',
            html,
        )
        assert m, key
        return float(m.group(1)), float(m.group(2))

    design_x, design_w = rect("GNT-2")
    build_x, _ = rect("GNT-3")
    assert build_x >= design_x + design_w  # FS: build starts after design
    assert design_w >= 3 * 30  # three working days at 30 px a day


def test_arrows_of_each_type_start_and_end_at_the_right_ends(client, plan):
    """Each dependency is an arrow tagged with its ends and type; critical links are marked."""
    client.force_login(plan.manager)
    html = client.get(_url("GNT")).content.decode()
    arrows = re.findall(
        r'<path class="(dep[^"]*)" data-from="([^"]+)" data-to="([^"]+)" data-type="(\w\w)"', html
    )
    assert sorted(arrows) == sorted(
        [
            ("dep critical", "GNT-2", "GNT-3", "FS"),
            ("dep", "GNT-3", "GNT-4", "SS"),
            ("dep critical", "GNT-3", "GNT-5", "FS"),
        ]
    )
    # SS leaves build from its start (left end, heading left first) rather than its finish.
    d = re.search(r'data-type="SS" d="M([\d.]+),[\d.]+H([\d.]+)', html)
    assert float(d.group(2)) < float(d.group(1))


def test_today_line_and_baseline_ghost_bars(client, plan):
    """A today line is always drawn; ghost bars appear only once there is a current baseline."""
    client.force_login(plan.manager)
    html = client.get(_url("GNT")).content.decode()
    assert 'class="today"' in html
    assert 'class="ghost"' not in html
    baseline = Baseline.objects.create(project=plan, number=1, name="Agreed", is_current=True)
    design = WorkItem.objects.get(project=plan, number=2)
    BaselineItem.objects.create(
        baseline=baseline,
        item=design,
        item_key="GNT-2",
        title="Design",
        start=design.early_start,
        finish=design.early_finish,
    )
    html = client.get(_url("GNT")).content.decode()
    assert html.count('class="ghost"') == 1
    assert "Baseline" in html


def test_zoom_changes_the_scale_and_htmx_swaps_only_the_chart(client, plan):
    """A task's bar is widest at day zoom and narrowest at quarter zoom, while even a short
    plan's chart spans a wide screen; an HTMX zoom request gets the chart without the page
    around it."""
    client.force_login(plan.manager)

    def widths(zoom):
        html = client.get(_url("GNT", zoom=zoom)).content.decode()
        chart = int(re.search(r'<svg class="gantt-chart" width="(\d+)"', html).group(1))
        bar = re.search(
            r'<g class="bar task[^"]*"[^>]*>.*?<rect x="[\d.]+" y="\d+" width="([\d.]+)"', html
        )
        return chart, float(bar.group(1))

    charts, bars = zip(*(widths(z) for z in ("day", "week", "month", "quarter")), strict=True)
    assert bars[0] > bars[1] > bars[2] > bars[3]
    assert min(charts) >= 1100
    part = client.get(_url("GNT", zoom="month"), HTTP_HX_REQUEST="true").content.decode()
    assert "gantt-chart" in part and "<html" not in part
    assert 'data-zoom="month" class="current"' in part


def test_queries_do_not_grow_with_items(client, plan):
    """The page costs the same number of queries with 5 items as with 45."""
    client.force_login(plan.manager)
    client.get(_url("GNT"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("GNT"))
    for n in range(40):
        item_create(plan, f"Extra {n}", duration_days=1)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("GNT"))
    assert len(many) == len(few)


def test_titles_are_escaped(client, plan):
    """A title with markup shows as text, not as markup."""
    item_create(plan, '<script>alert("x")</script>', duration_days=1)
    client.force_login(plan.manager)
    html = client.get(_url("GNT")).content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;" in html


def test_non_member_gets_404_and_viewer_sees_the_chart(client, plan, user, member_of):
    """Outsiders cannot tell the project exists; a viewer sees the Gantt tab and chart."""
    client.force_login(user)
    assert client.get(_url("GNT")).status_code == 404
    viewer = member_of(plan, role="viewer")
    client.force_login(viewer)
    html = client.get(_url("GNT")).content.decode()
    assert 'data-key="GNT-3"' in html
    assert reverse("keel-web:project-gantt", args=["GNT"]) in html  # its tab


def test_empty_project_says_so(client):
    """A project without items shows a hint instead of an empty chart."""
    project = ProjectFactory(key="EMP", methodology="kanban")
    client.force_login(project.manager)
    html = client.get(_url("EMP")).content.decode()
    assert "No work items yet" in html


def test_scale_and_zoom_speak_the_language(client, plan):
    """In 简体中文 the month bands read like 2026年1月 and the zoom buttons are 日/周/月/季度."""
    client.force_login(plan.manager)
    html = client.get(_url("GNT"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert re.search(r'<text class="band"[^>]*>\d{4}年\d{1,2}月</text>', html)
    zooms = re.findall(r'data-zoom="\w+"[^>]*>([^<]+)</a>', html)
    assert zooms == ["日", "周", "月", "季度"]
    english = client.get(_url("GNT"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<text class="band"[^>]*>[A-Z][a-z]+ \d{4}</text>', english)
