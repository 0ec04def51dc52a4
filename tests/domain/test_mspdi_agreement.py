"""Keel's engine re-schedules Microsoft Project files to the dates Microsoft Project stored.

Each MSPDI file in the shared sample folder is read with Keel's reader, scheduled by Keel's
engine, and every task's start and finish compared with the dates in
``expected/<file>.json`` (Microsoft Project's own stored dates, as the MPXJ library reads
them).

Tasks whose dates Microsoft Project did not compute from the network are excluded, each
with its reason, and pinned to their stored dates (must-start-on, with the duration their
stored dates span) so that their successors can still be compared:

* manually scheduled tasks (``<Manual>1``): their dates are typed in by the user;
* resource-driven tasks: tasks with a resource assignment whose stored dates do not span
  their duration on the task calendar, because assignment work, units, contours and resource
  calendars set them;
* summary tasks whose start or finish rolls up from an excluded task.

Every other task must match Project's stored start and finish exactly (the report also prints
how many match to the same working instant, e.g. 17:00 versus 08:00 the next morning).
Further:

* ``mpxj_TwentyFourHourCalendar.xml`` is a Primavera P6 file, not MSPDI: the reader must
  refuse it with a clear message.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from keel.domain.errors import PlanError
from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.cpm import schedule
from keel.domain.schedule.model import Constraint, ConstraintType, Network
from keel.interchange.mspdi import MspdiProject, mspdi_network, read_mspdi

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
NOT_MSPDI = {"mpxj_TwentyFourHourCalendar.xml": "Primavera P6 XML"}


def mspdi_files() -> list[Path]:
    return sorted(
        p for p in (DATA / "mspdi").glob("*.xml") if (DATA / "expected" / f"{p.name}.json").exists()
    )


def _when(text: str | None) -> datetime | None:
    # Keel counts whole minutes; Project may store seconds (a 1.4285 w task ends at 09:08:24).
    return datetime.fromisoformat(text).replace(second=0) if text else None


def exclusions(project: MspdiProject, network: Network) -> dict[str, str]:
    """Task id → why Microsoft Project's dates for it are not the network's to compute."""
    reasons: dict[str, str] = {}
    assigned = {a.task_uid for a in project.assignments if a.resource_uid is not None}
    by_id = {t.id: t for t in network.tasks}
    for item in project.tasks:
        tid = str(item.uid)
        if tid not in by_id or item.summary:
            continue
        if item.manual:
            reasons[tid] = "manually scheduled: its dates are typed in, not computed"
            continue
        if item.uid in assigned and item.start and item.finish and not item.elapsed:
            cal = _calendar(network, by_id[tid].calendar)
            span = cal.working_minutes_between(item.start, item.finish)
            if span != item.duration:
                reasons[tid] = (
                    f"resource-driven: stored dates span {span} working minutes, "
                    f"duration is {item.duration}"
                )
    # A summary's dates roll up from its children: when the child that sets its start or
    # finish is excluded, so is the summary (e.g. a finish Project stored as 08:00 the next
    # morning for a resource-driven child, pinned here at that same working instant).
    stored = {str(t.uid): t for t in project.tasks}
    children: dict[str, list[str]] = {}
    for task in network.tasks:
        if task.parent is not None:
            children.setdefault(task.parent, []).append(task.id)
    for item in sorted(project.tasks, key=lambda t: -t.outline_level):
        tid = str(item.uid)
        drivers = [
            k
            for k in children.get(tid, [])
            if stored[k].finish == item.finish or stored[k].start == item.start
        ]
        if tid not in reasons and any(k in reasons for k in drivers):
            reasons[tid] = "summary whose start or finish rolls up from an excluded task"
    return reasons


def _calendar(network: Network, name: str | None) -> WorkingCalendar:
    cal = network.calendars[name or network.calendar]
    assert isinstance(cal, WorkingCalendar)
    return cal


def pin(network: Network, project: MspdiProject, excluded: dict[str, str]) -> Network:
    """Fix excluded tasks at their stored dates so their successors stay comparable."""
    stored = {str(t.uid): t for t in project.tasks}
    tasks = []
    for task in network.tasks:
        item = stored[task.id]
        if task.id in excluded and item.start and item.finish:
            cal = _calendar(network, task.calendar)
            duration = cal.working_minutes_between(item.start, item.finish)
            task = replace(
                task,
                duration=duration,
                constraint=Constraint(ConstraintType.MSO, item.start),
                actual_start=None,
                actual_finish=None,
                remaining=None,
            )
        tasks.append(task)
    return replace(network, tasks=tuple(tasks))


def agreement(
    path: Path, *, manual: bool = False
) -> tuple[int, int, int, dict[str, str], list[str]]:
    """(compared, exact, same working instant, excluded with reasons, mismatch lines).

    With ``manual`` only the manually scheduled tasks are compared, scheduled automatically
    as Keel would: an informative figure, outside the target rate.
    """
    expected = json.loads((DATA / "expected" / f"{path.name}.json").read_text())
    project = read_mspdi(path)
    imported = mspdi_network(project)
    excluded = exclusions(project, imported.network)
    network = imported.network if manual else pin(imported.network, project, excluded)
    result = schedule(network)
    manual_ids = {str(t.uid) for t in project.tasks if t.manual}
    compared = exact = same = 0
    lines = []
    for item in expected["tasks"]:
        tid = str(item["uid"])
        if tid not in result.tasks or item["start"] is None:
            continue
        if (tid not in manual_ids) if manual else (tid in excluded):
            continue
        mine = result.tasks[tid]
        cal = _calendar(network, next(t.calendar for t in network.tasks if t.id == tid))
        start, finish = _when(item["start"]), _when(item["finish"])
        assert start is not None and finish is not None
        compared += 1
        if (mine.start, mine.finish) == (start, finish):
            exact += 1
            same += 1
            continue
        equivalent = cal.working_minutes_between(mine.start, start) == 0 and (
            cal.working_minutes_between(mine.finish, finish) == 0
        )
        same += equivalent
        lines.append(
            f"  {tid} {item['name']!r}: keel {mine.start:%Y-%m-%d %H:%M} – "
            f"{mine.finish:%Y-%m-%d %H:%M}, Project {start:%Y-%m-%d %H:%M} – "
            f"{finish:%Y-%m-%d %H:%M}" + (" (same working instant)" if equivalent else "")
        )
    return compared, exact, same, excluded, lines


@pytest.mark.parametrize("path", mspdi_files(), ids=lambda p: p.name)
def test_engine_reproduces_microsoft_project_dates(path: Path) -> None:
    """Every computed task starts and finishes when Microsoft Project said it would."""
    if path.name in NOT_MSPDI:
        with pytest.raises(PlanError, match="not a Microsoft Project XML file"):
            read_mspdi(path)
        print(f"{path.name}: excluded, {NOT_MSPDI[path.name]}, refused with a clear message")
        return
    compared, exact, same, excluded, lines = agreement(path)
    rate = exact / compared if compared else 1.0
    rate_same = same / compared if compared else 1.0
    print(
        f"{path.name}: {exact}/{compared} exact ({rate:.0%}), {same}/{compared} same working "
        f"instant ({rate_same:.0%}), {len(excluded)} excluded"
    )
    for tid, reason in list(excluded.items())[:5]:
        print(f"  excluded {tid}: {reason}")
    if len(excluded) > 5:
        print(f"  … and {len(excluded) - 5} more excluded")
    print("\n".join(lines))
    manual = sum(1 for reason in excluded.values() if reason.startswith("manual"))
    if manual:
        m_compared, m_exact, _, _, _ = agreement(path, manual=True)
        print(f"  manual tasks (not in the rate) that also agree: {m_exact}/{m_compared}")
    assert rate == 1.0, "\n".join(lines)
    assert rate_same == 1.0, "\n".join(lines)


def test_match_rate_over_all_files() -> None:
    """Across all sample files every compared task (all but manual and resource-driven ones)
    matches Project's dates exactly."""
    totals = [0, 0, 0, 0]
    for path in mspdi_files():
        if path.name in NOT_MSPDI:
            continue
        compared, exact, same, excluded, _ = agreement(path)
        totals = [
            a + b for a, b in zip(totals, (compared, exact, same, len(excluded)), strict=True)
        ]
    compared, exact, same, excluded = totals
    print(
        f"all files: {exact}/{compared} exact ({exact / compared:.1%}), {same}/{compared} "
        f"same working instant ({same / compared:.1%}), {excluded} excluded"
    )
    assert compared >= 30
    assert exact == compared
    assert same == compared


def test_start_to_finish_successor_finishes_at_its_predecessors_start() -> None:
    """Like Microsoft Project, an SF successor finishes at 08:00 Monday when its predecessor
    starts then, not at 17:00 the Friday before."""
    path = DATA / "mspdi" / "mpxj_mspdirelations.xml"
    result = schedule(mspdi_network(read_mspdi(path)).network)
    assert result.tasks["5"].finish == datetime(2006, 9, 25, 8, 0)
