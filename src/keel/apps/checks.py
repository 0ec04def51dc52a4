"""Input checks every app's services share: unknown fields and stale versions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from keel.domain.errors import ConflictError, ValidationError

__all__ = ["check_fields", "check_version"]


def check_fields(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    """Refuse unknown field names with a message that lists the allowed ones."""
    allowed_set = set(allowed)
    unknown = sorted(set(fields) - allowed_set)
    if unknown:
        raise ValidationError(
            f"Unknown {what} field(s): {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(allowed_set))}.",
            details={"fields": unknown},
        )


def check_version(current: int, given: int | None, what: str) -> None:
    """Raise ConflictError when ``given`` is not the stored version (None skips the check)."""
    if given is None:
        return
    if int(given) != current:
        raise ConflictError(
            f"{what} was changed by someone else (version {current}, yours {given}). "
            "Reload and try again.",
            details={"current_version": current},
        )
