"""Import into Keel: preview, mapping, all-or-nothing commit, export, feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from keel.apps.interchange.services import (
    export_project,
    feed_ics,
    feed_token_create,
    feed_token_revoke,
    feed_token_user,
    import_commit,
    import_preview,
)
from keel.apps.projects.models import Project
from keel.apps.work.models import Baseline, Dependency, WorkItem
from keel.domain.errors import ValidationError
from keel.interchange.readers import read_plan

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

JIRA = (
    "Issue key,Issue id,Summary,Issue Type,Status,Priority,Assignee,Reporter,Created,Due Date,"
    "Description,Parent id,Custom field (Story Points),Sprint,Sprint,Labels,Labels,"
    "Outward issue link (Blocks),Inward issue link (Blocks)\n"
    "SHOP-1,10001,Checkout epic,Epic,In Review,High,Jane Roe,Jane Roe,12/Mar/24 3:45 PM,,"
    "Everything about paying,,,,,web,,,\n"
    "SHOP-2,10002,Card payments,Story,To Do,Medium,jdoe,Jane Roe,13/Mar/24 9:00 AM,2024-04-30,"
    "Visa and Mastercard,10001,5,Sprint 1,Sprint 2,web,payments,SHOP-3,\n"
    "SHOP-3,10003,Receipts by e-mail,Task,Done,Low,,Jane Roe,14/Mar/24 10:00 AM,,,10001,3,"
    "Sprint 2,,,,,SHOP-2\n"
)


@pytest.fixture
def mpp(db: Any) -> Any:
    """A project manager's existing project to import into."""
    from tests.factories import ProjectFactory

    return ProjectFactory(key="IMP", name="Import target", methodology="kanban")


def test_mspdi_sample_becomes_a_project_with_hierarchy_links_and_dates(pmo: Any) -> None:
    data = (SAMPLES / "mspdi" / "mpxj_sample.xml").read_bytes()
    plan = read_plan(data)
    preview = import_preview(actor=pmo, data=data, project_key="SMP", portfolio=pmo.portfolio)
    assert preview.new_project and preview.items == 19 and preview.links == 6
    assert WorkItem.objects.count() == 0
    result = import_commit(actor=pmo, data=data, project_key="SMP", portfolio=pmo.portfolio)
    project = Project.objects.get(key="SMP")
    assert result.items == 19 and Dependency.objects.filter(project=project).count() == 6
    items = {i.title: i for i in WorkItem.objects.filter(project=project)}
    for planned in plan.items:
        row = items[planned.title]
        parent = next((p.title for p in plan.items if p.ref == planned.parent), None)
        assert (row.parent.title if row.parent else None) == parent
        assert row.planned_start == (planned.start.date() if planned.start else None)
        assert row.type == planned.type
    assert project.start_date.isoformat() == "2003-01-07"
    # The PMO administrator may add to the pool: both resources and both assignments land.
    from keel.apps.resources.models import Assignment

    assert result.resources == 2 and result.assignments == 2
    assert Assignment.objects.filter(item__project=project).count() == 2


_IMPORTABLE = [
    path
    for path in sorted(SAMPLES.glob("*/*"))
    if path.suffix in {".xml", ".gan", ".planner", ".ics"}
    and b"APIBusinessObjects" not in path.read_bytes()[:2000]
]


@pytest.mark.parametrize("path", _IMPORTABLE, ids=lambda p: p.name)
def test_every_importable_sample_commits_as_the_file_states(pmo: Any, path: Path) -> None:
    """Stored items, outline, links and dates are the file's (test_samples.py checks the
    file's reading against the independent MPXJ reader)."""
    from collections import Counter

    data = path.read_bytes()
    plan = read_plan(data)
    result = import_commit(
        actor=pmo,
        data=data,
        project_key="SMP",
        portfolio=pmo.portfolio,
        mapping={"statuses": dict.fromkeys({i.status for i in plan.items if i.status}, "done")},
    )
    assert result.items == len(plan.items)
    rows = list(WorkItem.objects.filter(project=result.project).select_related("parent"))
    by_ref = {i.ref: i for i in plan.items}
    assert Counter(
        (r.title, r.parent.title if r.parent else None, r.type, r.planned_start) for r in rows
    ) == Counter(
        (
            i.title[:255],
            by_ref[i.parent].title if i.parent else None,
            i.type,
            i.start.date() if i.start else None,
        )
        for i in plan.items
    )
    links = Dependency.objects.filter(project=result.project).select_related(
        "predecessor", "successor"
    )
    assert Counter(
        (d.predecessor.title, d.successor.title, d.type, d.lag_days) for d in links
    ) == Counter(
        (by_ref[k.predecessor].title, by_ref[k.successor].title, k.type, k.lag_days)
        for k in {(k.predecessor, k.successor): k for k in plan.links}.values()
    )


