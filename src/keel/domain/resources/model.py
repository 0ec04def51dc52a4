"""Resources, assignments and the levelling and utilisation results: frozen dataclasses.

Durations and work are integer working minutes; units are fractions (1.0 = 100 %). Dates
are naive project-local wall-clock times, as in ``keel.domain.schedule``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from keel.domain.errors import ValidationError
from keel.domain.schedule.model import Schedule

__all__ = [
    "Assignment",
    "LevellingOptions",
    "LevellingResult",
    "Move",
    "OverAllocation",
    "Resource",
    "ResourceKind",
    "ResourceLoad",
    "Utilisation",
    "UtilisationCell",
]


class ResourceKind(StrEnum):
    """What a resource is: its kind decides how its capacity is counted."""

    PERSON = "person"  # capacity: working time of its calendar x max_units
    EQUIPMENT = "equipment"  # like a person
    MATERIAL = "material"  # consumed in units per working day; never levelled


@dataclass(frozen=True, slots=True)
class Resource:
    """A person, a piece of equipment or a material.

    ``calendar`` names a calendar of the network (``None``: the project calendar).
    ``max_units`` is the capacity: for people and equipment a fraction of the calendar's
    working time (1.0 = one full-time person, 2.0 = two interchangeable machines, 0.5 = half
    time); for material the units that can be used per working day.
    """

    id: str
    name: str = ""
    kind: ResourceKind = ResourceKind.PERSON
    calendar: str | None = None
    max_units: float = 1.0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValidationError("A resource needs an id.")
        if not self.max_units > 0:
            raise ValidationError(
                f"Resource {self.id!r} has max units {self.max_units}; it must be more than 0."
            )


@dataclass(frozen=True, slots=True)
class Assignment:
    """A resource working on a task at ``units`` (1.0 = 100 % of its working time).

    ``work`` (working minutes) is the effort booked; ``None`` means duration x units. For
    a material resource ``units`` is the quantity used per working day and ``work`` must be
    ``None`` (material is not booked in hours).
    """

    task_id: str
    resource_id: str
    units: float = 1.0
    work: int | None = None

    def __post_init__(self) -> None:
        if not self.units > 0:
            raise ValidationError(
                f"The assignment of {self.resource_id!r} to {self.task_id!r} has units "
                f"{self.units}; units must be more than 0."
            )
        if self.work is not None and self.work < 0:
            raise ValidationError(
                f"The assignment of {self.resource_id!r} to {self.task_id!r} has negative "
                "work; work must be zero or more."
            )


@dataclass(frozen=True, slots=True)
class LevellingOptions:
    """How ``level_resources`` works.

    ``within_float_only``: delay a task only as far as its total float allows, so the
    project finish never moves; conflicts that need more are reported as unresolved.
    ``status_date``: tasks whose unlevelled start is before it are left where they are
    (only work from the status date on is levelled). ``resources_to_level``: level only
    these resource ids (``None``: every person and equipment resource).
    ``clear_existing``: drop levelling delays already on the tasks first (so levelling twice
    gives the same answer).
    """

    within_float_only: bool = False
    status_date: datetime | None = None
    resources_to_level: frozenset[str] | None = None
    clear_existing: bool = True


@dataclass(frozen=True, slots=True)
class Move:
    """A task that levelling moved: old and new start, and the delay added (working minutes)."""

    task_id: str
    old_start: datetime
    new_start: datetime
    delay: int


@dataclass(frozen=True, slots=True)
class OverAllocation:
    """A stretch of time where a resource is asked for more than its capacity.

    ``load`` and ``capacity`` are in units (1.0 = one full-time resource); ``task_ids`` are
    the tasks booked on the resource during the stretch.
    """

    resource_id: str
    start: datetime
    finish: datetime
    load: float
    capacity: float
    task_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LevellingResult:
    """What levelling did.

    ``schedule`` is the levelled schedule (the tasks carry ``delay`` as their
    ``levelling_delay``); ``delay`` maps every task to the working minutes added before its
    start (0 for most); ``moves`` lists the tasks whose start moved, in order of their new
    start; ``unresolved`` lists the over-allocations left (fixed tasks, or with
    ``within_float_only`` those that needed more than the float).
    """

    schedule: Schedule
    delay: dict[str, int]
    moves: tuple[Move, ...]
    finish_before: datetime
    finish_after: datetime
    unresolved: tuple[OverAllocation, ...] = ()


@dataclass(frozen=True, slots=True)
class UtilisationCell:
    """One resource in one period.

    ``load`` and ``capacity`` are working minutes for people and equipment, units for
    material. ``load_percent`` is load / capacity x 100 (0 when there is no capacity and no
    load, ``inf`` when there is load but no capacity).
    """

    period_start: date
    load: float
    capacity: float
    load_percent: float
    over_allocated: bool
    task_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceLoad:
    """One resource's row of the utilisation table, one cell per period."""

    resource_id: str
    kind: ResourceKind
    cells: tuple[UtilisationCell, ...]


@dataclass(frozen=True, slots=True)
class Utilisation:
    """Load against capacity per resource per period (``period`` is ``"day"`` or ``"week"``)."""

    period: str
    periods: tuple[date, ...]
    rows: tuple[ResourceLoad, ...] = field(default_factory=tuple)
