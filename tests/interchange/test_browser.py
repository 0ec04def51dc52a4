"""Importing a Jira export in real chromium: tab → upload → mapping → import → plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory

from keel.apps.work.models import WorkItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JIRA = (
    "Issue key,Issue id,Summary,Issue Type,Status,Priority,Assignee,Reporter,Created,Parent id\n"
    "SHOP-1,10001,Checkout epic,Epic,In Review,High,Jane Roe,Jane Roe,12/Mar/24 3:45 PM,\n"
    "SHOP-2,10002,Card payments,Story,To Do,Medium,jdoe,Jane Roe,13/Mar/24 9:00 AM,10001\n"
)


def test_jira_import_with_mapping_in_the_browser(browser: Any, live_server: Any, tmp_path: Path):
    """A project manager opens Import and export, uploads a Jira CSV, maps the unknown status
    and people, imports, and lands on the plan with the issues in it."""
    with transaction.atomic():
        project = ProjectFactory(key="SHOP", name="Shop", methodology="kanban")
        manager = project.manager
        manager.username = "pm"
        manager.save()
        MembershipFactory(project=project, user=UserFactory(username="jane"), role="member")
    upload = tmp_path / "jira.csv"
    upload.write_text(JIRA, encoding="utf-8")

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/p/SHOP/plan/")
    page.click("nav.tabs >> text=Import and export")
    page.click("text=Import into this project")
    page.set_input_files("#import-file", str(upload))
    page.click("[data-testid=import-upload]")
    page.wait_for_selector("[data-testid=map-statuses]")
    page.select_option("select[aria-label='Status for In Review']", "doing")
    page.select_option("select[aria-label='User for Jane Roe']", "jane")
    page.select_option("select[aria-label='User for jdoe']", "")
    page.click("[data-testid=import-commit]")
    page.wait_for_url(f"{live_server.url}/p/SHOP/plan/")
    assert "Imported 2 items and 0 dependencies into SHOP." in page.content()
    assert page.locator("table.plan >> text=Card payments").count() == 1
    epic = WorkItem.objects.get(project=project, title="Checkout epic")
    assert epic.status.key == "doing" and epic.assignee.username == "jane"
    page.close()