def test_baselines_are_imported(pmo: Any) -> None:
    data = (SAMPLES / "mspdi" / "mpxj_baselines.xml").read_bytes()
    result = import_commit(actor=pmo, data=data, project_key="BAS", portfolio=pmo.portfolio)
    assert result.baselines == 11 or result.baselines == len(read_plan(data).baselines)
    assert Baseline.objects.filter(project__key="BAS").count() == result.baselines
    assert Baseline.objects.filter(project__key="BAS", is_current=True).count() == 1


def test_jira_import_needs_status_and_user_mapping(mpp: Any, member_of: Any) -> None:
    member_of(mpp, "member", username="jane")
    data = JIRA.encode()
    preview = import_preview(actor=mpp.manager, data=data, project_key="IMP")
    assert preview.format == "jira" and preview.items == 3 and preview.links == 1
    assert preview.unknown_statuses == ("In Review",)
    assert set(preview.unknown_users) == {"Jane Roe", "jdoe"}
    assert not preview.ready
    with pytest.raises(ValidationError, match="In Review"):
        import_commit(actor=mpp.manager, data=data, project_key="IMP")
    assert WorkItem.objects.filter(project=mpp).count() == 0
    mapping = "statuses:\n  In Review: Doing\nusers:\n  Jane Roe: jane\n  jdoe: ''\n"
    assert import_preview(actor=mpp.manager, data=data, project_key="IMP", mapping=mapping).ready
    import_commit(actor=mpp.manager, data=data, project_key="IMP", mapping=mapping)
    rows = {i.title: i for i in WorkItem.objects.filter(project=mpp)}
    epic, card, receipts = rows["Checkout epic"], rows["Card payments"], rows["Receipts by e-mail"]
    assert epic.type == "epic" and epic.assignee.username == "jane"
    assert epic.status.name == "Doing" and epic.priority == "high"
    assert card.parent == epic and receipts.parent == epic
    assert card.assignee is None and card.story_points == 5
    assert card.due_date.isoformat() == "2024-04-30"
    assert sorted(lb.name for lb in card.labels.all()) == ["payments", "web"]
    assert receipts.status.category == "done" and receipts.progress == 100
    dep = Dependency.objects.get(project=mpp)
    assert (dep.predecessor, dep.successor, dep.type) == (card, receipts, "FS")


def test_a_mapping_to_an_unknown_status_is_refused(mpp: Any) -> None:
    with pytest.raises(ValidationError, match="not a status"):
        import_preview(
            actor=mpp.manager,
            data=JIRA.encode(),
            project_key="IMP",
            mapping={"statuses": {"In Review": "Nowhere"}},
        )


def test_import_is_all_or_nothing(mpp: Any) -> None:
    cyclic = b"WBS,Title,Predecessors\n1,A,2\n2,B,3\n3,C,1\n"
    with pytest.raises(ValidationError, match="cycle"):
        import_commit(actor=mpp.manager, data=cyclic, project_key="IMP")
    assert WorkItem.objects.filter(project=mpp).count() == 0


def test_new_project_needs_project_create_on_the_portfolio(mpp: Any, member_of: Any) -> None:
    data = (SAMPLES / "gan" / "blyoa_task-with-dependencies.gan").read_bytes()
    with pytest.raises((PermissionDenied, Http404)):
        import_commit(actor=mpp.manager, data=data, project_key="NEW", portfolio=mpp.portfolio)
    assert not Project.objects.filter(key="NEW").exists()


