"""`keel evm PLAN.yaml --status-date D`: costs from the plan file, every format, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from keel.cli.main import main

PLAN = """
project:
  name: Office move
  start: 2025-01-06
resources:
  - {id: dev, name: Developer, rate: 100}
tasks:
  - id: prep
    name: Preparation
    children:
      - id: pack
        duration: 5d
        cost: "4000"
        actual_cost: 3000
        progress: {percent: 50, actual_start: 2025-01-06}
      - id: move
        duration: 5d
        after: pack
        work: 40
        resource: dev
  - id: done
    milestone: true
    after: move
baselines:
  - name: Approved
    tasks:
      pack: {start: 2025-01-06T09:00, finish: 2025-01-10T17:00, cost: 4000}
      move: {start: 2025-01-13T09:00, finish: 2025-01-17T17:00}
"""


def _plan(tmp_path: Path, text: str = PLAN) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_gives_every_figure(tmp_path: Path, capsys) -> None:
    """At the end of week one: BAC 8000 (4000 + 40 h x 100), PV 4000, EV 2000, AC 3000."""
    code = main(["evm", _plan(tmp_path), "--status-date", "2025-01-10", "--format", "json"])
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    total = body["total"]
    assert (total["bac"], total["pv"], total["ev"], total["ac"]) == (
        "8000.00",
        "4000.00",
        "2000.00",
        "3000.00",
    )
    assert total["cpi"] == "0.6667"
    assert total["spi"] == "0.5000"
    assert total["eac_cpi"] == "12000.00"
    assert [n["id"] for n in body["nodes"]][:3] == ["Office move", "prep", "pack"]
    assert body["series"][0]["pv"] == "4000.00"


def test_table_and_csv(tmp_path: Path, capsys) -> None:
    """The table ends with a one-line summary; the CSV has one row per node."""
    assert main(["evm", _plan(tmp_path), "--status-date", "2025-01-10"]) == 0
    out = capsys.readouterr().out
    assert "CPI 0.6667" in out and "pack" in out
    assert main(["evm", _plan(tmp_path), "--status-date", "2025-01-10", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("id,name,depth,bac")
    assert len(rows) == 1 + 5


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys) -> None:
    """A bad status date, a resource without a rate, a negative cost: exit 1 with a message."""
    assert main(["evm", _plan(tmp_path), "--status-date", "soon"]) == 1
    assert "not a date" in capsys.readouterr().err
    no_rate = PLAN.replace("rate: 100", "capacity: 1")
    assert main(["evm", _plan(tmp_path, no_rate), "--status-date", "2025-01-10"]) == 1
    assert "has no rate" in capsys.readouterr().err
    negative = PLAN.replace('cost: "4000"', "cost: -5")
    assert main(["evm", _plan(tmp_path, negative), "--status-date", "2025-01-10"]) == 1
    assert "error" in capsys.readouterr().err
