"""Web pages: import with a preview (and a mapping step), exports, calendar feeds.

An upload is kept in a private temporary folder between the preview and the import, named by a
random id that only the uploader's session knows; importing (or a new upload) removes it.
Calendar feeds (/feeds/<token>.ics) are read by calendar programs: the token in the URL is the
only credential, and a bad token or a project its owner may not see is a 404.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from keel.apps.interchange import services
from keel.apps.interchange.models import FeedToken
from keel.apps.projects.access import (
    Permission,
    access_project,
    project_permissions,
)
from keel.apps.projects.models import PROJECT_KEY_PATTERN, Portfolio, Project
from keel.apps.projects.permitted import permitted_portfolios_q, permitted_projects_q
from keel.apps.work.models import ItemType
from keel.domain.errors import KeelError
from keel.interchange.plan import MAX_BYTES
from keel.interchange.readers import TEMPLATE_COLUMNS, read_plan

P = Permission

_SESSION_KEY = "interchange_uploads"
_KEEP = 5  # uploads remembered per session; older ones are removed
_SHOWN = 200  # dependencies and resources listed on the preview
_ABANDONED_S = 24 * 3600

IMPORT_FORMATS = (
    ("", gettext_lazy("Detect from the file")),
    ("mspdi", gettext_lazy("Microsoft Project XML (MSPDI)")),
    ("jira", gettext_lazy("Jira CSV")),
    ("csv", gettext_lazy("Keel task template (CSV)")),
    ("xlsx", gettext_lazy("Keel task template (Excel)")),
    ("gan", gettext_lazy("GanttProject")),
    ("planner", gettext_lazy("GNOME Planner")),
    ("ics", gettext_lazy("iCalendar")),
)
EXPORT_FORMATS = (
    ("mspdi", gettext_lazy("Microsoft Project XML"), gettext_lazy("Opens in Microsoft Project.")),
    ("tjp", gettext_lazy("TaskJuggler"), gettext_lazy("A .tjp file that tj3 schedules.")),
    ("xlsx", gettext_lazy("Excel"), gettext_lazy("Plan, risks, earned value and timesheets.")),
    ("csv", gettext_lazy("CSV"), gettext_lazy("Keel's task template; it imports back.")),
    ("ics", gettext_lazy("iCalendar"), gettext_lazy("Milestones and due dates.")),
)


# --- where uploads wait between preview and import ------------------------------------------


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "keel-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _path(upload_id: str) -> Path:
    return _folder() / f"{upload_id}.upload"


def _sweep() -> None:
    """Remove uploads abandoned for a day (previews nobody imported)."""
    limit = time.time() - _ABANDONED_S
    for path in _folder().glob("*.upload"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def _remember(request: HttpRequest, data: bytes, info: dict[str, Any]) -> str:
    _sweep()
    upload_id = secrets.token_hex(16)
    _path(upload_id).write_bytes(data)
    uploads = dict(request.session.get(_SESSION_KEY, {}))
    uploads[upload_id] = info
    for old in list(uploads)[:-_KEEP]:
        _forget(request, old, uploads)
    request.session[_SESSION_KEY] = uploads
    return upload_id


def _forget(request: HttpRequest, upload_id: str, uploads: dict[str, Any] | None = None) -> None:
    own = uploads if uploads is not None else dict(request.session.get(_SESSION_KEY, {}))
    own.pop(upload_id, None)
    _path(upload_id).unlink(missing_ok=True)
    if uploads is None:
        request.session[_SESSION_KEY] = own


def _recall(request: HttpRequest, upload_id: str) -> tuple[dict[str, Any], bytes]:
    """The upload's options and bytes; another session's upload (or a stale one) is a 404."""
    info = request.session.get(_SESSION_KEY, {}).get(upload_id)
    path = _path(upload_id) if upload_id.isalnum() else None
    if info is None or path is None or not path.exists():
        raise Http404("This upload is no longer here; upload the file again.")
    return info, path.read_bytes()


# --- who may import where --------------------------------------------------------------------


def _import_targets(user: Any) -> tuple[list[Project], list[Portfolio]]:
    """Projects the user may import into, and portfolios where they may create projects."""
    projects = list(
        Project.objects.filter(permitted_projects_q(user, P.DATA_IMPORT))
        .distinct()
        .select_related("portfolio")
        .order_by("key")
    )
    portfolios = list(
        Portfolio.objects.filter(permitted_portfolios_q(user, P.PROJECT_CREATE))
        .distinct()
        .order_by("name")
    )
    return projects, portfolios


def may_import_somewhere(user: Any) -> bool:
    """Whether to show the import link (one query each for projects and portfolios)."""
    return (
        Project.objects.filter(permitted_projects_q(user, P.DATA_IMPORT)).exists()
        or Portfolio.objects.filter(permitted_portfolios_q(user, P.PROJECT_CREATE)).exists()
    )


def _message(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Your role does not allow this.")
    return str(exc)


# --- import ----------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload form; a good file goes on to its preview, a bad one is refused here."""
    projects, portfolios = _import_targets(request.user)
    if not projects and not portfolios:
        raise PermissionDenied(_("Your roles do not allow importing into any project."))
    form = {
        "project": (request.POST.get("project") or request.GET.get("project") or "").upper(),
        "portfolio": request.POST.get("portfolio", ""),
        "key": request.POST.get("key", "").strip().upper(),
        "name": request.POST.get("name", "").strip(),
        "format": request.POST.get("format", ""),
    }
    context: dict[str, Any] = {
        "projects": projects,
        "portfolios": portfolios,
        "formats": IMPORT_FORMATS,
        "form": form,
        "limit_mb": MAX_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, "interchange/import.html", context)
    error = ""
    upload = request.FILES.get("file")
    portfolio: Portfolio | None = None
    key = form["project"] or form["key"]
    if upload is None:
        error = _("Choose a file to import.")
    elif upload.size is not None and upload.size > MAX_BYTES:
        error = _("The file is larger than the import limit of %(mb)s MB.") % {
            "mb": context["limit_mb"]
        }
    elif not form["project"]:
        portfolio = next((pf for pf in portfolios if str(pf.pk) == form["portfolio"]), None)
        if portfolio is None:
            error = _("Choose the portfolio of the new project.")
        elif not re.match(PROJECT_KEY_PATTERN, form["key"]):
            error = _("Give the new project a key of 2 to 10 capital letters or digits.")
        elif Project.objects.filter(key=form["key"]).exists():
            error = _("A project with the key %(key)s exists already.") % {"key": form["key"]}
    elif form["project"] not in {p.key for p in projects}:
        raise Http404("No such project.")
    if not error and upload is not None:
        data = upload.read()
        try:
            services.import_preview(
                actor=request.user,
                data=data,
                format=form["format"] or None,
                project_key=key,
                portfolio=portfolio,
                filename=upload.name or "",
            )
        except (KeelError, PermissionDenied) as exc:
            error = _message(exc)
        else:
            upload_id = _remember(
                request,
                data,
                {
                    "filename": upload.name or "",
                    "format": form["format"],
                    "project": key,
                    "portfolio": portfolio.pk if portfolio else None,
                    "name": form["name"],
                },
            )
            return redirect("keel-web:import-preview", upload_id=upload_id)
    context["error"] = error
    return render(request, "interchange/import.html", context, status=400)


