"""The portfolio and Overview pages in real chromium: HTMX filtering, sorting, language, phone."""

import re

import pytest
from django.db import transaction
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def alice():
    # The template services lock rows, which needs a transaction in autocommit mode.
    with transaction.atomic():
        person = UserFactory(username="alice")
        for key, name, health in [
            ("ALPHA", "Alpha ledger", "red"),
            ("BETA", "Beta portal", "green"),
            ("GAMMA", "Gamma warehouse", "amber"),
        ]:
            project = ProjectFactory(key=key, name=name, health=health, methodology="kanban")
            MembershipFactory(project=project, user=person, role="viewer")
    return person


def _sign_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")


def _keys(page):
    return page.locator("table.portfolio tbody td code").all_inner_texts()


def test_filter_sort_open_and_switch_language(browser, live_server, alice):
    """A user filters the portfolio without a page reload, sorts it, opens a project, and
    switches to 简体中文, which then stays on."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    _sign_in(page, live_server)
    page.click("nav.topnav >> text=Portfolio")
    assert _keys(page) == ["ALPHA", "BETA", "GAMMA"]
    page.evaluate("window.keelMarker = 1")  # survives only if the page is not reloaded

    page.select_option("#f-health", "green")
    page.wait_for_function("document.querySelectorAll('table.portfolio tbody tr').length === 1")
    assert _keys(page) == ["BETA"]
    assert "health=green" in page.url
    assert page.evaluate("window.keelMarker") == 1

    page.select_option("#f-health", "")
    page.wait_for_function("document.querySelectorAll('table.portfolio tbody tr').length === 3")
    page.click("table.portfolio th >> text=Health")
    page.wait_for_function(
        "document.querySelector('table.portfolio tbody td code').textContent === 'ALPHA'"
        " && location.search.includes('sort=health')"
    )
    assert _keys(page) == ["ALPHA", "GAMMA", "BETA"]
    assert page.evaluate("window.keelMarker") == 1

    page.click("text=Gamma warehouse")
    page.wait_for_url(f"{live_server.url}/p/GAMMA/")
    assert page.locator("h1").inner_text() == "Gamma warehouse"

    page.select_option("#lang-select", "zh-hans")
    page.wait_for_load_state()
    page.wait_for_selector("text=概览")
    # Keel's own links, then those other areas register (timesheets, resources, ...), API last.
    nav = page.locator("nav.topnav a").all_inner_texts()
    assert nav[:2] == ["我的项目", "项目组合"] and nav[-1] == "API"
    assert "工时表" in nav, "the finance area's Timesheet link"
    untranslated = [label for label in nav[2:-1] if not re.search(r"[\u4e00-\u9fff]", label)]
    assert untranslated == [], f"links left in English: {untranslated}"
    page.goto(f"{live_server.url}/portfolio/")
    assert page.locator("h1").inner_text() == "项目组合"
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/portfolio/",
        "/p/ALPHA/",
        "/p/ALPHA/plan/",
        "/p/ALPHA/gantt/",
        "/p/ALPHA/board/",
        "/p/ALPHA/members/",
    ],
)
def test_pages_fit_a_phone(browser, live_server, alice, path):
    """On a 375 px phone the page needs no sideways scrolling."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.close()


