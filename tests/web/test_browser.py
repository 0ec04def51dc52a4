"""The portfolio and Overview pages in real chromium: HTMX filtering, sorting, language, phone."""

import os
import re
import shutil

import pytest
from django.db import transaction
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # A missing browser is a missing install step, not a reason to skip: say how to fix it.
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `bash scripts/test.sh`, which installs it.")

    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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


@pytest.mark.parametrize("path", ["/portfolio/", "/p/ALPHA/"])
def test_pages_fit_a_phone(browser, live_server, alice, path):
    """On a 375 px phone the page needs no sideways scrolling."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.close()
