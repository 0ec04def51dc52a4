"""Baselines: capture a saved copy of the plan, choose which one is current."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, require
from keel.apps.projects.models import Project
from keel.apps.work.baselines import BASELINE_PRICERS
from keel.apps.work.models import Baseline, BaselineItem, ItemType, WorkItem
from keel.apps.work.scheduling import schedule_store

__all__ = ["baseline_capture", "baseline_make_current"]

MAX_NAME = 200


@transaction.atomic
def baseline_capture(*, actor: User, project: Project, name: str, reason: str = "") -> Baseline:
    """Schedule the project, then save every item's dates, duration, work and budgeted cost
    as baseline N+1, which becomes the current baseline.

    Needs ``baseline.manage``. The name is required; the reason is kept with the baseline
    (a change request approval passes its own).
    """
    require(actor, project, Permission.BASELINE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["A baseline needs a name."]})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": [f"At most {MAX_NAME} characters."]})
    # Lock the project row so two captures cannot take the same number.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    schedule_store(project)
    number = (project.baselines.aggregate(n=Max("number"))["n"] or 0) + 1
    project.baselines.filter(is_current=True).update(is_current=False)
    baseline = Baseline.objects.create(
        project=project,
        number=number,
        name=name,
        reason=(reason or "").strip(),
        is_current=True,
        created_by=actor if actor.is_authenticated else None,
    )
    costs: dict[int, Decimal] = {}
    for pricer in BASELINE_PRICERS:
        for item_id, cost in pricer(project).items():
            costs[item_id] = costs.get(item_id, Decimal(0)) + Decimal(cost)
    items = list(WorkItem.objects.filter(project=project).order_by("outline_sort", "number"))
    parents = {row.parent_id for row in items if row.parent_id}
    prefix = f"{project.key}-"
    BaselineItem.objects.bulk_create(
        [
            BaselineItem(
                baseline=baseline,
                item=row,
                item_key=f"{prefix}{row.number}",
                title=row.title,
                outline_code=row.outline_code,
                is_summary=row.pk in parents,
                is_milestone=row.type == ItemType.MILESTONE,
                start=row.early_start,
                finish=row.early_finish,
                duration_days=row.duration_days,
                work_hours=row.estimate_hours,
                cost=costs.get(row.pk),
            )
            for row in items
        ]
    )
    return baseline


@transaction.atomic
def baseline_make_current(*, actor: User, project: Project, number: int) -> Baseline:
    """Make baseline ``number`` the one variances and earned value are measured against."""
    require(actor, project, Permission.BASELINE_MANAGE)
    baseline = project.baselines.filter(number=number).first()
    if baseline is None:
        raise ValidationError({"number": [f"{project.key} has no baseline {number}."]})
    project.baselines.filter(is_current=True).exclude(pk=baseline.pk).update(is_current=False)
    if not baseline.is_current:
        baseline.is_current = True
        baseline.save(update_fields=["is_current"])
    return baseline
