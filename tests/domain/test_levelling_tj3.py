"""Keel's levelling agrees with TaskJuggler (tj3) where both follow the same rule.

Small seeded networks are levelled by ``level_resources`` and, written with their resources
and allocations by ``write_tjp``, by TaskJuggler; every task's start and end are compared.
Many independent networks (no shared resources, no links between them) are merged into one
project so that tj3, slow to start, runs once.

What both engines share, and so what the networks use:

* every task has one resource at 100 % (TaskJuggler: an ``effort`` task with a mandatory
  allocation), resources have capacity 1 and TaskJuggler's default efficiency;
* priorities are distinct and fall with the task number, and links (FS, no lag) point from
  lower to higher numbers: TaskJuggler schedules the highest-priority task whose
  predecessors are scheduled, Keel the task that can start first with ties broken by
  priority; with this ordering both give each resource's free time to the same task;
* tasks with links all last one day, so the free stretches a resource leaves are whole days;
  networks of unlinked tasks (all ready at the start) may mix durations;
* resources may have days of leave (``leaves annual`` in TaskJuggler, a calendar exception
  in Keel).

Excluded, with the reason:

* TaskJuggler splits an effort task around time already booked; Keel never splits a task
  (like Microsoft Project's levelling without "split in-progress work"). Networks where a
  task would have to fit a gap shorter than itself behind a later-ready one differ, so
  linked networks use one-day tasks;
* TaskJuggler breaks priority ties by path criticalness, Keel by total float: ties are
  avoided;
* partial units and capacities above 1 have no TaskJuggler equivalent for a fixed-duration
  task (``efficiency`` changes effort, not parallel capacity);
* material, MSO/MFO conflicts and started tasks are reported, not scheduled, by Keel.

TaskJuggler starts a task without links at the project start (00:00); its start is moved to
the next working instant before comparing, as in ``test_tj3_agreement.py``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from keel.domain.resources import Assignment, Resource, level_resources
from keel.domain.schedule import (
    Dependency,
    Network,
    Task,
    WorkingCalendar,
    standard_calendar,
)
from keel.interchange.tj3 import Tj3Missing, find_tj3, run_tj3
from keel.interchange.tjp import write_tjp

pytestmark = pytest.mark.tj3

START = datetime(2025, 3, 3, 9, 0)  # a Monday
CAL = standard_calendar()


@pytest.fixture(scope="module", autouse=True)
def _tj3_installed() -> None:
    try:
        find_tj3()
    except Tj3Missing as err:
        pytest.fail(str(err))


def small_case(rng: random.Random, k: int, calendars: dict) -> tuple[list, list, list, list]:
    """One small network: its tasks, links, resources and assignments (ids prefixed)."""
    n = rng.randint(2, 7)
    linked = rng.random() < 0.6
    people = []
    for r in range(rng.randint(1, 3)):
        rid = f"n{k}r{r}"
        calendar = None
        if rng.random() < 0.4:
            days = {START.date() + timedelta(days=rng.randint(0, 9)) for _ in range(2)}
            calendar = f"leave_{rid}"
            calendars[calendar] = WorkingCalendar(calendar, exceptions=dict.fromkeys(days, ()))
        people.append(Resource(rid, calendar=calendar))
    tasks, deps, links = [], [], []
    for i in range(n):
        duration = 480 if linked else rng.choice([240, 480, 960, 1440])
        tasks.append(Task(f"n{k}t{i}", duration=duration, priority=900 - 10 * k - i))
        links.append(Assignment(f"n{k}t{i}", rng.choice(people).id))
        if linked and i and rng.random() < 0.5:
            deps.append(Dependency(f"n{k}t{rng.randrange(i)}", f"n{k}t{i}"))
    return tasks, deps, people, links


def merged(seed: int, count: int):
    rng = random.Random(seed)
    calendars: dict[str, WorkingCalendar] = {"standard": CAL}
    tasks, deps, people, links = [], [], [], []
    for k in range(count):
        t, d, p, a = small_case(rng, k, calendars)
        tasks += t
        deps += d
        people += p
        links += a
    network = Network(tuple(tasks), tuple(deps), START, calendars)
    return network, people, links


def hand_cases():
    """Hand-made cases: priority order on one person, a chain, and leave."""
    leave = WorkingCalendar("leave_bo", exceptions={date(2025, 3, 4): ()})
    tasks = (
        Task("a", duration=480, priority=300),
        Task("b", duration=960, priority=800),
        Task("c", duration=480, priority=600),
        Task("d", duration=480, priority=700),
        Task("e", duration=480, priority=650),
    )
    deps = (Dependency("d", "e"),)
    people = [Resource("ann"), Resource("bo", calendar="leave_bo")]
    links = [
        Assignment("a", "ann"),
        Assignment("b", "ann"),
        Assignment("c", "ann"),
        Assignment("d", "bo"),
        Assignment("e", "bo"),
    ]
    return Network(tasks, deps, START, {"standard": CAL, "leave_bo": leave}), people, links


def compare(network: Network, people: list, links: list) -> int:
    ours = level_resources(network, people, links).schedule
    export = write_tjp(network, resources=people, assignments=links, horizon=timedelta(days=150))
    assert not [s for s in export.skipped if "units" in s or "material" in s]
    theirs = run_tj3(export, timeout=300)
    mismatches = []
    for task in network.tasks:
        mine = ours.tasks[task.id]
        got = theirs[task.id]
        start = CAL.next_working_instant(got.start)
        if (mine.start, mine.finish) != (start, got.end):
            mismatches.append((task.id, mine.start, mine.finish, start, got.end))
    assert mismatches == []
    return len(network.tasks)


def test_hand_cases_agree_with_tj3():
    """On one person, tasks run in priority order; a chain on a person with a day of leave
    skips it; both engines give the same dates."""
    network, people, links = hand_cases()
    ours = level_resources(network, people, links).schedule
    assert [ours.tasks[t].start.day for t in "bdeca"] == [3, 3, 5, 5, 6]
    compare(network, people, links)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_small_networks_agree_with_tj3(seed):
    """Dozens of seeded small networks, levelled by both engines: same starts and ends."""
    network, people, links = merged(seed, 30)
    assert compare(network, people, links) > 60
