"""Optimistic concurrency: every update names the version it was based on.

A client sends the version it last read either in the body (``"version": 3``) or as
``If-Match: "3"`` (the ETag of a single-object GET). A stale body version gets 409, a stale
If-Match 412, and an update with neither 428; in every case nothing is changed.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from keel.api.errors import ApiError
from keel.domain.errors import ConflictError

__all__ = ["check_version", "expected_version", "optional_version", "set_etag"]

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def _if_match(request: HttpRequest) -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = _ETAG.match(header)
    if match is None:
        raise ApiError(
            400,
            "invalid_if_match",
            f'If-Match must hold one version as an ETag, e.g. If-Match: "3"; got {header!r}.',
        )
    return int(match.group(1))


def expected_version(request: HttpRequest, body_version: int | None) -> int:
    """Return the version an update is based on, from the If-Match header or the body.

    Parameters
    ----------
    request : HttpRequest
        The update request.
    body_version : int or None
        ``version`` from the request body, if sent.

    Returns
    -------
    int
        The version the stored object must still have for the update to go ahead.

    Raises
    ------
    ApiError
        428 when neither is sent; 400 when both are sent and disagree or If-Match is malformed.
    """
    header_version = _if_match(request)
    if header_version is not None:
        if body_version is not None and body_version != header_version:
            raise ApiError(
                400,
                "version_mismatch",
                f"If-Match says version {header_version} but the body says {body_version}.",
                {"if_match": header_version, "version": body_version},
            )
        return header_version
    if body_version is None:
        raise ApiError(
            428,
            "precondition_required",
            "Say which version this update is based on: send 'version' in the body "
            'or an If-Match: "<version>" header.',
        )
    return body_version


def optional_version(request: HttpRequest, body_version: int | None = None) -> int | None:
    """Like :func:`expected_version`, but sending no version at all is allowed (deletes, actions).

    Parameters
    ----------
    request : HttpRequest
        The request.
    body_version : int or None
        ``version`` from the request body, if any.

    Returns
    -------
    int or None
        The version to check against, or None to skip the check.
    """
    if body_version is None and "If-Match" not in request.headers:
        return None
    return expected_version(request, body_version)


def set_etag(response: HttpResponse, version: int) -> None:
    """Give a single-object response the ETag ``"<version>"`` that If-Match expects back."""
    response["ETag"] = f'"{version}"'


def check_version(current: int, given: int | None, what: str) -> None:
    """Refuse a change based on a stale version, for objects whose service does not check it.

    Parameters
    ----------
    current : int
        The stored version.
    given : int or None
        The version the client based its change on; None skips the check.
    what : str
        Names the object in the message.

    Raises
    ------
    ConflictError
        When ``given`` is not ``current``.
    """
    if given is not None and given != current:
        raise ConflictError(
            f"{what} was changed by someone else (version {current}, yours {given}). "
            "Reload and try again.",
            details={"current_version": current},
        )
