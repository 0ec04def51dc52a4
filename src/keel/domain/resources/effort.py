"""Duration, units and work of an effort-driven, fixed-units task (Microsoft Project's rule).

``work = duration x units``. Given any two, the third follows. When all three are known and
one of them is changed, Microsoft Project's fixed-units, effort-driven rule decides which
other one moves: editing duration recomputes work; editing work or units recomputes duration
(units stay as assigned, work stays as estimated).
"""

from __future__ import annotations

from keel.domain.errors import ValidationError

__all__ = ["effort_driven"]

_FIELDS = ("duration", "units", "work")


def effort_driven(
    duration: int | None = None,
    units: float | None = None,
    work: int | None = None,
    *,
    changed: str | None = None,
) -> tuple[int, float, int]:
    """Complete (duration, units, work) by the rule ``work = duration x units``.

    Reference: Microsoft Project, "Change the task type Project uses to calculate
    scheduling" — fixed units: a change to duration recalculates work; a change to work
    recalculates duration; a change to units recalculates duration (effort-driven).

    Parameters
    ----------
    duration : int, optional
        Working minutes the task lasts (>= 0).
    units : float, optional
        The assignment units, 1.0 = 100 % (> 0).
    work : int, optional
        Working minutes of effort (>= 0).
    changed : {"duration", "units", "work"}, optional
        Which value was just edited, when all three are given: that one and units (or, when
        units were edited, work) are kept and the third is recomputed.

    Returns
    -------
    tuple of (int, float, int)
        ``(duration, units, work)``; minutes are rounded to the nearest whole minute.

    Raises
    ------
    ValidationError
        Fewer than two values, units <= 0, negative minutes, an unknown ``changed``, three
        values without ``changed`` that disagree, or a duration of 0 with work to do
        (units cannot be found).

    Examples
    --------
    >>> effort_driven(duration=480, units=0.5)
    (480, 0.5, 240)
    >>> effort_driven(units=0.5, work=480)
    (960, 0.5, 480)
    >>> effort_driven(duration=480, units=1.0, work=480, changed="units")  # units -> 2.0
    (480, 1.0, 480)
    >>> effort_driven(duration=480, units=2.0, work=480, changed="units")
    (240, 2.0, 480)
    """
    if changed is not None and changed not in _FIELDS:
        raise ValidationError(f"changed must be one of {', '.join(_FIELDS)}, not {changed!r}.")
    if units is not None and not units > 0:
        raise ValidationError(f"Units must be more than 0 (got {units}).")
    if duration is not None and duration < 0:
        raise ValidationError("Duration must be zero or more minutes.")
    if work is not None and work < 0:
        raise ValidationError("Work must be zero or more minutes.")
    given = sum(v is not None for v in (duration, units, work))
    if given < 2:
        raise ValidationError("Give at least two of duration, units and work.")
    if given == 3:
        assert duration is not None and units is not None and work is not None
        if changed == "duration":
            return duration, units, round(duration * units)
        if changed in ("work", "units"):
            return round(work / units), units, work
        if round(duration * units) != work:
            raise ValidationError(
                f"Duration {duration} x units {units} is not work {work}; say which one changed."
            )
        return duration, units, work
    if work is None:
        assert duration is not None and units is not None
        return duration, units, round(duration * units)
    if duration is None:
        assert units is not None
        return round(work / units), units, work
    if duration == 0:
        if work:
            raise ValidationError("A task without duration cannot carry work.")
        return 0, 1.0, 0
    return duration, work / duration, work
