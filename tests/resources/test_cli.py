"""`keel level PLAN.yaml`: what moved, by how much, the new finish; JSON; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keel.cli.main import main

# Ann is asked for two tasks in the same week; Build has the higher priority, so Docs waits
# a week and Review (after Docs) moves with it. Bob (capacity 2) is never over-allocated.
PLAN = """\
project:
  name: Clash
  start: 2026-03-02
resources:
  - {id: ann, name: Ann}
  - {id: bob, name: Bob, capacity: 2}
tasks:
  - id: build
    name: Build
    duration: 5d
    priority: 700
    resources: [{id: ann}]
  - id: docs
    name: Docs
    duration: 3d
    resources: [{id: ann, units: 100%}]
  - id: review
    name: Review
    duration: 2d
    after: docs
    resources: [{id: bob, units: 50%}]
  - id: site
    name: Site survey
    duration: 2d
    resources: [{id: bob, work: 16h}]
"""


def _plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_level_prints_moves_and_the_new_finish(tmp_path, capsys):
    assert main(["level", str(_plan(tmp_path))]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    docs = next(line for line in lines if line.startswith("docs "))
    assert "2026-03-02 09:00  2026-03-09 09:00" in docs
    assert docs.split()[5:7] == ["5d", "5d"]  # moved a week, all of it its own delay
    review = next(line for line in lines if line.startswith("review "))
    assert review.split()[5:7] == ["5d", "0"]  # moved with Docs, no delay of its own
    assert not any(line.startswith(("build ", "site ")) for line in lines)
    assert "finish: 2026-03-06 18:00 -> 2026-03-13 18:00" in out
    assert "still over-allocated" not in out


def test_level_json(tmp_path, capsys):
    assert main(["level", str(_plan(tmp_path)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["finish_before"] == "2026-03-06T18:00"
    assert data["finish_after"] == "2026-03-13T18:00"
    moves = {m["task"]: m for m in data["moves"]}
    assert set(moves) == {"docs", "review"}
    assert moves["docs"]["delay_minutes"] == 2400
    assert moves["docs"]["new_start"] == "2026-03-09T09:00"
    assert moves["review"]["moved_minutes"] == 2400 and moves["review"]["delay_minutes"] == 0
    assert data["unresolved"] == []


def test_level_within_float_reports_what_is_left(tmp_path, capsys):
    """Neither clashing task has float: nothing moves, the clash is reported."""
    assert main(["level", str(_plan(tmp_path)), "--within-float", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["moves"] == []
    assert data["finish_after"] == data["finish_before"]
    [left] = data["unresolved"]
    assert left["resource"] == "ann" and left["tasks"] == ["build", "docs"]
    assert left["load"] == 2.0


def test_level_writes_to_a_file(tmp_path, capsys):
    target = tmp_path / "out.txt"
    assert main(["level", str(_plan(tmp_path)), "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert "finish: 2026-03-06 18:00 -> 2026-03-13 18:00" in target.read_text(encoding="utf-8")


def test_level_without_conflicts_says_so(tmp_path, capsys):
    text = PLAN.replace("resources: [{id: ann, units: 100%}]", "resources: [{id: bob}]")
    assert main(["level", str(_plan(tmp_path, text))]) == 0
    out = capsys.readouterr().out
    assert "No over-allocation: nothing moved." in out
    assert "finish: 2026-03-06 18:00 -> 2026-03-06 18:00" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("resources: [{id: ann}]", "resources: [{id: nobody}]"), "no resource with id 'nobody'"),
        (("units: 100%", "units: 0"), "units must be more than 0"),
        (("units: 100%", "units: lots"), "is not like 0.5 or '50%'"),
        (("duration: 5d", "duraton: 5d"), "duraton"),
    ],
)
def test_level_bad_plan_is_a_clear_error(tmp_path, capsys, change, message):
    text = PLAN.replace(*change)
    assert main(["level", str(_plan(tmp_path, text))]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("keel level: error:")
    assert message in captured.err


def test_level_needs_assignments(tmp_path, capsys):
    text = "project: {name: Bare, start: 2026-03-02}\ntasks:\n  - {id: a, duration: 1d}\n"
    assert main(["level", str(_plan(tmp_path, text))]) == 1
    assert "nothing to level" in capsys.readouterr().err


def test_level_missing_file(tmp_path, capsys):
    assert main(["level", str(tmp_path / "missing.yaml")]) == 1
    assert "keel level: error:" in capsys.readouterr().err
