"""`keel` sub-commands for risk: `keel simulate PLAN.yaml --iterations N`.

Nothing here imports Django: the plan file is read and simulated in one process. Estimates,
risk events and correlations come from the plan file's optional keys ``tasks[].estimate``,
``tasks[].cost_estimate``, ``risks`` and ``correlations`` (see docs/plan-format.md).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from keel.domain.errors import KeelError, PlanError

__all__ = ["ProgressBar", "SimulationInputs", "cmd_simulate", "register", "simulation_inputs"]

_DISTRIBUTIONS = ("triangular", "pert", "uniform", "fixed")
_TOP = 10


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's sub-commands to `keel`."""
    parser = sub.add_parser(
        "simulate",
        help="Monte Carlo schedule and cost risk of a YAML plan file (no database needed)",
        description=(
            "Read a plan file with three-point estimates and risks (see docs/plan-format.md, "
            "'Estimates and risks'), simulate it N times and print the P10/P50/P80/P90 finish "
            "and cost, the chance of meeting the target date and budget, the most critical "
            "tasks and the tornado of the biggest drivers. A progress bar goes to stderr."
        ),
    )
    parser.add_argument("plan", help="the plan file (YAML)")
    parser.add_argument(
        "-n",
        "--iterations",
        type=int,
        default=10_000,
        help="iterations, 1 to 100,000 (default 10,000)",
    )
    parser.add_argument(
        "--seed", type=int, help="random seed; the same seed gives the same result (default: new)"
    )
    parser.add_argument(
        "--target-date",
        metavar="YYYY-MM-DD[THH:MM]",
        help="report the probability of finishing by then (a bare date means its end)",
    )
    parser.add_argument(
        "--budget", metavar="AMOUNT", help="report the probability of costing at most this"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    parser.set_defaults(func=cmd_simulate)


# -- the plan file's estimates ------------------------------------------------------------


@dataclass(slots=True)
class SimulationInputs:
    """What a plan file gives the simulation besides its network."""

    uncertainties: list[Any] = field(default_factory=list)
    risks: list[Any] = field(default_factory=list)
    correlations: list[Any] = field(default_factory=list)
    base_costs: dict[str, Decimal] = field(default_factory=dict)


def _walk(tasks: list[dict[str, Any]], where: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, task in enumerate(tasks):
        place = f"{where}[{i}]"
        out.append((place, task))
        out.extend(_walk(task.get("children", []), f"{place}.children"))
    return out


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise PlanError(f"{where}: {value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise PlanError(f"{where}: {value!r} is not an amount of money")
    return amount


def _three_points(raw: dict[str, Any], where: str, read: Any) -> Any:
    """A ``Distribution`` from ``{low, likely, high, distribution}``; ``read`` parses a value."""
    from keel.domain.errors import ValidationError
    from keel.domain.risk import Distribution

    kind = raw.get("distribution", "triangular")
    values = {k: read(raw[k], f"{where}.{k}") for k in ("low", "likely", "high") if k in raw}
    needed = {
        "triangular": ("low", "likely", "high"),
        "pert": ("low", "likely", "high"),
        "uniform": ("low", "high"),
        "fixed": ("likely",),
    }[kind]
    missing = [k for k in needed if k not in values]
    if missing:
        raise PlanError(
            f"{where}: a {kind} estimate needs {', '.join(needed)} (missing {', '.join(missing)})"
        )
    if kind == "fixed":
        dist = Distribution.fixed(values["likely"])
    elif kind == "uniform":
        dist = Distribution.uniform(values["low"], values["high"])
    else:
        make = Distribution.pert if kind == "pert" else Distribution.triangular
        dist = make(values["low"], values["likely"], values["high"])
    try:
        dist.check(where)
    except ValidationError as err:
        raise PlanError(err.message) from None
    return dist


def simulation_inputs(plan: Any, raw: dict[str, Any]) -> SimulationInputs:
    """Estimates, risks, correlations and base costs from a plan file's parsed YAML.

    ``plan`` is the loaded ``keel.plan.Plan`` (for its time units and task ids); ``raw`` the
    same file as plain data. Every problem is a ``PlanError`` naming its place.
    """
    from keel.domain.risk import Correlation, RiskEvent, TaskUncertainty
    from keel.plan.durations import parse_duration

    def minutes(value: Any, where: str) -> float:
        try:
            parsed = parse_duration(value, plan.units)
        except ValueError as err:
            raise PlanError(f"{where}: {err}") from None
        if parsed.elapsed:
            raise PlanError(f"{where}: give working time (like 3d), not elapsed time ({value!r})")
        return float(parsed.minutes)

    out = SimulationInputs()
    summaries = {t.parent for t in plan.network.tasks if t.parent}
    for where, task in _walk(raw.get("tasks", []), "tasks"):
        task_id = str(task["id"])
        duration = cost = None
        if "estimate" in task:
            if task_id in summaries:
                raise PlanError(
                    f"{where}.estimate: {task_id!r} has children, whose estimates make its "
                    "duration; move the estimate to them"
                )
            duration = _three_points(task["estimate"], f"{where}.estimate", minutes)
        if "cost_estimate" in task:
            cost = _three_points(task["cost_estimate"], f"{where}.cost_estimate", _money)
        if duration is not None or cost is not None:
            out.uncertainties.append(TaskUncertainty(task_id, duration, cost))
        if "cost" in task and cost is None:
            out.base_costs[task_id] = _money(task["cost"], f"{where}.cost")
    known = {t.id for t in plan.network.tasks}
    seen: set[str] = set()
    for i, item in enumerate(raw.get("risks", [])):
        where = f"risks[{i}]"
        if item["id"] in seen:
            raise PlanError(f"{where}.id: {item['id']!r} is used twice")
        seen.add(item["id"])
        affects = tuple(item.get("affects", []))
        for k, task_id in enumerate(affects):
            if task_id not in known:
                raise PlanError(f"{where}.affects[{k}]: no task with id {task_id!r}")
        extra = (
            _three_points(item["duration"], f"{where}.duration", minutes)
            if "duration" in item
            else None
        )
        if extra is not None and not affects:
            raise PlanError(
                f"{where}: a risk that adds duration needs 'affects' (the tasks it delays)"
            )
        money = _three_points(item["cost"], f"{where}.cost", _money) if "cost" in item else None
        out.risks.append(
            RiskEvent(
                item["id"],
                item.get("name", item["id"]),
                float(item["probability"]),
                affects,
                extra,
                money,
            )
        )
    estimated = {u.task_id for u in out.uncertainties if u.duration is not None}
    for i, item in enumerate(raw.get("correlations", [])):
        where = f"correlations[{i}]"
        a, b = item["tasks"]
        for task_id in (a, b):
            if task_id not in known:
                raise PlanError(f"{where}.tasks: no task with id {task_id!r}")
            if task_id not in estimated:
                raise PlanError(f"{where}.tasks: {task_id!r} has no duration estimate to correlate")
        if a == b:
            raise PlanError(f"{where}.tasks: a task cannot be correlated with itself")
        out.correlations.append(Correlation(a, b, float(item["rho"])))
    return out


# -- progress bar -------------------------------------------------------------------------


class ProgressBar:
    """A plain-text progress bar on a stream: ``[#########...........]  45%  4,500/10,000``.

    On a terminal it redraws one line; elsewhere (a log, a pipe) it writes a line per tenth.
    """

    width = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = -1
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if not self.live and percent // 10 == self.shown // 10 and done < total:
            return
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"simulating [{bar}] {percent:3d}%  {done:,}/{total:,}"
        if done >= total:
            line += f"  {time.perf_counter() - self.started:.1f} s"
        self.stream.write(("\r" if self.live else "") + line + ("" if self.live else "\n"))
        if self.live and done >= total:
            self.stream.write("\n")
        self.stream.flush()
        self.shown = percent


# -- the command --------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run `keel simulate`; returns the exit code (1 with a message on bad input)."""
    try:
        return _run(args)
    except KeelError as err:
        print(f"keel simulate: error: {err.message}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"keel simulate: error: {err}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    import yaml

    from keel.domain.risk import simulate
    from keel.plan.loader import load_plan, parse_datetime

    plan = load_plan(args.plan)
    raw = yaml.safe_load(Path(args.plan).read_text(encoding="utf-8"))
    inputs = simulation_inputs(plan, raw)
    network = plan.network
    target = None
    if args.target_date:
        text = args.target_date
        if not _looks_like_date(text):
            raise PlanError(
                f"--target-date: {text!r} is not a date like 2025-03-03 or 2025-03-03T17:00"
            )
        target = parse_datetime(text, "--target-date", end_of_day=True)
        if len(text) == 10:
            calendar = network.calendars.get(network.calendar)
            if calendar is not None:
                target = calendar.previous_working_instant(target)  # type: ignore[attr-defined]
    budget = _money(args.budget, "--budget") if args.budget is not None else None
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    progress = None if args.quiet else ProgressBar(sys.stderr)
    result = simulate(
        network,
        inputs.uncertainties,
        inputs.risks,
        inputs.correlations,
        iterations=args.iterations,
        seed=seed,
        target_finish=target,
        budget=budget,
        base_costs=inputs.base_costs,
        progress=progress,
    )
    names = {t.id: t.name or t.id for t in network.tasks}
    summary = _summary(network.name or "Project", result, names, inputs)
    text = (
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n" if args.json else _table(summary)
    )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _looks_like_date(text: str) -> bool:
    import re

    return re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2})?", text) is not None


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _summary(
    name: str, result: Any, names: dict[str, str], inputs: SimulationInputs
) -> dict[str, Any]:
    """The result as plain data (what ``--json`` prints)."""
    critical = sorted(result.criticality.items(), key=lambda kv: (-kv[1], kv[0]))[:_TOP]
    return {
        "project": name,
        "iterations": result.iterations,
        "seed": result.seed,
        "start": _when(result.start),
        "estimates": len(inputs.uncertainties),
        "risks": len(inputs.risks),
        "finish": {
            "planned": _when(result.deterministic_finish),
            "planned_percentile": round(100 * result.deterministic_finish_percentile, 1),
            "mean_working_days": round(result.mean_duration / 480, 2),
            **{f"p{p}": _when(d) for p, d in result.finish_percentiles.items()},
        },
        "cost": {
            "planned": str(result.deterministic_cost),
            "planned_percentile": round(100 * result.deterministic_cost_percentile, 1),
            "mean": str(result.mean_cost),
            **{f"p{p}": str(v) for p, v in result.cost_percentiles.items()},
        },
        "target_date": _when(result.target_finish) if result.target_finish else None,
        "probability_on_time": result.probability_on_time,
        "budget": None if result.budget is None else str(result.budget),
        "probability_within_budget": result.probability_within_budget,
        "criticality": [
            {"id": task_id, "name": names.get(task_id, task_id), "index": round(share, 4)}
            for task_id, share in critical
        ],
        "finish_drivers": [_driver(d) for d in result.finish_drivers],
        "cost_drivers": [_driver(d) for d in result.cost_drivers],
    }


def _driver(driver: Any) -> dict[str, Any]:
    return {
        "id": driver.id,
        "name": driver.name,
        "kind": driver.kind,
        "correlation": driver.correlation,
    }


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f} %"


def _table(s: dict[str, Any]) -> str:
    f, c = s["finish"], s["cost"]
    lines = [
        f"{s['project']}: {s['iterations']:,} iterations, seed {s['seed']} "
        f"({s['estimates']} estimates, {s['risks']} risks)",
        "",
        f"{'':<8}{'P10':>18}{'P50':>18}{'P80':>18}{'P90':>18}",
        f"{'finish':<8}" + "".join(f"{f[k]:>18}" for k in ("p10", "p50", "p80", "p90")),
        f"{'cost':<8}" + "".join(f"{c[k]:>18}" for k in ("p10", "p50", "p80", "p90")),
        "",
        f"planned finish {f['planned']} is P{f['planned_percentile']:g}; "
        f"planned cost {c['planned']} is P{c['planned_percentile']:g}",
    ]
    if s["target_date"]:
        lines.append(
            f"probability of finishing by {s['target_date']}: {_percent(s['probability_on_time'])}"
        )
    if s["budget"] is not None:
        within = _percent(s["probability_within_budget"])
        lines.append(f"probability of costing at most {s['budget']}: {within}")
    lines += ["", "most critical tasks (share of iterations on the critical path):"]
    for row in s["criticality"]:
        lines.append(f"  {row['index'] * 100:6.1f} %  {row['id']:<16} {row['name']}")
    for title, key in (("finish", "finish_drivers"), ("cost", "cost_drivers")):
        drivers = s[key]
        if not drivers:
            continue
        lines += ["", f"tornado — what drives the {title} (rank correlation):"]
        for d in drivers:
            bar = "#" * round(abs(d["correlation"]) * 20)
            lines.append(
                f"  {d['correlation']:+.2f} {bar:<20} {d['kind']:<4} {d['id']:<16} {d['name']}"
            )
    return "\n".join(lines) + "\n"
