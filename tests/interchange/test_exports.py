"""Exports of a Keel project, checked by independent readers.

MSPDI exports are read back by MPXJ (Java, through JPype) — the same tasks, outline, dates and
links; TaskJuggler schedules every .tjp export; Keel → MSPDI → Keel loses nothing Keel models;
XLSX cells are typed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keel.apps.interchange.services import export_project, import_commit
from keel.apps.work.models import Dependency, WorkItem
from keel.apps.work.scheduling import schedule_store


@pytest.fixture
def planned(db: Any) -> Any:
    """A scheduled project: two phases, a milestone, all four link types with lags, a
    constraint, progress, a due date, a description, labels and priorities."""
    from tests.factories import ProjectFactory, item_create

    from keel.apps.work.services import dependency_create

    project = ProjectFactory(key="EXP", name="Export 导出", methodology="kanban")
    project.start_date = date(2025, 3, 3)
    project.save()
    design = item_create(project, "Design 设计", type="deliverable")
    spec = item_create(
        project, "Write spec", parent=design, duration_days="3", progress=40,
        description="Say **what**, not how.", priority="high", labels=["docs"],
    )  # fmt: skip
    review = item_create(
        project, "Review", parent=design, duration_days="1.5", due_date="2025-03-20"
    )
    build = item_create(project, "Build", type="deliverable")
    code = item_create(
        project, "Code", parent=build, duration_days="5",
        constraint_type="SNET", constraint_date=datetime(2025, 3, 10, 8),
    )  # fmt: skip
    test = item_create(project, "Test", parent=build, duration_days="2")
    live = item_create(project, "Go live", type="milestone")
    actor = project.manager
    dependency_create(actor=actor, predecessor=spec, successor=review, type="FS", lag_days=1)
    dependency_create(actor=actor, predecessor=review, successor=code, type="SS", lag_days=0)
    dependency_create(actor=actor, predecessor=code, successor=test, type="FF", lag_days=2)
    dependency_create(actor=actor, predecessor=code, successor=live, type="FS", lag_days=0)
    dependency_create(actor=actor, predecessor=test, successor=live, type="SF", lag_days=0)
    schedule_store(project)
    return project


def _rows(project: Any) -> list[WorkItem]:
    return list(WorkItem.objects.filter(project=project).order_by("outline_sort"))


_MPXJ_SCRIPT = r"""
import json, sys
import jpype, jpype.imports, mpxj  # mpxj puts its jars on the class path
jpype.startJVM()
from org.mpxj.reader import UniversalProjectReader
reader = UniversalProjectReader()
files = []
for name in sys.argv[1:]:
    project = reader.read(name)
    out = []
    for t in project.getTasks():
        if t.getUniqueID() == 0:
            continue
        out.append({
            "name": str(t.getName()),
            "level": int(t.getOutlineLevel()),
            "parent": (
                str(t.getParentTask().getName())
                if t.getParentTask() is not None and t.getParentTask().getUniqueID() != 0
                else None
            ),
            "milestone": bool(t.getMilestone()),
            "start": str(t.getStart())[:10],
            "finish": str(t.getFinish())[:10],
            "percent": float(t.getPercentageComplete() or 0),
            "constraint": str(t.getConstraintType()),
            "preds": sorted(
                [
                    str(r.getPredecessorTask().getName()),
                    str(r.getType()),
                    float(r.getLag().getDuration()),
                ]
                for r in t.getPredecessors()
            ),
        })
    files.append(out)