def test_outsiders_and_viewers_cannot_import(mpp: Any, member_of: Any, user: Any) -> None:
    data = b"WBS,Title\n1,A\n"
    with pytest.raises(Http404):
        import_preview(actor=user, data=data, project_key="IMP")
    viewer = member_of(mpp, "member")
    with pytest.raises(PermissionDenied):
        import_commit(actor=viewer, data=data, project_key="IMP")
    assert WorkItem.objects.filter(project=mpp).count() == 0


def test_feeds_show_milestones_and_due_dates_to_members_only(mpp: Any, user: Any) -> None:
    from tests.factories import item_create

    item_create(mpp, "Go live", type="milestone", planned_start="2025-06-02")
    item_create(mpp, "Write manual", due_date="2025-05-30")
    token, raw = feed_token_create(actor=mpp.manager, name="Phone")
    assert token.token_hash != raw and raw not in token.token_hash
    owner = feed_token_user(raw)
    assert owner == mpp.manager
    text = feed_ics(owner, "IMP").decode()
    assert "Go live" in text and "DTSTART;VALUE=DATE:20250602" in text
    assert "Write manual (due)" in text and "DTSTART;VALUE=DATE:20250530" in text
    assert "Go live" in feed_ics(owner).decode()
    assert "Go live" not in feed_ics(user).decode()
    with pytest.raises(Http404):
        feed_ics(user, "IMP")
    feed_token_revoke(actor=mpp.manager, token_id=token.pk)
    assert feed_token_user(raw) is None
    assert "Go live" in export_project(mpp, "ics", actor=mpp.manager).decode()


@pytest.mark.parametrize(
    "name", ["mspdi/mpxj_sample.xml", "gan/blyoa_task-with-dependencies.gan", "template.csv"]
)
def test_an_import_is_stored_already_scheduled(pmo: Any, name: str) -> None:
    """The import writes the dates the scheduler computes: scheduling again changes nothing."""
    from keel.apps.interchange.services import import_template
    from keel.apps.work.scheduling import schedule_store

    data = import_template("csv") if name == "template.csv" else (SAMPLES / name).read_bytes()
    result = import_commit(actor=pmo, data=data, project_key="SCH", portfolio=pmo.portfolio)
    rows = WorkItem.objects.filter(project=result.project)
    assert rows.count() == result.items and not rows.filter(early_start=None).exists()
    assert schedule_store(result.project).changed == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_task_template_downloads_and_imports_as_it_shows(mpp: Any, fmt: str) -> None:
    import io

    from keel.apps.interchange.services import export_content_type, import_template

    data = import_template(fmt)
    content_type, filename = export_content_type(fmt, "keel-task-template")
    assert filename == f"keel-task-template.{fmt}" and content_type
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["Plan", "Help"]
        header = [c.value for c in book["Plan"][1]]
        spec = dict(zip(header, [c.value for c in book["Plan"][3]], strict=True))
        assert spec["Title"] == "Write the specification" and spec["Duration (days)"] == 3
        assert spec["Start"].year == 2026  # a real date cell, not text
        help_rows = {r[0] for r in book["Help"].iter_rows(min_row=2, values_only=True)}
        assert "Predecessors" in help_rows
    else:
        assert data.startswith("\ufeffWBS,Title,".encode())
    preview = import_preview(actor=mpp.manager, data=data, project_key="IMP")
    assert preview.ready and preview.items == 4 and preview.links == 2
    import_commit(actor=mpp.manager, data=data, project_key="IMP")
    rows = {i.title: i for i in WorkItem.objects.filter(project=mpp)}
    assert rows["Review 评审"].parent == rows["Design 设计"]
    assert rows["Go live 上线"].type == "milestone"
    dep = Dependency.objects.get(project=mpp, successor=rows["Review 评审"])
    assert dep.predecessor == rows["Write the specification"] and dep.lag_days == 1


def test_an_unknown_template_format_is_refused() -> None:
    from keel.apps.interchange.services import import_template

    with pytest.raises(ValidationError, match="xlsx, csv"):
        import_template("pdf")
