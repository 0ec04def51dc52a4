"""Import and export pages: upload → preview (→ mapping) → import, exports, calendar feeds."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from tests.factories import ProjectFactory, item_create

from keel.apps.interchange.models import FeedToken
from keel.apps.projects.models import Project
from keel.apps.work.models import Dependency, WorkItem

pytestmark = pytest.mark.django_db

JIRA = (
    "Issue key,Issue id,Summary,Issue Type,Status,Priority,Assignee,Reporter,Created,Parent id\n"
    "SHOP-1,10001,Checkout epic,Epic,In Review,High,Jane Roe,Jane Roe,12/Mar/24 3:45 PM,\n"
    "SHOP-2,10002,Card payments,Story,To Do,Medium,jdoe,Jane Roe,13/Mar/24 9:00 AM,10001\n"
)


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def target(db: Any) -> Project:
    return ProjectFactory(key="IMP", name="Import target", methodology="kanban")


def _upload(client: Any, data: bytes, filename: str, **fields: Any) -> Any:
    return client.post(reverse("keel-web:import"), {"file": _file(data, filename), **fields})


def test_upload_preview_then_import_creates_the_project(client: Any, pmo: Any, samples: Path):
    """A Microsoft Project file: the preview shows counts and the outline; nothing exists until
    Import is pressed, which creates the project and opens its plan."""
    client.force_login(pmo)
    data = (samples / "mspdi" / "mpxj_sample.xml").read_bytes()
    response = _upload(
        client, data, "sample.xml", project="", portfolio=pmo.portfolio.pk, key="smp", name="S"
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "a new project SMP" in html
    assert "<title>Import preview · Keel</title>" in html
    assert "<td>Milestone</td>" in html  # item types by their names
    counts = re.search(r'data-testid="import-counts".*?</section>', html, re.S).group(0)
    assert "<dd>19</dd>" in counts and "<dd>6</dd>" in counts
    assert "padding-left: 2em" in html  # the outline has a second level
    links = re.search(r'data-testid="import-links".*?</section>', html, re.S).group(0)
    assert links.count("<tr><td>") == 6 and "<td>FS</td>" in links
    resources = re.search(r'data-testid="import-resources".*?</section>', html, re.S).group(0)
    assert "First Resource" in resources and "Second Resource" in resources
    assert not Project.objects.filter(key="SMP").exists()

    done = client.post(preview_url)
    assert done.status_code == 302
    assert done["Location"] == reverse("keel-web:project-plan", args=["SMP"])
    project = Project.objects.get(key="SMP")
    assert project.name == "S"
    assert WorkItem.objects.filter(project=project).count() == 19
    assert Dependency.objects.filter(project=project).count() == 6
    plan = client.get(done["Location"]).content.decode()
    assert "Imported 19 items and 6 dependencies into SMP." in plan
    # The upload is gone: the preview cannot be committed twice.
    assert client.post(preview_url).status_code == 404


def test_jira_mapping_step_maps_statuses_and_people(client: Any, target: Any, member_of: Any):
    member_of(target, "member", username="jane")
    client.force_login(target.manager)
    response = _upload(client, JIRA.encode(), "jira.csv", project="IMP")
    assert response.status_code == 302
    preview_url = response["Location"]
    html = client.get(preview_url).content.decode()
    statuses = re.search(r'data-testid="map-statuses".*?</table>', html, re.S).group(0)
    users = re.search(r'data-testid="map-users".*?</table>', html, re.S).group(0)
    assert "In Review" in statuses and '<option value="doing"' in statuses
    assert "Jane Roe" in users and "jdoe" in users and '<option value="jane"' in users
    assert "Statuses that match the workflow already: To Do." in html

    # A mapping to a status the workflow lacks is refused; nothing is imported.
    bad = client.post(preview_url, {"status_from": "In Review", "status_to": "nowhere"})
    assert bad.status_code == 400 and "Nothing was imported." in bad.content.decode()
    assert WorkItem.objects.filter(project=target).count() == 0

    done = client.post(
        preview_url,
        {
            "status_from": "In Review",
            "status_to": "doing",
            "user_from": ["Jane Roe", "jdoe"],
            "user_to": ["jane", ""],
        },
    )
    assert done.status_code == 302
    epic = WorkItem.objects.get(project=target, title="Checkout epic")
    card = WorkItem.objects.get(project=target, title="Card payments")
    assert epic.status.key == "doing" and epic.assignee.username == "jane"
    assert card.parent == epic and card.assignee is None


def test_bad_file_is_refused_on_the_upload_page(client: Any, target: Any):
    client.force_login(target.manager)
    response = _upload(client, b"WBS,Title,Colour\n1,A,red\n", "bad.csv", project="IMP")
    assert response.status_code == 400
    assert "CSV line 1: unknown column(s) Colour" in response.content.decode()
    assert WorkItem.objects.filter(project=target).count() == 0


def test_another_session_cannot_use_an_upload(client: Any, target: Any, member_of: Any):
    client.force_login(target.manager)
    url = _upload(client, b"WBS,Title\n1,A\n", "t.csv", project="IMP")["Location"]
    client.force_login(member_of(target, "project_manager"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert WorkItem.objects.filter(project=target).count() == 0


def test_import_page_refused_to_those_who_may_not_import(client: Any, target: Any, member_of):
    viewer = member_of(target, "viewer")
    client.force_login(viewer)
    assert client.get(reverse("keel-web:import")).status_code == 403
    # Naming a project one may not import into is a 404, not an import.
    client.force_login(member_of(ProjectFactory(key="OWN"), "project_manager"))
    response = _upload(client, b"WBS,Title\n1,A\n", "t.csv", project="IMP")
    assert response.status_code == 404
    assert WorkItem.objects.filter(project=target).count() == 0


def test_viewer_sees_no_import_or_export_control(client: Any, target: Any, member_of: Any):
    """The Import and export tab, the import link and the portfolio's import panel show only
    for roles that may use them."""
    data_url = reverse("keel-web:project-data", args=["IMP"])
    plan_url = reverse("keel-web:project-plan", args=["IMP"])
    import_url = reverse("keel-web:import")
    client.force_login(member_of(target, "viewer"))
    assert data_url not in client.get(plan_url).content.decode()
    assert client.get(data_url).status_code == 403
    assert import_url not in client.get(reverse("keel-web:portfolio")).content.decode()
    # A member may export but not import.
    client.force_login(member_of(target, "member"))
    assert data_url in client.get(plan_url).content.decode()
    html = client.get(data_url).content.decode()
    assert "export-menu" in html and import_url not in html
    # The project manager may import here.
    client.force_login(target.manager)
    html = client.get(data_url).content.decode()
    assert f"{import_url}?project=IMP" in html
    assert import_url in client.get(reverse("keel-web:portfolio")).content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type", "marker"),
    [
        ("mspdi", "application/xml", b"<Project"),
        ("tjp", "text/plain", b"task "),
        ("xlsx", "application/vnd.openxmlformats", b"PK"),
        ("csv", "text/csv", b"Design"),
        ("ics", "text/calendar", b"BEGIN:VCALENDAR"),
    ],
)
def test_export_menu_downloads(client: Any, target: Any, fmt: str, content_type: str, marker):
    item_create(target, "Design", duration_days=2)
    client.force_login(target.manager)
    url = reverse("keel-web:project-export", args=["IMP", fmt])
    assert url in client.get(reverse("keel-web:project-data", args=["IMP"])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert marker in response.content


def test_export_refused_to_outsiders_and_viewers(client: Any, target: Any, user, member_of):
    url = reverse("keel-web:project-export", args=["IMP", "mspdi"])
    client.force_login(user)
    assert client.get(url).status_code == 404
    client.force_login(member_of(target, "viewer"))
    assert client.get(url).status_code == 403


def test_feed_token_create_shows_url_once_and_revoke(client: Any, target: Any):
    item_create(target, "Go live", type="milestone", planned_start="2025-06-02")
    client.force_login(target.manager)
    page = client.post(reverse("keel-web:feeds"), {"name": "Phone"})
    assert page.status_code == 201
    html = page.content.decode()
    url = re.search(r'value="(http://testserver/feeds/[^"]+\.ics)"', html).group(1)
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert f"/feeds/{raw}/IMP.ics" in html
    token = FeedToken.objects.get(user=target.manager)
    assert raw not in token.token_hash
    listing = client.get(reverse("keel-web:feeds")).content.decode()
    assert "Phone" in listing and raw not in listing  # shown only once

    client.logout()  # feeds need no session: the token is the credential
    feed = client.get(f"/feeds/{raw}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert b"Go live" in feed.content
    assert b"Go live" in client.get(f"/feeds/{raw}/IMP.ics").content
    assert client.head(f"/feeds/{raw}.ics").status_code == 200  # calendar programs ask first
    assert client.post(f"/feeds/{raw}.ics").status_code == 405

    client.force_login(target.manager)
    response = client.post(reverse("keel-web:feed-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not FeedToken.objects.filter(pk=token.pk).exists()
    client.logout()
    assert client.get(f"/feeds/{raw}.ics").status_code == 404


def test_feed_404_for_a_bad_token_or_a_project_the_owner_cannot_see(client: Any, target, user):
    from keel.apps.interchange.services import feed_token_create

    assert client.get("/feeds/not-a-token.ics").status_code == 404
    assert client.get("/feeds/not-a-token/IMP.ics").status_code == 404
    _token, raw = feed_token_create(actor=user)
    assert client.get(f"/feeds/{raw}.ics").status_code == 200
    assert client.get(f"/feeds/{raw}/IMP.ics").status_code == 404
    assert client.get(f"/feeds/{raw}/NOPE.ics").status_code == 404


def test_cannot_revoke_another_users_feed_token(client: Any, target: Any, user: Any):
    from keel.apps.interchange.services import feed_token_create

    token, _raw = feed_token_create(actor=target.manager)
    client.force_login(user)
    assert client.post(reverse("keel-web:feed-revoke", args=[token.pk])).status_code == 404
    assert FeedToken.objects.filter(pk=token.pk).exists()


def test_task_template_download_imports(client: Any, target: Any):
    client.force_login(target.manager)
    template = client.get(reverse("keel-web:import-template"))
    assert template["Content-Type"].startswith("text/csv")
    url = _upload(client, template.content, "template.csv", project="IMP")["Location"]
    assert client.post(url).status_code == 302
    assert WorkItem.objects.filter(project=target).count() == 2
    assert Dependency.objects.filter(project=target).count() == 1


def test_pages_speak_chinese(client: Any, target: Any):
    target.manager.language = "zh-hans"
    target.manager.save()
    client.force_login(target.manager)
    html = client.get(reverse("keel-web:project-data", args=["IMP"])).content.decode()
    assert "导出" in html and "Import into this project" not in html
    assert "日历订阅" in client.get(reverse("keel-web:feeds")).content.decode()
    assert "导入" in client.get(reverse("keel-web:import")).content.decode()


def test_abandoned_uploads_are_swept_after_a_day(client: Any, target: Any):
    import os
    import time

    from keel.apps.interchange import views

    client.force_login(target.manager)
    old = _upload(client, b"WBS,Title\n1,A\n", "t.csv", project="IMP")["Location"]
    old_path = views._path(old.rstrip("/").rsplit("/", 1)[1])
    stale = time.time() - 2 * 24 * 3600
    os.utime(old_path, (stale, stale))
    _upload(client, b"WBS,Title\n1,B\n", "t.csv", project="IMP")
    assert not old_path.exists()
    assert client.get(old).status_code == 404
