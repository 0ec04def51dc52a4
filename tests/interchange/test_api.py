"""The import/export API: preview and import (multipart and JSON), export downloads, feed tokens."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from defusedxml import ElementTree
from django.test import Client
from tests.factories import item_create

from keel.apps.accounts.services import token_create
from keel.apps.interchange.models import FeedToken
from keel.apps.projects.models import Project
from keel.apps.work.models import Dependency, WorkItem
from keel.interchange.readers import read_plan

pytestmark = pytest.mark.django_db

API = "/api/v1"
MSPDI = "mspdi/mpxj_sample.xml"
JIRA = (
    "Issue key,Issue id,Summary,Issue Type,Status,Priority,Assignee,Reporter,Created,Due Date,"
    "Parent id,Outward issue link (Blocks)\n"
    "SHOP-1,10001,Checkout epic,Epic,In Review,High,Jane Roe,Jane Roe,12/Mar/24 3:45 PM,,,\n"
    "SHOP-2,10002,Card payments,Story,To Do,Medium,jdoe,Jane Roe,13/Mar/24 9:00 AM,2024-04-30,"
    "10001,SHOP-3\n"
    "SHOP-3,10003,Receipts,Task,Done,Low,,Jane Roe,14/Mar/24 10:00 AM,,10001,\n"
)
TEMPLATE_CSV = (
    "WBS,Title,Duration (days),Predecessors\n1,Design,3,\n1.1,Sketch,2,\n2,Build,5,1FS+1\n"
)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, path: str, data: bytes, name: str = "plan.xml", **fields: Any) -> Any:
    return client.post(f"{API}{path}", {"file": _file(data, name), **fields})


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _json(client: Client, path: str, body: Any) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return body["error"]


@pytest.fixture
def target(db: Any) -> Project:
    """An existing kanban project to import into."""
    from tests.factories import ProjectFactory

    return ProjectFactory(key="IMP", name="Import target", methodology="kanban")


# --- preview and import ----------------------------------------------------------------------


def test_mspdi_sample_preview_then_import_creates_the_project(pmo: Any, samples: Path) -> None:
    """The preview of a Microsoft Project sample says what the file states and saves nothing;
    the import then creates the project with that many items and links."""
    data = (samples / MSPDI).read_bytes()
    plan = read_plan(data)
    client = _client(pmo)
    fields = {"project": "SMP", "portfolio": pmo.portfolio.pk}
    response = _upload(client, "/projects/import/preview", data, "sample.xml", **fields)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "mspdi" and body["project"] == "SMP" and body["new_project"]
    assert body["counts"]["items"] == len(plan.items) == 19
    assert body["counts"]["links"] == len(plan.links) == 6
    assert [t["title"] for t in body["tasks"]] == [i.title for i in plan.items]
    assert max(t["depth"] for t in body["tasks"]) >= 2
    assert body["ready"] is True
    assert not Project.objects.filter(key="SMP").exists()

    response = _upload(client, "/projects/import", data, "sample.xml", confirm="true", **fields)
    assert response.status_code == 201, response.content
    result = response.json()
    assert result["project"] == "SMP" and result["created_project"] is True
    assert result["items"] == 19 and result["links"] == 6
    project = Project.objects.get(key="SMP")
    assert WorkItem.objects.filter(project=project).count() == 19
    assert Dependency.objects.filter(project=project).count() == 6


def test_import_needs_confirm_and_saves_nothing_without_it(target: Any) -> None:
    client = _client(target.manager)
    response = _upload(client, "/projects/import", TEMPLATE_CSV.encode(), "t.csv", project="IMP")
    assert response.status_code == 400
    assert "confirm" in _error(response)["details"]["fields"]
    assert WorkItem.objects.filter(project=target).count() == 0


def test_json_import_of_the_task_template(target: Any) -> None:
    """JSON with ``content`` imports Keel's CSV template: outline and lagged link."""
    client = _client(target.manager)
    body = {"content": TEMPLATE_CSV, "project": "imp", "confirm": True}
    response = _json(client, "/projects/import", body)
    assert response.status_code == 201, response.content
    assert response.json()["items"] == 3 and response.json()["created_project"] is False
    rows = {i.title: i for i in WorkItem.objects.filter(project=target)}
    assert rows["Sketch"].parent == rows["Design"]
    link = Dependency.objects.get(project=target)
    assert (link.predecessor, link.successor, str(link.lag_days)) == (
        rows["Design"],
        rows["Build"],
        "1.00",
    )


