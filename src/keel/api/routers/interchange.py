"""Import and export: /projects/import, /projects/{key}/export, /me/feed-tokens.

An import is sent as a multipart upload (``file`` plus form fields) or as JSON (``ImportIn``
with ``content`` or ``content_base64``); the preview saves nothing and the import itself is all
or nothing. Calendar feeds themselves are served outside the API, at /feeds/<token>.ics.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status
from pydantic import ValidationError as PydanticError

from keel.api.errors import ApiError
from keel.api.lookups import unknown
from keel.api.schemas.interchange import (
    FeedTokenCreatedOut,
    FeedTokenIn,
    FeedTokenOut,
    ImportIn,
    ImportOut,
    ImportPreviewOut,
)
from keel.apps.interchange import services
from keel.apps.interchange.models import FeedToken
from keel.apps.projects import selectors as project_selectors
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Portfolio, Project
from keel.domain.errors import ValidationError
from keel.interchange.plan import MAX_BYTES

__all__ = ["router"]

router = Router(tags=["interchange"])

_TEXT_FIELDS = ("filename", "format", "project", "name")
_IMPORT_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "format": {"type": "string"},
                        "project": {"type": "string"},
                        "portfolio": {"type": "integer"},
                        "name": {"type": "string"},
                        "mapping": {"type": "string", "description": "JSON or YAML mapping."},
                        "confirm": {"type": "boolean"},
                    },
                }
            },
            "application/json": {"schema": ImportIn.model_json_schema()},
        },
    }
}


@dataclass(frozen=True)
class _Upload:
    data: bytes
    filename: str
    format: str | None
    project: str | None
    portfolio: Portfolio | None
    name: str | None
    mapping: Any
    confirm: bool


def _too_large() -> ApiError:
    limit = MAX_BYTES // (1024 * 1024)
    return ApiError(
        413,
        "too_large",
        f"The file is larger than the import limit of {limit} MB; nothing was imported.",
    )


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError(message, details={"fields": {field: [message]}})


def _portfolio(user: Any, value: Any) -> Portfolio | None:
    """A portfolio named in the request; one the caller cannot see reads as missing (400)."""
    if value in (None, ""):
        return None
    try:
        portfolio_id = int(value)
    except (TypeError, ValueError):
        raise _field_error("portfolio", "The portfolio must be a number (its id).") from None
    found = project_selectors.portfolio_list_for_user(user).filter(pk=portfolio_id).first()
    if found is None:
        raise unknown("portfolio", f"No portfolio with id {portfolio_id}.")
    return found


def _upload(request: HttpRequest) -> _Upload:
    """The file and options of an import request, multipart or JSON; bad input is a 4xx."""
    if request.content_type == "multipart/form-data":
        try:
            upload = request.FILES.get("file")
            form = request.POST
        except RequestDataTooBig:
            raise _too_large() from None
        if upload is None:
            raise _field_error("file", "Attach the file to import as the 'file' field.")
        if upload.size is not None and upload.size > MAX_BYTES:
            raise _too_large()
        confirm = form.get("confirm", "").strip().lower() in {"1", "true", "yes", "on"}
        text = {name: (form.get(name) or "").strip() or None for name in _TEXT_FIELDS}
        return _Upload(
            data=upload.read(),
            filename=text["filename"] or upload.name or "",
            format=text["format"],
            project=text["project"],
            portfolio=_portfolio(request.auth, form.get("portfolio")),
            name=text["name"],
            mapping=form.get("mapping") or None,
            confirm=confirm,
        )
    try:
        raw = json.loads(request.body or b"{}")
    except RequestDataTooBig:
        raise _too_large() from None
    except ValueError:
        raise ValidationError(
            "Send the file as multipart/form-data, or a JSON body with 'content'."
        ) from None
    try:
        payload = ImportIn.model_validate(raw)
    except PydanticError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]) or "body"
            fields.setdefault(name, []).append(error["msg"])
        raise ValidationError(
            f"Invalid import request: check {', '.join(fields)}.", details={"fields": fields}
        ) from None
    if payload.content is not None:
        data = payload.content.encode("utf-8")
    elif payload.content_base64 is not None:
        try:
            data = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise _field_error("content_base64", "This is not valid base64.") from None
    else:
        raise _field_error("content", "Send the file as 'content' or 'content_base64'.")
    if len(data) > MAX_BYTES:
        raise _too_large()
    return _Upload(
        data=data,
        filename=payload.filename,
        format=payload.format or None,
        project=payload.project or None,
        portfolio=_portfolio(request.auth, payload.portfolio),
        name=payload.name,
        mapping=payload.mapping,
        confirm=payload.confirm,
    )


def _check_project(request: HttpRequest, upload: _Upload) -> None:
    """Outsiders get 404 for an existing project before the file is even read."""
    key = (upload.project or "").strip().upper()
    if key and Project.objects.filter(key=key).exists():
        access_project(request.auth, key, Permission.DATA_IMPORT)


@router.post(
    "/projects/import/preview",
    response=ImportPreviewOut,
    openapi_extra=_IMPORT_FORM,
    summary="Preview an import",
)
def import_preview(request: HttpRequest) -> Any:
    """Read a file and say what importing it would create; nothing is saved.

    Names the statuses and people of the file that need a mapping (``unknown_statuses``,
    ``unknown_users``); ``ready`` is true when none do. Importing into an existing project
    needs ``data.import`` on it; a new project needs ``project.create`` on ``portfolio``.
    """
    upload = _upload(request)
    _check_project(request, upload)
    preview = services.import_preview(
        actor=request.auth,
        data=upload.data,
        format=upload.format,
        project_key=upload.project,
        portfolio=upload.portfolio,
        mapping=upload.mapping,
        filename=upload.filename,
    )
    return {
        "format": preview.format,
        "name": preview.name,
        "project": preview.project_key,
        "new_project": preview.new_project,
        "counts": {
            "items": preview.items,
            "milestones": preview.milestones,
            "links": preview.links,
            "resources": preview.resources,
            "assignments": preview.assignments,
            "baselines": preview.baselines,
            "calendars": preview.calendars,
        },
        "tasks": [
            {"wbs": wbs, "title": title, "type": kind, "depth": depth}
            for wbs, title, kind, depth in preview.rows
        ],
        "unknown_statuses": list(preview.unknown_statuses),
        "unknown_users": list(preview.unknown_users),
        "statuses": list(preview.statuses),
        "users": list(preview.users),
        "warnings": list(preview.warnings),
        "ready": preview.ready,
    }


@router.post(
    "/projects/import",
    response={201: ImportOut},
    openapi_extra=_IMPORT_FORM,
    summary="Import a file",
)
def import_commit(request: HttpRequest) -> Any:
    """Import a file (the same fields as the preview, plus ``confirm: true``).

    All or nothing: a bad file, an unmapped status or person, or a dependency cycle is a 400
    and leaves everything as it was.
    """
    upload = _upload(request)
    if not upload.confirm:
        raise _field_error(
            "confirm", "Set 'confirm' to true to import (preview first to see what it creates)."
        )
    _check_project(request, upload)
    result = services.import_commit(
        actor=request.auth,
        data=upload.data,
        format=upload.format,
        project_key=upload.project,
        portfolio=upload.portfolio,
        project_name=upload.name,
        mapping=upload.mapping,
        filename=upload.filename,
    )
    return Status(
        201,
        {
            "project": result.project.key,
            "created_project": result.created_project,
            "items": result.items,
            "links": result.links,
            "resources": result.resources,
            "assignments": result.assignments,
            "baselines": result.baselines,
            "warnings": list(result.warnings),
        },
    )


_EXPORT_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {
                "application/xml": {"schema": {"type": "string", "format": "binary"}},
                "text/plain": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                "text/calendar": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get("/projects/{key}/export", openapi_extra=_EXPORT_RESPONSE, summary="Export a project")
def export(request: HttpRequest, key: str, format: str = "mspdi") -> Any:
    """The project as a file: ``format`` is mspdi (Microsoft Project XML), tjp (TaskJuggler),
    xlsx (plan, risks, EVM and timesheets), csv (Keel's task template) or ics (iCalendar)."""
    project = access_project(request.auth, key, Permission.DATA_EXPORT)
    fmt = (format or "").strip().lower()
    if fmt not in services.EXPORT_FORMATS:
        raise _field_error(
            "format", f"Unknown format {fmt!r}; use one of {', '.join(services.EXPORT_FORMATS)}."
        )
    body = services.export_project(project, fmt, actor=request.auth)
    content_type, filename = services.export_content_type(fmt, project.key)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- calendar feed tokens --------------------------------------------------------------------


def _feed_url(request: HttpRequest, raw: str) -> str:
    return request.build_absolute_uri(reverse("keel-web:feed-all", args=[raw]))


@router.get("/me/feed-tokens", response=list[FeedTokenOut], tags=["me"])
def feed_token_list(request: HttpRequest) -> Any:
    """Your calendar feed tokens (never their raw value), newest first."""
    return FeedToken.objects.filter(user=request.auth)


@router.post("/me/feed-tokens", response={201: FeedTokenCreatedOut}, tags=["me"])
def feed_token_create(request: HttpRequest, payload: FeedTokenIn) -> Any:
    """Create a calendar feed token. The raw token and its feed URL are in this response only.

    The feed of one project is ``/feeds/<token>/<KEY>.ics``.
    """
    token, raw = services.feed_token_create(actor=request.auth, name=payload.name)
    token.token = raw  # type: ignore[attr-defined]
    token.url = _feed_url(request, raw)  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/me/feed-tokens/{feed_token_id}", response={204: None}, tags=["me"])
def feed_token_revoke(request: HttpRequest, feed_token_id: int) -> Any:
    """Revoke one of your feed tokens; its feed URLs answer 404 from now on."""
    services.feed_token_revoke(actor=request.auth, token_id=feed_token_id)
    return Status(204, None)
