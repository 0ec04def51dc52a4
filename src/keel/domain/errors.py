"""One error tree for the domain: every rule the engine refuses raises a KeelError."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CalendarError",
    "ConflictError",
    "CycleError",
    "KeelError",
    "PlanError",
    "UnknownReferenceError",
    "ValidationError",
]


class KeelError(Exception):
    """Base of every error the domain raises on purpose; ``str(err)`` is a user-facing message."""

    code = "keel_error"

    def __init__(self, message: str, *, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = details or {}


class ValidationError(KeelError):
    """Input that breaks a rule: a negative duration, a bad percentage, a missing date."""

    code = "validation_error"


class UnknownReferenceError(ValidationError):
    """A dependency, parent or calendar names something that does not exist."""

    code = "unknown_reference"


class CalendarError(ValidationError):
    """A calendar that cannot be used, e.g. one with no working time at all."""

    code = "calendar_error"


class PlanError(ValidationError):
    """A plan file (plan-as-code) that cannot be read; the message names the place."""

    code = "plan_error"


class CycleError(ValidationError):
    """Dependencies (or a WBS) that loop back on themselves; ``cycle`` lists members in order."""

    code = "cycle"

    def __init__(self, cycle: Sequence[str], *, what: str = "dependency") -> None:
        self.cycle = tuple(cycle)
        path = " → ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        super().__init__(
            f"This {what} would create a cycle: {path}",
            details={"cycle": list(self.cycle)},
        )


class ConflictError(KeelError):
    """An update based on a stale version: someone else changed the object first."""

    code = "conflict"
