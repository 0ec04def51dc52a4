"""Writing plans back as YAML: what is read back is what was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keel.domain.schedule.cpm import schedule
from keel.interchange.mspdi import mspdi_network, read_mspdi
from keel.plan import load_plan, loads_plan, plan_from_data
from keel.plan.generate import generate_plan
from keel.plan.writer import dump_plan, plan_to_data

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data"


def same_dates(a, b) -> bool:
    return all(
        (a.tasks[t].start, a.tasks[t].finish) == (b.tasks[t].start, b.tasks[t].finish)
        for t in a.tasks
    )


def test_example_round_trips_through_the_writer() -> None:
    """The documented example written back and read again gives the same network,
    baselines and schedule."""
    plan = load_plan(REPO / "examples" / "datacentre-migration.yaml")
    text = dump_plan(
        plan.network,
        baselines=plan.baselines,
        units=plan.units,
        calendar_specs=plan.calendar_specs,
    )
    again = loads_plan(text)
    assert again.network.tasks == plan.network.tasks
    assert again.network.dependencies == plan.network.dependencies
    assert again.baselines == plan.baselines
    assert again.wbs == plan.wbs
    assert "holidays: CN" in text
    assert same_dates(schedule(plan.network), schedule(again.network))


@pytest.mark.parametrize(
    "name", ["mpxj_sample.xml", "mpxj_mspdiduration.xml", "mpxj_mspdirelations.xml"]
)
def test_microsoft_project_files_become_equivalent_plan_files(name: str) -> None:
    """An MSPDI file converted to a plan file schedules to the same dates as the import."""
    imported = mspdi_network(read_mspdi(DATA / "mspdi" / name))
    again = loads_plan(dump_plan(imported.network, baselines=imported.baselines))
    assert again.network.tasks == imported.network.tasks
    assert same_dates(schedule(imported.network), schedule(again.network))


def test_spans_are_written_exactly() -> None:
    """Durations and lags keep every minute: 90 minutes stay 90m, elapsed days stay ed."""
    plan = loads_plan(
        "project: {name: x, start: 2025-03-03}\n"
        "tasks:\n"
        "  - {id: a, duration: 90m}\n"
        "  - {id: b, duration: 3ed, depends: [{task: a, type: SS, lag: -2h}]}\n"
        "  - {id: c, duration: 1.5d, depends: [{task: b, lag: 25%}]}\n"
    )
    tasks = plan_to_data(plan.network)["tasks"]
    assert [t["duration"] for t in tasks] == ["90m", "3ed", "12h"]
    assert tasks[1]["depends"] == [{"task": "a", "type": "SS", "lag": "-2h"}]
    assert tasks[2]["depends"] == [{"task": "b", "lag": "25%"}]


def test_cli_turns_mspdi_into_a_plan_file(tmp_path, capsys) -> None:
    """`keel schedule --import-mspdi FILE -o plan.yaml` writes a plan that schedules."""
    from keel.cli.main import main

    out = tmp_path / "sample.yaml"
    source = DATA / "mspdi" / "mpxj_sample.xml"
    assert main(["schedule", "--import-mspdi", str(source), "-o", str(out)]) == 0
    assert main(["schedule", str(out), "--format", "csv"]) == 0
    assert "Related Task 6b" in capsys.readouterr().out
    assert main(["schedule", "--import-mspdi", str(tmp_path / "none.xml")]) == 1
    assert "cannot read Microsoft Project XML" in capsys.readouterr().err


@settings(max_examples=15, deadline=None)
@given(tasks=st.integers(min_value=1, max_value=120), seed=st.integers(0, 10_000))
def test_any_generated_plan_round_trips(tasks: int, seed: int) -> None:
    """Whatever the size and seed, writing a plan and reading it back changes nothing."""
    plan = plan_from_data(generate_plan(tasks, seed=seed))
    again = loads_plan(dump_plan(plan.network, calendar_specs=plan.calendar_specs))
    assert again.network.tasks == plan.network.tasks
    assert again.network.dependencies == plan.network.dependencies
    assert again.wbs == plan.wbs
