"""Turn the names a client sends (usernames, ids, item keys) into rows, or a clear 400.

A reference inside a request body that names nothing is bad input (400 with the field named),
unlike a path that names nothing, which is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from keel.domain.errors import UnknownReferenceError

__all__ = ["unknown", "user_named"]


def unknown(field: str, message: str) -> UnknownReferenceError:
    """An error for a body field that names something that does not exist.

    Parameters
    ----------
    field : str
        The request field, e.g. ``assignee``.
    message : str
        What was not found.

    Returns
    -------
    UnknownReferenceError
        With ``details = {"fields": {field: [message]}}``.
    """
    return UnknownReferenceError(message, details={"fields": {field: [message]}})


def user_named(username: str | None, field: str) -> Any:
    """The active user called ``username`` (None stays None).

    Parameters
    ----------
    username : str or None
        The username sent.
    field : str
        The request field, for the error.

    Returns
    -------
    User or None
    """
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise unknown(field, f"No user named {username!r}.")
    return user
