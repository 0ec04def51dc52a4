"""Resources: people, equipment and material; resource calendars, levelling, utilisation.

Pure Python and NumPy on top of ``keel.domain.schedule``; see docs/resources.md. Callers
write ``from keel.domain.resources import level_resources, Resource, Assignment``.
"""

from keel.domain.resources.calendars import ResourcePlan, intersect_calendars, resource_network
from keel.domain.resources.effort import effort_driven
from keel.domain.resources.levelling import (
    level_resources,
    over_allocations,
    schedule_with_resources,
)
from keel.domain.resources.model import (
    Assignment,
    LevellingOptions,
    LevellingResult,
    Move,
    OverAllocation,
    Resource,
    ResourceKind,
    ResourceLoad,
    Utilisation,
    UtilisationCell,
)
from keel.domain.resources.utilisation import utilisation

__all__ = [
    "Assignment",
    "LevellingOptions",
    "LevellingResult",
    "Move",
    "OverAllocation",
    "Resource",
    "ResourceKind",
    "ResourceLoad",
    "ResourcePlan",
    "Utilisation",
    "UtilisationCell",
    "effort_driven",
    "intersect_calendars",
    "level_resources",
    "over_allocations",
    "resource_network",
    "schedule_with_resources",
    "utilisation",
]