def test_base64_xlsx_template_imports(target: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["WBS", "Title", "Duration (days)"])
    sheet.append(["1", "From Excel", 4])
    out = io.BytesIO()
    book.save(out)
    body = {
        "content_base64": base64.b64encode(out.getvalue()).decode(),
        "format": "xlsx",
        "project": "IMP",
        "confirm": True,
    }
    response = _json(_client(target.manager), "/projects/import", body)
    assert response.status_code == 201, response.content
    assert WorkItem.objects.get(project=target).title == "From Excel"


def test_jira_preview_names_what_needs_mapping_and_the_mapping_imports(
    target: Any, member_of: Any
) -> None:
    member_of(target, "member", username="jane")
    client = _client(target.manager)
    preview = _upload(client, "/projects/import/preview", JIRA.encode(), "jira.csv", project="IMP")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["format"] == "jira" and body["ready"] is False
    assert body["unknown_statuses"] == ["In Review"]
    assert set(body["unknown_users"]) == {"Jane Roe", "jdoe"}
    assert "jane" in body["users"] and body["statuses"]

    refused = _upload(client, "/projects/import", JIRA.encode(), "jira.csv", project="IMP",
                      confirm="1")  # fmt: skip
    assert refused.status_code == 400 and "In Review" in _error(refused)["message"]
    assert WorkItem.objects.filter(project=target).count() == 0

    mapping = {"statuses": {"In Review": "doing"}, "users": {"Jane Roe": "jane", "jdoe": ""}}
    response = _upload(client, "/projects/import", JIRA.encode(), "jira.csv", project="IMP",
                       confirm="1", mapping=json.dumps(mapping))  # fmt: skip
    assert response.status_code == 201, response.content
    epic = WorkItem.objects.get(project=target, title="Checkout epic")
    assert epic.assignee.username == "jane" and epic.status.key == "doing"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<Project><Tasks><Task>", "XML"),
        (b"Title,Nonsense\nA,b\n", "column"),
        (b"WBS,Title,Predecessors\n1,A,2\n2,B,1\n", "cycle"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&e;</Name></Project>',
            "",
        ),
    ],
)
def test_bad_upload_is_a_400_and_nothing_is_created(
    target: Any, data: bytes, fragment: str
) -> None:
    client = _client(target.manager)
    before = (Project.objects.count(), WorkItem.objects.count())
    for path in ("/projects/import/preview", "/projects/import"):
        response = _upload(client, path, data, "bad.csv", project="IMP", confirm="true")
        assert response.status_code == 400, response.content
        assert fragment in _error(response)["message"]
    assert (Project.objects.count(), WorkItem.objects.count()) == before


def test_missing_file_and_bad_json_are_clear_400s(target: Any) -> None:
    client = _client(target.manager)
    response = client.post(f"{API}/projects/import/preview", {"project": "IMP"})
    assert response.status_code == 400 and "file" in _error(response)["details"]["fields"]
    response = _json(client, "/projects/import/preview", {"project": "IMP"})
    assert response.status_code == 400 and "content" in _error(response)["details"]["fields"]
    response = _json(client, "/projects/import/preview", {"content": "x", "colour": "red"})
    assert response.status_code == 400 and "colour" in _error(response)["details"]["fields"]
    response = _json(client, "/projects/import/preview", {"content_base64": "not base64!"})
    assert response.status_code == 400


