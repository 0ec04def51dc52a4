"""Page benchmark (issue #4): the Plan, Gantt and Board tabs of a 2,000-item project.

Run from the repository root::

    .venv/bin/python benchmarks/pages.py             # 2,000 items + 3,000 dependencies
    KEEL_BENCH_PROFILE=gantt .venv/bin/python benchmarks/pages.py   # profile one page instead
    KEEL_BENCH_SQL=1 .venv/bin/python benchmarks/pages.py            # also print each query

A throwaway SQLite database (test settings) gets a waterfall project: 100 work packages of 19
tasks each (2,000 items with one milestone per package), 3,000 finish-to-start, start-to-start
and finish-to-finish links between them, scheduled dates, progress, assignees from a team of
20 and a current baseline. Each page is requested through Django's test client, signed in as
the project manager: one warm-up request, then the median of 10.

Targets: each page under 300 ms server time; the number of SQL queries per page the same for
a 200-item project as for the 2,000-item one (no query per item).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

START = date(2026, 1, 5)
TARGET_S = 0.3
PAGES = {"Plan": "plan", "Gantt": "gantt", "Board": "board"}
LAST_QUERIES: list[str] = []  # the SQL of the last measured page (KEEL_BENCH_SQL=1 prints it)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keel.config.settings.test")
    os.environ.pop("KEEL_DATABASE_URL", None)  # always the throwaway SQLite database
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)


def build(key: str, packages: int, links: int, boss: object, people: list) -> object:
    """A project of ``packages`` x 20 items (19 tasks and a milestone each) and ``links``
    dependencies, scheduled and baselined; ``boss`` manages it."""
    from keel.apps.projects.models import Portfolio, Project, ProjectMembership
    from keel.apps.projects.templates import template_apply
    from keel.apps.work.models import (
        Baseline,
        BaselineItem,
        Dependency,
        WorkflowStatus,
        WorkItem,
    )

    portfolio, _ = Portfolio.objects.get_or_create(name="Bench", slug="bench")
    project = Project.objects.create(
        key=key, name=f"Benchmark {key}", portfolio=portfolio, manager=boss, start_date=START
    )
    ProjectMembership.objects.create(project=project, user=boss, role="project_manager")
    for person in people:
        ProjectMembership.objects.create(project=project, user=person, role="member")
    template_apply(actor=boss, project=project, template="waterfall")
    WorkItem.objects.filter(project=project).delete()
    statuses = list(WorkflowStatus.objects.filter(workflow__project=project).order_by("position"))
    number = 0
    rows = []
    for w in range(packages):
        number += 1
        rows.append(
            WorkItem(
                project=project, number=number, title=f"Work package {w + 1}",
                status=statuses[0], type="deliverable", outline_code=str(w + 1),
                outline_sort=f"{w:05d}",
            )
        )  # fmt: skip
    WorkItem.objects.bulk_create(rows)
    parents = list(WorkItem.objects.filter(project=project).order_by("number"))
    rows = []
    for w, parent in enumerate(parents):
        for t in range(19):
            number += 1
            milestone = t == 18
            begin = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(days=w * 3 + t)
            finish = begin if milestone else begin + timedelta(days=2, hours=8)
            rows.append(
                WorkItem(
                    project=project, number=number, parent=parent,
                    title=f"Gate {w + 1}" if milestone else f"Task {w + 1}.{t + 1}",
                    type="milestone" if milestone else "task",
                    status=statuses[number % len(statuses)],
                    estimate_hours=None if milestone else Decimal(24),
                    duration_days=Decimal(0) if milestone else Decimal(3),
                    progress=number % 101, assignee=people[number % len(people)],
                    outline_code=f"{w + 1}.{t + 1}", outline_sort=f"{w:05d}.{t:05d}",
                    early_start=begin, early_finish=finish, is_critical=t % 7 == 0,
                )
            )  # fmt: skip
    WorkItem.objects.bulk_create(rows)
    leaves = list(WorkItem.objects.filter(project=project, parent__isnull=False).order_by("number"))
    deps = []
    seen = set()
    kinds = ["FS"] * 8 + ["SS", "FF"]
    k = 0
    while len(deps) < links:
        k += 1
        succ = leaves[k % len(leaves)]
        back = 1 + (k * 7919) % 40
        index = k % len(leaves)
        if index < back:
            continue
        pred = leaves[index - back]
        if (pred.pk, succ.pk) in seen:
            k += 1
            continue
        seen.add((pred.pk, succ.pk))
        deps.append(
            Dependency(
                project=project, predecessor=pred, successor=succ, type=kinds[k % len(kinds)]
            )
        )
    Dependency.objects.bulk_create(deps)
    baseline = Baseline.objects.create(project=project, number=1, name="Plan", is_current=True)
    BaselineItem.objects.bulk_create(
        BaselineItem(
            baseline=baseline, item=i, item_key=f"{key}-{i.number}", title=i.title,
            start=i.early_start and i.early_start - timedelta(days=2),
            finish=i.early_finish and i.early_finish - timedelta(days=1),
        )
        for i in WorkItem.objects.filter(project=project)
    )  # fmt: skip
    return project


def measure(client: object, url: str, repeats: int = 10) -> tuple[float, float, float, float, int]:
    """Median, minimum and maximum wall seconds of ``repeats`` requests, their median CPU
    seconds, and the number of queries of one request."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = client.get(url)  # type: ignore[attr-defined]
    LAST_QUERIES[:] = queries
    assert first.status_code == 200, (url, first.status_code)
    times = []
    cpu = []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert response.status_code == 200
    return statistics.median(times), min(times), max(times), statistics.median(cpu), len(queries)


