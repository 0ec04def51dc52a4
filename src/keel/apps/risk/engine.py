"""Rows ⇄ keel.domain.risk: build the simulation's inputs, run it, keep a compact result.

Mapping (documented in docs/risk.md, "Simulation in the server"):
- a TaskEstimate becomes the item's duration distribution (working days × the project
  calendar's minutes per day) and, if it has one, its cost distribution;
- an open risk with a schedule or cost impact becomes a RiskEvent: its chance is the value
  its probability level carries on the project's scale, its delay range is added to each
  threatened item's duration, its cost range to the total cost;
- the target date is the project's finish date (end of that working day), the budget the
  finance area's budget if there is one.

The stored result leaves out the per-iteration arrays and keeps percentiles, probabilities,
the 25 most critical items, the tornado, histogram data and the chart as SVG (histogram and
cumulative curve of the finish and of the cost; pages redraw it in the reader's language).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from keel.apps.work.adapters import MINUTES_PER_DAY

__all__ = ["result_view", "run"]

TOP_CRITICAL = 25


def _dist(kind: str, low: Any, mode: Any, high: Any, scale: int = 1) -> Any:
    from keel.domain.risk.model import Distribution

    a, m, b = (float(Decimal(v) * scale) for v in (low, mode, high))
    if kind == "fixed":
        return Distribution.fixed(m)
    if kind == "uniform":
        return Distribution.uniform(a, b)
    if kind == "pert":
        return Distribution.pert(a, m, b)
    return Distribution.triangular(a, m, b)


def domain_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """Turn simulation_inputs' rows into TaskUncertainty and RiskEvent values."""
    from keel.domain.risk.model import RiskEvent, TaskUncertainty

    uncertainties = []
    for task_id, estimate in inputs["estimates"].items():
        cost = None
        if estimate.cost_likely is not None:
            cost = _dist(
                estimate.distribution, estimate.cost_min, estimate.cost_likely, estimate.cost_max
            )
        uncertainties.append(
            TaskUncertainty(
                task_id=task_id,
                duration=_dist(
                    estimate.distribution,
                    estimate.duration_min,
                    estimate.duration_likely,
                    estimate.duration_max,
                    MINUTES_PER_DAY,
                ),
                cost=cost,
            )
        )
    risks = []
    for risk in inputs["risks"]:
        days, cost = risk["days"], risk["cost"]
        extra_duration = (
            _dist("triangular", *days, MINUTES_PER_DAY) if days and risk["affects"] else None
        )
        extra_cost = _dist("triangular", *cost) if cost else None
        if extra_duration is None and extra_cost is None:
            continue
        risks.append(
            RiskEvent(
                id=risk["id"],
                name=risk["name"],
                probability=risk["probability"],
                affects=risk["affects"] if extra_duration is not None else (),
                extra_duration=extra_duration,
                extra_cost=extra_cost,
            )
        )
    return {"uncertainties": tuple(uncertainties), "risks": tuple(risks)}


def _progress(callback: Any) -> Any:
    """Adapt the domain's progress calls (a fraction, a percentage or done/total)."""

    def report(*args: Any) -> None:
        if len(args) >= 2 and args[1]:
            callback(float(args[0]) / float(args[1]))
        elif args:
            value = float(args[0])
            callback(value / 100 if value > 1 else value)

    return report


def run(inputs: dict[str, Any], *, iterations: int, seed: int, progress: Any) -> dict[str, Any]:
    """Simulate and return the compact, JSON-ready result."""
    from keel.domain.risk import simulate

    converted = domain_inputs(inputs)
    result = simulate(
        inputs["network"],
        converted["uncertainties"],
        converted["risks"],
        (),
        iterations=iterations,
        seed=seed,
        target_finish=inputs["target_finish"],
        budget=inputs["budget"],
        base_costs=None,
        progress=_progress(progress),
    )
    return compact(result, inputs["items"])