def test_file_over_the_limit_is_refused_with_413(target: Any, settings: Any) -> None:
    from keel.interchange import plan

    big = b"WBS,Title\n" + b"1,A\n" * (plan.MAX_BYTES // 4 + 1)
    response = _upload(_client(target.manager), "/projects/import/preview", big, "big.csv",
                       project="IMP")  # fmt: skip
    assert response.status_code == 413 and "50 MB" in _error(response)["message"]
    assert WorkItem.objects.filter(project=target).count() == 0


# --- permissions -----------------------------------------------------------------------------


def test_outsider_gets_404_and_roles_without_import_get_403(
    target: Any, user: Any, member_of: Any
) -> None:
    data = TEMPLATE_CSV.encode()
    response = _upload(_client(user), "/projects/import/preview", data, "t.csv", project="IMP")
    assert response.status_code == 404
    for role in ("viewer", "member", "coordinator"):
        client = _client(member_of(target, role))
        response = _upload(client, "/projects/import", data, "t.csv", project="IMP", confirm="1")
        assert response.status_code == 403, role
    assert WorkItem.objects.filter(project=target).count() == 0


def test_new_project_needs_project_create_on_the_portfolio(target: Any, pmo: Any) -> None:
    data = TEMPLATE_CSV.encode()
    # The project manager of IMP may not create projects in its portfolio.
    response = _upload(_client(target.manager), "/projects/import", data, "t.csv",
                       project="NEW", portfolio=target.portfolio.pk, confirm="1")  # fmt: skip
    assert response.status_code == 403
    # A portfolio the caller cannot see reads as one that does not exist.
    response = _upload(_client(target.manager), "/projects/import", data, "t.csv",
                       project="NEW", portfolio=pmo.portfolio.pk, confirm="1")  # fmt: skip
    assert response.status_code == 400 and "portfolio" in _error(response)["details"]["fields"]
    assert not Project.objects.filter(key="NEW").exists()


# --- export ----------------------------------------------------------------------------------


@pytest.fixture
def planned(target: Any) -> Any:
    first = item_create(target, "Design", duration_days=3)
    item_create(target, "Launch", type="milestone", planned_start="2025-06-02")
    item_create(target, "Manual", due_date="2025-05-30")
    from keel.apps.work import services as work

    second = item_create(target, "Build", duration_days=5)
    work.dependency_create(actor=target.manager, predecessor=first, successor=second)
    return target


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("mspdi", "application/xml", "xml"),
        ("tjp", "text/plain", "tjp"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("csv", "text/csv", "csv"),
        ("ics", "text/calendar", "ics"),
    ],
)
def test_export_downloads_each_format(
    planned: Any, fmt: str, content_type: str, extension: str
) -> None:
    response = _client(planned.manager).get(f"{API}/projects/IMP/export", {"format": fmt})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="IMP.{extension}"'
    body = response.content
    if fmt == "mspdi":
        root = ElementTree.fromstring(body)
        names = [el.text for el in root.iter("{http://schemas.microsoft.com/project}Name")]
        assert {"Design", "Build", "Launch"} <= set(names)
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        titles = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
        assert "Design" in titles and "Build" in titles
    elif fmt == "ics":
        assert b"BEGIN:VCALENDAR" in body and b"Launch" in body and b"Manual" in body
    else:
        assert b"Design" in body and b"Build" in body


def test_csv_export_imports_back(planned: Any, pmo: Any) -> None:
    """What Keel exports as CSV is Keel's task template: it imports into a new project."""
    data = _client(planned.manager).get(f"{API}/projects/IMP/export?format=csv").content
    response = _upload(_client(pmo), "/projects/import", data, "IMP.csv", project="BACK",
                       portfolio=pmo.portfolio.pk, confirm="1")  # fmt: skip
    assert response.status_code == 201, response.content
    titles = set(WorkItem.objects.filter(project__key="BACK").values_list("title", flat=True))
    assert titles == {"Design", "Build", "Launch", "Manual"}
    assert Dependency.objects.filter(project__key="BACK").count() == 1


def test_export_permissions_and_bad_format(planned: Any, user: Any, member_of: Any) -> None:
    assert _client(user).get(f"{API}/projects/IMP/export").status_code == 404
    assert (
        _client(member_of(planned, "viewer")).get(f"{API}/projects/IMP/export").status_code == 403
    )
    response = _client(planned.manager).get(f"{API}/projects/IMP/export?format=pdf")
    assert response.status_code == 400 and "format" in _error(response)["details"]["fields"]


# --- feed tokens -----------------------------------------------------------------------------


