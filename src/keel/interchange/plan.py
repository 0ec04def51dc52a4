"""The import/export model: one plan that every reader fills and every writer reads.

A ``Plan`` holds items (with their outline parent), links, resources, assignments, baselines and
calendars in plain values — no Django, no database ids. Readers turn a file into a ``Plan``;
the import service turns a ``Plan`` into work items; the export service builds a ``Plan`` from
a project and hands it to a writer. ``decode_text`` and ``detect_format`` are shared by all
readers: files are UTF-8 (with or without a byte order mark) or GB18030, and a file is known by
its content, not its name.

Limits: ``MAX_BYTES`` (50 MiB) is checked before any parsing, ``MAX_ITEMS`` (50,000 work
items) once the file is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from keel.domain.errors import ValidationError

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_ITEMS",
    "InterchangeError",
    "Plan",
    "PlanAssignment",
    "PlanBaseline",
    "PlanCalendar",
    "PlanItem",
    "PlanLink",
    "PlanResource",
    "check_items",
    "check_size",
    "decode_text",
    "detect_format",
    "parse_date",
]

MAX_BYTES = 50 * 1024 * 1024
MAX_ITEMS = 50_000
FORMATS = ("mspdi", "jira", "csv", "xlsx", "gan", "planner", "ics", "tjp")


class InterchangeError(ValidationError):
    """A file Keel cannot read; the message names the line or element."""


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One item of a plan; ``ref`` is the file's own id, ``parent`` the parent's ``ref``.

    ``type`` is a Keel item type (task, milestone, deliverable, epic, bug, subtask); ``status``,
    ``assignee`` and ``reporter`` are the names the file uses (mapped on import).
    """

    ref: str
    title: str
    parent: str | None = None
    type: str = "task"
    description: str = ""
    status: str = ""
    priority: str = ""
    assignee: str = ""
    reporter: str = ""
    start: datetime | None = None
    finish: datetime | None = None
    due: date | None = None
    duration_days: Decimal | None = None
    estimate_hours: Decimal | None = None
    story_points: Decimal | None = None
    constraint_type: str = ""
    constraint_date: datetime | None = None
    progress: int = 0
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    labels: tuple[str, ...] = ()
    wbs: str = ""
    sprint: str = ""
    cost: Decimal | None = None
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlanLink:
    """``successor`` depends on ``predecessor`` (refs); ``lag_days`` in working days."""

    predecessor: str
    successor: str
    type: str = "FS"
    lag_days: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PlanResource:
    """A person, equipment or material; ``kind`` is work, material or cost."""

    ref: str
    name: str
    kind: str = "work"
    email: str = ""


@dataclass(frozen=True, slots=True)
class PlanAssignment:
    """A resource on an item; ``units`` 1 = full time; ``work_hours`` planned work."""

    item: str
    resource: str
    units: Decimal = Decimal(1)
    work_hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlanBaseline:
    """A saved plan: ``items`` maps an item ref to its (start, finish, duration days)."""

    number: int
    name: str
    items: tuple[tuple[str, datetime | None, datetime | None, Decimal | None], ...]


@dataclass(frozen=True, slots=True)
class PlanCalendar:
    """A working calendar: ``week`` maps weekday (0 = Monday) to working periods in minutes
    after midnight; ``exceptions`` maps a date to its periods (empty = non-working)."""

    ref: str
    name: str
    week: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]
    exceptions: tuple[tuple[date, tuple[tuple[int, int], ...]], ...] = ()
    base: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one file says about a project."""

    name: str
    format: str
    start: datetime | None = None
    items: tuple[PlanItem, ...] = ()
    links: tuple[PlanLink, ...] = ()
    resources: tuple[PlanResource, ...] = ()
    assignments: tuple[PlanAssignment, ...] = ()
    baselines: tuple[PlanBaseline, ...] = ()
    calendars: tuple[PlanCalendar, ...] = ()
    calendar: str | None = None
    warnings: tuple[str, ...] = field(default=())


def check_size(data: bytes, limit: int = MAX_BYTES) -> None:
    """Refuse a file over ``limit`` bytes before anything parses it."""
    if len(data) > limit:
        raise InterchangeError(
            f"The file is {len(data) / 1048576:.1f} MiB; Keel imports files up to "
            f"{limit // 1048576} MiB."
        )


def check_items(plan: Plan, limit: int | None = None) -> None:
    """Refuse a plan of more than ``limit`` (default ``MAX_ITEMS``) work items."""
    limit = MAX_ITEMS if limit is None else limit
    if len(plan.items) > limit:
        raise InterchangeError(
            f"The file holds {len(plan.items):,} work items; Keel imports up to {limit:,} from "
            "one file. Split it (by phase, say) and import the parts into the same project."
        )


def decode_text(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030.

    Raises
    ------
    InterchangeError
        When the bytes are none of these, naming the line of the first bad byte.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise InterchangeError(
                f"Line {line}: the file is not UTF-8 or GB18030 text "
                f"(byte 0x{data[utf8_error.start]:02x}); save it as UTF-8 and try again."
            ) from utf8_error


_XML_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")


def _xml_root(head: bytes) -> bytes | None:
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", b"", head, flags=re.S)
    match = _XML_ROOT.search(body)
    return match.group(2) if match else None


def detect_format(data: bytes, filename: str = "") -> str:
    """Name the format of ``data`` from its content (the file name only breaks ties).

    Returns one of ``FORMATS``; raises ``InterchangeError`` when nothing matches.
    """
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"\xff\xfe") or stripped.startswith(b"\xfe\xff"):
        stripped = decode_text(data[:4096]).encode("utf-8").lstrip()
    if stripped.startswith(b"<"):
        root = _xml_root(stripped)
        if root == b"Project":
            return "mspdi"
        if root == b"project":
            return "planner" if b"mrproject-version" in stripped else "gan"
        raise InterchangeError(
            f"The XML file's root element is <{(root or b'?').decode(errors='replace')}>; "
            "Keel reads Microsoft Project XML (<Project>), GanttProject and Planner files."
        )
    if stripped.startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    first_line = stripped.split(b"\n", 1)[0]
    if re.match(rb"\s*(project|taskjuggler)\b", stripped) or (
        filename.endswith(".tjp") and b"task " in data
    ):
        return "tjp"
    lowered = first_line.lower()
    if b"issue key" in lowered or b"issue type" in lowered or b"summary" in lowered:
        return "jira"
    if b"," in first_line or b";" in first_line or b"\t" in first_line:
        return "csv"
    raise InterchangeError(
        "Keel cannot tell what kind of file this is; it reads Microsoft Project XML, Jira CSV, "
        "Keel's CSV/XLSX task template, GanttProject and Planner files."
    )


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y年%m月%d日",
)


def parse_date(text: str, where: str) -> datetime | None:
    """A date or date-time in any of the common spellings (ISO, Jira's ``12/Mar/24 3:45 PM``,
    ``31.12.2025``, ``12/31/2025``, ``2025年3月1日``); empty text is ``None``.

    Raises ``InterchangeError`` naming ``where`` for text that is no date.
    """
    value = (text or "").strip()
    if not value:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=None)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise InterchangeError(f"{where}: {value!r} is not a date Keel understands (use 2025-03-31).")