def compact(result: Any, items: dict[str, Any]) -> dict[str, Any]:
    """The figures worth keeping from a SimulationResult, as JSON data."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    def num(value: Any) -> str | None:
        return str(value) if value is not None else None

    def drivers(rows: Any) -> list[dict[str, Any]]:
        return [
            {"id": d.id, "name": d.name, "kind": d.kind, "correlation": round(d.correlation, 4)}
            for d in rows[:10]
        ]

    def histogram(h: Any) -> dict[str, Any]:
        return {
            "edges": [float(e) for e in h.edges],
            "counts": [int(c) for c in h.counts],
            "cumulative": [float(c) for c in h.cumulative],
            "edge_dates": [e.isoformat() for e in h.edge_dates],
        }

    from keel.apps.risk.charts import simulation_chart_svg

    critical = sorted(result.criticality.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CRITICAL]
    data = {
        "iterations": result.iterations,
        "seed": result.seed,
        "start": iso(result.start),
        "finish_percentiles": {str(k): iso(v) for k, v in result.finish_percentiles.items()},
        "duration_percentiles": {
            str(k): round(float(v), 1) for k, v in result.duration_percentiles.items()
        },
        "cost_percentiles": {str(k): num(v) for k, v in result.cost_percentiles.items()},
        "mean_duration": round(float(result.mean_duration), 1),
        "mean_cost": num(result.mean_cost),
        "target_finish": iso(result.target_finish),
        "probability_on_time": result.probability_on_time,
        "budget": num(result.budget),
        "probability_within_budget": result.probability_within_budget,
        "criticality": [
            {
                "key": key,
                "title": items[key].title if key in items else key,
                "index": round(float(value), 4),
            }
            for key, value in critical
        ],
        "finish_drivers": drivers(result.finish_drivers),
        "cost_drivers": drivers(result.cost_drivers),
        "finish_histogram": histogram(result.finish_histogram),
        "cost_histogram": histogram(result.cost_histogram),
        "deterministic_finish": iso(result.deterministic_finish),
        "deterministic_finish_percentile": result.deterministic_finish_percentile,
        "deterministic_cost": num(result.deterministic_cost),
        "deterministic_cost_percentile": result.deterministic_cost_percentile,
    }
    data["chart_svg"] = simulation_chart_svg(data)
    return data


def _pct(value: Any) -> str | None:
    return None if value is None else f"{float(value) * 100:.1f}"


def result_view(run: Any) -> dict[str, Any]:
    """What the simulation page shows of a finished run."""
    from keel.apps.risk.charts import safe, simulation_chart_svg

    data = run.result or {}
    finish = data.get("finish_percentiles", {})
    cost = data.get("cost_percentiles", {})
    rows = [
        {"label": f"P{p}", "finish": (finish.get(p) or "")[:10], "cost": cost.get(p)}
        for p in ("10", "50", "80", "90")
    ]
    drivers = [{**d, "on": _("finish")} for d in data.get("finish_drivers", [])] + [
        {**d, "on": _("cost")} for d in data.get("cost_drivers", [])
    ]
    drivers.sort(key=lambda d: -abs(d["correlation"]))
    peak = max((abs(d["correlation"]) for d in drivers), default=1) or 1
    return {
        "result": {
            "percentiles": rows,
            "p_target": _pct(data.get("probability_on_time")),
            "target": (data.get("target_finish") or "")[:10],
            "p_budget": _pct(data.get("probability_within_budget")),
            "budget": data.get("budget"),
            "criticality": [
                {**row, "percent": f"{row['index'] * 100:.0f}"}
                for row in data.get("criticality", [])[:15]
            ],
            "tornado": [
                {
                    "name": d["name"],
                    "on": d["on"],
                    "value": f"{d['correlation']:+.2f}",
                    "width": int(120 * abs(d["correlation"]) / peak),
                }
                for d in drivers[:10]
            ],
            # Drawn here, from the stored histograms, so its labels are in the reader's language.
            "chart": safe(simulation_chart_svg(data) if data else ""),
        }
    }
