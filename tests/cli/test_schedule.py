"""`keel schedule PLAN.yaml`: tables, CSV, JSON, filters, baselines, Gantt SVG and errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from defusedxml import ElementTree

from keel.cli.main import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "datacentre-migration.yaml"
SVG = "{http://www.w3.org/2000/svg}"

PLAN = """\
project:
  name: Office move
  start: 2025-03-03
tasks:
  - id: kickoff
    name: Kick-off
    milestone: true
  - id: prep
    name: Preparation
    children:
      - id: pack
        name: Pack boxes
        duration: 3d
        after: kickoff
      - id: labels
        name: Print labels
        duration: 4h
        depends: [{task: pack, type: SS}]
      - id: book
        name: Book van
        duration: 1d
        depends: [{task: pack, type: FF, lag: 1d}]
  - id: move
    name: Move
    duration: 1d
    after: [prep]
  - id: notice
    name: Notify post office
    duration: 2h
    depends: [{task: move, type: SF}]
  - id: done
    name: Moved in
    milestone: true
    after: move
baselines:
  - name: Baseline
    tasks:
      pack: {start: 2025-03-03, finish: 2025-03-04, duration: 2d}
      move: {start: 2025-03-06, finish: 2025-03-06, duration: 1d}
"""
IDS = ["kickoff", "prep", "pack", "labels", "book", "move", "notice", "done"]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["schedule", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_every_task_with_dates_float_and_critical_mark(plan, capsys):
    """The default table has WBS, name, start, finish, duration, float and a * for critical."""
    code, out, _ = run(capsys, str(plan))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["WBS", "ID", "Name", "Start"]
    assert "Total float" in lines[0] and "Critical" in lines[0]
    rows = {line.split()[1]: line for line in lines[2:] if line[:1].isdigit()}
    assert list(rows) == IDS
    assert rows["pack"].split()[0] == "2.1"
    assert "2025-03-03 09:00  2025-03-05 18:00  3d" in rows["pack"]
    assert rows["move"].rstrip().endswith("*")
    assert not rows["labels"].rstrip().endswith("*")
    assert "3.5d" in rows["labels"]  # labels can slip three and a half days
    assert "Office move: 2025-03-03 09:00 – 2025-03-07 18:00" in out


def test_csv_has_a_heading_and_one_row_per_task(plan, capsys):
    """--format csv gives machine-readable rows with yes/no in the critical column."""
    code, out, _ = run(capsys, str(plan), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == IDS
    move = next(r for r in rows if r["id"] == "move")
    assert (move["start"], move["finish"], move["critical"]) == (
        "2025-03-07 09:00",
        "2025-03-07 18:00",
        "yes",
    )
    assert next(r for r in rows if r["id"] == "labels")["critical"] == "no"


def test_json_has_project_dates_critical_path_and_tasks(plan, capsys):
    """--format json reports the finish, the critical path and each task in minutes."""
    code, out, _ = run(capsys, str(plan), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["project"] == "Office move"
    assert doc["finish"] == "2025-03-07T18:00"
    assert "move" in doc["critical_path"] and "labels" not in doc["critical_path"]
    tasks = {t["id"]: t for t in doc["tasks"]}
    assert tasks["pack"]["duration_minutes"] == 1440
    assert tasks["labels"]["total_float_minutes"] == 1680
    assert tasks["prep"]["summary"] and tasks["done"]["milestone"]


def test_critical_shows_only_critical_tasks(plan, capsys):
    """--critical drops tasks with float."""
    code, out, _ = run(capsys, str(plan), "--critical", "--format", "csv")
    assert code == 0
    ids = [r["id"] for r in csv.DictReader(io.StringIO(out))]
    assert "move" in ids and "pack" in ids
    assert "labels" not in ids and "notice" not in ids
    assert all(r["critical"] == "yes" for r in csv.DictReader(io.StringIO(out)))


def test_status_date_option_moves_unstarted_work_after_it(plan, capsys):
    """--status-date overrides the file: work not yet started is planned after it."""
    code, out, _ = run(capsys, str(plan), "--status-date", "2025-03-12", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    tasks = {t["id"]: t for t in doc["tasks"]}
    assert doc["status_date"] == "2025-03-12T18:00"
    assert tasks["pack"]["start"] == "2025-03-13T09:00"
    assert doc["finish"] == "2025-03-19T18:00"


def test_bad_status_date_is_refused(plan, capsys):
    """A malformed --status-date is an error with exit code 1."""
    code, out, err = run(capsys, str(plan), "--status-date", "12/03/2025")
    assert code == 1
    assert out == ""
    assert "--status-date: '12/03/2025' is not a date" in err


def test_baseline_adds_dates_and_variance_columns(plan, capsys):
    """--baseline NAME shows the saved dates and the slip in working time."""
    code, out, _ = run(capsys, str(plan), "--baseline", "Baseline", "--format", "csv")
    assert code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["pack"]["baseline_finish"] == "2025-03-04 18:00"
    assert rows["pack"]["finish_variance"] == "1d"
    assert rows["move"]["start_variance"] == "1d"
    assert rows["labels"]["baseline_start"] == ""
    code, out, _ = run(capsys, str(plan), "--baseline", "Baseline")
    assert "Baseline start" in out.splitlines()[0] and "Finish var." in out.splitlines()[0]


def test_unknown_baseline_is_an_error_listing_the_known_ones(plan, capsys):
    """Asking for a baseline the plan does not have names the ones it has."""
    code, _, err = run(capsys, str(plan), "--baseline", "Baseline3")
    assert code == 1
    assert "no baseline named 'Baseline3' (the plan has: Baseline)" in err


def test_gantt_svg_has_bars_links_milestones_critical_and_baseline(plan, capsys, tmp_path):
    """--gantt writes well-formed SVG: a shape per task, an arrow per link of each type,
    red critical shapes, milestone diamonds and grey baseline ghost bars."""
    out_svg = tmp_path / "chart.svg"
    code, _, _ = run(capsys, str(plan), "--gantt", str(out_svg), "--baseline", "Baseline")
    assert code == 0
    root = ElementTree.fromstring(out_svg.read_bytes())
    assert root.tag == f"{SVG}svg"
    shapes = [e for e in root.iter() if e.get("data-task")]
    assert sorted(e.get("data-task") for e in shapes) == sorted(IDS)
    kinds = {e.get("data-task"): e.tag.replace(SVG, "") for e in shapes}
    assert kinds["done"] == "polygon" and kinds["kickoff"] == "polygon"
    assert kinds["prep"] == "path" and kinds["pack"] == "rect"
    assert "critical" in next(e for e in shapes if e.get("data-task") == "move").get("class")
    assert "critical" not in next(e for e in shapes if e.get("data-task") == "labels").get("class")
    links = [e for e in root.iter(f"{SVG}path") if e.get("data-link")]
    assert len(links) == 6
    assert {e.get("class").split()[1] for e in links} == {
        "link-fs",
        "link-ss",
        "link-ff",
        "link-sf",
    }
    assert all(e.get("marker-end", "").startswith("url(#arrow") for e in links)
    ghosts = {e.get("data-baseline") for e in root.iter(f"{SVG}rect") if e.get("data-baseline")}
    assert ghosts == {"pack", "move"}
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "2.1 Pack boxes" in texts and "Mar 2025" in texts


def test_unreadable_file_fails_with_exit_code_1(tmp_path, capsys):
    """A missing plan file gives a one-line error, no traceback."""
    code, out, err = run(capsys, str(tmp_path / "missing.yaml"))
    assert code == 1 and out == ""
    assert err.startswith("keel schedule: error: ")
    assert "missing.yaml: cannot read the plan file" in err


def test_schema_errors_fail_with_the_place_named(tmp_path, capsys):
    """A plan breaking the schema fails with every problem and its path."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "project: {name: x, start: 2025-03-03}\n"
        "tasks:\n  - id: a\n    children:\n      - {id: b, duration: 3x}\n"
    )
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert "tasks[0].children[0].duration: '3x' is not a duration like 3d, 4h, 90m" in err


