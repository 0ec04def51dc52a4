"""Large synthetic plan files for load tests (``keel schedule --generate N``).

The plan has phases of twenty tasks under a summary each; tasks follow one or two earlier
tasks (mostly in their own phase, sometimes in the previous one), with a sprinkling of SS and
FF links, lags, milestones and a calendar with China's public holidays.
"""

from __future__ import annotations

import random
from typing import Any

import yaml

__all__ = ["generate_plan", "generate_plan_text"]

PHASE = 20


def generate_plan(tasks: int, *, seed: int = 0) -> dict[str, Any]:
    """A plan (as data) with ``tasks`` tasks, summaries included; the same seed, the same plan.

    Examples
    --------
    >>> plan = generate_plan(41)
    >>> len(plan["tasks"]), len(plan["tasks"][0]["children"])
    (2, 20)
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic test data, not a secret
    phases: list[dict[str, Any]] = []
    made = 0
    previous: list[str] = []
    p = 0
    while made < tasks:
        p += 1
        phase: dict[str, Any] = {"id": f"p{p}", "name": f"Phase {p}", "children": []}
        made += 1
        current: list[str] = []
        while len(phase["children"]) < PHASE and made < tasks:
            tid = f"p{p}t{len(phase['children']) + 1}"
            item: dict[str, Any] = {"id": tid, "name": f"Task {tid}"}
            if rng.random() < 0.05:
                item["milestone"] = True
            else:
                item["duration"] = rng.choice(["4h", "1d", "2d", "3d", "5d", "90m", "2w"])
            pool = current[-5:] or previous[-5:]
            preds = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2])))
            if preds:
                if rng.random() < 0.15 and "milestone" not in item:
                    kind = rng.choice(["SS", "FF"])
                    item["depends"] = [{"task": preds[0], "type": kind, "lag": "1d"}]
                else:
                    item["after"] = preds
            phase["children"].append(item)
            current.append(tid)
            made += 1
        if not phase["children"]:
            phase.pop("children")
            phase["milestone"] = True
        phases.append(phase)
        previous = current or previous
    return {
        "project": {
            "name": f"Generated plan ({tasks} tasks, seed {seed})",
            "start": "2025-01-06",
            "calendar": "site",
        },
        "calendars": {"site": {"holidays": "CN"}},
        "tasks": phases,
    }


def generate_plan_text(tasks: int, *, seed: int = 0) -> str:
    """The generated plan as YAML text (the C emitter when PyYAML has it)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        generate_plan(tasks, seed=seed),
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
    )
    return text