print(json.dumps(files))
"""


def _mpxj_read(path: Path) -> list[dict[str, Any]]:
    return _mpxj_read_all([path])[0]


def _mpxj_read_all(paths: list[Path]) -> list[list[dict[str, Any]]]:
    """What MPXJ reads in each file (one Java start for all of them)."""
    import json
    import sys

    pytest.importorskip("mpxj", reason="install the [test] extra (mpxj, JPype1)")
    if shutil.which("java") is None:
        pytest.fail("java is missing: scripts/test.sh installs default-jre-headless")
    result = subprocess.run(
        [sys.executable, "-c", _MPXJ_SCRIPT, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_mspdi_export_reads_back_in_mpxj(planned: Any, tmp_path: Path) -> None:
    path = tmp_path / "plan.xml"
    path.write_bytes(export_project(planned, "mspdi", actor=planned.manager))
    tasks = _mpxj_read(path)
    rows = _rows(planned)
    assert [t["name"] for t in tasks] == [r.title for r in rows]
    for task, row in zip(tasks, rows, strict=True):
        assert task["level"] == row.outline_code.count(".") + 1
        assert task["parent"] == (row.parent.title if row.parent else None)
        assert task["milestone"] == (row.type == "milestone")
        assert task["start"] == row.early_start.date().isoformat(), row.title
        assert task["finish"] == row.early_finish.date().isoformat(), row.title
        assert task["percent"] == row.progress
    by_name = {t["name"]: t for t in tasks}
    assert by_name["Code"]["constraint"] == "START_NO_EARLIER_THAN"
    # MPXJ's RelationType prints as "FS", "SS", "FF", "SF" (older releases printed the enum
    # name, "FINISH_START" and so on): read either as Keel's short type.
    short = {"FINISH_START": "FS", "START_START": "SS", "FINISH_FINISH": "FF", "START_FINISH": "SF"}
    for dep in Dependency.objects.filter(project=planned).select_related(
        "predecessor", "successor"
    ):
        preds = [
            [name, short.get(kind, kind), lag]
            for name, kind, lag in by_name[dep.successor.title]["preds"]
        ]
        assert [dep.predecessor.title, dep.type, float(dep.lag_days)] in preds
    assert sum(len(t["preds"]) for t in tasks) == Dependency.objects.filter(project=planned).count()


def test_keel_mspdi_keel_round_trip_loses_nothing(planned: Any, pmo: Any) -> None:
    from keel.apps.projects.models import Project

    data = export_project(planned, "mspdi")
    import_commit(actor=pmo, data=data, project_key="BACK", portfolio=pmo.portfolio)
    back = Project.objects.get(key="BACK")
    schedule_store(back)
    fields = (
        "title", "type", "priority", "progress", "duration_days", "due_date",
        "constraint_type", "description", "outline_code", "early_start", "early_finish",
    )  # fmt: skip
    for old, new in zip(_rows(planned), _rows(back), strict=True):
        for name in fields:
            was, now = getattr(old, name), getattr(new, name)
            if name == "constraint_type":
                was, now = was or "ASAP", now or "ASAP"
            if name == "duration_days" and old.type == "deliverable":
                continue  # a summary's duration is its children's span
            assert now == was, (old.title, name)
        assert (new.parent.title if new.parent else None) == (
            old.parent.title if old.parent else None
        )
        assert new.constraint_date == old.constraint_date
        assert new.status.key == old.status.key

    def links(project: Any) -> set[tuple[str, str, str, Decimal]]:
        return {
            (d.predecessor.title, d.successor.title, d.type, d.lag_days)
            for d in Dependency.objects.filter(project=project).select_related(
                "predecessor", "successor"
            )
        }

    assert links(back) == links(planned)


@pytest.mark.tj3
def test_taskjuggler_schedules_the_tjp_export(planned: Any, tmp_path: Path) -> None:
    from keel.interchange.tj3 import find_tj3

    text = export_project(planned, "tjp").decode()
    for row in _rows(planned):
        assert row.title.replace('"', "") in text
    source = tmp_path / "plan.tjp"
    source.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [find_tj3(), "--silent", "--no-color", "--output-dir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_xlsx_export_has_typed_cells(planned: Any) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(export_project(planned, "xlsx")))
    assert book.sheetnames[0] == "Plan"
    sheet = book["Plan"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    spec = rows["Write spec"]
    assert isinstance(spec["Start"], datetime) and spec["Start"].date() == date(2025, 3, 3)
    assert isinstance(spec["Duration (days)"], int | float) and spec["Duration (days)"] == 3
    assert spec["Progress (%)"] == 40 and spec["Labels"] == "docs"
    assert isinstance(rows["Review"]["Due"], datetime)
    assert rows["Review"]["Predecessors"] == "1.1FS+1"


def test_csv_export_reimports_as_the_same_plan(planned: Any) -> None:
    from keel.interchange.readers import read_plan

    data = export_project(planned, "csv")
    assert data.startswith("\ufeff".encode())
    plan = read_plan(data)
    assert [i.title for i in plan.items] == [r.title for r in _rows(planned)]
    assert len(plan.links) == 5
    assert "导出" in export_project(planned, "mspdi").decode()


def test_xlsx_export_has_a_typed_sheet_each_for_risks_evm_and_timesheets(planned: Any) -> None:
    import openpyxl

    from keel.apps.finance.models import TimeEntry, Timesheet
    from keel.apps.risk.services import risk_create

    manager = planned.manager
    risk_create(
        actor=manager, project=planned, title="Supplier late 供应商延误", probability=4, impact=3,
        proximity=date(2025, 4, 1), cost_min=Decimal(8000), cost_likely=Decimal("12500.50"),
        cost_max=Decimal(30000),
    )  # fmt: skip
    code = WorkItem.objects.get(project=planned, title="Code")
    sheet = Timesheet.objects.create(project=planned, user=manager, week_start=date(2025, 3, 10))
    TimeEntry.objects.create(
        timesheet=sheet, item=code, day=date(2025, 3, 11), hours=Decimal("7.5")
    )
    book = openpyxl.load_workbook(io.BytesIO(export_project(planned, "xlsx", actor=manager)))
    assert book.sheetnames == ["Plan", "Risks", "EVM", "Timesheets"]

    def records(name: str) -> list[dict[str, Any]]:
        rows = list(book[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    (risk,) = records("Risks")
    assert risk["Key"] == "R-1" and risk["Title"] == "Supplier late 供应商延误"
    assert risk["Probability"] == 4 and risk["Score"] == 12
    assert isinstance(risk["Proximity"], datetime) and risk["Proximity"].date() == date(2025, 4, 1)
    assert isinstance(risk["Cost (likely)"], float) and risk["Cost (likely)"] == 12500.5
    evm = records("EVM")
    assert {r["title"] for r in evm} >= {"Write spec", "Code"}
    assert all(isinstance(r["pv"], int | float) for r in evm)
    (entry,) = records("Timesheets")
    assert entry["person"] == manager.username and entry["title"] == "Code"
    assert isinstance(entry["day"], datetime) and entry["day"].date() == date(2025, 3, 11)
    assert entry["hours"] == 7.5


def _imported_samples(pmo: Any) -> list[Any]:
    """Every importable sample of ../shared/data, imported into its own project."""
    from tests.interchange.test_import_services import _IMPORTABLE

    from keel.apps.interchange.services import import_preview

    projects = []
    for n, path in enumerate(_IMPORTABLE):
        data = path.read_bytes()
        key = f"S{chr(65 + n // 26)}{chr(65 + n % 26)}"
        preview = import_preview(actor=pmo, data=data, project_key=key, portfolio=pmo.portfolio)
        mapping = {"statuses": dict.fromkeys(preview.unknown_statuses, "done")}
        result = import_commit(
            actor=pmo, data=data, project_key=key, portfolio=pmo.portfolio, mapping=mapping
        )
        projects.append((path.name, result.project))
    return projects


def test_mpxj_reads_the_mspdi_export_of_every_sample(pmo: Any, tmp_path: Path) -> None:
    projects = _imported_samples(pmo)
    paths = []
    for name, project in projects:
        path = tmp_path / f"{name}.xml"
        path.write_bytes(export_project(project, "mspdi"))
        paths.append(path)
    for (name, project), tasks in zip(projects, _mpxj_read_all(paths), strict=True):
        rows = _rows(project)
        assert [t["name"] for t in tasks] == [r.title for r in rows], name
        for task, row in zip(tasks, rows, strict=True):
            where = f"{name}: {row.title}"
            assert task["level"] == row.outline_code.count(".") + 1, where
            assert task["parent"] == (row.parent.title if row.parent else None), where
            assert task["milestone"] == (row.type == "milestone"), where
            assert task["start"] == row.early_start.date().isoformat(), where
            assert task["finish"] == row.early_finish.date().isoformat(), where
        links = Dependency.objects.filter(project=project)
        assert sum(len(t["preds"]) for t in tasks) == links.count(), name


def _sample_paths() -> list[Path]:
    from tests.interchange.test_import_services import _IMPORTABLE

    return _IMPORTABLE


@pytest.mark.tj3
@pytest.mark.slow
@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.name)
def test_taskjuggler_schedules_the_tjp_export_of_every_sample(
    pmo: Any, tmp_path: Path, path: Path
) -> None:
    from keel.apps.interchange.services import import_preview
    from keel.interchange.tj3 import find_tj3

    data = path.read_bytes()
    options = {"actor": pmo, "data": data, "project_key": "TJP", "portfolio": pmo.portfolio}
    unknown = import_preview(**options).unknown_statuses
    project = import_commit(**options, mapping={"statuses": dict.fromkeys(unknown, "done")}).project
    source = tmp_path / "plan.tjp"
    source.write_bytes(export_project(project, "tjp"))
    result = subprocess.run(
        [find_tj3(), "--silent", "--no-color", "--output-dir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
