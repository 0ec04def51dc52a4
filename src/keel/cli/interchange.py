"""`keel import FILE …` and `keel export KEY …`: files of other tools in and out of Keel.

Both act as a Keel user (``--as USER``, else the ``KEEL_USER`` environment variable) and check
that user's project role like the web and the API do. ``keel import`` prints what it will
create (the preview) and then commits, all or nothing; a file whose statuses or people need a
mapping (always so for Jira) prints a mapping template and exits 3 until ``--map`` is given.

Exit codes: 0 done; 1 bad input or refused; 2 wrong arguments; 3 a mapping is needed;
4 not confirmed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from keel.cli.django_setup import setup

__all__ = ["cmd_export", "cmd_import", "mapping_template", "register"]

IMPORT_FORMATS = ("auto", "mspdi", "jira", "csv", "xlsx", "gan", "planner", "ics")
EXPORT_FORMATS = ("mspdi", "tjp", "xlsx", "csv", "ics")
_EXTENSIONS = {".xml": "mspdi", ".tjp": "tjp", ".xlsx": "xlsx", ".csv": "csv", ".ics": "ics"}
_FORMAT_NAMES = {
    "mspdi": "Microsoft Project XML",
    "jira": "Jira CSV",
    "csv": "Keel CSV task template",
    "xlsx": "Keel Excel task template",
    "gan": "GanttProject",
    "planner": "GNOME Planner",
    "ics": "iCalendar",
}
EXIT_ERROR, EXIT_USAGE, EXIT_MAPPING, EXIT_NOT_CONFIRMED = 1, 2, 3, 4


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``keel import`` and ``keel export``."""
    imp = sub.add_parser(
        "import",
        help="import a Microsoft Project XML, Jira CSV, Excel/CSV, GanttProject, Planner or "
        "iCalendar file into a project",
        description=(
            "Read FILE, print what will be created, then create it in project KEY (a new project "
            "in --portfolio when KEY does not exist). All or nothing. See docs/interchange.md."
        ),
    )
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--project", metavar="KEY", help="the project to import into or to create")
    imp.add_argument(
        "--format",
        choices=IMPORT_FORMATS,
        default="auto",
        help="the file's format (default: detected from its content)",
    )
    imp.add_argument(
        "--map",
        metavar="MAPFILE",
        help="YAML mapping of the file's statuses and people to Keel's (needed for Jira; run "
        "without it to get a template)",
    )
    imp.add_argument(
        "--portfolio",
        metavar="SLUG",
        help="portfolio (slug or id) to create the project in when KEY does not exist",
    )
    imp.add_argument("--name", help="name of a new project (default: the file's project name)")
    imp.add_argument("--as", dest="as_user", metavar="USER", help="act as USER (or KEEL_USER)")
    imp.add_argument("--yes", "-y", action="store_true", help="commit without asking")
    imp.add_argument(
        "--dry-run", action="store_true", help="print the preview only; change nothing"
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export",
        help="export a project as Microsoft Project XML, TaskJuggler, Excel, CSV or iCalendar",
    )
    exp.add_argument("key", metavar="KEY", help="the project's key")
    exp.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="the format (default: from the -o file's extension)",
    )
    exp.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    exp.add_argument("--as", dest="as_user", metavar="USER", help="act as USER (or KEEL_USER)")
    exp.set_defaults(func=cmd_export)


def _fail(command: str, message: str, code: int = EXIT_ERROR) -> int:
    print(f"keel {command}: error: {message}", file=sys.stderr)
    return code


def _actor(command: str, name: str | None) -> Any:
    from django.contrib.auth import get_user_model

    username = name or os.environ.get("KEEL_USER", "")
    if not username:
        raise _Stop(_fail(command, "say who acts: --as USER or KEEL_USER=USER", EXIT_USAGE))
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise _Stop(_fail(command, f"no active user named {username!r}"))
    return user


