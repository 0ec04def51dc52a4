"""One error format for every API response that is not a success.

Every error body reads ``{"error": {"code": "...", "message": "...", "details": {...}}}``:
``code`` is stable and machine-readable, ``message`` is for people, ``details`` carries the
specifics (the fields that failed, the items of a cycle, the version that was expected).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from keel.domain.errors import ConflictError, KeelError

__all__ = ["ApiError", "error_body", "register_exception_handlers"]

logger = logging.getLogger("keel.api")

# Codes for plain HTTP errors raised by ninja itself (authentication, throttling, bad JSON).
_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    428: "precondition_required",
    429: "throttled",
}


class ApiError(Exception):
    """An error the API layer itself raises (a missing If-Match, a bad header).

    Parameters
    ----------
    status : int
        HTTP status of the response.
    code : str
        Stable machine-readable code.
    message : str
        What went wrong, for a person.
    details : dict, optional
        Specifics of the error.
    """

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the error envelope ``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _field_name(loc: Iterable[Any]) -> str:
    """Turn ninja's error location ("body", "payload", "title") into "title" or "query.page"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        # ("body", "<param>") is the body as a whole; deeper locations name a field in it.
        parts = parts[2:] if len(parts) > 2 else ["body"]
    return ".".join(parts) or NON_FIELD_ERRORS


def _input_message(error: dict[str, Any]) -> str:
    if error.get("type") == "extra_forbidden":
        return "Unknown field."
    if error.get("type") == "missing":
        return "This field is required."
    if error.get("type") == "model_attributes_type":
        return "The request body must be a JSON object."
    return str(error.get("msg", "Invalid value."))


def _fields_message(fields: dict[str, list[str]]) -> str:
    first, messages = next(iter(fields.items()))
    where = "" if first == NON_FIELD_ERRORS else f"{first}: "
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return f"Invalid input. {where}{messages[0]}{more}"


def register_exception_handlers(api: NinjaAPI) -> None:
    """Install handlers that render every known exception in the one error format.

    Parameters
    ----------
    api : NinjaAPI
        The API whose exception handlers are replaced.
    """

    def respond(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, error_body(code, message, details), status=status)

    def respond_fields(request: HttpRequest, fields: dict[str, list[str]]) -> HttpResponse:
        message = _fields_message(fields)
        return respond(request, 400, "validation_error", message, {"fields": fields})

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.details)

    def on_input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(_input_message(error))
        if not fields:
            fields[NON_FIELD_ERRORS] = ["Invalid input."]
        return respond_fields(request, fields)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = {name: list(msgs) for name, msgs in exc.message_dict.items()}
        else:
            fields = {NON_FIELD_ERRORS: list(exc.messages)}
        return respond_fields(request, fields)

    def on_keel_error(request: HttpRequest, exc: KeelError) -> HttpResponse:
        status = 400
        details = dict(exc.details)
        if isinstance(exc, ConflictError):
            # A client that sent If-Match asked for a precondition: it failed (412), otherwise
            # the body's version was stale (409).
            status = 412 if "If-Match" in request.headers else 409
        return respond(request, status, exc.code, exc.message, details)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", str(exc) or "Not found.")

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You do not have permission to do this."
        return respond(request, 403, "permission_denied", message)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message
        if message == "Unauthorized":
            message = "Authentication required: sign in, or send 'Authorization: Bearer <token>'."
        return respond(request, 401, "not_authenticated", message)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.message
        if exc.status_code == 400 and message == "Cannot parse request body":
            message = "The request body is missing or is not valid JSON."
        return respond(request, exc.status_code, code, message)

    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A database constraint caught what the service checks did not (e.g. a race on a
        # unique name); the transaction was rolled back, so nothing changed.
        logger.warning("Integrity error in %s %s: %s", request.method, request.path, exc)
        message = "This change conflicts with data stored meanwhile; reload and try again."
        return respond(request, 409, "integrity_conflict", message)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, "server_error", "Something went wrong on the server.")

    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        Exception: on_unexpected,
        IntegrityError: on_integrity,
        ApiError: on_api_error,
        NinjaValidationError: on_input_error,
        DjangoValidationError: on_django_validation,
        KeelError: on_keel_error,
        Http404: on_not_found,
        PermissionDenied: on_permission_denied,
        AuthenticationError: on_authentication,
        HttpError: on_http_error,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)
