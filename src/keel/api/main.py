"""The NinjaAPI instance mounted at /api/v1/: authentication, error format, routers.

OpenAPI is served at /api/v1/openapi.json and the interactive docs at /api/v1/docs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from keel.api.auth import AUTH
from keel.api.concurrency import set_etag
from keel.api.errors import error_body, register_exception_handlers
from keel.api.routers import (
    accounts,
    baselines,
    calendars,
    dependencies,
    finance,
    interchange,
    projects,
    resources,
    risk,
    schedule,
    work,
    workflow,
)

__all__ = ["api"]


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code."},
                "message": {"type": "string", "description": "What went wrong, for people."},
                "details": {
                    "type": "object",
                    "description": "Specifics, e.g. fields: {name: [messages]} or cycle: [keys].",
                },
            },
        }
    },
}


class KeelAPI(NinjaAPI):
    """A NinjaAPI whose 404s for unknown paths and 405s are in the error format too, and whose
    single-object responses carry their version as the ETag."""

    def set_default_exception_handlers(self) -> None:
        register_exception_handlers(self)

    def _error(self, request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return self.create_response(request, error_body(code, message), status=status)

    def _index(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """/api/v1/ itself: where the OpenAPI document and the docs are."""
        return self.create_response(
            request,
            {
                "name": self.title,
                "version": self.version,
                "openapi": request.build_absolute_uri("openapi.json"),
                "docs": request.build_absolute_uri("docs"),
            },
            status=200,
        )

    def _json_405(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                new = self._error(
                    request,
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; allowed: {allowed}.",
                )
                new["Allow"] = allowed
                return new
            return response

        return wrapper

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        """Render ``data``; a single object that carries a version also gets it as its ETag."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
        ):
            set_etag(response, data["version"])
        return response

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The OpenAPI document, with the error envelope as every operation's default response."""
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error_response = {
            "description": "Error (401, 403, 404, 400, 409, 412, 428...) in the one error format",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {})["default"] = error_response
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_405(pattern.callback)
                if pattern.name == "api-root":
                    pattern.callback = csrf_exempt(self._index)

        @csrf_exempt
        def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
            return self._error(request, 404, "not_found", f"No API endpoint at {request.path}.")

        # Last, so it only catches what no route matched.
        patterns.append(path("<path:rest>", unknown, name="unknown"))
        return patterns


api = KeelAPI(
    title="Keel API",
    version="1",
    description="REST API of Keel. See docs/api.md for authentication, errors and concurrency.",
    urls_namespace="api-v1",
    auth=AUTH,
)

api.add_router("/me", accounts.router)
# Before projects: POST /projects/import must not be taken for /projects/{key}.
api.add_router("", interchange.router)
api.add_router("", projects.router)
api.add_router("", work.router)
api.add_router("", dependencies.router)
api.add_router("", workflow.router)
api.add_router("", schedule.router)
api.add_router("", baselines.router)
api.add_router("", resources.router)
api.add_router("", finance.router)
api.add_router("", risk.router)
api.add_router("", calendars.router)
