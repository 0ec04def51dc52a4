"""Monte Carlo runs as background jobs inside the web process (no Redis, no Celery).

:func:`simulation_run_start` stores a queued ``SimulationRun`` and, once the transaction
commits, runs it in a worker thread that writes its progress (0–100) into the row; the web page
polls the row. A run in progress is lost if the server restarts (the row stays "running" and
is marked failed at the next start request for that project). Runs are capped: at most
``KEEL_SIMULATION_MAX_ITERATIONS`` iterations (default 100,000), one run at a time per project
and ``KEEL_SIMULATION_WORKERS`` (default 2) worker threads in the process.

With the setting ``KEEL_SIMULATION_SYNC = True`` (tests, scripts) the run happens inside the
start call instead.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, require
from keel.apps.projects.models import Project
from keel.apps.risk.models import (
    OPEN_STATUSES,
    Risk,
    RunStatus,
    SimulationRun,
    TaskEstimate,
)
from keel.domain.errors import ValidationError

__all__ = [
    "MAX_ITERATIONS",
    "max_iterations",
    "project_budget",
    "simulation_inputs",
    "simulation_run_execute",
    "simulation_run_start",
]

logger = logging.getLogger("keel.risk")

MAX_ITERATIONS = 100_000  # the domain's own cap (keel.domain.risk.MAX_ITERATIONS)
# A run that has not finished after this long is taken as lost (e.g. the server restarted).
STALE_AFTER = timedelta(hours=1)
_SLOTS = threading.BoundedSemaphore(int(getattr(settings, "KEEL_SIMULATION_WORKERS", 2)))


def max_iterations() -> int:
    return int(getattr(settings, "KEEL_SIMULATION_MAX_ITERATIONS", MAX_ITERATIONS))


def project_budget(project: Project) -> Decimal | None:
    """The project's budget (the sum of its budget lines) if the finance area has one."""
    try:
        from keel.apps.finance.selectors import budget_get
    except ImportError:
        return None
    try:
        budget = budget_get(project)
        if budget is None:
            return None
        total = sum((line.amount for line in budget.lines.all()), Decimal(0))
    except Exception:  # a finance problem must not stop the simulation; it runs without
        logger.exception("Reading the budget of %s failed", project.key)
        return None
    return total if total > 0 else None


@transaction.atomic
def simulation_run_start(
    *, actor: User, project: Project, iterations: int = 10_000, seed: int | None = None
) -> SimulationRun:
    """Queue a Monte Carlo run of the project; it starts after the transaction commits.

    Needs ``risk.edit``. Refuses iterations ≤ 0 or above the cap, and a second run while one
    is queued or running for the project.
    """
    require(actor, project, Permission.RISK_EDIT)
    try:
        iterations = int(iterations)
    except (TypeError, ValueError):
        raise ValidationError("iterations must be a whole number.") from None
    cap = max_iterations()
    if iterations <= 0:
        raise ValidationError("iterations must be at least 1.")
    if iterations > cap:
        raise ValidationError(f"iterations may be at most {cap:,} (the documented cap).")
    Project.objects.select_for_update().filter(pk=project.pk).first()
    busy = SimulationRun.objects.filter(
        project=project, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    )
    busy.filter(created_at__lt=timezone.now() - STALE_AFTER).update(
        status=RunStatus.FAILED, error="Lost: the server stopped before the run finished."
    )
    if busy.exists():
        raise ValidationError("A simulation of this project is already running; wait for it.")
    if (
        not TaskEstimate.objects.filter(item__project=project).exists()
        and not project.items.exists()
    ):
        raise ValidationError(f"{project.key} has no work items to simulate.")
    run = SimulationRun.objects.create(
        project=project,
        requested_by=actor,
        iterations=iterations,
        seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
    )
    if getattr(settings, "KEEL_SIMULATION_SYNC", False):
        simulation_run_execute(run.pk)
        run.refresh_from_db()
    else:
        transaction.on_commit(lambda: _launch(run.pk))
    return run


def _launch(run_id: int) -> None:
    thread = threading.Thread(
        target=_in_thread, args=(run_id,), name=f"keel-sim-{run_id}", daemon=True
    )
    thread.start()


def _in_thread(run_id: int) -> None:
    with _SLOTS:
        try:
            simulation_run_execute(run_id)
        finally:
            close_old_connections()


def _progress_writer(run_id: int) -> Any:
    last = [-1]

    def write(fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        if percent >= last[0] + 5:
            last[0] = percent
            SimulationRun.objects.filter(pk=run_id).update(progress=percent)

    return write


def simulation_run_execute(run_id: int) -> None:
    """Run the stored job: build the inputs, simulate, store the result (or the error)."""
    run = SimulationRun.objects.select_related("project").get(pk=run_id)
    SimulationRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, progress=0)
    try:
        inputs = simulation_inputs(run.project)
        result = _simulate(inputs, run.iterations, run.seed, _progress_writer(run_id))
    except Exception as exc:  # the row says what went wrong; the page shows it
        logger.exception("Simulation %s failed", run_id)
        SimulationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    SimulationRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, progress=100, result=result, finished_at=timezone.now()
    )


def _probability_values(project: Project) -> dict[int, float]:
    from keel.apps.risk.services import scale_of

    return {
        int(level["level"]): float(level["value"]) for level in scale_of(project).probability_levels
    }


def simulation_inputs(project: Project) -> dict[str, Any]:
    """The project's network, three-point estimates and open risks, ready for the domain."""
    from keel.apps.work.adapters import project_to_network

    loaded = project_to_network(project)
    number_to_id = {row.number: key for key, row in loaded.items.items()}
    estimates = {
        number_to_id[e.item.number]: e
        for e in TaskEstimate.objects.filter(item__project=project).select_related("item")
        if e.item.number in number_to_id
    }
    chances = _probability_values(project)
    risks = []
    for risk in Risk.objects.filter(project=project, status__in=OPEN_STATUSES).prefetch_related(
        "threatened_items"
    ):
        affects = tuple(
            number_to_id[i.number] for i in risk.threatened_items.all() if i.number in number_to_id
        )
        if risk.days_likely is None and risk.cost_likely is None:
            continue
        risks.append(
            {
                "id": risk.key,
                "name": risk.title,
                "probability": chances.get(risk.probability, 0.0),
                "days": (risk.days_min, risk.days_likely, risk.days_max)
                if risk.days_likely is not None
                else None,
                "cost": (risk.cost_min, risk.cost_likely, risk.cost_max)
                if risk.cost_likely is not None
                else None,
                "affects": affects,
            }
        )
    finish = project.finish_date
    return {
        "network": loaded.network,
        "items": loaded.items,
        "estimates": estimates,
        "risks": risks,
        "target_finish": datetime.combine(finish, time(18, 0)) if finish else None,
        "budget": project_budget(project),
    }


def _jsonable(value: Any) -> Any:
    """Turn the domain's result (dataclasses, dates, Decimals, NumPy values) into JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def _simulate(inputs: dict[str, Any], iterations: int, seed: int, progress: Any) -> dict[str, Any]:
    from keel.apps.risk import engine

    return _jsonable(engine.run(inputs, iterations=iterations, seed=seed, progress=progress))
