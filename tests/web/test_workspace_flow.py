"""The project workspace end to end in real chromium: create, plan, Gantt, board, language,
viewer; plus the Gantt of a 2,000-item project and the demo's Gantt for the README.

Screenshots go to test-artifacts/screenshots/ (ignored by git).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PortfolioFactory,
    PortfolioMembershipFactory,
    UserFactory,
)

from keel.apps.work.models import Dependency, WorkItem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def people():
    """Pat, PMO administrator of the Corporate IT portfolio; Vera, who will be a viewer."""
    with transaction.atomic():
        pat = UserFactory(username="pat", first_name="Pat", last_name="Morgan")
        vera = UserFactory(username="vera")
        portfolio = PortfolioFactory(name="Corporate IT")
        PortfolioMembershipFactory(portfolio=portfolio, user=pat, role="pmo_admin")
    return pat, vera


def _cell(page, column_name):
    head = page.locator(".column-head", has=page.locator(".name", has_text=column_name)).first
    return page.locator(f'.cell[data-status="{head.get_attribute("data-status")}"]').first


def test_workspace_flow(browser, live_server, people):
    """A PM creates a waterfall project, plans three chained tasks, sees them in dependency
    order on the Gantt with the critical path, moves a card on the board (kept after reload),
    is refused a move the workflow forbids with the reason, switches to 简体中文; a viewer then
    finds no edit controls."""
    _pat, vera = people
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-GB")
    _sign_in(page, live_server, "pat")

    # Create the project from the waterfall template.
    page.goto(f"{base}/projects/new/")
    page.fill("input[name=key]", "FLOW")
    page.fill("input[name=name]", "Warehouse scanners")
    page.select_option("select[name=portfolio]", label="Corporate IT")
    page.select_option("select[name=template]", "waterfall")
    start = timezone.localdate() - timedelta(days=3)
    page.fill("input[name=start_date]", start.isoformat())
    page.click("[data-testid=project-create-submit]")
    page.wait_for_url(f"{base}/p/FLOW/plan/")

    # Three tasks (the template's phases and gates are FLOW-1 to FLOW-10).
    for title, days in (("Survey sites", "3"), ("Install scanners", "4"), ("Train staff", "2")):
        form = page.locator("[data-testid=plan-add]")
        form.locator("input[name=title]").fill(title)
        form.locator("input[name=duration_days]").fill(days)
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"tr[data-key] >> text={title}")
    keys = [
        WorkItem.objects.get(project__key="FLOW", title=t).key
        for t in ("Survey sites", "Install scanners", "Train staff")
    ]

    # Two finish-to-start dependencies: survey → install → train.
    for pred, succ in ((keys[0], keys[1]), (keys[1], keys[2])):
        page.goto(f"{base}/p/FLOW/items/{succ}/")
        form = page.locator("[data-testid=dependency-add]")
        form.locator("input[name=predecessor]").fill(pred)
        form.locator("select[name=type]").select_option("FS")
        form.locator("input[name=lag_days]").fill("0")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"#dependencies a >> text={pred}")
    assert Dependency.objects.filter(project__key="FLOW").count() >= 2

    # Gantt: bars in dependency order, the chain critical, its arrows marked too.
    page.goto(f"{base}/p/FLOW/gantt/?zoom=day")
    xs = []
    for key in keys:
        bar = page.locator(f'g.bar[data-key="{key}"]')
        assert "critical" in bar.get_attribute("class").split()
        box = bar.locator("rect").first.bounding_box()
        xs.append((box["x"], box["x"] + box["width"]))
    assert xs[0][1] <= xs[1][0] + 1 and xs[1][1] <= xs[2][0] + 1
    for pred, succ in ((keys[0], keys[1]), (keys[1], keys[2])):
        arrow = page.locator(f'path[data-from="{pred}"][data-to="{succ}"]')
        assert "critical" in arrow.get_attribute("class").split()
    page.click("nav.zoom >> text=Week")
    page.wait_for_selector('nav.zoom a.current[data-zoom="week"]')
    assert "zoom=week" in page.url
    _shot(page, "gantt-en")

    # Board: drag survey from To do to In progress; still there after a reload.
    page.goto(f"{base}/p/FLOW/board/")
    card = page.locator(f'.card[data-key="{keys[0]}"]')
    with page.expect_response(lambda r: "/board/move/" in r.url) as moved:
        card.drag_to(_cell(page, "In progress"))
    assert moved.value.ok
    page.reload()
    assert _cell(page, "In progress").locator(f'.card[data-key="{keys[0]}"]').count() == 1
    assert WorkItem.objects.get(
        project__key="FLOW", number=int(keys[0].split("-")[1])
    ).status.key == ("in_progress")

    # A move the workflow forbids (To do → Done) snaps back with the reason.
    card = page.locator(f'.card[data-key="{keys[1]}"]')
    with page.expect_response(lambda r: "/board/move/" in r.url):
        card.drag_to(_cell(page, "Done"))
    message = page.locator(".board-message")
    message.wait_for(state="visible")
    assert "not allowed" in message.inner_text() and "In progress" in message.inner_text()
    assert _cell(page, "To do").locator(f'.card[data-key="{keys[1]}"]').count() == 1
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "board-en")
    page.goto(f"{base}/portfolio/")
    _shot(page, "portfolio-en")

    # 简体中文: the workspace speaks Chinese.
    page.goto(f"{base}/p/FLOW/board/")
    page.select_option("#lang-select", "zh-hans")
    page.wait_for_selector("text=泳道")
    tabs = page.locator("nav.tabs").inner_text()
    assert "甘特图" in tabs and "看板" in tabs
    _shot(page, "board-zh")
    page.goto(f"{base}/p/FLOW/gantt/")
    assert page.locator("nav.zoom a.current").inner_text() == "周"
    assert "关键路径" in page.locator(".legend").inner_text()
    _shot(page, "gantt-zh")
    page.goto(f"{base}/portfolio/")
    _shot(page, "portfolio-zh")
    page.close()

    # A viewer sees the work and no control to change it.
    from keel.apps.projects.models import Project

    with transaction.atomic():
        MembershipFactory(project=Project.objects.get(key="FLOW"), user=vera, role="viewer")
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-GB")
    _sign_in(page, live_server, "vera")
    for path in ("plan/", f"items/{keys[1]}/", "gantt/", "board/"):
        page.goto(f"{base}/p/FLOW/{path}")
        assert page.locator(".tabs").count() == 1
        assert _edit_controls(page) == 0, path
    assert page.locator(f'.card[data-key="{keys[1]}"]').count() == 1
    page.close()


def _edit_controls(page):
    return page.locator(
        "[data-testid=plan-add], [data-testid=dependency-add], .card[draggable=true], "
        "select.move-to, form[action*='/edit/']"
    ).count()