def test_dependency_cycles_fail_naming_the_tasks(tmp_path, capsys):
    """Tasks that wait for each other in a circle are reported by name."""
    path = tmp_path / "cycle.yaml"
    path.write_text(
        "project: {name: x, start: 2025-03-03}\n"
        "tasks:\n"
        "  - {id: a, duration: 1d, after: c}\n"
        "  - {id: b, duration: 1d, after: a}\n"
        "  - {id: c, duration: 1d, after: b}\n"
    )
    code, out, err = run(capsys, str(path))
    assert code == 1 and out == ""
    assert "cycle" in err
    for name in ("a", "b", "c"):
        assert f"{name} → " in err or f"→ {name}" in err


def test_schema_option_prints_the_json_schema(capsys):
    """--schema prints the published JSON Schema of plan files."""
    code, out, _ = run(capsys, "--schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Keel plan file"
    assert schema["additionalProperties"] is False


def test_example_plan_schedules(capsys, tmp_path):
    """The documented example schedules and draws, with its baseline."""
    chart = tmp_path / "dc.svg"
    code, out, err = run(capsys, str(EXAMPLE), "--baseline", "Baseline", "--gantt", str(chart))
    assert code == 0, err
    assert "Production cut-over done" in out
    assert chart.stat().st_size > 5000


def test_generated_plans_schedule_quickly(tmp_path, capsys):
    """--generate N writes an N-task plan that `keel schedule` reads and schedules."""
    path = tmp_path / "gen.yaml"
    assert main(["schedule", "--generate", "2000", "--seed", "3", "-o", str(path)]) == 0
    began = time.perf_counter()
    code, _, err = run(capsys, str(path), "--format", "csv", "-o", str(tmp_path / "out.csv"))
    elapsed = time.perf_counter() - began
    assert code == 0, err
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(rows) == 2000
    assert elapsed < 20


def test_schedule_never_imports_django(plan):
    """Plan files are scheduled with no database or server: Django is never imported."""
    script = (
        "import sys\n"
        "from keel.cli.main import main\n"
        f"code = main(['schedule', {str(plan)!r}, '--format', 'json'])\n"
        "assert code == 0\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
