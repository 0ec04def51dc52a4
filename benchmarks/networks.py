"""Seeded random networks for the scheduling benchmarks and property tests.

``random_network(n, seed=...)`` builds a plan shaped like a real one: work tasks grouped
under summary tasks (one summary per ~25 tasks), about 1.5 links per task (mostly FS, some
SS and FF, a few with lags), each link pointing back to one of the previous few hundred
tasks, and a calendar with a lunch break and a year of public holidays.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from keel.domain.schedule import (
    Dependency,
    DependencyType,
    Network,
    Task,
    WorkingCalendar,
    standard_calendar,
)

__all__ = ["benchmark_calendar", "random_network"]

_TYPES = (DependencyType.FS, DependencyType.SS, DependencyType.FF)


def benchmark_calendar(year: int = 2026) -> WorkingCalendar:
    """Standard hours (09:00-12:00, 13:00-18:00) plus ten public holidays in ``year``."""
    holidays = [
        (1, 1),
        (2, 17),
        (2, 18),
        (4, 6),
        (5, 1),
        (6, 19),
        (9, 25),
        (10, 1),
        (10, 2),
        (12, 25),
    ]
    return WorkingCalendar(
        name="project",
        exceptions={date(year, m, d): () for m, d in holidays},
        base=standard_calendar(),
    )


def random_network(
    n: int,
    *,
    seed: int = 0,
    links_per_task: float = 1.5,
    window: int = 300,
    summary_every: int = 25,
) -> Network:
    """Return a random acyclic network of ``n`` tasks (summaries included).

    Parameters
    ----------
    n : int
        Total number of tasks, summary tasks included.
    seed : int
        Seed of the ``numpy.random.Generator``; the same seed gives the same network.
    links_per_task : float
        Average number of links per work task.
    window : int
        A link's predecessor is one of the ``window`` tasks before its successor.
    summary_every : int
        One summary task per this many tasks.
    """
    rng = np.random.default_rng(seed)
    durations = rng.choice(
        [0, 240, 480, 960, 1440, 2400, 4800], size=n, p=[0.05, 0.15, 0.3, 0.2, 0.15, 0.1, 0.05]
    )
    tasks: list[Task] = []
    work_ids: list[str] = []
    current_summary: str | None = None
    for i in range(n):
        if i % summary_every == 0:
            current_summary = f"S{i}"
            tasks.append(Task(id=current_summary, name=f"Phase {i // summary_every}"))
            continue
        task_id = f"T{i}"
        tasks.append(
            Task(
                id=task_id,
                duration=int(durations[i]),
                parent=current_summary,
                milestone=durations[i] == 0,
            )
        )
        work_ids.append(task_id)
    m = len(work_ids)
    n_links = round(links_per_task * m)
    succ = rng.integers(1, m, size=n_links)
    back = rng.integers(1, window + 1, size=n_links)
    pred = np.maximum(succ - back, 0)
    kinds = rng.choice(3, size=n_links, p=[0.8, 0.1, 0.1])
    lags = np.where(rng.random(n_links) < 0.1, rng.choice([-240, 240, 480], size=n_links), 0)
    seen: set[tuple[int, int]] = set()
    deps: list[Dependency] = []
    for p, s, k, lag in zip(
        pred.tolist(), succ.tolist(), kinds.tolist(), lags.tolist(), strict=True
    ):
        if (p, s) in seen:
            continue
        seen.add((p, s))
        deps.append(Dependency(work_ids[p], work_ids[s], _TYPES[k], lag=lag))
    return Network(
        tasks=tuple(tasks),
        dependencies=tuple(deps),
        start=datetime(2026, 1, 5),
        calendars={"project": benchmark_calendar()},
        calendar="project",
        name=f"random-{n}-{seed}",
    )
