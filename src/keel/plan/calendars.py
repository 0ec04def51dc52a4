"""Calendars as a plan file describes them, resolved through base calendars.

A ``CalendarSpec`` is what one ``calendars:`` entry says; ``resolve_calendars`` follows the
``base:`` chain (a child overrides whole weekdays and adds exceptions) and returns flat specs,
which ``build_calendars`` turns into the engine's ``WorkingCalendar`` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from keel.domain.errors import CalendarError, CycleError, PlanError
from keel.domain.schedule.calendar import STANDARD_WEEK, WorkingCalendar, holiday_calendar

__all__ = [
    "DEFAULT_CALENDAR",
    "DEFAULT_WEEK",
    "CalendarSpec",
    "Hours",
    "build_calendars",
    "parse_hours",
    "resolve_calendars",
]

# (start, end) minutes after midnight; an empty tuple is a day without work.
Hours = tuple[tuple[int, int], ...]

DEFAULT_CALENDAR = "standard"
# The engine's standard week: Monday to Friday, 09:00-12:00 and 13:00-18:00.
DEFAULT_WEEK: Mapping[int, Hours] = dict(enumerate(STANDARD_WEEK))
# Holidays are loaded for this many years around the project start.
HOLIDAY_YEARS_BEFORE = 1
HOLIDAY_YEARS_AFTER = 10

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """One calendar: weekly hours, national holidays and dated exceptions.

    ``week`` maps weekday (0 = Monday) to working hours; a missing weekday is inherited from
    the base calendar. ``exceptions`` replace a date's hours (empty = holiday);
    ``working_days`` make a normally free date a working one.
    """

    name: str
    base: str | None = None
    week: Mapping[int, Hours] = field(default_factory=dict)
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    adjusted_working_days: bool = True
    exceptions: Mapping[date, Hours] = field(default_factory=dict)
    working_days: Mapping[date, Hours | None] = field(default_factory=dict)


def parse_hours(ranges: list[str], where: str) -> Hours:
    """Turn ``["09:00-12:00", "13:00-18:00"]`` into minute pairs, checking order and overlap.

    Parameters
    ----------
    ranges
        Time ranges as written; ``24:00`` is allowed as an end.
    where
        The place in the file, for error messages.

    Returns
    -------
    Hours
        Sorted ``(start, end)`` pairs in minutes after midnight.

    Raises
    ------
    PlanError
        For a malformed, empty or overlapping range.
    """
    out: list[tuple[int, int]] = []
    for i, text in enumerate(ranges):
        place = f"{where}[{i}]"
        try:
            left, right = (part.strip() for part in text.split("-"))
            start, end = _minute(left), _minute(right)
        except (ValueError, AttributeError) as err:
            raise PlanError(f"{place}: {text!r} is not a time range like '09:00-12:00'") from err
        if not 0 <= start < end <= 24 * 60:
            raise PlanError(f"{place}: {text!r} must end after it starts, within one day")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in pairwise(out):
        if start < end:
            raise PlanError(f"{where}: time ranges overlap")
    return tuple(out)


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60:
        raise ValueError(text)
    return value


def weekday_keys(key: str, where: str) -> list[int]:
    """Weekdays named by ``mon`` or a range like ``mon-fri`` (wrapping ``fri-mon`` too)."""
    parts = key.split("-")
    try:
        first = _WEEKDAYS.index(parts[0])
        last = _WEEKDAYS.index(parts[-1])
    except ValueError as err:
        raise PlanError(f"{where}: {key!r} is not a weekday like mon or mon-fri") from err
    days = [first]
    while days[-1] != last:
        days.append((days[-1] + 1) % 7)
    return days


def date_span(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def resolve_calendars(specs: Mapping[str, CalendarSpec]) -> dict[str, CalendarSpec]:
    """Flatten base-calendar inheritance: each result has a full week and all exceptions.

    Parameters
    ----------
    specs
        Calendars by name, as read from the file (``base`` may name another one).

    Returns
    -------
    dict[str, CalendarSpec]
        The same names, each with ``base=None`` and its inherited rules merged in.

    Raises
    ------
    PlanError
        When a ``base`` names a calendar that does not exist.
    CycleError
        When base calendars refer to each other in a loop.
    """
    done: dict[str, CalendarSpec] = {}

    def visit(name: str, chain: list[str]) -> CalendarSpec:
        if name in done:
            return done[name]
        if name in chain:
            raise CycleError(chain[chain.index(name) :], what="calendar inheritance")
        spec = specs[name]
        if spec.base is None:
            flat = replace(spec, week={**DEFAULT_WEEK, **spec.week})
        else:
            if spec.base not in specs:
                raise PlanError(
                    f"calendars.{name}.base: no calendar named {spec.base!r}",
                    details={"path": f"calendars.{name}.base"},
                )
            parent = visit(spec.base, [*chain, name])
            flat = CalendarSpec(
                name=name,
                week={**parent.week, **spec.week},
                holidays_country=spec.holidays_country or parent.holidays_country,
                holidays_subdivision=spec.holidays_subdivision or parent.holidays_subdivision,
                adjusted_working_days=spec.adjusted_working_days and parent.adjusted_working_days,
                exceptions={**parent.exceptions, **spec.exceptions},
                working_days={**parent.working_days, **spec.working_days},
            )
        done[name] = flat
        return flat

    for name in specs:
        visit(name, [])
    return done


def build_calendars(
    specs: Mapping[str, CalendarSpec], first_year: int
) -> dict[str, WorkingCalendar]:
    """Turn flattened specs into the engine's calendars.

    Parameters
    ----------
    specs
        Output of ``resolve_calendars`` (full weeks, no ``base``).
    first_year
        The project's start year: national holidays are loaded from the year before it to ten
        years after.

    Returns
    -------
    dict[str, WorkingCalendar]
        One calendar per name. Explicit exceptions and working days win over national holidays.

    Raises
    ------
    PlanError
        When a calendar has no working time, or a country has no holiday rules.
    """
    out: dict[str, WorkingCalendar] = {}
    years = range(first_year - HOLIDAY_YEARS_BEFORE, first_year + HOLIDAY_YEARS_AFTER + 1)
    for name, spec in specs.items():
        week = tuple(spec.week.get(day, DEFAULT_WEEK[day]) for day in range(7))
        exceptions: dict[date, Hours] = {}
        try:
            if spec.holidays_country:
                table = holiday_calendar(
                    spec.holidays_country,
                    spec.holidays_subdivision,
                    years=years,
                    base=WorkingCalendar(name, week=week),
                )
                exceptions.update(
                    (day, hours)
                    for day, hours in table.exceptions.items()
                    if spec.adjusted_working_days or not hours
                )
            usual = next((hours for hours in week if hours), ())
            for day, maybe in spec.working_days.items():
                exceptions[day] = maybe if maybe is not None else usual
            exceptions.update(spec.exceptions)
            out[name] = WorkingCalendar(name, week=week, exceptions=exceptions)
        except CalendarError as err:
            raise PlanError(f"calendars.{name}: {err.message}") from err
    return out
