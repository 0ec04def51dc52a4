"""Resource levelling benchmark: wall time against the targets, tj3 side by side.

Run from the repository root::

    .venv/bin/python benchmarks/levelling.py              # 5k and 20k tasks, tj3 on 5k
    .venv/bin/python benchmarks/levelling.py --quick      # 5k only, no tj3
    .venv/bin/python benchmarks/levelling.py --tj3-large  # tj3 on 20k too (takes minutes)

Targets (issue #5): levelling a 5,000-task project with 500 resources in < 2 s; 20,000 tasks
in < 10 s. The network is ``networks.random_network`` (summaries, ~1.5 links per task, a
calendar with a lunch break and holidays); every work task gets one or two of the resources
(seeded), at 100 % or 50 %, with priorities 300-800. The figure is the whole
``level_resources`` call: validation, the unlevelled CPM, the levelling loop, the final
schedule and the over-allocation report. tj3 gets the same tasks, links, resources,
allocations and priorities as a .tjp file (``keel.interchange.tjp.write_tjp``).

If ``benchmarks/utilisation.py`` exists (the heat-map timing), it is run at the end.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np
from networks import random_network

from keel.domain.resources import (
    Assignment,
    Resource,
    level_resources,
    over_allocations,
)
from keel.domain.schedule import Network

TARGETS = {5_000: 2.0, 20_000: 10.0}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def staffed(
    n: int, resources: int, *, seed: int
) -> tuple[Network, list[Resource], list[Assignment]]:
    """A random network with ``resources`` people, one or two on each work task."""
    network = random_network(n, seed=seed)
    rng = np.random.default_rng(seed)
    people = [Resource(f"R{k}", f"Person {k}") for k in range(resources)]
    parents = {t.parent for t in network.tasks} - {None}
    links: list[Assignment] = []
    tasks = []
    for task in network.tasks:
        tasks.append(replace(task, priority=int(rng.choice([300, 500, 500, 800]))))
        if task.id in parents or not task.duration:
            continue
        count = 1 if rng.random() < 0.8 else 2
        for k in rng.choice(resources, size=count, replace=False).tolist():
            links.append(Assignment(task.id, f"R{k}", 1.0 if rng.random() < 0.8 else 0.5))
    return replace(network, tasks=tuple(tasks)), people, links


def bench(n: int, resources: int = 500) -> tuple[bool, float, tuple[Network, list, list]]:
    case = staffed(n, resources, seed=n)
    network, people, links = case
    times = []
    result = None
    for _ in range(2 if n <= 5_000 else 1):
        t0 = time.perf_counter()
        c0 = time.process_time()
        result = level_resources(network, people, links)
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    assert result is not None
    wall, cpu = min(times)
    left = over_allocations(result.schedule, people, links)
    ok = wall < TARGETS[n] and not left and not result.unresolved
    print(
        f"{n:>6,} tasks, {resources} resources, {len(links):,} assignments: "
        f"levelled in {wall:.2f} s wall ({cpu:.2f} s CPU), target < {TARGETS[n]:.0f} s; "
        f"{len(result.moves):,} tasks moved, finish {result.finish_before:%Y-%m-%d} -> "
        f"{result.finish_after:%Y-%m-%d}; over-allocations left: {len(left)}  {verdict(ok)}"
    )
    return ok, wall, case


def time_tj3(case: tuple[Network, list, list], n: int) -> float | None:
    """tj3's wall time on the same network with the same resources and allocations."""
    from keel.interchange.tj3 import Tj3Error, Tj3Missing, run_tj3
    from keel.interchange.tjp import write_tjp

    network, people, links = case
    horizon = timedelta(days=365 * 12)
    export = write_tjp(network, horizon=horizon, resources=people, assignments=links)
    t0 = time.perf_counter()
    try:
        run_tj3(export, timeout=1800)
    except Tj3Missing:
        print("   tj3 is not installed")
        return None
    except Tj3Error as err:
        print(f"   tj3 failed: {err.message[:300]}")
        return None
    seconds = time.perf_counter() - t0
    print(f"   tj3 levelled {n:,} tasks in {seconds:.1f} s "
          f"(without {len(export.skipped)} items it cannot express)")  # fmt: skip
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5k tasks only, no tj3")
    parser.add_argument("--tj3-large", action="store_true", help="run tj3 on 20k tasks too")
    args = parser.parse_args(argv)
    sizes = [5_000] if args.quick else [5_000, 20_000]
    results = []
    for n in sizes:
        ok, wall, case = bench(n)
        results.append(ok)
        if not args.quick and (n == 5_000 or args.tj3_large):
            tj3 = time_tj3(case, n)
            if tj3 is not None:
                print(f"side by side, {n:,} tasks: Keel {wall:.2f} s, tj3 {tj3:.1f} s")
    print("ALL PASS" if all(results) else "SOME TARGETS FAILED")
    print(f"load average while running: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    heat_map = Path(__file__).resolve().parent / "utilisation.py"
    if heat_map.exists():
        print("--- benchmarks/utilisation.py ---")
        runpy.run_path(str(heat_map), run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
