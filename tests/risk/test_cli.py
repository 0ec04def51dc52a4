"""`keel simulate PLAN.yaml`: Monte Carlo from a plan file, with a progress bar on stderr."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from keel.cli.main import main

PLAN = """\
project:
  name: Office move
  start: 2026-03-02
tasks:
  - id: design
    name: Design
    duration: 5d
    estimate: {low: 4d, likely: 5d, high: 9d, distribution: pert}
    cost: 4000
  - id: build
    name: Build
    duration: 10d
    after: design
    estimate: {low: 8d, likely: 10d, high: 15d}
    cost_estimate: {low: 9000, likely: 10000, high: 16000}
  - id: docs
    name: Write the guide
    duration: 3d
    after: design
    estimate: {low: 2d, high: 4d, distribution: uniform}
  - id: done
    name: Moved in
    milestone: true
    after: [build, docs]
risks:
  - id: R1
    name: Furniture supplier late
    probability: 0.3
    affects: [build]
    duration: {low: 2d, likely: 3d, high: 5d}
    cost: {likely: 2500, distribution: fixed}
correlations:
  - tasks: [design, build]
    rho: 0.5
"""


def write(tmp_path: Path, text: str = PLAN) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["simulate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_percentiles_probabilities_criticality_and_tornado(tmp_path, capsys):
    plan = write(tmp_path)
    code, out, err = run(
        capsys, plan, "--iterations", "5000", "--seed", "1",
        "--target-date", "2026-03-20", "--budget", "16000",
    )  # fmt: skip
    assert code == 0, err
    assert "simulating [" in err and "100%" in err and "5,000/5,000" in err
    assert "Office move: 5,000 iterations, seed 1 (3 estimates, 1 risks)" in out
    finish_line = next(line for line in out.splitlines() if line.startswith("finish"))
    assert finish_line.count("2026-03-") == 4
    assert "probability of finishing by 2026-03-20 18:00:" in out
    assert "probability of costing at most 16000:" in out
    assert "100.0 %  build" in out
    assert "risk R1" in out and "what drives the finish" in out and "what drives the cost" in out


def test_json_is_reproducible_with_a_seed_and_consistent(tmp_path, capsys):
    plan = write(tmp_path)
    args = (plan, "-n", "4000", "--seed", "7", "--json", "--quiet", "--budget", "16000")
    code, first, err = run(capsys, *args)
    assert code == 0 and err == ""  # --quiet: no progress bar
    _, second, _ = run(capsys, *args)
    assert first == second
    data = json.loads(first)
    finish = [data["finish"][f"p{p}"] for p in (10, 50, 80, 90)]
    assert finish == sorted(finish)
    costs = [float(data["cost"][f"p{p}"]) for p in (10, 50, 80, 90)]
    assert costs == sorted(costs)
    # Base cost 4,000 (design) + build's 9,000-16,000 + 2,500 in 30 % of iterations.
    assert costs[0] >= 13_000 and costs[-1] <= 22_500
    assert 0 < data["probability_within_budget"] < 1
    assert data["probability_on_time"] is None
    critical = {row["id"]: row["index"] for row in data["criticality"]}
    assert critical["build"] == critical["design"] == 1.0
    assert critical["docs"] == 0.0
    assert {d["id"] for d in data["finish_drivers"]} >= {"build", "design", "R1"}
    _, other, _ = run(capsys, plan, "-n", "4000", "--seed", "8", "--json", "--quiet")
    assert json.loads(other)["finish"] != data["finish"]


def test_plan_without_estimates_gives_the_scheduled_finish_every_time(tmp_path, capsys):
    plan = write(
        tmp_path,
        """\
        project: {name: Fixed, start: 2026-03-02}
        tasks:
          - {id: a, duration: 3d}
          - {id: b, duration: 2d, after: a, estimate: {likely: 2d, distribution: fixed}}
          - {id: c, duration: 4h, depends: [{task: a, type: SS, lag: 1d}]}
        """,
    )
    code, out, _ = run(capsys, plan, "-n", "200", "--seed", "3", "--json", "--quiet")
    assert code == 0
    finish = json.loads(out)["finish"]
    assert finish["p10"] == finish["p90"] == finish["planned"] == "2026-03-06 18:00"
    assert finish["planned_percentile"] == 100.0
    main(["schedule", plan])
    assert "2026-03-06 18:00" in capsys.readouterr().out  # keel schedule agrees


def test_a_certain_risk_adds_its_delay(tmp_path, capsys):
    plan = write(
        tmp_path,
        """\
        project: {name: Certain, start: 2026-03-02}
        tasks:
          - {id: a, duration: 3d}
        risks:
          - {id: R9, probability: 1, affects: [a], duration: {likely: 2d, distribution: fixed}}
        """,
    )
    code, out, _ = run(capsys, plan, "-n", "100", "--seed", "1", "--json", "--quiet")
    assert code == 0
    finish = json.loads(out)["finish"]
    assert finish["p10"] == finish["p90"] == "2026-03-06 18:00"
    assert finish["planned"] == "2026-03-04 18:00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("estimate: {low: 6d, likely: 5d, high: 9d}",
         "tasks[0].estimate: min 2880 ≤ most likely 2400 ≤ max 4320 does not hold"),
        ("estimate: {low: 4d, high: 9d}", "tasks[0].estimate: a triangular estimate needs low"),
        ("estimate: {low: 4d, likely: 5d, high: 9x}", "tasks[0].estimate.high"),
        ("estimate: {low: 4ed, likely: 5d, high: 9d}", "not elapsed time"),
        ("estimate: {low: 4d, likely: 5d, high: 9d, distribution: normal}",
         "'normal' is not one of triangular, pert, uniform, fixed"),
        ("cost_estimate: {low: 100, likely: 50, high: 200}", "tasks[0].cost_estimate"),
    ],
)  # fmt: skip
def test_bad_estimates_name_the_place(tmp_path, capsys, change, message):
    plan = write(
        tmp_path,
        f"""\
        project: {{name: Bad, start: 2026-03-02}}
        tasks:
          - id: a
            duration: 5d
            {change}
        """,
    )
    code, out, err = run(capsys, plan, "-n", "100")
    assert code == 1 and out == ""
    assert err.startswith("keel simulate: error:")
    assert message in err


@pytest.mark.parametrize(
    ("risk", "message"),
    [
        ("{id: R1, probability: 1.5, affects: [a]}", "risks[0].probability: 1.5 is greater than"),
        ("{id: R1, probability: -0.1}", "risks[0].probability: -0.1 is less than"),
        ("{id: R1, probability: 0.5, affects: [zz]}", "risks[0].affects[0]: no task with id 'zz'"),
        ("{id: R1, probability: 0.5, duration: {likely: 1d, distribution: fixed}}",
         "needs 'affects'"),
    ],
)  # fmt: skip
def test_bad_risks_are_refused(tmp_path, capsys, risk, message):
    plan = write(
        tmp_path,
        f"""\
        project: {{name: Bad, start: 2026-03-02}}
        tasks:
          - {{id: a, duration: 5d}}
        risks:
          - {risk}
        """,
    )
    code, _, err = run(capsys, plan, "-n", "100")
    assert code == 1
    assert message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-n", "0"), "iterations must be at least 1"),
        (("-n", "-3"), "iterations must be at least 1"),
        (("-n", "100001"), "iterations may be at most 100,000"),
        (("--target-date", "next week"), "--target-date: 'next week' is not a date"),
        (("--budget", "lots"), "--budget: 'lots' is not an amount of money"),
        (("--budget", "-5"), "--budget: '-5' is not an amount of money"),
    ],
)
def test_bad_options_are_refused(tmp_path, capsys, args, message):
    code, out, err = run(capsys, write(tmp_path), *args)
    assert code == 1 and out == ""
    assert message in err


def test_correlation_of_a_task_without_estimate_is_refused(tmp_path, capsys):
    plan = write(tmp_path, PLAN.replace("tasks: [design, build]", "tasks: [design, done]"))
    code, _, err = run(capsys, plan, "-n", "100")
    assert code == 1
    assert "correlations[0].tasks: 'done' has no duration estimate" in err


def test_missing_file_and_output_file(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nope.yaml"))
    assert code == 1 and "cannot read the plan file" in err
    target = tmp_path / "result.json"
    code, out, _ = run(capsys, write(tmp_path), "-n", "50", "--json", "--quiet", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["iterations"] == 50
