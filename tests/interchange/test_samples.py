"""Every sample file from another tool reads into the plan its own content states.

The reference is ``../shared/data/expected/*.json`` (what the independent MPXJ library reads
in each file). Tasks are compared by name, parent, milestone flag, dates, progress, constraint
and predecessor links (type and lag); resources and assignments by name and task.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keel.interchange.plan import InterchangeError
from keel.interchange.readers import read_plan

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EXPECTED = sorted((SAMPLES / "expected").glob("*.json"))
_FOLDERS = {".gan": "gan", ".xml": "mspdi", ".planner": "planner"}
_CONSTRAINTS = {
    "AS_SOON_AS_POSSIBLE": "ASAP",
    "AS_LATE_AS_POSSIBLE": "ALAP",
    "START_NO_EARLIER_THAN": "SNET",
    "START_NO_LATER_THAN": "SNLT",
    "FINISH_NO_EARLIER_THAN": "FNET",
    "FINISH_NO_LATER_THAN": "FNLT",
    "MUST_START_ON": "MSO",
    "MUST_FINISH_ON": "MFO",
}


def _source(expected: Path) -> Path:
    name = expected.name.removesuffix(".json")
    return SAMPLES / _FOLDERS[Path(name).suffix] / name


def _lag_days(lag: dict[str, Any] | None, minutes_per_day: float) -> Decimal:
    if not lag:
        return Decimal(0)
    value = Decimal(str(lag["value"]))
    per = {
        "d": 1,
        "h": Decimal(60) / Decimal(str(minutes_per_day)),
        "m": Decimal(1) / Decimal(str(minutes_per_day)),
        "w": 5,
    }
    return (value * Decimal(per.get(lag["units"], 1))).quantize(Decimal("0.01"))


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.removesuffix(".json"))
def test_sample_reads_as_the_file_states(expected: Path) -> None:
    want = json.loads(expected.read_text())
    data = _source(expected).read_bytes()
    if b"APIBusinessObjects" in data[:2000]:
        # Primavera P6 XML, not Microsoft Project XML: refused with a message saying so.
        with pytest.raises(InterchangeError, match="APIBusinessObjects"):
            read_plan(data)
        return
    plan = read_plan(data)
    per_day = want["project"].get("minutes_per_day") or 480.0
    tasks = [
        t
        for t in want["tasks"]
        if t["outline_level"] and not t["null_task"] and t["name"] is not None
    ]
    names = {t["uid"]: t["name"] for t in want["tasks"]}
    got = {item.ref: item for item in plan.items}
    assert [i.title for i in plan.items] == [t["name"] for t in tasks]
    for item, task in zip(plan.items, tasks, strict=True):
        parent = names.get(task["parent_uid"]) if task["outline_level"] > 1 else None
        got_parent = got[item.parent].title if item.parent else None
        assert got_parent == parent, item.title
        assert (item.type == "milestone") == task["milestone"], item.title
        if task["start"] and item.start:
            assert item.start.date().isoformat() == task["start"][:10], item.title
        if task["finish"] and item.finish and not task["milestone"]:
            assert item.finish.date().isoformat() == task["finish"][:10], item.title
        assert item.progress == round(task["percent_complete"] or 0), item.title
        if task["constraint_type"]:
            assert item.constraint_type == _CONSTRAINTS[task["constraint_type"]], item.title
        want_links = sorted(
            (names[p["uid"]], p["type"], _lag_days(p.get("lag"), per_day))
            for p in task["predecessors"]
        )
        got_links = sorted(
            (got[lk.predecessor].title, lk.type, lk.lag_days)
            for lk in plan.links
            if lk.successor == item.ref
        )
        assert got_links == want_links, item.title
        for number, baseline in (task.get("baselines") or {}).items():
            rows = [b for b in plan.baselines if b.number == int(number)]
            assert rows, f"baseline {number} of {item.title}"
            row = next(r for r in rows[0].items if r[0] == item.ref)
            if baseline.get("start"):
                assert row[1] is not None and row[1].isoformat()[:10] == baseline["start"][:10]
    resources = [r["name"] for r in want["resources"] if r["uid"] != 0 and r["name"]]
    assert sorted(r.name for r in plan.resources if r.name) == sorted(resources)
    by_res = {r.ref: r.name for r in plan.resources}
    want_assign = sorted(
        (names[a["task_uid"]], _resource_name(want, a["resource_uid"]))
        for a in want["assignments"]
        if a["resource_uid"] not in (None, -65535)
        and _resource_name(want, a["resource_uid"])
        and a["task_uid"] in {t["uid"] for t in tasks}
    )
    got_assign = sorted((got[a.item].title, by_res[a.resource]) for a in plan.assignments)
    assert got_assign == want_assign


def _resource_name(want: dict[str, Any], uid: int) -> str | None:
    return next((r["name"] for r in want["resources"] if r["uid"] == uid), None)


@pytest.mark.parametrize(
    "path",
    sorted((SAMPLES / "tjp").rglob("*.tjp")),
    ids=lambda p: p.name,
)
def test_taskjuggler_files_are_refused_with_a_clear_message(path: Path) -> None:
    with pytest.raises(InterchangeError, match="does not import TaskJuggler"):
        read_plan(path.read_bytes(), filename=path.name)


@pytest.mark.parametrize("path", sorted((SAMPLES / "ics").glob("*.ics")), ids=lambda p: p.name)
def test_icalendar_samples_import_their_events_and_todos(path: Path) -> None:
    text = path.read_text()
    entries = text.count("BEGIN:VEVENT") + text.count("BEGIN:VTODO")
    plan = read_plan(path.read_bytes())
    assert plan.format == "ics"
    assert len(plan.items) == entries
    summaries, inside = [], False
    for line in text.splitlines():
        if line in {"BEGIN:VEVENT", "BEGIN:VTODO"}:
            inside = True
        elif line in {"END:VEVENT", "END:VTODO"}:
            inside = False
        elif inside and line.startswith("SUMMARY"):
            summaries.append(line.split(":", 1)[1])
    assert [i.title for i in plan.items] == summaries