def _large_plan(manager, key="HUGE", packages=100):
    """A project of ``packages`` x 20 items (19 tasks and a milestone each) with 1.5 links
    per item, scheduled, written in bulk (the services would take minutes)."""
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from keel.apps.work.models import Dependency, WorkflowStatus, WorkItem

    project = ProjectFactory(key=key, name="Huge plan", methodology="kanban", manager=manager)
    status = WorkflowStatus.objects.filter(workflow__project=project).order_by("position")[0]
    WorkItem.objects.bulk_create(
        WorkItem(
            project=project, number=w + 1, title=f"Package {w + 1}", status=status,
            type="deliverable", outline_code=str(w + 1), outline_sort=f"{w:05d}",
            early_start=datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(days=w * 3),
            early_finish=datetime(2026, 1, 5, 17, tzinfo=UTC) + timedelta(days=w * 3 + 20),
        )
        for w in range(packages)
    )  # fmt: skip
    rows = []
    for w, parent in enumerate(WorkItem.objects.filter(project=project).order_by("number")):
        for t in range(19):
            begin = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(days=w * 3 + t)
            rows.append(
                WorkItem(
                    project=project, number=packages + w * 19 + t + 1, parent=parent,
                    title=f"Task {w + 1}.{t + 1}", type="milestone" if t == 18 else "task",
                    status=status, duration_days=Decimal(3), outline_code=f"{w + 1}.{t + 1}",
                    outline_sort=f"{w:05d}.{t:05d}", early_start=begin,
                    early_finish=begin + timedelta(days=2, hours=8), is_critical=t % 5 == 0,
                )
            )  # fmt: skip
    WorkItem.objects.bulk_create(rows)
    leaves = list(WorkItem.objects.filter(project=project, parent__isnull=False).order_by("id"))
    links = {(leaves[i - 1 - i % 3].pk, leaves[i].pk) for i in range(3, len(leaves))}
    links |= {(leaves[i - 7].pk, leaves[i].pk) for i in range(7, len(leaves), 2)}
    links |= {(leaves[i - 13].pk, leaves[i].pk) for i in range(13, len(leaves), 6)}
    kinds = ["FS", "FS", "FS", "SS", "FF", "SF"]
    Dependency.objects.bulk_create(
        Dependency(project=project, predecessor_id=a, successor_id=b, type=kinds[n % 6])
        for n, (a, b) in enumerate(sorted(links))
    )
    return project


def test_a_2000_item_gantt_renders_and_scrolls(browser, live_server, alice):
    """A 2,000-item, 3,000-link Gantt opens in a few seconds, keeps its names column in place
    while the chart scrolls, and reaches the last row without the page hanging."""
    import time

    with transaction.atomic():
        project = _large_plan(alice)
    assert project.items.count() == 2000 and project.dependencies.count() >= 3000
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, live_server)
    started = time.perf_counter()
    page.goto(f"{live_server.url}/p/HUGE/gantt/")
    page.wait_for_selector("svg.gantt-chart")
    loaded = time.perf_counter() - started
    assert page.locator("g.bar").count() == 2000
    assert page.locator("path.dep").count() >= 3000
    assert loaded < 15, f"the page took {loaded:.1f} s to load"
    scroller = page.locator(".gantt-scroll")
    names_x = page.locator(".gantt-names").bounding_box()["x"]
    started = time.perf_counter()
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(100)
    # The browser answers at once after the jump: nothing is recomputed per row in script.
    assert page.evaluate("1 + 1") == 2 and time.perf_counter() - started < 5
    last = page.locator(".gantt-name").last
    assert last.is_visible() and last.get_attribute("data-key") == "HUGE-2000"
    assert abs(page.locator(".gantt-names").bounding_box()["x"] - names_x) < 1, "names stay put"
    page.close()


def test_plan_keyboard_indent_outdent_and_inline_edit(browser, live_server, alice):
    """On the Plan tab, arrow keys move between rows, Tab indents and Shift+Tab outdents the
    focused row, and Enter opens the row for editing and saves it."""
    from tests.factories import item_create

    from keel.apps.work.models import WorkItem

    with transaction.atomic():
        project = ProjectFactory(key="KEYS", name="Keyboard plan", methodology="kanban",
                                 manager=alice)  # fmt: skip
        first = item_create(project, "First")
        second = item_create(project, "Second")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/p/KEYS/plan/")
    page.locator(f'tr.plan-row[data-key="{first.key}"]').focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.key") == second.key

    page.keyboard.press("Tab")
    page.wait_for_selector(f'tr.plan-row[data-key="{second.key}"][data-depth="1"]')
    assert WorkItem.objects.get(pk=second.pk).parent_id == first.pk
    page.wait_for_function(f"document.activeElement.dataset.key === '{second.key}'")

    page.keyboard.press("Shift+Tab")
    page.wait_for_selector(f'tr.plan-row[data-key="{second.key}"][data-depth="0"]')
    assert WorkItem.objects.get(pk=second.pk).parent_id is None

    page.wait_for_function(f"document.activeElement.dataset.key === '{second.key}'")
    page.keyboard.press("Enter")
    title = page.locator(f'tr.editing[data-key="{second.key}"] input[name=title]')
    title.fill("Second, renamed")
    title.press("Enter")
    page.wait_for_selector(f'tr.plan-row:not(.editing)[data-key="{second.key}"] >> text=renamed')
    assert WorkItem.objects.get(pk=second.pk).title == "Second, renamed"
    page.close()