class _Stop(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _messages(err: Exception) -> str:
    message = getattr(err, "message", None)
    if isinstance(message, str) and message:
        return message
    messages = getattr(err, "messages", None)
    if messages:
        return "; ".join(str(m) for m in messages)
    return str(err) or type(err).__name__


def _portfolio(command: str, value: str | None) -> Any:
    from keel.apps.projects.models import Portfolio

    if not value:
        return None
    found = Portfolio.objects.filter(slug=value).first()
    if found is None and value.isdigit():
        found = Portfolio.objects.filter(pk=int(value)).first()
    if found is None:
        raise _Stop(_fail(command, f"no portfolio {value!r} (give its slug or id)"))
    return found


def mapping_template(preview: Any) -> str:
    """A YAML mapping file to fill in: every status and person the file names, each mapped to
    Keel's match when there is one, else left empty; the choices are listed in comments."""
    lines = [
        "# Keel import mapping: map each name the file uses to one of the project's.",
        "# Statuses: " + ", ".join(preview.statuses),
        "# People (usernames; leave a person empty to import their items unassigned): "
        + ", ".join(preview.users),
        "statuses:",
    ]
    unknown_statuses = set(preview.unknown_statuses)
    for name in preview.file_statuses:
        value = "" if name in unknown_statuses else name
        lines.append(f"  {_yaml(name)}: {_yaml(value)}")
    if not preview.file_statuses:
        lines[-1] = "statuses: {}"
    lines.append("users:")
    unknown_users = set(preview.unknown_users)
    for name in preview.file_users:
        value = "" if name in unknown_users else name
        lines.append(f"  {_yaml(name)}: {_yaml(value)}")
    if not preview.file_users:
        lines[-1] = "users: {}"
    return "\n".join(lines) + "\n"


def _yaml(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def _print_preview(preview: Any, portfolio: Any) -> None:
    where = (
        f"new project {preview.project_key}"
        + (f" in portfolio {portfolio.name}" if portfolio else "")
        if preview.new_project
        else f"project {preview.project_key}"
    )
    print(f"{_FORMAT_NAMES.get(preview.format, preview.format)} file {preview.name!r} → {where}")
    print(
        f"Will create {preview.items} items ({preview.milestones} milestones), "
        f"{preview.links} dependencies, {preview.resources} resources, "
        f"{preview.assignments} assignments, {preview.baselines} baselines "
        f"({preview.calendars} calendars in the file)."
    )
    for wbs, title, kind, depth in preview.rows:
        print(f"  {'  ' * (depth - 1)}{wbs:<8} {title}" + (f" [{kind}]" if kind != "task" else ""))
    if preview.items > len(preview.rows):
        print(f"  … and {preview.items - len(preview.rows)} more")
    for warning in preview.warnings:
        print(f"warning: {warning}")


def cmd_import(args: argparse.Namespace) -> int:
    """Run ``keel import``; returns the exit code."""
    setup()
    from django.core.exceptions import PermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.http import Http404

    from keel.apps.interchange.services import import_commit, import_preview
    from keel.domain.errors import KeelError
    from keel.interchange.plan import MAX_BYTES

    try:
        actor = _actor("import", args.as_user)
        portfolio = _portfolio("import", args.portfolio)
        path = Path(args.file)
        try:
            if path.stat().st_size > MAX_BYTES:
                return _fail(
                    "import",
                    f"{path} is {path.stat().st_size / 1048576:.1f} MiB; Keel imports files up "
                    f"to {MAX_BYTES // 1048576} MiB",
                )
            data = path.read_bytes()
            mapping = Path(args.map).read_bytes() if args.map else None
        except OSError as err:
            return _fail("import", f"{err.filename or path}: {err.strerror}")
        options: dict[str, Any] = {
            "actor": actor,
            "data": data,
            "format": None if args.format == "auto" else args.format,
            "project_key": args.project,
            "portfolio": portfolio,
            "mapping": mapping,
            "filename": path.name,
        }
        preview = import_preview(**options)
        _print_preview(preview, portfolio)
        if not preview.ready or (preview.format == "jira" and mapping is None):
            needs = []
            if preview.unknown_statuses:
                needs.append("statuses " + ", ".join(preview.unknown_statuses))
            if preview.unknown_users:
                needs.append("people " + ", ".join(preview.unknown_users))
            print(
                "\nA mapping is needed"
                + (f" ({'; '.join(needs)} are not in the project)" if needs else "")
                + ". Save the template below as a file, fill it in, and run again with "
                "--map FILE:\n",
                file=sys.stderr,
            )
            sys.stdout.write(mapping_template(preview))
            return EXIT_MAPPING
        if args.dry_run:
            print("Dry run: nothing was imported.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                return _fail("import", "not confirmed: run again with --yes", EXIT_NOT_CONFIRMED)
            answer = input("Import this? [y/N] ").strip().lower()
            if answer not in {"y", "yes"}:
                print("Nothing was imported.")
                return EXIT_NOT_CONFIRMED
        result = import_commit(project_name=args.name, **options)
    except _Stop as stop:
        return stop.code
    except (Http404, PermissionDenied):
        key = (args.project or "").upper()
        return _fail(
            "import",
            f"you may not import into project {key}"
            if key
            else "you may not create projects in that portfolio",
        )
    except (KeelError, DjangoValidationError) as err:
        return _fail("import", _messages(err))
    verb = "Created" if result.created_project else "Imported into"
    print(
        f"{verb} project {result.project.key}: {result.items} items, {result.links} "
        f"dependencies, {result.resources} resources, {result.assignments} assignments, "
        f"{result.baselines} baselines."
    )
    for warning in result.warnings:
        if warning not in preview.warnings:
            print(f"warning: {warning}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``keel export``; returns the exit code."""
    setup()
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from keel.apps.interchange.services import export_project
    from keel.apps.projects.models import Project
    from keel.domain.errors import KeelError

    fmt = args.format
    if fmt is None and args.output:
        fmt = _EXTENSIONS.get(Path(args.output).suffix.lower())
    if fmt is None:
        return _fail(
            "export", f"give --format ({', '.join(EXPORT_FORMATS)}) or an -o FILE with that "
            "extension", EXIT_USAGE
        )  # fmt: skip
    try:
        actor = _actor("export", args.as_user)
        project = Project.objects.filter(key=args.key.upper()).first()
        if project is None:
            raise Http404
        data = export_project(project, fmt, actor=actor)
    except _Stop as stop:
        return stop.code
    except (Http404, PermissionDenied):
        return _fail("export", f"no project {args.key.upper()} that you may export")
    except KeelError as err:
        return _fail("export", err.message)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as err:
            return _fail("export", f"{args.output}: {err.strerror}")
        print(f"Wrote {project.key} as {fmt} to {args.output} ({len(data):,} bytes).")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
