"""Working calendars and fast working-time arithmetic.

A ``WorkingCalendar`` says when work happens: hours per weekday, exceptions per date
(holidays, adjusted working days such as China's 调休 weekends) and an optional ``base``
calendar it inherits from. Times are naive project-local wall-clock ``datetime`` values.

For speed a calendar is compiled into a working-time axis (``TimeAxis``): sorted lists of
working intervals in absolute minutes with the working minutes elapsed before each one. Turning
an instant into a working-minute offset and back is then a binary search, so the scheduling
passes work in integers. The axis grows on demand in both directions.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from keel.domain.errors import CalendarError

__all__ = [
    "CONTINUOUS",
    "EPOCH",
    "STANDARD_DAY",
    "STANDARD_WEEK",
    "ContinuousAxis",
    "Intervals",
    "TimeAxis",
    "WorkingCalendar",
    "axis_for",
    "from_minutes",
    "holiday_calendar",
    "standard_calendar",
    "to_minutes",
]

Intervals = tuple[tuple[int, int], ...]
"""Working periods of one day as (start_minute, end_minute) pairs, e.g. ((540, 720),)."""

EPOCH: Final = datetime(1970, 1, 1)
_EPOCH_DAY: Final = EPOCH.date().toordinal()
_MINUTES_PER_DAY: Final = 1440

STANDARD_DAY: Final[Intervals] = ((9 * 60, 12 * 60), (13 * 60, 18 * 60))
"""09:00-12:00 and 13:00-18:00: eight working hours with a lunch break."""

STANDARD_WEEK: Final[tuple[Intervals, ...]] = (STANDARD_DAY,) * 5 + ((), ())
"""Monday to Friday ``STANDARD_DAY``, weekends off."""


def to_minutes(instant: datetime) -> int:
    """Return whole minutes since 1970-01-01 00:00 of a naive wall-clock ``datetime``.

    Parameters
    ----------
    instant : datetime
        Naive project-local time; seconds are dropped.

    Returns
    -------
    int
        Minutes since ``EPOCH``.

    Examples
    --------
    >>> to_minutes(datetime(1970, 1, 2, 1, 0))
    1500
    """
    days = instant.toordinal() - _EPOCH_DAY
    return days * _MINUTES_PER_DAY + instant.hour * 60 + instant.minute


def from_minutes(minutes: int) -> datetime:
    """Return the naive ``datetime`` that is ``minutes`` after ``EPOCH`` (inverse of to_minutes).

    Examples
    --------
    >>> from_minutes(1500)
    datetime.datetime(1970, 1, 2, 1, 0)
    """
    return EPOCH + timedelta(minutes=minutes)


def _check_intervals(intervals: Iterable[tuple[int, int]], where: str) -> Intervals:
    result = tuple((int(a), int(b)) for a, b in intervals)
    previous_end = -1
    for start, end in result:
        if not 0 <= start < end <= _MINUTES_PER_DAY:
            raise CalendarError(
                f"Working period {start}-{end} on {where} must lie within one day "
                "(0 to 1440 minutes) and end after it starts."
            )
        if start < previous_end:
            raise CalendarError(
                f"Working periods on {where} must be in order and must not overlap."
            )
        previous_end = end
    return result


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """When work happens: weekly hours, dated exceptions, and an optional base calendar.

    ``week`` holds seven ``Intervals`` (Monday first) in minutes after midnight; ``None``
    inherits the base calendar's week (or ``STANDARD_WEEK`` without a base). ``exceptions``
    maps a date to that day's working periods: ``()`` makes it a non-working day, periods make
    it an adjusted working day. Precedence for a date: own exception, then the base chain's
    exceptions, then own week, then the base chain's week.

    Examples
    --------
    >>> cal = WorkingCalendar("site", exceptions={date(2025, 1, 1): ()})
    >>> cal.is_working_day(date(2025, 1, 1)), cal.is_working_day(date(2025, 1, 2))
    (False, True)
    """

    name: str = "standard"
    week: tuple[Intervals, ...] | None = None
    exceptions: Mapping[date, Intervals] = field(default_factory=dict, hash=False)
    base: WorkingCalendar | None = None

    def __post_init__(self) -> None:
        if self.week is not None:
            if len(self.week) != 7:
                raise CalendarError(
                    f"Calendar {self.name!r} needs working hours for 7 weekdays, "
                    f"got {len(self.week)}."
                )
            names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            week = tuple(
                _check_intervals(day, f"{names[i]} in calendar {self.name!r}")
                for i, day in enumerate(self.week)
            )
            object.__setattr__(self, "week", week)
        exceptions = {
            (day.date() if isinstance(day, datetime) else day): _check_intervals(
                periods, f"{day} in calendar {self.name!r}"
            )
            for day, periods in self.exceptions.items()
        }
        object.__setattr__(self, "exceptions", MappingProxyType(exceptions))
        has_week_time = any(self.resolved_week())
        has_exception_time = any(any(p) for p in self._chain_exceptions().values())
        if not has_week_time and not has_exception_time:
            raise CalendarError(
                f"Calendar {self.name!r} has no working time at all: "
                "give at least one weekday working hours."
            )

    def resolved_week(self) -> tuple[Intervals, ...]:
        """Return the weekly hours in force: own week, else the base chain's, else standard."""
        cal: WorkingCalendar | None = self
        while cal is not None:
            if cal.week is not None:
                return cal.week
            cal = cal.base
        return STANDARD_WEEK

    def _chain_exceptions(self) -> dict[date, Intervals]:
        merged: dict[date, Intervals] = {}
        chain: list[WorkingCalendar] = []
        cal: WorkingCalendar | None = self
        while cal is not None:
            chain.append(cal)
            cal = cal.base
        for item in reversed(chain):
            merged.update(item.exceptions)
        return merged

    def working_periods(self, day: date) -> Intervals:
        """Return the working periods of ``day`` after applying exceptions and inheritance.

        Examples
        --------
        >>> standard_calendar().working_periods(date(2025, 3, 3))
        ((540, 720), (780, 1080))
        """
        cal: WorkingCalendar | None = self
        while cal is not None:
            if day in cal.exceptions:
                return cal.exceptions[day]
            cal = cal.base
        return self.resolved_week()[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` has any working time.

        Examples
        --------
        >>> standard_calendar().is_working_day(date(2025, 3, 8))  # a Saturday
        False
        """
        return bool(self.working_periods(day))

    def add_working_minutes(self, instant: datetime, minutes: int) -> datetime:
        """Return the instant ``minutes`` working minutes after ``instant`` (before, if negative).

        Counting forward ends at the end of the last minute counted, so adding a full day to
        09:00 Monday gives 18:00 Monday, not 09:00 Tuesday; counting back ends at the start
        of the earliest minute counted. Adding zero returns ``instant`` unchanged.

        Examples
        --------
        >>> cal = standard_calendar()
        >>> cal.add_working_minutes(datetime(2025, 3, 7, 17, 0), 120)  # Friday 17:00
        datetime.datetime(2025, 3, 10, 10, 0)
        """
        if minutes == 0:
            return instant
        return from_minutes(axis_for(self).shift(to_minutes(instant), minutes))

    def subtract_working_minutes(self, instant: datetime, minutes: int) -> datetime:
        """Return the instant ``minutes`` working minutes before ``instant``.

        Examples
        --------
        >>> standard_calendar().subtract_working_minutes(datetime(2025, 3, 10, 10, 0), 120)
        datetime.datetime(2025, 3, 7, 17, 0)
        """
        return self.add_working_minutes(instant, -minutes)

    def working_minutes_between(self, start: datetime, finish: datetime) -> int:
        """Return the working minutes from ``start`` to ``finish`` (negative if reversed).

        Examples
        --------
        >>> standard_calendar().working_minutes_between(
        ...     datetime(2025, 3, 3, 9, 0), datetime(2025, 3, 3, 18, 0))
        480
        """
        axis = axis_for(self)
        return axis.offset(to_minutes(finish)) - axis.offset(to_minutes(start))

    def next_working_instant(self, instant: datetime) -> datetime:
        """Return ``instant`` if work is going on then, else the start of the next period.

        Examples
        --------
        >>> standard_calendar().next_working_instant(datetime(2025, 3, 3, 12, 30))
        datetime.datetime(2025, 3, 3, 13, 0)
        """
        axis = axis_for(self)
        return from_minutes(axis.snap_start(to_minutes(instant)))

    def previous_working_instant(self, instant: datetime) -> datetime:
        """Return ``instant`` if work is going on then, else the end of the previous period.

        Examples
        --------
        >>> standard_calendar().previous_working_instant(datetime(2025, 3, 8, 10, 0))
        datetime.datetime(2025, 3, 7, 18, 0)
        """
        axis = axis_for(self)
        return from_minutes(axis.snap_finish(to_minutes(instant)))


def standard_calendar(name: str = "standard") -> WorkingCalendar:
    """Return Monday-Friday, 09:00-12:00 and 13:00-18:00, no holidays.

    Examples
    --------
    >>> standard_calendar().resolved_week()[5]
    ()
    """
    return WorkingCalendar(name=name, week=STANDARD_WEEK)


def holiday_calendar(
    country: str,
    subdiv: str | None = None,
    years: Iterable[int] | int | None = None,
    base: WorkingCalendar | None = None,
    name: str | None = None,
) -> WorkingCalendar:
    """Return a calendar with a country's public holidays as non-working days.

    Holidays come from the ``holidays`` package. Countries that move weekend days into the
    working week (mainland China's 调休) get those weekend days as working days with the
    hours of the base calendar's Monday (or its first weekday with hours).

    Parameters
    ----------
    country : str
        ISO 3166 country code, e.g. ``"CN"``, ``"US"``, ``"DE"``.
    subdiv : str, optional
        Subdivision code, e.g. ``"CA"`` for California or ``"BY"`` for Bavaria.
    years : int or iterable of int, optional
        Years to load; 2015-2035 when omitted.
    base : WorkingCalendar, optional
        Calendar supplying the weekly hours; ``standard_calendar()`` when omitted.
    name : str, optional
        Calendar name; ``country`` or ``country-subdiv`` when omitted.

    Returns
    -------
    WorkingCalendar
        A calendar whose ``base`` is ``base`` and whose exceptions are the holidays.

    Examples
    --------
    >>> cn = holiday_calendar("CN", years=2025)
    >>> cn.is_working_day(date(2025, 1, 29)), cn.is_working_day(date(2025, 1, 26))
    (False, True)
    """
    import holidays

    if years is None:
        year_list = list(range(2015, 2036))
    elif isinstance(years, int):
        year_list = [years]
    else:
        year_list = sorted(set(years))
    base = base if base is not None else standard_calendar()
    try:
        table = holidays.country_holidays(country, subdiv=subdiv, years=year_list)
    except (NotImplementedError, KeyError) as exc:
        raise CalendarError(
            f"No holiday rules for country {country!r}"
            + (f" subdivision {subdiv!r}" if subdiv else "")
            + "."
        ) from exc
    week = base.resolved_week()
    workday_hours = week[0] or next(day for day in week if day)
    wanted = set(year_list)
    exceptions: dict[date, Intervals] = {day: () for day in table if day.year in wanted}
    for day in getattr(table, "weekend_workdays", ()):
        if day.year in wanted:
            exceptions[day] = workday_hours
    label = name or (f"{country}-{subdiv}" if subdiv else country)
    return WorkingCalendar(name=label, week=None, exceptions=exceptions, base=base)


class TimeAxis:
    """A calendar compiled into sorted working intervals over a growing range of days.

    Instants are absolute minutes (``to_minutes``). An offset is the number of working
    minutes between a fixed anchor and an instant; offsets never change when the axis grows,
    so differences of offsets are working durations.
    """

    __slots__ = ("_first_day", "_index", "_last_day", "calendar", "cum", "ends", "starts")

    _CHUNK_DAYS: Final = 800
    _GIVE_UP_DAYS: Final = 366 * 30

    def __init__(self, calendar: WorkingCalendar, first_day: int, last_day: int) -> None:
        self.calendar = calendar
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum: list[int] = []
        self._index: _AxisIndex | None = None
        self._first_day = first_day
        self._last_day = first_day
        self._extend_forward(last_day)

    def _day_intervals(self, first: int, last: int) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        calendar = self.calendar
        week = calendar.resolved_week()
        exceptions = calendar._chain_exceptions()
        for ordinal in range(first, last):
            day = date.fromordinal(ordinal)
            periods = exceptions.get(day)
            if periods is None:
                periods = week[day.weekday()]
            base = (ordinal - _EPOCH_DAY) * _MINUTES_PER_DAY
            for a, b in periods:
                if starts and ends[-1] == base + a:
                    ends[-1] = base + b  # merge periods that touch across midnight
                else:
                    starts.append(base + a)
                    ends.append(base + b)
        return starts, ends

    def _extend_forward(self, last_day: int) -> None:
        self._index = None
        while self._last_day < last_day or not self.starts:
            first = self._last_day
            stop = max(last_day, first + self._CHUNK_DAYS)
            starts, ends = self._day_intervals(first, stop)
            total = self.cum[-1] + self.ends[-1] - self.starts[-1] if self.cum else 0
            if starts and self.ends and self.ends[-1] == starts[0]:
                self.ends[-1] = ends[0]
                starts, ends = starts[1:], ends[1:]
            for a, b in zip(starts, ends, strict=True):
                self.starts.append(a)
                self.ends.append(b)
                self.cum.append(total)
                total += b - a
            self._last_day = stop
            if not self.starts and stop - self._first_day > self._GIVE_UP_DAYS:
                raise CalendarError(f"Calendar {self.calendar.name!r} has no working time.")

    def _extend_backward(self, first_day: int) -> None:
        self._index = None
        while self._first_day > first_day:
            stop = self._first_day
            start = min(first_day, stop - self._CHUNK_DAYS)
            starts, ends = self._day_intervals(start, stop)
            self._first_day = start
            if not starts:
                if stop - start > self._GIVE_UP_DAYS:
                    raise CalendarError(
                        f"Calendar {self.calendar.name!r} has no working time before "
                        f"{date.fromordinal(stop)}."
                    )
                continue
            if ends[-1] == self.starts[0]:
                self.starts[0] = starts[-1]
                self.cum[0] -= ends[-1] - starts[-1]
                starts, ends = starts[:-1], ends[:-1]
            total = self.cum[0]
            cum = [0] * len(starts)
            for i in range(len(starts) - 1, -1, -1):
                total -= ends[i] - starts[i]
                cum[i] = total
            self.starts[:0] = starts
            self.ends[:0] = ends
            self.cum[:0] = cum

    def _cover(self, minute: int) -> None:
        day = minute // _MINUTES_PER_DAY + _EPOCH_DAY
        if day < self._first_day + 1:
            self._extend_backward(day - self._CHUNK_DAYS)
        elif day >= self._last_day - 1:
            self._extend_forward(day + self._CHUNK_DAYS)

    def offset(self, minute: int) -> int:
        """Return the working minutes from the anchor to ``minute``."""
        starts = self.starts
        if not starts[0] <= minute < self.ends[-1]:
            self._cover(minute)
            starts = self.starts
        i = bisect.bisect_right(starts, minute) - 1
        if i < 0:
            return self.cum[0]
        end = self.ends[i]
        return self.cum[i] + (minute if minute < end else end) - starts[i]

    def _ensure_offset(self, low: int, high: int) -> None:
        """Grow the axis until offsets ``low`` to ``high`` lie within its working time."""
        tries = 0
        while low < self.cum[0] or high > self.cum[-1] + self.ends[-1] - self.starts[-1]:
            tries += 1
            if tries * self._CHUNK_DAYS > self._GIVE_UP_DAYS:
                side = "before" if low < self.cum[0] else "after"
                raise CalendarError(
                    f"Calendar {self.calendar.name!r} has no more working time {side} "
                    f"{from_minutes(self.starts[0] if side == 'before' else self.ends[-1])}."
                )
            if low < self.cum[0]:
                self._extend_backward(self._first_day - self._CHUNK_DAYS)
            else:
                self._extend_forward(self._last_day + self._CHUNK_DAYS)

    def at_start(self, work: int) -> int:
        """Return the instant where working minute ``work`` begins (a working instant)."""
        cum = self.cum
        if not cum[0] <= work < cum[-1]:
            self._ensure_offset(work, work + 1)
            cum = self.cum
        i = bisect.bisect_right(cum, work) - 1
        return self.starts[i] + work - cum[i]

    def at_finish(self, work: int) -> int:
        """Return the earliest instant by which ``work`` working minutes have elapsed."""
        cum = self.cum
        if not cum[0] < work <= cum[-1]:
            self._ensure_offset(work - 1, work)
            cum = self.cum
        i = bisect.bisect_left(cum, work) - 1
        return self.starts[i] + work - cum[i]

    def snap_start(self, minute: int) -> int:
        """Return ``minute`` moved forward to the next working instant."""
        return self.at_start(self.offset(minute))

    def snap_finish(self, minute: int) -> int:
        """Return ``minute`` moved back to the end of the previous working period."""
        return self.at_finish(self.offset(minute))

    def shift(self, minute: int, work: int) -> int:
        """Return ``minute`` moved by ``work`` working minutes (unchanged when zero).

        Moving forward ends at the end of the last minute counted (18:00, not 09:00 next day);
        moving back ends at the start of the earliest minute counted (09:00, not 18:00 the
        day before).
        """
        if work > 0:
            return self.at_finish(self.offset(minute) + work)
        if work < 0:
            return self.at_start(self.offset(minute) + work)
        return minute

    def place(self, minute: int, work: int) -> tuple[int, int]:
        """Return (start, finish) of ``work`` (> 0) working minutes starting at ``minute``.

        The start snaps forward to a working instant; the finish is the end of the last
        working minute. This fuses ``offset``, ``at_start`` and ``at_finish`` for the forward
        pass.
        """
        starts = self.starts
        if not starts[0] <= minute < self.ends[-1]:
            self._cover(minute)
            starts = self.starts
        cum = self.cum
        i = bisect.bisect_right(starts, minute) - 1
        if i >= 0 and minute < self.ends[i]:
            w = cum[i] + minute - starts[i]
            start = minute
        elif i + 1 < len(starts):
            w = cum[i + 1]
            start = starts[i + 1]
        else:
            w = self.offset(minute)
            start = self.at_start(w)
        w += work
        if w >= cum[-1]:
            return start, self.at_finish(w)
        i = bisect.bisect_left(cum, w) - 1
        return start, starts[i] + w - cum[i]

    def place_back(self, minute: int, work: int) -> tuple[int, int]:
        """Return (start, finish) of ``work`` (> 0) working minutes finishing by ``minute``.

        The finish snaps back to the end of a working period; the mirror of ``place``.
        """
        starts = self.starts
        if not starts[0] < minute <= self.ends[-1]:
            self._cover(minute)
            starts = self.starts
        cum = self.cum
        i = bisect.bisect_left(starts, minute) - 1
        if i >= 0:
            end = self.ends[i]
            finish = minute if minute < end else end
            w = cum[i] + finish - starts[i]
        else:
            w = self.offset(minute)
            finish = self.at_finish(w)
        w -= work
        if w < cum[0]:
            return self.at_start(w), finish
        i = bisect.bisect_right(cum, w) - 1
        return starts[i] + w - cum[i], finish

    def _arrays(self) -> _AxisIndex:
        if self._index is None:
            self._index = _AxisIndex(self.starts, self.ends, self.cum)
        return self._index

    def starts_at(self, work: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Vectorised ``at_start``."""
        if work.size:
            self._ensure_offset(int(work.min()), int(work.max()) + 1)
        index = self._arrays()
        i = index.interval_at_work(work)
        result: npt.NDArray[np.int64] = index.starts[i] + work - index.cum[i]
        return result

    def finishes_at(self, work: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Vectorised ``at_finish``."""
        if work.size:
            self._ensure_offset(int(work.min()) - 1, int(work.max()))
        index = self._arrays()
        # The interval whose working time reaches ``work``: the last one starting before it.
        i = index.interval_at_work(work - 1)
        result: npt.NDArray[np.int64] = index.starts[i] + work - index.cum[i]
        return result

    def offsets(self, minutes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Vectorised ``offset`` for many instants."""
        if minutes.size:
            self.offset(int(minutes.min()))
            self.offset(int(minutes.max()))
        index = self._arrays()
        i = np.maximum(index.interval_of(minutes), 0)
        result: npt.NDArray[np.int64] = (
            index.cum[i] + np.minimum(minutes, index.ends[i]) - index.starts[i]
        )
        return result


_MAX_STEPS: Final = 8
_BEYOND: Final = 1 << 62


class _AxisIndex:
    """A ``TimeAxis``'s intervals as arrays, with bucket tables for the vectorised methods.

    Binary search over thousands of intervals costs tens of nanoseconds a value in cache
    misses; a table per day (for instants) and per bucket of working minutes (for offsets)
    names the last interval starting before the bucket, and a few comparisons with the
    intervals after it finish the job. Calendars with many periods a day fall back to
    ``searchsorted``.
    """

    __slots__ = (
        "by_day",
        "by_work",
        "cum",
        "cum_padded",
        "day0",
        "day_steps",
        "ends",
        "starts",
        "starts_padded",
        "width",
        "work0",
        "work_steps",
    )

    def __init__(self, starts: list[int], ends: list[int], cum: list[int]) -> None:
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)
        self.cum = np.asarray(cum, dtype=np.int64)
        first_day = starts[0] // _MINUTES_PER_DAY
        days = ends[-1] // _MINUTES_PER_DAY - first_day + 1
        self.day0 = first_day * _MINUTES_PER_DAY
        self.by_day, self.day_steps = _buckets(self.starts, self.day0, _MINUTES_PER_DAY, days)
        self.starts_padded = np.concatenate([self.starts, np.full(self.day_steps, _BEYOND)])
        lengths = self.ends - self.starts
        total = int(cum[-1] - cum[0] + lengths[-1])
        limit = 4 * len(cum) + 1024
        width = max(1, int(lengths.min()))
        if total // width >= limit:
            width = total // limit + 1
        self.work0, self.width = cum[0], width
        self.by_work, self.work_steps = _buckets(self.cum, cum[0], width, total // width + 1)
        self.cum_padded = np.concatenate([self.cum, np.full(self.work_steps, _BEYOND)])

    def interval_of(self, minutes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per instant, the index of the last interval starting at or before it (-1: none)."""
        return _lookup(
            minutes, self.starts, self.starts_padded, self.by_day, self.day0,
            _MINUTES_PER_DAY, self.day_steps,
        )  # fmt: skip

    def interval_at_work(self, work: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per offset, the index of the last interval whose working time starts at or
        before it."""
        return _lookup(
            work, self.cum, self.cum_padded, self.by_work, self.work0, self.width,
            self.work_steps,
        )  # fmt: skip


def _buckets(
    edges: npt.NDArray[np.int64], origin: int, width: int, count: int
) -> tuple[npt.NDArray[np.int64], int]:
    """For buckets ``[origin + b * width, origin + (b + 1) * width)``, the index of the last
    of the sorted ``edges`` at or before each bucket's start, and the most edges strictly
    inside any one bucket."""
    bounds = origin + width * np.arange(count + 1, dtype=np.int64)
    at_or_before = np.searchsorted(edges, bounds, side="right")
    inside = np.searchsorted(edges, bounds[1:], side="left") - at_or_before[:-1]
    first: npt.NDArray[np.int64] = (at_or_before[:-1] - 1).astype(np.int64)
    return first, int(inside.max())


def _lookup(
    values: npt.NDArray[np.int64],
    edges: npt.NDArray[np.int64],
    padded: npt.NDArray[np.int64],
    first_of: npt.NDArray[np.int64],
    origin: int,
    width: int,
    steps: int,
) -> npt.NDArray[np.int64]:
    """``searchsorted(edges, values, side="right") - 1`` through the bucket table."""
    if steps > _MAX_STEPS:
        found: npt.NDArray[np.int64] = np.searchsorted(edges, values, side="right") - 1
        return found
    bucket = np.clip((values - origin) // width, 0, len(first_of) - 1)
    first = first_of[bucket]
    index = first.copy()
    for step in range(1, steps + 1):
        index += padded[first + step] <= values
    return index


class ContinuousAxis(TimeAxis):
    """Elapsed time: every minute counts, 24 hours a day, 7 days a week."""

    __slots__ = ()

    def __init__(self) -> None:
        pass

    def offset(self, minute: int) -> int:
        """Return ``minute`` itself: elapsed time has no gaps."""
        return minute

    def at_start(self, work: int) -> int:
        """Return ``work`` itself."""
        return work

    def at_finish(self, work: int) -> int:
        """Return ``work`` itself."""
        return work

    def offsets(self, minutes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Return ``minutes`` unchanged."""
        return minutes

    def place(self, minute: int, work: int) -> tuple[int, int]:
        """Return (minute, minute + work): elapsed work never waits."""
        return minute, minute + work

    def place_back(self, minute: int, work: int) -> tuple[int, int]:
        """Return (minute - work, minute)."""
        return minute - work, minute

    def shift(self, minute: int, work: int) -> int:
        """Return ``minute + work``."""
        return minute + work


CONTINUOUS: Final = ContinuousAxis()
"""The axis of elapsed durations."""


def axis_for(calendar: WorkingCalendar) -> TimeAxis:
    """Return the compiled, cached ``TimeAxis`` of ``calendar`` for the calling thread.

    An axis grows in place when a plan reaches past it, so each thread gets its own copy
    rather than sharing one that another thread may be extending.

    Examples
    --------
    >>> axis = axis_for(standard_calendar())
    >>> axis.offset(to_minutes(datetime(2025, 3, 4, 9, 0))) - axis.offset(
    ...     to_minutes(datetime(2025, 3, 3, 9, 0)))
    480
    """
    return _axis_for(calendar, threading.get_ident())


@lru_cache(maxsize=128)
def _axis_for(calendar: WorkingCalendar, thread: int) -> TimeAxis:
    first = date(2020, 1, 1).toordinal()
    return TimeAxis(calendar, first, first + 366 * 8)