def _mapping_posted(request: HttpRequest) -> dict[str, dict[str, str]]:
    pairs = {
        "statuses": zip(
            request.POST.getlist("status_from"), request.POST.getlist("status_to"), strict=False
        ),
        "users": zip(
            request.POST.getlist("user_from"), request.POST.getlist("user_to"), strict=False
        ),
    }
    return {section: dict(values) for section, values in pairs.items()}


def _file_details(data: bytes, info: dict[str, Any]) -> dict[str, Any]:
    """What the preview lists beyond the service's counts: every status and person the file
    names (for the mapping step), its dependencies and its resources (the first 200 each)."""
    plan = read_plan(data, info["format"] or None, info["filename"])
    titles = {i.ref: f"{i.wbs or i.ref} {i.title}" for i in plan.items}
    return {
        "statuses": sorted({i.status for i in plan.items if i.status}),
        "people": sorted({i.assignee for i in plan.items if i.assignee}),
        "links": [
            (
                titles.get(lk.predecessor, lk.predecessor),
                titles.get(lk.successor, lk.successor),
                lk.type,
                lk.lag_days,
            )
            for lk in plan.links[:_SHOWN]
        ],
        "resources": [(r.name, r.kind) for r in plan.resources[:_SHOWN]],
    }


@login_required
def import_preview(request: HttpRequest, upload_id: str) -> HttpResponse:
    """What the import will create, the mapping of statuses and people, and the confirm button."""
    info, data = _recall(request, upload_id)
    portfolio = (
        Portfolio.objects.filter(pk=info["portfolio"]).first() if info["portfolio"] else None
    )
    options = {
        "actor": request.user,
        "data": data,
        "format": info["format"] or None,
        "project_key": info["project"],
        "portfolio": portfolio,
        "filename": info["filename"],
    }
    mapping = _mapping_posted(request) if request.method == "POST" else None
    error = ""
    if request.method == "POST":
        try:
            result = services.import_commit(**options, project_name=info["name"], mapping=mapping)
        except (KeelError, PermissionDenied) as exc:
            error = _message(exc)
        else:
            _forget(request, upload_id)
            messages.success(
                request,
                _("Imported %(items)s items and %(links)s dependencies into %(key)s.")
                % {"items": result.items, "links": result.links, "key": result.project.key},
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("keel-web:project-plan", result.project.key)
    try:
        preview = services.import_preview(**options)
    except (KeelError, PermissionDenied) as exc:
        # The project changed since the upload (a status removed, a role taken away).
        _forget(request, upload_id)
        messages.error(request, _message(exc))
        return redirect("keel-web:import")
    details = _file_details(data, info)
    chosen = mapping or {"statuses": {}, "users": {}}
    labels = dict(ItemType.choices)
    context = {
        "upload_id": upload_id,
        "info": info,
        "p": preview,
        "error": error,
        "matched_statuses": [s for s in details["statuses"] if s not in preview.unknown_statuses],
        "matched_users": [u for u in details["people"] if u not in preview.unknown_users],
        "links": details["links"],
        "resources": details["resources"],
        "status_rows": [(s, chosen["statuses"].get(s, "")) for s in preview.unknown_statuses],
        "user_rows": [(u, chosen["users"].get(u, "")) for u in preview.unknown_users],
        "shown": len(preview.rows),
        "rows": [
            (wbs, title, labels.get(kind, kind), depth) for wbs, title, kind, depth in preview.rows
        ],
    }
    return render(request, "interchange/preview.html", context, status=400 if error else 200)


@require_GET
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """Keel's CSV task template, with two example rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    example = dict.fromkeys(TEMPLATE_COLUMNS, "")
    writer.writerow(
        [
            {**example, "WBS": "1", "Title": _("Design"), "Duration (days)": "5"}[c]
            for c in TEMPLATE_COLUMNS
        ]
    )
    writer.writerow(
        [
            {
                **example,
                "WBS": "2",
                "Title": _("Build"),
                "Duration (days)": "10",
                "Predecessors": "1FS",
            }[c]
            for c in TEMPLATE_COLUMNS
        ]
    )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="keel-task-template.csv"'
    return response


# --- the project's import and export tab -----------------------------------------------------


@require_GET
@login_required
def project_data(request: HttpRequest, key: str) -> HttpResponse:
    """Export menu, and the way to import into this project for those who may."""
    project = access_project(request.user, key, P.DATA_EXPORT)
    perms = project_permissions(request.user, project)
    return render(
        request,
        "interchange/project.html",
        {
            "project": project,
            "tab": "data",
            "exports": EXPORT_FORMATS,
            "can_import": P.DATA_IMPORT in perms,
        },
    )


@require_GET
@login_required
def project_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """The project as a download in one of the export formats."""
    project = access_project(request.user, key, P.DATA_EXPORT)
    if fmt not in services.EXPORT_FORMATS:
        raise Http404("No such export format.")
    body = services.export_project(project, fmt, actor=request.user)
    content_type, filename = services.export_content_type(fmt, project.key)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- calendar feeds --------------------------------------------------------------------------


def _feed_urls(request: HttpRequest, raw: str) -> dict[str, Any]:
    projects = (
        Project.objects.filter(permitted_projects_q(request.user, P.ITEM_VIEW))
        .distinct()
        .order_by("key")
    )
    return {
        "all": request.build_absolute_uri(reverse("keel-web:feed-all", args=[raw])),
        "projects": [
            (p, request.build_absolute_uri(reverse("keel-web:feed-project", args=[raw, p.key])))
            for p in projects
        ],
    }


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    """Your calendar feed tokens; a new one's URLs are shown once, right after it is made."""
    created = None
    if request.method == "POST":
        token, raw = services.feed_token_create(
            actor=request.user, name=request.POST.get("name", "").strip() or _("Calendar")
        )
        created = {"token": token, **_feed_urls(request, raw)}
    return render(
        request,
        "interchange/feeds.html",
        {
            "tokens": FeedToken.objects.filter(user=request.user),
            "created": created,
        },
        status=201 if created else 200,
    )


@require_POST
@login_required
def feed_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.feed_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The feed token is revoked; its URLs no longer work."))
    return redirect("keel-web:feeds")


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def feed_all(request: HttpRequest, token: str) -> HttpResponse:
    """Milestones and due dates of every project the token's owner may see."""
    user = services.feed_token_user(token)
    if user is None:
        raise Http404("No such feed.")
    return _ics(services.feed_ics(user), "keel")


@require_safe
def feed_project(request: HttpRequest, token: str, key: str) -> HttpResponse:
    """Milestones and due dates of one project, if the token's owner may see it."""
    user = services.feed_token_user(token)
    if user is None:
        raise Http404("No such feed.")
    return _ics(services.feed_ics(user, key), key.upper())


# --- panel on the portfolio page -------------------------------------------------------------


def portfolio_context(request: HttpRequest, obj: Any) -> dict[str, Any]:
    return {"may_import": may_import_somewhere(request.user)}
