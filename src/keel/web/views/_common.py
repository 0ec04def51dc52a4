"""Helpers the workspace pages share: run a service and turn its refusal into a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from keel.domain.errors import ConflictError, KeelError

__all__ = ["Outcome", "attempt", "refusal"]

T = TypeVar("T")


class Outcome:
    """What a service call gave: its result, or the message saying why it refused."""

    def __init__(self, result: Any = None, error: str = "", stale: bool = False) -> None:
        self.result = result
        self.error = error
        self.stale = stale

    @property
    def ok(self) -> bool:
        return not self.error


def refusal(exc: Exception) -> str:
    """A person-readable message for a service's refusal."""
    if isinstance(exc, ConflictError):
        return _("Changed by someone else, reload the page and try again.")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return " ".join(
                f"{'' if field == '__all__' else field + ': '}{msg}"
                for field, msgs in exc.message_dict.items()
                for msg in msgs
            )
        return " ".join(exc.messages)
    if isinstance(exc, KeelError | PermissionDenied):
        return str(exc) or _("Your role does not allow this.")
    raise exc


def attempt(call: Callable[[], T]) -> Outcome:
    """Run ``call`` (one service, or several inside one transaction) and catch its refusal."""
    try:
        return Outcome(result=call())
    except (KeelError, DjangoValidationError, PermissionDenied) as exc:
        return Outcome(error=refusal(exc), stale=isinstance(exc, ConflictError))
