"""Monte Carlo benchmark: wall time and peak memory of ``keel.domain.risk.simulate``.

Run from the repository root::

    .venv/bin/python benchmarks/montecarlo.py            # both targets
    .venv/bin/python benchmarks/montecarlo.py --quick    # the small one only

Targets (issue #7):

* 10,000 iterations over a 10,000-task network with 20,000 dependencies < 5 s and < 2 GB;
* 1,000 iterations over 1,000 tasks < 0.3 s.

Every work task gets a three-point duration (half PERT-beta, half triangular, -20 % / +50 %
around the planned duration) and a triangular cost; 20 risk events threaten 5 tasks each;
10 pairs of tasks have correlated durations. Each case runs in a fresh Python process so the
peak resident memory (``ru_maxrss``, interpreter and NumPy included) is that run's alone.
CPU seconds add up every thread of the run (``simulate`` computes chunks on two threads).
The wall time covers everything ``simulate`` does: compiling the network, sampling, the
passes, percentiles, criticality, tornado, histograms and date conversion.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np
from networks import random_network

from keel.domain.risk import Correlation, Distribution, RiskEvent, TaskUncertainty, simulate
from keel.domain.risk.engine import WORKERS
from keel.domain.schedule import Network

# (tasks, iterations, links per work task, seconds, MiB or None)
CASES = {
    "large": (10_000, 10_000, 2.11, 5.0, 2048.0),
    "small": (1_000, 1_000, 1.5, 0.3, None),
}


def inputs(
    network: Network, seed: int
) -> tuple[list[TaskUncertainty], list[RiskEvent], list[Correlation]]:
    """Estimates, risks and correlations for every work task of ``network``."""
    rng = np.random.default_rng(seed)
    parents = {t.parent for t in network.tasks}
    work = [t for t in network.tasks if t.id not in parents]
    estimates = []
    for i, task in enumerate(work):
        d = task.duration
        make = Distribution.pert if i % 2 else Distribution.triangular
        cost = 50 * d + 1000
        estimates.append(
            TaskUncertainty(
                task.id,
                make(round(d * 0.8), d, round(d * 1.5)),
                Distribution.triangular(cost * 0.9, cost, cost * 1.4),
            )
        )
    ids = [t.id for t in work]
    risks = [
        RiskEvent(
            f"R{k}",
            f"Risk {k}",
            float(rng.uniform(0.05, 0.5)),
            tuple(rng.choice(ids, size=5, replace=False).tolist()),
            Distribution.triangular(240, 960, 2400),
            Distribution.triangular(1000, 5000, 20000),
        )
        for k in range(20)
    ]
    picked = rng.choice(ids, size=20, replace=False).tolist()
    correlations = [Correlation(picked[2 * k], picked[2 * k + 1], 0.6) for k in range(10)]
    return estimates, risks, correlations


def run_case(name: str) -> dict[str, float]:
    """Time one case in this process and return its figures."""
    tasks, iterations, links, _, _ = CASES[name]
    network = random_network(tasks, seed=7, links_per_task=links)
    estimates, risks, correlations = inputs(network, 7)
    start = time.perf_counter()
    cpu = time.process_time()
    result = simulate(network, estimates, risks, correlations, iterations=iterations, seed=42)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "tasks": len(network.tasks),
        "links": len(network.dependencies),
        "iterations": iterations,
        "wall": wall,
        "cpu": cpu,
        "peak_mib": peak,
        "p50_minutes": result.duration_percentiles[50],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the small case")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    names = ["small"] if args.quick else ["small", "large"]
    failed = False
    print(f"{'case':<6} {'tasks':>7} {'links':>7} {'iter':>7} {'wall s':>8} {'cpu s':>7} "
          f"{'peak MiB':>9} {'iter×tasks/s':>14}  verdict")  # fmt: skip
    for name in names:
        out = subprocess.run(
            [sys.executable, __file__, "--case", name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        fig = json.loads(out.strip().splitlines()[-1])
        _, _, _, seconds, mib = CASES[name]
        rate = fig["iterations"] * fig["tasks"] / fig["wall"]
        ok = fig["wall"] < seconds and (mib is None or fig["peak_mib"] < mib)
        failed |= not ok
        target = f"< {seconds:g} s" + ("" if mib is None else f", < {mib:g} MiB")
        print(
            f"{name:<6} {fig['tasks']:>7,} {fig['links']:>7,} {fig['iterations']:>7,} "
            f"{fig['wall']:>8.2f} {fig['cpu']:>7.2f} {fig['peak_mib']:>9.0f} {rate:>14,.0f}  "
            f"{'PASS' if ok else 'FAIL'} ({target})"
        )
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f} while measuring; "
        f"simulate uses {WORKERS} thread(s). Wall time is what the targets count; on a busy "
        "machine it exceeds CPU time by the share other processes take."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
