"""`keel` sub-commands for finance: `keel evm PLAN.yaml --status-date D`.

Nothing here imports Django: the plan file is read, scheduled and measured in one process.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from keel.domain.errors import KeelError, PlanError

__all__ = ["cmd_evm", "evm_rows_from_plan", "register"]

FIGURES = (
    "bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac_cpi", "eac_budget_rate",
    "eac_cpi_spi", "etc", "vac", "tcpi_bac", "tcpi_eac", "es", "at", "sv_t", "spi_t", "ieac_t",
)  # fmt: skip
TABLE = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac_cpi", "spi_t")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's sub-commands to `keel`."""
    parser = sub.add_parser(
        "evm",
        help="earned value of a YAML plan file at a status date (no database needed)",
        description=(
            "Read a plan file with costs (see docs/plan-format.md, 'Costs and earned value'), "
            "and print PV, EV, AC, the indices, EAC and earned schedule for every task, "
            "summary and the project."
        ),
    )
    parser.add_argument("plan", help="the plan file (YAML)")
    parser.add_argument("--status-date", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--baseline", metavar="NAME", help="measure against this baseline (default: the first)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    parser.set_defaults(func=cmd_evm)


def cmd_evm(args: argparse.Namespace) -> int:
    """Run `keel evm`; returns the exit code (1 with a message on bad input)."""
    try:
        try:
            status_date = date.fromisoformat(args.status_date)
        except ValueError:
            raise PlanError(
                f"--status-date: {args.status_date!r} is not a date like 2025-03-03"
            ) from None
        result, name = evm_rows_from_plan(args.plan, status_date, args.baseline)
        text = _render(result, name, args.format)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    except KeelError as err:
        print(f"keel evm: error: {err.message}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"keel evm: error: {err}", file=sys.stderr)
        return 1


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PlanError(f"{where}: {value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise PlanError(f"{where}: {value!r} is not an amount of money")
    return amount


def _day(when: datetime, *, end: bool = False) -> date:
    # An end at midnight belongs to the day before.
    if end and when.time() == time(0, 0):
        return when.date() - timedelta(days=1)
    return when.date()


def _walk(tasks: list[dict[str, Any]], where: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, task in enumerate(tasks):
        place = f"{where}[{i}]"
        out.append((place, task))
        out.extend(_walk(task.get("children", []), f"{place}.children"))
    return out


def evm_rows_from_plan(path: str, status_date: date, baseline_name: str | None = None) -> Any:
    """Load, schedule and measure a plan file; return (EvmResult, project name).

    Budget per task: the baseline's ``cost``, else the task's ``cost``, else ``work`` hours x
    its ``resource``'s ``rate``. Dates: the baseline's, else the scheduled ones. Progress:
    ``progress.percent``. Actual cost: ``actual_cost``.
    """
    import yaml

    from keel.domain.evm import EvmItem, evm_analyse
    from keel.domain.schedule.cpm import schedule
    from keel.plan.loader import load_plan

    plan = load_plan(path)
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rates = {
        r["id"]: _money(r["rate"], f"resources[{i}].rate")
        for i, r in enumerate(raw.get("resources", []))
        if "rate" in r
    }
    baseline = None
    raw_baseline: dict[str, Any] = {}
    if baseline_name:
        baseline = plan.baselines.get(baseline_name)
        if baseline is None:
            known = ", ".join(sorted(plan.baselines)) or "none"
            raise PlanError(f"--baseline: no baseline named {baseline_name!r} (has: {known})")
    elif plan.baselines:
        baseline = next(iter(plan.baselines.values()))
    if baseline is not None:
        for item in raw.get("baselines", []):
            if item["name"] == baseline.name:
                raw_baseline = item["tasks"]
    scheduled = schedule(plan.network)
    by_id = {t.id: t for t in plan.network.tasks}
    root = plan.network.name or "Project"
    items = [EvmItem(root, title=root)]
    for where, task in _walk(raw.get("tasks", []), "tasks"):
        task_id = str(task["id"])
        saved = raw_baseline.get(task_id, {})
        if "cost" in saved:
            budget = _money(saved["cost"], f"baselines.{task_id}.cost")
        elif "cost" in task:
            budget = _money(task["cost"], f"{where}.cost")
        elif "work" in task and task.get("resource") in rates:
            budget = Decimal(str(task["work"])) * rates[task["resource"]]
        elif "work" in task and task.get("resource"):
            raise PlanError(f"{where}.resource: {task['resource']!r} has no rate")
        else:
            budget = Decimal(0)
        if baseline is not None and task_id in baseline.tasks:
            start = baseline.tasks[task_id].start
            finish = baseline.tasks[task_id].finish
        else:
            start = scheduled.tasks[task_id].start
            finish = scheduled.tasks[task_id].finish
        model = by_id[task_id]
        items.append(
            EvmItem(
                key=task_id,
                parent=model.parent or root,
                title=model.name,
                budget=budget,
                start=_day(start),
                finish=max(_day(finish, end=True), _day(start)),
                percent_complete=Decimal(str(model.percent_complete)),
                actual_cost=_money(task.get("actual_cost", 0), f"{where}.actual_cost"),
            )
        )
    return evm_analyse(items, status_date), root


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _render(result: Any, name: str, fmt: str) -> str:
    if fmt == "json":
        body = {
            "project": name,
            "status_date": result.status_date.isoformat(),
            "total": {k: _text(getattr(result.total, k)) or None for k in FIGURES},
            "nodes": [
                {
                    "id": n.key,
                    "name": n.title,
                    "depth": n.depth,
                    **{k: _text(getattr(n.figures, k)) or None for k in FIGURES},
                }
                for n in result.nodes
            ],
            "series": [
                {
                    "date": d.isoformat(),
                    "pv": str(result.series.pv[i]),
                    "ev": str(result.series.ev[i]) if i < len(result.series.ev) else None,
                    "ac": str(result.series.ac[i]) if i < len(result.series.ac) else None,
                }
                for i, d in enumerate(result.series.dates)
            ],
        }
        return json.dumps(body, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "name", "depth", *FIGURES])
        for n in result.nodes:
            writer.writerow(
                [n.key, n.title, n.depth, *(_text(getattr(n.figures, k)) for k in FIGURES)]
            )
        return buffer.getvalue()
    header = ["task", *(k.upper().replace("_CPI", "").replace("_T", "(t)") for k in TABLE)]
    lines = [
        [("  " * n.depth + n.key)[:30], *(_short(getattr(n.figures, k)) for k in TABLE)]
        for n in result.nodes
    ]
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    out = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [header, *lines]
    ]
    f = result.total
    out.append("")
    out.append(
        f"{name} at {result.status_date}: BAC {f.bac}, PV {f.pv}, EV {f.ev}, AC {f.ac}; "
        f"CPI {_text(f.cpi) or '-'}, SPI {_text(f.spi) or '-'}, EAC {_text(f.eac_cpi) or '-'}, "
        f"ES {_text(f.es) or '-'} of AT {_text(f.at) or '-'} weeks"
    )
    return "\n".join(out) + "\n"


def _short(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal) and abs(value) < 100:
        return f"{value:.2f}"
    return f"{value:,.0f}"
