"""Plan-file commands that need no database: `keel schedule` (and later `keel level`, …).

Nothing here imports Django: a plan file is read, scheduled and printed in one process.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from keel.domain.errors import KeelError, PlanError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Plan-as-code commands are registered here."""
    parser = sub.add_parser(
        "schedule",
        help="schedule a YAML plan file and print the dates (no database needed)",
        description=(
            "Read a plan file (see docs/plan-format.md), schedule it with the critical path "
            "method and print each task's dates, float and critical mark."
        ),
    )
    parser.add_argument("plan", nargs="?", help="the plan file (YAML)")
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument("--critical", action="store_true", help="show only critical tasks")
    parser.add_argument(
        "--status-date",
        metavar="YYYY-MM-DD[THH:MM]",
        help="status date for progress, overriding the file's",
    )
    parser.add_argument(
        "--baseline", metavar="NAME", help="add the baseline's dates and the variances"
    )
    parser.add_argument("--gantt", metavar="FILE.svg", help="also draw a Gantt chart as SVG")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the table/CSV/JSON here, not to stdout"
    )
    parser.add_argument(
        "--schema", action="store_true", help="print the plan files' JSON Schema and exit"
    )
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="write a synthetic plan with N tasks (to --output or stdout) and exit",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --generate (default 0)")
    parser.add_argument(
        "--import-mspdi",
        metavar="FILE.xml",
        help="turn a Microsoft Project XML file into a plan file (to --output or stdout) and exit",
    )
    parser.set_defaults(func=cmd_schedule)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_schedule(args: argparse.Namespace) -> int:
    """Run `keel schedule`; returns the exit code (1 with a message on bad input)."""
    try:
        return _run(args)
    except KeelError as err:
        print(f"keel schedule: error: {err.message}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"keel schedule: error: {err}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    from keel.plan.loader import load_plan, parse_datetime, plan_schema

    if args.schema:
        _write(json.dumps(plan_schema(), indent=2) + "\n", args.output)
        return 0
    if args.generate is not None:
        from keel.plan.generate import generate_plan_text

        if args.generate < 1:
            raise PlanError("--generate needs a positive number of tasks")
        _write(generate_plan_text(args.generate, seed=args.seed), args.output)
        return 0
    if args.import_mspdi:
        from keel.interchange.mspdi import mspdi_network, read_mspdi
        from keel.plan.writer import dump_plan

        imported = mspdi_network(read_mspdi(args.import_mspdi))
        _write(dump_plan(imported.network, baselines=imported.baselines), args.output)
        return 0
    if not args.plan:
        raise PlanError("give a plan file, e.g. keel schedule examples/datacentre-migration.yaml")

    from keel.domain.schedule.cpm import schedule
    from keel.plan.output import format_csv, format_json, format_table, schedule_rows

    plan = load_plan(args.plan)
    network = plan.network
    if args.status_date:
        if not _looks_like_date(args.status_date):
            raise PlanError(
                f"--status-date: {args.status_date!r} is not a date like 2025-03-03 or "
                "2025-03-03T09:00"
            )
        when = parse_datetime(args.status_date, "--status-date", end_of_day=True)
        if len(args.status_date) == 10:
            calendar = network.calendars[network.calendar]
            when = calendar.previous_working_instant(when)  # type: ignore[attr-defined]
        network = replace(network, status_date=when)
        plan = replace(plan, network=network)
    baseline = None
    if args.baseline:
        baseline = plan.baselines.get(args.baseline)
        if baseline is None:
            known = ", ".join(sorted(plan.baselines)) or "none"
            raise PlanError(
                f"--baseline: no baseline named {args.baseline!r} (the plan has: {known})"
            )
    result = schedule(network)
    rows = schedule_rows(plan, result, baseline=baseline, critical_only=args.critical)
    with_baseline = baseline is not None
    if args.format == "csv":
        text = format_csv(rows, plan.units, with_baseline=with_baseline)
    elif args.format == "json":
        text = format_json(plan, result, rows, with_baseline=with_baseline)
    else:
        text = format_table(rows, plan.units, with_baseline=with_baseline)
        text += (
            f"\n{network.name}: {result.start:%Y-%m-%d %H:%M} – {result.finish:%Y-%m-%d %H:%M}, "
            f"{len(result.tasks)} tasks, "
            f"{sum(1 for t in result.tasks.values() if t.critical)} critical\n"
        )
        for warning in result.warnings:
            text += f"warning: {warning}\n"
    _write(text, args.output)
    if args.gantt:
        from keel.plan.gantt import render_gantt

        Path(args.gantt).write_text(render_gantt(plan, result, baseline=baseline), encoding="utf-8")
    return 0


def _looks_like_date(text: str) -> bool:
    import re

    return re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2})?", text) is not None
