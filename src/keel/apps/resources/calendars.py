"""Resource rows → keel.domain calendars: the working time of each resource.

A resource works on the weekdays of ``workdays`` for ``capacity`` hours a day (09:00 onwards,
with the 12:00-13:00 break once past three hours; material counts a standard day), on the
standard week or a country's public holidays, less its leave (non-working days).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from keel.apps.resources.models import Resource, ResourceKind, ResourceLeave
from keel.domain.errors import CalendarError
from keel.domain.schedule import WorkingCalendar, standard_calendar
from keel.domain.schedule.calendar import holiday_calendar

__all__ = ["day_periods", "resource_calendar", "working_days"]


def day_periods(hours: Decimal) -> tuple[tuple[int, int], ...]:
    """The periods of a working day of ``hours`` hours, starting at 09:00."""
    minutes = min(int(hours * 60), 15 * 60)
    if minutes <= 180:
        return ((540, 540 + minutes),)
    return ((540, 720), (780, 780 + minutes - 180))


@lru_cache(maxsize=64)
def _base(country: str, workdays: str, minutes: int) -> WorkingCalendar:
    periods = day_periods(Decimal(minutes) / 60)
    week = tuple(periods if str(i + 1) in workdays else () for i in range(7))
    if not any(week):
        raise CalendarError("A resource needs at least one working weekday.")
    own = WorkingCalendar(name=f"week-{workdays}-{minutes}", week=week)
    if not country:
        return own
    return holiday_calendar(country, base=own, name=f"{country}-{workdays}-{minutes}")


def resource_calendar(
    resource: Resource, leaves: Iterable[ResourceLeave] | None = None
) -> WorkingCalendar:
    """The resource's working calendar, with its leave as non-working days."""
    hours = Decimal(8) if resource.kind == ResourceKind.MATERIAL else resource.capacity
    try:
        base = _base(
            resource.calendar_country.upper(), resource.workdays or "12345", int(hours * 60)
        )
    except CalendarError:
        base = standard_calendar()
    rows = list(resource.leaves.all()) if leaves is None else list(leaves)
    if not rows:
        return base
    off: dict[date, tuple[tuple[int, int], ...]] = {}
    for leave in rows:
        day = leave.start
        while day <= leave.finish:
            off[day] = ()
            day += timedelta(days=1)
    return WorkingCalendar(name=f"resource-{resource.pk}", exceptions=off, base=base)


def working_days(calendar: WorkingCalendar, start: date, finish: date) -> list[date]:
    """The days from ``start`` to ``finish`` (both included) with working time."""
    days = []
    day = start
    while day <= finish:
        if calendar.working_periods(day):
            days.append(day)
        day += timedelta(days=1)
    return days