def test_feed_token_shown_once_stored_hashed_listed_and_revoked(planned: Any, user: Any) -> None:
    client = _client(planned.manager)
    response = _json(client, "/me/feed-tokens", {"name": "Phone"})
    assert response.status_code == 201, response.content
    created = response.json()
    raw = created["token"]
    assert created["url"].endswith(f"/feeds/{raw}.ics") and created["prefix"] == raw[:8]
    stored = FeedToken.objects.get(pk=created["id"])
    assert raw not in stored.token_hash and stored.user == planned.manager

    listed = client.get(f"{API}/me/feed-tokens").json()
    assert [t["name"] for t in listed] == ["Phone"] and "token" not in listed[0]

    feed = Client().get(f"/feeds/{raw}/IMP.ics")
    assert feed.status_code == 200 and b"Launch" in feed.content
    # Someone else's token is not found, and stays.
    assert _client(user).delete(f"{API}/me/feed-tokens/{created['id']}").status_code == 404
    assert client.delete(f"{API}/me/feed-tokens/{created['id']}").status_code == 204
    assert client.get(f"{API}/me/feed-tokens").json() == []
    assert Client().get(f"/feeds/{raw}/IMP.ics").status_code == 404


def test_feed_token_routes_work_with_a_bearer_token(planned: Any) -> None:
    _token, raw = token_create(user=planned.manager, name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.post(f"{API}/me/feed-tokens", "{}", content_type="application/json")
    assert response.status_code == 201 and response.json()["name"] == "Calendar"
    assert Client().get(f"{API}/me/feed-tokens").status_code == 401


@pytest.mark.parametrize(
    "sample",
    [
        "gan/blyoa_task-with-dependencies.gan",
        "planner/mpxj_planner-sample.planner",
        "mspdi/mpxj_mspdirelations.xml",
    ],
)
def test_sample_files_import_as_the_independent_reader_sees_them(
    pmo: Any, samples: Path, sample: str
) -> None:
    """Names, hierarchy and dependencies of each imported sample match what MPXJ reads in the
    file (``expected/``), through the upload API."""
    data = (samples / sample).read_bytes()
    expected = json.loads((samples / "expected" / f"{Path(sample).name}.json").read_text())
    tasks = [t for t in expected["tasks"] if t["uid"] != 0 and not t["null_task"]]
    by_uid = {t["uid"]: t for t in tasks}
    client = _client(pmo)
    fields = {"project": "SMP", "portfolio": pmo.portfolio.pk}
    preview = _upload(client, "/projects/import/preview", data, Path(sample).name, **fields)
    assert preview.status_code == 200, preview.content
    mapping = {"statuses": dict.fromkeys(preview.json()["unknown_statuses"], "done")}
    response = _upload(client, "/projects/import", data, Path(sample).name, confirm="1",
                       mapping=json.dumps(mapping), **fields)  # fmt: skip
    assert response.status_code == 201, response.content
    rows = WorkItem.objects.filter(project__key="SMP").select_related("parent")
    assert sorted(r.title for r in rows) == sorted(t["name"] for t in tasks)
    parents = {
        t["name"]: by_uid[t["parent_uid"]]["name"] if t["parent_uid"] in by_uid else None
        for t in tasks
    }
    assert {r.title: r.parent.title if r.parent else None for r in rows} == parents
    links = {
        (by_uid[p["uid"]]["name"], t["name"], p["type"])
        for t in tasks
        for p in t["predecessors"]
        if p["uid"] in by_uid
    }
    stored = {
        (d.predecessor.title, d.successor.title, d.type)
        for d in Dependency.objects.filter(project__key="SMP").select_related(
            "predecessor", "successor"
        )
    }
    assert stored == links


def test_ics_sample_imports_its_events(pmo: Any, samples: Path) -> None:
    data = (samples / "ics" / "ganttproject_test.ics").read_bytes()
    plan = read_plan(data)
    body = {
        "content_base64": base64.b64encode(data).decode(),
        "filename": "test.ics",
        "project": "CAL",
        "portfolio": pmo.portfolio.pk,
        "confirm": True,
    }
    response = _json(_client(pmo), "/projects/import", body)
    assert response.status_code == 201, response.content
    titles = sorted(WorkItem.objects.filter(project__key="CAL").values_list("title", flat=True))
    assert titles == sorted(i.title for i in plan.items) and titles


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_csv_uploads_in_each_encoding(target: Any, encoding: str) -> None:
    text = "WBS,Title,Duration (days)\n1,需求分析,3\n1.1,访谈用户,2\n"
    response = _upload(_client(target.manager), "/projects/import", text.encode(encoding),
                       "计划.csv", project="IMP", confirm="1")  # fmt: skip
    assert response.status_code == 201, response.content
    child = WorkItem.objects.get(project=target, title="访谈用户")
    assert child.parent.title == "需求分析"
