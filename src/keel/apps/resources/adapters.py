"""Resource rows → what the scheduler needs: item calendars and stored levelling delays.

Called by keel.apps.work.adapters.project_to_network. Material does not change when work can
happen, so only people and equipment give an item a calendar.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from keel.apps.projects.models import Project
from keel.apps.resources.calendars import resource_calendar
from keel.apps.resources.models import (
    Assignment,
    LevellingDelay,
    Resource,
    ResourceKind,
    ResourceLeave,
)
from keel.domain.errors import CalendarError
from keel.domain.resources import intersect_calendars
from keel.domain.schedule import WorkingCalendar

__all__ = ["item_calendars", "levelling_delays"]


def item_calendars(project: Project) -> tuple[dict[int, str], dict[str, object]]:
    """(item id → calendar name, calendar name → WorkingCalendar) for items with resources."""
    pairs = list(
        Assignment.objects.filter(item__project=project)
        .exclude(resource__kind=ResourceKind.MATERIAL)
        .order_by("item_id", "resource_id")
        .values_list("item_id", "resource_id")
    )
    if not pairs:
        return {}, {}
    resources = {
        r.pk: r
        for r in Resource.objects.filter(pk__in={rid for _i, rid in pairs}).prefetch_related(
            Prefetch("leaves", queryset=ResourceLeave.objects.order_by())
        )
    }
    own: dict[int, WorkingCalendar] = {}
    by_item: dict[int, list[int]] = defaultdict(list)
    for item_id, resource_id in pairs:
        by_item[item_id].append(resource_id)
    names: dict[int, str] = {}
    calendars: dict[str, object] = {}
    for item_id, resource_ids in by_item.items():
        name = "resources-" + "-".join(str(rid) for rid in resource_ids)
        if name not in calendars:
            for rid in resource_ids:
                if rid not in own:
                    own[rid] = resource_calendar(resources[rid], resources[rid].leaves.all())
            mine = [own[rid] for rid in resource_ids]
            try:
                calendars[name] = mine[0] if len(mine) == 1 else intersect_calendars(name, mine)
            except CalendarError:
                # No working time in common: the first resource's calendar rules.
                calendars[name] = mine[0]
        names[item_id] = name
    return names, calendars


def levelling_delays(project: Project) -> dict[int, int]:
    """Item id → stored levelling delay in working minutes."""
    return dict(
        LevellingDelay.objects.filter(item__project=project).values_list("item_id", "minutes")
    )
