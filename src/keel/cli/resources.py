"""`keel` sub-commands for resources: `keel level PLAN.yaml`.

Nothing here imports Django: the plan file's resources and task assignments are levelled by
keel.domain.resources.level_resources in one process and the result printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from keel.domain.errors import KeelError, PlanError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's sub-commands to `keel`."""
    parser = sub.add_parser(
        "level",
        help="level the resources of a YAML plan file and print what moved (no database needed)",
        description=(
            "Read a plan file (see docs/plan-format.md) with resources assigned to tasks, "
            "remove over-allocations by delaying tasks (priority, then total float, then id) "
            "and print each task that moved, by how much, and the new finish "
            "(see docs/resources.md)."
        ),
    )
    parser.add_argument("plan", help="the plan file (YAML)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--within-float",
        action="store_true",
        help="delay tasks only within their total float (the finish never moves)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the result here, not to stdout"
    )
    parser.set_defaults(func=cmd_level)


def cmd_level(args: argparse.Namespace) -> int:
    """Run `keel level`; returns the exit code (1 with a message on bad input)."""
    try:
        text = level_text(args.plan, as_json=args.json, within_float_only=args.within_float)
    except KeelError as err:
        print(f"keel level: error: {err.message}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"keel level: error: {err}", file=sys.stderr)
        return 1
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as err:
            print(f"keel level: error: {err}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


def _working(minutes: int, per_day: int) -> str:
    """Working minutes as days and hours, the way the plan file writes durations."""
    days, rest = divmod(minutes, per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins:
        parts.append(f"{mins}m")
    return " ".join(parts) or "0"


def level_text(path: str, *, as_json: bool = False, within_float_only: bool = False) -> str:
    """Level the plan file at ``path``; the report as a table (or JSON)."""
    from keel.domain import resources as engine
    from keel.plan.loader import load_plan

    plan = load_plan(path)
    if not plan.assignments:
        raise PlanError(
            f"{path}: no task has resources assigned, so there is nothing to level "
            "(give tasks `resources: [{id: ann, units: 50%}]`; see docs/resources.md)"
        )
    try:
        kinds = {r.id: engine.ResourceKind(r.kind) for r in plan.resources}
    except ValueError as err:
        raise PlanError(f"{path}: resources: {err}") from None
    pool = tuple(
        engine.Resource(
            id=r.id, name=r.name, kind=kinds[r.id], calendar=r.calendar, max_units=r.capacity
        )
        for r in plan.resources
    )
    result = engine.level_resources(
        plan.network,
        pool,
        plan.assignments,
        options=engine.LevellingOptions(within_float_only=within_float_only),
    )
    names = {t.id: t.name or t.id for t in plan.network.tasks}
    per_day = plan.units.minutes_per_day
    calendar = plan.network.calendars[plan.network.calendar]
    moved = {
        m.task_id: calendar.working_minutes_between(m.old_start, m.new_start)  # type: ignore[attr-defined]
        for m in result.moves
    }
    if as_json:
        return json.dumps(_as_dict(plan.network.name, result, names, moved), indent=2) + "\n"
    lines = [f"{plan.network.name}: levelled {len(pool)} resources, {len(plan.assignments)} "
             f"assignments"]  # fmt: skip
    if result.moves:
        width = max(len(m.task_id) for m in result.moves)
        lines.append(
            f"{'task':<{width}}  {'from':<16}  {'to':<16}  {'moved':<8}  {'delay':<8}  name"
        )
        lines.extend(
            f"{m.task_id:<{width}}  {m.old_start:%Y-%m-%d %H:%M}  "
            f"{m.new_start:%Y-%m-%d %H:%M}  {_working(moved[m.task_id], per_day):<8}  "
            f"{_working(m.delay, per_day):<8}  {names.get(m.task_id, m.task_id)}"
            for m in result.moves
        )
        lines.append(
            "(moved: working time on the project calendar; delay: levelling delay the task "
            "itself got, the rest comes from its predecessors)"
        )
    else:
        lines.append("No over-allocation: nothing moved.")
    lines.append(
        f"finish: {result.finish_before:%Y-%m-%d %H:%M} -> {result.finish_after:%Y-%m-%d %H:%M}"
    )
    lines.extend(
        f"still over-allocated: {over.resource_id} {over.start:%Y-%m-%d %H:%M} – "
        f"{over.finish:%Y-%m-%d %H:%M} at {over.load:g} of {over.capacity:g} "
        f"({', '.join(over.task_ids)})"
        for over in result.unresolved
    )
    return "\n".join(lines) + "\n"


def _as_dict(
    name: str, result: Any, names: dict[str, str], moved: dict[str, int]
) -> dict[str, Any]:
    return {
        "project": name,
        "finish_before": result.finish_before.isoformat(timespec="minutes"),
        "finish_after": result.finish_after.isoformat(timespec="minutes"),
        "moves": [
            {
                "task": m.task_id,
                "name": names.get(m.task_id, m.task_id),
                "old_start": m.old_start.isoformat(timespec="minutes"),
                "new_start": m.new_start.isoformat(timespec="minutes"),
                "moved_minutes": moved[m.task_id],
                "delay_minutes": m.delay,
            }
            for m in result.moves
        ],
        "unresolved": [
            {
                "resource": o.resource_id,
                "start": o.start.isoformat(timespec="minutes"),
                "finish": o.finish.isoformat(timespec="minutes"),
                "load": o.load,
                "capacity": o.capacity,
                "tasks": list(o.task_ids),
            }
            for o in result.unresolved
        ],
    }
