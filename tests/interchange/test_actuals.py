"""Actual start and finish through Microsoft Project XML: import stores them, export writes them,
and Keel → MSPDI → Keel keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from keel.apps.interchange.services import export_project, import_commit
from keel.apps.work.models import WorkItem

NS = {"p": "http://schemas.microsoft.com/project"}


def aware(*parts: int) -> datetime:
    return timezone.make_aware(datetime(*parts), timezone.get_default_timezone())


@pytest.fixture
def progressed(db: Any, monkeypatch: Any) -> Any:
    """From Monday 2 March 2026: Dig (2 days) finished Mon 09:00 - Tue 16:00, Pour (3 days)
    started Wed 09:00 and 50 % done, Cure (1 day) not started."""
    from tests.factories import ProjectFactory, item_create

    from keel.apps.work import adapters
    from keel.apps.work.scheduling import schedule_store
    from keel.apps.work.services import dependency_create

    monkeypatch.setattr(adapters, "status_now", lambda: datetime(2026, 3, 5, 9))
    project = ProjectFactory(key="ACT", name="Foundations", methodology="kanban")
    project.start_date = date(2026, 3, 2)
    project.save()
    dig = item_create(
        project, "Dig", duration_days="2",
        actual_start=aware(2026, 3, 2, 9), actual_finish=aware(2026, 3, 3, 16),
    )  # fmt: skip
    pour = item_create(
        project, "Pour", duration_days="3", actual_start=aware(2026, 3, 4, 9), progress=50
    )
    cure = item_create(project, "Cure", duration_days="1")
    dependency_create(actor=project.manager, predecessor=dig, successor=pour)
    dependency_create(actor=project.manager, predecessor=pour, successor=cure)
    schedule_store(project)
    return project


def _tasks(xml: bytes) -> dict[str, dict[str, str]]:
    root = ElementTree.fromstring(xml)
    return {
        task.findtext("p:Name", "", NS): {
            child.tag.split("}")[1]: child.text or "" for child in task
        }
        for task in root.iterfind("p:Tasks/p:Task", NS)
    }


def test_mspdi_export_writes_actual_dates_and_percent(progressed: Any) -> None:
    tasks = _tasks(export_project(progressed, "mspdi"))
    assert tasks["Dig"]["ActualStart"] == "2026-03-02T09:00:00"
    assert tasks["Dig"]["ActualFinish"] == "2026-03-03T16:00:00"
    assert tasks["Dig"]["PercentComplete"] == "100"
    assert tasks["Pour"]["ActualStart"] == "2026-03-04T09:00:00"
    assert "ActualFinish" not in tasks["Pour"]
    assert tasks["Pour"]["PercentComplete"] == "50"
    assert "ActualStart" not in tasks["Cure"]


def test_keel_mspdi_keel_keeps_the_actuals(progressed: Any, pmo: Any) -> None:
    """The re-imported project has the same actual dates and progress, and is scheduled from
    them: Dig stays where it happened."""
    data = export_project(progressed, "mspdi")
    import_commit(actor=pmo, data=data, project_key="BACK", portfolio=pmo.portfolio)

    def actuals(key: str) -> dict[str, tuple[Any, ...]]:
        return {
            row.title: (row.actual_start, row.actual_finish, row.progress)
            for row in WorkItem.objects.filter(project__key=key)
        }

    assert actuals("BACK") == actuals("ACT")
    dig = WorkItem.objects.get(project__key="BACK", title="Dig")
    assert (dig.early_start, dig.early_finish) == (aware(2026, 3, 2, 9), aware(2026, 3, 3, 16))


MSPDI = """<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>Imported actuals</Name>
  <StartDate>2026-03-02T08:00:00</StartDate>
  <MinutesPerDay>480</MinutesPerDay>
  <Tasks>
    <Task><UID>1</UID><ID>1</ID><Name>Done</Name><OutlineLevel>1</OutlineLevel>
      <Start>2026-03-02T08:00:00</Start><Finish>2026-03-02T17:00:00</Finish>
      <Duration>PT8H0M0S</Duration><PercentComplete>60</PercentComplete>
      <ActualStart>2026-03-02T10:00:00</ActualStart>
      <ActualFinish>2026-03-03T12:00:00</ActualFinish></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Finish only</Name><OutlineLevel>1</OutlineLevel>
      <Duration>PT8H0M0S</Duration><PercentComplete>100</PercentComplete>
      <ActualFinish>2026-03-03T12:00:00</ActualFinish></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Untouched</Name><OutlineLevel>1</OutlineLevel>
      <Duration>PT8H0M0S</Duration></Task>
  </Tasks>
</Project>
"""


def test_mspdi_import_stores_actual_dates(pmo: Any) -> None:
    """ActualStart/ActualFinish are stored; a task with an actual finish is 100 % done; an
    actual finish without an actual start is dropped (Keel needs both)."""
    import_commit(
        actor=pmo, data=MSPDI.encode(), project_key="IMP", portfolio=pmo.portfolio,
        filename="plan.xml",
    )  # fmt: skip
    rows = {r.title: r for r in WorkItem.objects.filter(project__key="IMP")}
    done = rows["Done"]
    assert (done.actual_start, done.actual_finish, done.progress) == (
        aware(2026, 3, 2, 10),
        aware(2026, 3, 3, 12),
        100,
    )
    assert (rows["Finish only"].actual_start, rows["Finish only"].actual_finish) == (None, None)
    assert rows["Finish only"].progress == 100
    assert (rows["Untouched"].actual_start, rows["Untouched"].progress) == (None, 0)