def main() -> int:
    setup()
    from django.test import Client

    from keel.apps.accounts.models import User
    from keel.apps.work.models import Dependency, WorkItem

    boss = User.objects.create_user(username="boss", password="x", display_name="Bench PM")
    people = [
        User.objects.create_user(username=f"p{i}", password="x", display_name=f"Person {i}")
        for i in range(20)
    ]
    t0 = time.perf_counter()
    big = build("BIG", packages=100, links=3000, boss=boss, people=people)
    small = build("SMALL", packages=10, links=300, boss=boss, people=people)
    counts = {
        p.key: (
            WorkItem.objects.filter(project=p).count(),
            Dependency.objects.filter(project=p).count(),
        )
        for p in (big, small)
    }
    print(
        f"built BIG ({counts['BIG'][0]:,} items, {counts['BIG'][1]:,} dependencies) and SMALL "
        f"({counts['SMALL'][0]:,} items, {counts['SMALL'][1]:,} dependencies) "
        f"in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f}"
    )
    client = Client()
    client.force_login(boss)
    ok = True
    print()
    print(f"| page | median of 10 ({counts['BIG'][0]:,} items) | min-max | CPU (median) | queries "
          f"({counts['BIG'][0]:,} items) | queries ({counts['SMALL'][0]:,} items) | result |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    profile = os.environ.get("KEEL_BENCH_PROFILE", "").lower()
    for name, path in PAGES.items():
        if profile:
            break
        median, low, high, cpu, queries = measure(client, f"/p/BIG/{path}/")
        *_small, small_queries = measure(client, f"/p/SMALL/{path}/", repeats=1)
        if os.environ.get("KEEL_BENCH_SQL"):
            for sql in LAST_QUERIES:
                print(f"    {name}: {sql[:150]}")
        fast = median < TARGET_S
        constant = queries == small_queries
        ok = ok and fast and constant
        verdict = (
            f"{'PASS' if fast else 'FAIL'} (< {TARGET_S * 1000:.0f} ms), "
            f"{'PASS' if constant else 'FAIL'} (constant queries)"
        )
        print(
            f"| {name} | {median * 1000:.0f} ms | {low * 1000:.0f}-{high * 1000:.0f} ms "
            f"| {cpu * 1000:.0f} ms | {queries} | {small_queries} | {verdict} |"
        )
    if profile in PAGES.values():
        client.get(f"/p/BIG/{profile}/")
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, f"/p/BIG/{profile}/")
        pstats.Stats(profiler).sort_stats(
            os.environ.get("KEEL_BENCH_SORT", "cumulative")
        ).print_stats(45)
        if os.environ.get("KEEL_BENCH_CALLERS"):
            pstats.Stats(profiler).print_callers(os.environ["KEEL_BENCH_CALLERS"])
    print()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
