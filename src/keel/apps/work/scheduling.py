"""Schedule a project in the database with the engine in keel.domain.schedule.

``schedule_recalculate`` loads the project's items and dependencies, runs the critical path
method and stores each item's early/late dates, floats and critical flag (only rows whose values
changed are written). ``schedule_request`` asks for that to happen once when the current
transaction commits, so a batch of edits is scheduled once, and a refused edit schedules nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work.adapters import project_to_network, stored_time
from keel.apps.work.models import WorkItem
from keel.domain.schedule import schedule

__all__ = ["ScheduleSummary", "schedule_recalculate", "schedule_request", "schedule_store"]

log = logging.getLogger(__name__)

_FIELDS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
)


@dataclass(frozen=True)
class ScheduleSummary:
    """What a scheduling run found, for the API and the CLI."""

    project: str
    start: datetime
    finish: datetime
    critical_path: tuple[str, ...]
    items: int
    changed: int
    warnings: tuple[str, ...]


def schedule_store(project: Project) -> ScheduleSummary:
    """Schedule ``project`` and store the results; no permission check (callers check)."""
    loaded = project_to_network(project)
    result = schedule(loaded.network)
    now = timezone.now()
    changed: list[WorkItem] = []
    for key, row in loaded.items.items():
        ts = result.tasks[key]
        values = {
            "early_start": stored_time(ts.early_start),
            "early_finish": stored_time(ts.early_finish),
            "late_start": stored_time(ts.late_start),
            "late_finish": stored_time(ts.late_finish),
            "total_float_minutes": ts.total_float,
            "free_float_minutes": ts.free_float,
            "is_critical": ts.critical,
        }
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.scheduled_at = now
            changed.append(row)
    if changed:
        WorkItem.objects.bulk_update(changed, [*_FIELDS, "scheduled_at"], batch_size=500)
    return ScheduleSummary(
        project=project.key,
        start=result.start,
        finish=result.finish,
        critical_path=result.critical_path,
        items=len(loaded.items),
        changed=len(changed),
        warnings=result.warnings,
    )


@transaction.atomic
def schedule_recalculate(*, actor: User, project: Project) -> ScheduleSummary:
    """Schedule a project now and store the computed dates; needs ``schedule.run``."""
    project = access_project(actor, project.pk, Permission.SCHEDULE_RUN)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return schedule_store(project)


def schedule_request(project: Project | int) -> None:
    """Re-schedule ``project`` once after the current transaction commits.

    Services call this when dates, durations, the WBS or dependencies change. Several calls in
    one transaction schedule once; a rolled-back transaction schedules nothing (Django drops its
    on-commit callbacks). A failure is logged, never raised: the edit itself stands.
    """
    project_id = project if isinstance(project, int) else project.pk
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "keel_schedule_project", None) == project_id
        and not getattr(func, "keel_done", False)
        for _sids, func, _robust in connection.run_on_commit
    ):
        return

    def run() -> None:
        run.keel_done = True  # type: ignore[attr-defined]
        target = Project.objects.filter(pk=project_id).first()
        if target is None:
            return
        try:
            with transaction.atomic():
                schedule_store(target)
        except Exception:
            log.exception("Scheduling project %s failed", target.key)

    run.keel_schedule_project = project_id  # type: ignore[attr-defined]
    transaction.on_commit(run)
