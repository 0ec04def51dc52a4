"""Import/export benchmark (issue #8).

Run from the repository root::

    .venv/bin/python benchmarks/interchange.py             # 10,000 tasks
    .venv/bin/python benchmarks/interchange.py --tasks 2000

It writes a Microsoft Project XML (MSPDI) file of 10,000 tasks — 400 summary tasks of 24 work
tasks each, with about 1.4 dependencies per work task (FS, SS and FF, some with lags) — and
times, on a fresh test database (SQLite, test settings):

* ``import_commit`` of that file into a new project (reading, checks, saving every item, link
  and change record, and asking for a schedule): target < 5 s;
* ``export_project(..., "mspdi")`` of the imported project: target < 3 s.

Each figure is the best wall time of ``--runs`` runs (default 2; the import goes into a new
project each time), with the process's CPU time beside it: on a shared machine the wall time
can be much longer than the CPU time. It prints the figures and PASS or FAIL (on the wall
time), and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

IMPORT_TARGET = 5.0
EXPORT_TARGET = 3.0


def mspdi_file(tasks: int, seed: int = 8) -> bytes:
    """An MSPDI file of ``tasks`` tasks (one summary per 25) with seeded dependencies."""
    from keel.interchange.plan import Plan, PlanItem, PlanLink
    from keel.interchange.writers import write_mspdi

    rng = random.Random(seed)
    items: list[PlanItem] = []
    links: list[PlanLink] = []
    start = datetime(2026, 1, 5, 8)
    summary = ""
    work: list[str] = []
    for n in range(1, tasks + 1):
        ref = str(n)
        if (n - 1) % 25 == 0:
            summary = ref
            items.append(PlanItem(ref=ref, title=f"Phase {n // 25 + 1}", type="deliverable"))
            continue
        days = Decimal(rng.choice((1, 2, 3, 5, 8)))
        begin = start + timedelta(days=(n // 25) * 7 % 700)
        milestone = n % 25 == 24
        items.append(
            PlanItem(
                ref=ref,
                title=f"Task {n} 任务",
                parent=summary,
                type="milestone" if milestone else "task",
                start=begin,
                finish=begin if milestone else begin + timedelta(days=int(days) - 1, hours=9),
                duration_days=Decimal(0) if milestone else days,
                progress=rng.choice((0, 0, 0, 25, 50, 100)),
            )
        )
        if work:
            for _ in range(1 if rng.random() < 0.6 else 2):
                pred = rng.choice(work[-300:])
                kind = rng.choices(("FS", "SS", "FF"), (8, 1, 1))[0]
                lag = Decimal(rng.choice((0, 0, 0, 0, 1, 2)))
                links.append(PlanLink(pred, ref, kind, lag))
        work.append(ref)
    unique = {(lk.predecessor, lk.successor): lk for lk in links}
    plan = Plan(
        name="Benchmark 基准",
        format="keel",
        start=start,
        items=tuple(items),
        links=tuple(unique.values()),
    )
    return write_mspdi(plan)


def setup_db() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keel.config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    data = mspdi_file(args.tasks)
    made = time.perf_counter() - t0
    print(
        f"MSPDI file: {args.tasks:,} tasks, {len(data) / 1048576:.1f} MiB, written in {made:.2f} s"
    )

    setup_db()
    from keel.apps.accounts.models import User
    from keel.apps.interchange.services import export_project, import_commit
    from keel.apps.projects.models import Portfolio, PortfolioMembership
    from keel.apps.work.models import Dependency, WorkItem
    from keel.interchange.readers import read_plan

    boss = User.objects.create_user(username="boss", password="x")
    portfolio = Portfolio.objects.create(name="Bench", slug="bench")
    PortfolioMembership.objects.create(portfolio=portfolio, user=boss, role="pmo_admin")

    plan = read_plan(data)
    imports: list[float] = []
    import_cpu: list[float] = []
    project = None
    for run in range(args.runs):
        key = f"BEN{chr(65 + run)}"
        t0, c0 = time.perf_counter(), time.process_time()
        result = import_commit(actor=boss, data=data, project_key=key, portfolio=portfolio)
        imports.append(time.perf_counter() - t0)
        import_cpu.append(time.process_time() - c0)
        project = result.project
        assert WorkItem.objects.filter(project=project).count() == len(plan.items)
        assert Dependency.objects.filter(project=project).count() == len(plan.links)
    assert project is not None
    exports: list[float] = []
    export_cpu: list[float] = []
    size = 0
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = export_project(project, "mspdi")
        exports.append(time.perf_counter() - t0)
        export_cpu.append(time.process_time() - c0)
        size = len(out)
    back = read_plan(out)
    assert len(back.items) == len(plan.items) and len(back.links) == len(plan.links)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ok_import = min(imports) < IMPORT_TARGET
    ok_export = min(exports) < EXPORT_TARGET
    print(f"load average {load:.1f}")
    print(
        f"import {len(plan.items):,} tasks, {len(plan.links):,} links: best {min(imports):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in imports)}; CPU "
        f"{', '.join(f'{t:.2f}' for t in import_cpu)}) target < {IMPORT_TARGET:.0f} s: "
        f"{'PASS' if ok_import else 'FAIL'}"
    )
    print(
        f"export MSPDI ({size / 1048576:.1f} MiB): best {min(exports):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in exports)}; CPU "
        f"{', '.join(f'{t:.2f}' for t in export_cpu)}) target < {EXPORT_TARGET:.0f} s: "
        f"{'PASS' if ok_export else 'FAIL'}"
    )
    return 0 if ok_import and ok_export else 1


if __name__ == "__main__":
    sys.exit(main())
