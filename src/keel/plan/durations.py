"""Durations and lags as people write them in a plan file: ``3d``, ``4h``, ``90m``, ``2w``, ``5ed``.

A working day is the plan's ``hours_per_day`` (8 h unless the file says otherwise, as in
Microsoft Project's default) and a working week is ``days_per_week`` such days (5). An ``e``
before the unit makes it elapsed time: ``5ed`` is five calendar days of 24 h, worked or not.
Lags may be negative (a lead, ``-1d``) or a percentage of the predecessor's duration (``50%``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "DURATION_PATTERN",
    "LAG_PATTERN",
    "Duration",
    "Lag",
    "TimeUnits",
    "format_minutes",
    "parse_duration",
    "parse_lag",
]

# Kept in step with plan.schema.json, which holds the same two patterns.
DURATION_PATTERN = r"^\s*\d+(\.\d+)?\s*(e?(m|min|h|d|w|mo))\s*$"
LAG_PATTERN = r"^\s*[+-]?\d+(\.\d+)?\s*(%|e?(m|min|h|d|w|mo))\s*$"

_DURATION_RE = re.compile(DURATION_PATTERN)
_LAG_RE = re.compile(LAG_PATTERN)
_NUMBER_RE = re.compile(r"[+-]?\d+(\.\d+)?")

_ELAPSED_MINUTES = {"m": 1, "min": 1, "h": 60, "d": 1440, "w": 10080, "mo": 43200}


@dataclass(frozen=True, slots=True)
class TimeUnits:
    """How long a working day, week and month are, in working minutes.

    Microsoft Project's defaults: 8 h a day, 40 h a week, 20 days a month.
    """

    minutes_per_day: int = 480
    days_per_week: int = 5
    days_per_month: int = 20

    def minutes(self, unit: str) -> int:
        """Working minutes in one ``unit`` (``m``, ``h``, ``d``, ``w`` or ``mo``)."""
        return {
            "m": 1,
            "min": 1,
            "h": 60,
            "d": self.minutes_per_day,
            "w": self.minutes_per_day * self.days_per_week,
            "mo": self.minutes_per_day * self.days_per_month,
        }[unit]


@dataclass(frozen=True, slots=True)
class Duration:
    """A parsed duration: integer minutes, elapsed (24 x 7) or working."""

    minutes: int
    elapsed: bool = False


@dataclass(frozen=True, slots=True)
class Lag:
    """A parsed lag: working minutes, or a percentage of the predecessor's duration."""

    minutes: int = 0
    percent: float | None = None


def _split(text: str) -> tuple[Decimal, str]:
    number = _NUMBER_RE.match(text.strip())
    assert number is not None  # the caller matched the full pattern first
    unit = text.strip()[number.end() :].strip()
    return Decimal(number.group(0)), unit


def _to_minutes(value: Decimal, unit: str, units: TimeUnits) -> tuple[int, bool]:
    elapsed = unit.startswith("e")
    base = unit[1:] if elapsed else unit
    per_unit = _ELAPSED_MINUTES[base] if elapsed else units.minutes(base)
    return int((value * per_unit).to_integral_value()), elapsed


def parse_duration(text: str | int | float, units: TimeUnits | None = None) -> Duration:
    """Parse a duration such as ``3d``, ``4h``, ``90m``, ``2w`` or ``5ed``.

    Parameters
    ----------
    text
        The duration as written. A bare number ``0`` is accepted (for milestones).
    units
        Length of a working day, week and month; Microsoft Project's defaults when omitted.

    Returns
    -------
    Duration
        Whole minutes (rounded to the nearest minute) and whether they are elapsed.

    Raises
    ------
    ValueError
        When ``text`` is not a duration; the message says what one looks like.

    Examples
    --------
    >>> parse_duration("1.5d")
    Duration(minutes=720, elapsed=False)
    >>> parse_duration("2ed")
    Duration(minutes=2880, elapsed=True)
    """
    units = units or TimeUnits()
    if isinstance(text, int | float) and not isinstance(text, bool) and text == 0:
        return Duration(0)
    if not isinstance(text, str) or not _DURATION_RE.match(text):
        raise ValueError(f"{text!r} is not a duration like 3d, 4h, 90m, 2w or 5ed")
    try:
        value, unit = _split(text)
    except InvalidOperation as err:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{text!r} is not a duration like 3d, 4h, 90m, 2w or 5ed") from err
    minutes, elapsed = _to_minutes(value, unit, units)
    return Duration(minutes, elapsed)


def parse_lag(text: str | int | float, units: TimeUnits | None = None) -> Lag:
    """Parse a lag or lead such as ``2d``, ``-4h`` or ``50%``.

    Parameters
    ----------
    text
        The lag as written; negative values are leads. A bare ``0`` is accepted.
    units
        Length of a working day, week and month.

    Returns
    -------
    Lag
        Working minutes, or ``percent`` of the predecessor's duration.

    Raises
    ------
    ValueError
        When ``text`` is not a lag, or is an elapsed lag (not supported by the engine).

    Examples
    --------
    >>> parse_lag("-1d")
    Lag(minutes=-480, percent=None)
    >>> parse_lag("50%")
    Lag(minutes=0, percent=50.0)
    """
    units = units or TimeUnits()
    if isinstance(text, int | float) and not isinstance(text, bool) and text == 0:
        return Lag()
    if not isinstance(text, str) or not _LAG_RE.match(text):
        raise ValueError(f"{text!r} is not a lag like 2d, -4h, 30m or 50%")
    value, unit = _split(text)
    if unit == "%":
        return Lag(percent=float(value))
    if unit.startswith("e"):
        raise ValueError(f"{text!r}: elapsed lags are not supported; write working time like 2d")
    minutes, _ = _to_minutes(value, unit, units)
    return Lag(minutes=minutes)


def format_minutes(minutes: int, units: TimeUnits | None = None, *, elapsed: bool = False) -> str:
    """Write minutes for people: whole days, else days to one decimal, else hours or minutes.

    Examples
    --------
    >>> format_minutes(2400)
    '5d'
    >>> format_minutes(90)
    '90m'
    >>> format_minutes(720)
    '1.5d'
    >>> format_minutes(240)
    '4h'
    """
    units = units or TimeUnits()
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    prefix = "e" if elapsed else ""
    day = 1440 if elapsed else units.minutes_per_day
    if minutes == 0:
        return f"0{prefix}d"
    if minutes % day == 0:
        return f"{sign}{minutes // day}{prefix}d"
    if minutes >= day:
        value = (Decimal(minutes) / Decimal(day)).quantize(Decimal("0.1"))
        return f"{sign}{value.normalize():f}{prefix}d"
    if minutes % 60 == 0:
        return f"{sign}{minutes // 60}{prefix}h"
    return f"{sign}{minutes}{prefix}m"
