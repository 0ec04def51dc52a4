"""Import files into Keel, export projects, and serve calendar feeds.

``import_preview`` reads a file and says what an import would create (and which statuses and
people need a mapping); ``import_commit`` does it, all or nothing, in one transaction.
``export_project`` writes a project as MSPDI, TaskJuggler, XLSX, CSV or iCalendar.
``feed_token_create`` / ``feed_token_revoke`` manage calendar feed tokens and ``feed_ics``
renders a feed for the token's owner (only what that user may see).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.accounts.services import secret_hash
from keel.apps.interchange.models import FeedToken
from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_project,
    has_permission,
    visible_projects_q,
)
from keel.apps.projects.models import Portfolio, Project, ProjectMembership
from keel.apps.work.adapters import engine_time, stored_time
from keel.domain.errors import ValidationError
from keel.interchange.plan import InterchangeError, Plan, PlanItem
from keel.interchange.readers import read_plan

__all__ = [
    "EXPORT_FORMATS",
    "ImportResult",
    "Preview",
    "export_content_type",
    "export_project",
    "feed_ics",
    "feed_token_create",
    "feed_token_revoke",
    "feed_token_user",
    "import_commit",
    "import_preview",
    "import_template",
    "mapping_parse",
    "plan_of_project",
]

EXPORT_FORMATS = ("mspdi", "tjp", "xlsx", "csv", "ics")
TEMPLATE_FORMATS = ("xlsx", "csv")
_CONTENT_TYPES = {
    "mspdi": ("application/xml", "xml"),
    "tjp": ("text/plain; charset=utf-8", "tjp"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "ics": ("text/calendar; charset=utf-8", "ics"),
}
_ROWS_SHOWN = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    """What an import would do; ``ready`` is False while statuses or people need a mapping."""

    format: str
    name: str
    project_key: str
    new_project: bool
    items: int
    milestones: int
    links: int
    resources: int
    assignments: int
    baselines: int
    calendars: int
    rows: tuple[tuple[str, str, str, int], ...]
    unknown_statuses: tuple[str, ...]
    unknown_users: tuple[str, ...]
    statuses: tuple[str, ...]
    users: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    file_statuses: tuple[str, ...] = ()
    file_users: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.unknown_statuses and not self.unknown_users


@dataclass(frozen=True)
class ImportResult:
    """What an import created."""

    project: Project
    created_project: bool
    items: int
    links: int
    resources: int
    assignments: int
    baselines: int
    warnings: tuple[str, ...] = ()


# --- mapping ---------------------------------------------------------------------------------


def mapping_parse(text: str | bytes | Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """A mapping from YAML/JSON text or a dict: ``{"statuses": {...}, "users": {...}}``.

    Status values are status keys or names of the project's workflow; user values are
    usernames of project members, or empty to leave the item unassigned.
    """
    import yaml

    if text is None or text == "" or text == b"":
        return {"statuses": {}, "users": {}}
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    if isinstance(text, str):
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise InterchangeError(f"The mapping file is not valid YAML: {err}") from err
    else:
        loaded = dict(text)
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict) or set(loaded) - {"statuses", "users"}:
        raise InterchangeError(
            "The mapping must have only the keys 'statuses' and 'users', each a map of names."
        )
    out: dict[str, dict[str, str]] = {"statuses": {}, "users": {}}
    for section in ("statuses", "users"):
        values = loaded.get(section) or {}
        if not isinstance(values, dict):
            raise InterchangeError(f"The mapping's {section!r} must map names to names.")
        out[section] = {str(k): "" if v is None else str(v) for k, v in values.items()}
    return out


# --- import ----------------------------------------------------------------------------------


def _target(
    actor: User, project_key: str | None, portfolio: Portfolio | int | None, plan: Plan
) -> tuple[Project | None, str]:
    """The existing project (import permission checked) or the key of the one to create."""
    key = (project_key or "").strip().upper()
    if key:
        existing = Project.objects.filter(key=key).first()
        if existing is not None:
            return access_project(actor, existing, Permission.DATA_IMPORT), key
    if portfolio is None:
        if key:
            raise ValidationError(
                f"There is no project {key}; name a portfolio to create it in, or import into "
                "a project that exists."
            )
        raise ValidationError("Name the project to import into, or a portfolio for a new one.")
    access_portfolio(actor, portfolio, Permission.PROJECT_CREATE)
    if not key:
        raise ValidationError("Give the new project a key (2 to 10 capital letters).")
    return None, key


def _template_statuses(plan: Plan) -> list[tuple[str, str, str]]:
    from keel.apps.projects.templates import TEMPLATES

    spec = TEMPLATES[_template_for(plan)]
    return [(s["key"], str(s["name"]), s["category"]) for s in spec["statuses"]]


def _template_for(plan: Plan) -> str:
    return "scrum" if plan.format == "jira" else "kanban"


def _statuses(project: Project | None, plan: Plan) -> list[tuple[str, str, str]]:
    from keel.apps.work.models import WorkflowStatus

    if project is None:
        return _template_statuses(plan)
    return [
        (s.key, s.name, s.category)
        for s in WorkflowStatus.objects.filter(workflow__project=project).order_by("position")
    ]


def _members(project: Project | None, actor: User) -> dict[str, User]:
    """Project members by every name a file may use: username, e-mail, full name."""
    users = (
        [m.user for m in ProjectMembership.objects.filter(project=project).select_related("user")]
        if project is not None
        else [actor]
    )
    names: dict[str, User] = {}
    for user in users:
        for name in (user.username, user.email, user.get_full_name()):
            if name:
                names[name.casefold()] = user
    return names


def _resolve(
    plan: Plan,
    statuses: list[tuple[str, str, str]],
    members: dict[str, User],
    mapping: dict[str, dict[str, str]],
) -> tuple[dict[str, str], dict[str, User | None], list[str], list[str]]:
    by_name = {k.casefold(): k for k, _n, _c in statuses}
    by_name.update({n.casefold(): k for k, n, _c in statuses})
    status_map: dict[str, str] = {}
    unknown_statuses: list[str] = []
    for name in sorted({i.status for i in plan.items if i.status}):
        mapped = mapping["statuses"].get(name)
        if mapped is not None:
            if mapped.casefold() not in by_name:
                raise ValidationError(
                    f"The mapping sends status {name!r} to {mapped!r}, which is not a status of "
                    f"the workflow ({', '.join(n for _k, n, _c in statuses)})."
                )
            status_map[name] = by_name[mapped.casefold()]
        elif name.casefold() in by_name:
            status_map[name] = by_name[name.casefold()]
        else:
            unknown_statuses.append(name)
    user_map: dict[str, User | None] = {}
    unknown_users: list[str] = []
    for name in sorted({i.assignee for i in plan.items if i.assignee}):
        if name in mapping["users"]:
            target = mapping["users"][name]
            if not target:
                user_map[name] = None
            elif target.casefold() in members:
                user_map[name] = members[target.casefold()]
            else:
                raise ValidationError(
                    f"The mapping sends user {name!r} to {target!r}, who is not a member of "
                    "the project."
                )
        elif name.casefold() in members:
            user_map[name] = members[name.casefold()]
        else:
            unknown_users.append(name)
    return status_map, user_map, unknown_statuses, unknown_users


def _read(data: bytes, format: str | None, filename: str) -> Plan:
    fmt = None if not format or format == "auto" else format
    return read_plan(data, fmt, filename)


def import_preview(
    *,
    actor: User,
    data: bytes,
    format: str | None = None,
    project_key: str | None = None,
    portfolio: Portfolio | int | None = None,
    mapping: Mapping[str, Any] | str | bytes | None = None,
    filename: str = "",
) -> Preview:
    """Read ``data`` and say what ``import_commit`` would create; nothing is saved.

    Needs ``data.import`` on an existing project, or ``project.create`` on ``portfolio`` for a
    new one. Raises ``ValidationError`` (``InterchangeError``) for bad files.
    """
    plan = _read(data, format, filename)
    project, key = _target(actor, project_key, portfolio, plan)
    statuses = _statuses(project, plan)
    members = _members(project, actor)
    _status_map, _user_map, unknown_statuses, unknown_users = _resolve(
        plan, statuses, members, mapping_parse(mapping)
    )
    _check_plan(plan)
    depth = _depths(plan)
    rows = tuple(
        (item.wbs or item.ref, item.title, item.type, depth[item.ref])
        for item in plan.items[:_ROWS_SHOWN]
    )
    return Preview(
        format=plan.format,
        name=plan.name,
        project_key=key,
        new_project=project is None,
        items=len(plan.items),
        milestones=sum(1 for i in plan.items if i.type == "milestone"),
        links=len(plan.links),
        resources=len(plan.resources),
        assignments=len(plan.assignments),
        baselines=len(plan.baselines),
        calendars=len(plan.calendars),
        rows=rows,
        unknown_statuses=tuple(unknown_statuses),
        unknown_users=tuple(unknown_users),
        statuses=tuple(k for k, _n, _c in statuses),
        users=tuple(sorted({u.username for u in members.values()})),
        warnings=plan.warnings,
        file_statuses=tuple(sorted({i.status for i in plan.items if i.status})),
        file_users=tuple(sorted({i.assignee for i in plan.items if i.assignee})),
    )


def _depths(plan: Plan) -> dict[str, int]:
    parents = {i.ref: i.parent for i in plan.items}
    depth: dict[str, int] = {}
    for ref in parents:
        chain, node = [], ref
        while node is not None and node not in depth:
            if node in chain:
                raise InterchangeError(f"Task {node} is its own ancestor in the outline.")
            chain.append(node)
            node = parents.get(node)
        base = depth[node] if node is not None else 0
        for n in reversed(chain):
            base += 1
            depth[n] = base
    return depth


def _check_plan(plan: Plan) -> None:
    """Refuse duplicate ids, links to unknown tasks and dependency cycles, naming them."""
    from keel.apps.work.models import MAX_LAG_DAYS

    refs: set[str] = set()
    for item in plan.items:
        if item.ref in refs:
            raise InterchangeError(f"Two tasks share the id {item.ref}.")
        refs.add(item.ref)
        if item.start and item.finish and item.finish < item.start:
            raise InterchangeError(f"Task {item.ref} ({item.title}) finishes before it starts.")
    following: dict[str, list[str]] = {}
    for link in plan.links:
        for end in (link.predecessor, link.successor):
            if end not in refs:
                raise InterchangeError(f"A dependency names task {end}, which is not in the file.")
        if link.predecessor == link.successor:
            raise InterchangeError(f"Task {link.successor} depends on itself.")
        if abs(link.lag_days) > MAX_LAG_DAYS:
            raise InterchangeError(
                f"The lag between {link.predecessor} and {link.successor} is over ten years."
            )
        following.setdefault(link.predecessor, []).append(link.successor)
    state: dict[str, int] = {}
    for start in following:
        if state.get(start):
            continue
        stack = [(start, iter(following.get(start, ())))]
        state[start] = 1
        path = [start]
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise InterchangeError(f"The dependencies form a cycle: {' → '.join(cycle)}.")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(following.get(nxt, ()))))
                path.append(nxt)


def _actuals(item: PlanItem) -> tuple[datetime | None, datetime | None]:
    """The item's actual start and finish as Keel stores them: an actual finish without an
    actual start, or before it, is dropped (the item keeps its actual start)."""
    start, finish = stored_time(item.actual_start), stored_time(item.actual_finish)
    if finish is not None and (start is None or finish < start):
        finish = None
    return start, finish


@transaction.atomic
def import_commit(
    *,
    actor: User,
    data: bytes,
    format: str | None = None,
    project_key: str | None = None,
    portfolio: Portfolio | int | None = None,
    project_name: str | None = None,
    mapping: Mapping[str, Any] | str | bytes | None = None,
    filename: str = "",
) -> ImportResult:
    """Import ``data`` into project ``project_key`` (created in ``portfolio`` when missing).

    All or nothing: any error — a bad file, an unmapped status or person, a cycle — raises
    ``ValidationError`` and leaves the database as it was.
    """
    from keel.apps.projects.services import project_create
    from keel.apps.work.models import (
        ChangeAction,
        Dependency,
        ItemChange,
        Label,
        StatusCategory,
        WorkflowStatus,
        WorkItem,
    )
    from keel.apps.work.scheduling import schedule_request
    from keel.apps.work.services.wbs import sort_key

    plan = _read(data, format, filename)
    project, key = _target(actor, project_key, portfolio, plan)
    mapped = mapping_parse(mapping)
    _check_plan(plan)
    created = project is None
    if project is None:
        portfolio_obj = (
            portfolio if isinstance(portfolio, Portfolio) else Portfolio.objects.get(pk=portfolio)
        )
        template = _template_for(plan)
        project = project_create(
            actor=actor,
            key=key,
            name=(project_name or plan.name or key)[:200],
            portfolio=portfolio_obj,
            template=template,
            methodology="scrum" if template == "scrum" else "waterfall",
            start_date=plan.start.date() if plan.start else None,
        )
    statuses = _statuses(project, plan)
    status_map, user_map, unknown_statuses, unknown_users = _resolve(
        plan, statuses, _members(project, actor), mapped
    )
    if unknown_statuses or unknown_users:
        parts = []
        if unknown_statuses:
            parts.append("statuses " + ", ".join(unknown_statuses))
        if unknown_users:
            parts.append("people " + ", ".join(unknown_users))
        raise ValidationError(
            "Map these before importing (a mapping file or the mapping form): "
            + "; ".join(parts)
            + "."
        )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    fresh = not WorkItem.objects.filter(project=locked).exists()
    status_rows = {s.key: s for s in WorkflowStatus.objects.filter(workflow__project=locked)}
    first_status = min(status_rows.values(), key=lambda s: s.position)
    depth = _depths(plan)
    ordered = sorted(plan.items, key=lambda i: depth[i.ref])
    number = locked.next_item_number
    last_root = (
        WorkItem.objects.filter(project=locked, parent=None).aggregate(m=Max("position"))["m"] or 0
    )
    positions: dict[str | None, int] = {None: last_root}
    rows: dict[str, WorkItem] = {}
    levels: dict[int, list[WorkItem]] = {}
    for item in ordered:
        status = status_rows[status_map[item.status]] if item.status else first_status
        positions[item.parent] = positions.get(item.parent, 0) + 1
        position = positions[item.parent]
        parent_row = rows[item.parent] if item.parent else None
        code = f"{parent_row.outline_code}.{position}" if parent_row else str(position)
        progress = item.progress
        if status.category == StatusCategory.DONE and not item.progress:
            progress = 100
        start = item.start.date() if item.start else None
        finish = item.finish.date() if item.finish else None
        if start and finish and finish < start:
            finish = start
        actual_start, actual_finish = _actuals(item)
        if actual_finish is not None:
            progress = 100
        row = WorkItem(
            project_id=locked.pk,
            number=number,
            type=item.type,
            title=item.title[:255] or f"Task {item.ref}",
            description=item.description,
            status_id=status.pk,
            priority=item.priority or "medium",
            assignee=user_map.get(item.assignee) if item.assignee else None,
            reporter_id=actor.pk,
            estimate_hours=item.estimate_hours,
            story_points=item.story_points,
            duration_days=item.duration_days,
            planned_start=start,
            planned_finish=finish,
            due_date=item.due,
            constraint_type=item.constraint_type,
            constraint_date=stored_time(item.constraint_date),
            progress=progress,
            actual_start=actual_start,
            actual_finish=actual_finish,
            parent=parent_row,
            position=position,
            outline_code=code,
            outline_sort=sort_key(code),
        )
        number += 1
        rows[item.ref] = row
        levels.setdefault(depth[item.ref], []).append(row)
    # A project that had no items is scheduled before its rows are written, so they are
    # inserted with their dates (no update of every row afterwards).
    links = {(lk.predecessor, lk.successor): lk for lk in plan.links}
    calendar_warnings = _import_calendar(locked, plan, created)
    scheduled = fresh and _schedule_new_rows(locked, rows, links.values())
    for level in sorted(levels):
        for row in levels[level]:
            row.parent_id = row.parent.pk if row.parent is not None else None
        _insert(WorkItem, levels[level])
        numbers = dict(
            WorkItem.objects.filter(
                project=locked, number__gte=locked.next_item_number, number__lt=number
            ).values_list("number", "pk")
        )
        for row in levels[level]:
            row.pk = numbers[row.number]
            row._state.adding = False
            row._state.db = "default"
    Project.objects.filter(pk=locked.pk).update(next_item_number=number)
    # Labels
    wanted = {name for item in plan.items for name in item.labels}
    if wanted:
        existing = {lb.name: lb for lb in Label.objects.filter(project=locked)}
        Label.objects.bulk_create(
            [Label(project=locked, name=name[:50]) for name in sorted(wanted - set(existing))]
        )
        existing = {lb.name: lb for lb in Label.objects.filter(project=locked)}
        through = WorkItem.labels.through
        through.objects.bulk_create(
            [
                through(workitem_id=rows[item.ref].pk, label_id=existing[name[:50]].pk)
                for item in plan.items
                for name in dict.fromkeys(item.labels)
            ]
        )
    _insert(
        Dependency,
        [
            Dependency(
                project_id=locked.pk,
                predecessor_id=rows[lk.predecessor].pk,
                successor_id=rows[lk.successor].pk,
                type=lk.type,
                lag_days=lk.lag_days,
            )
            for lk in links.values()
        ],
    )
    _insert(
        ItemChange,
        [
            ItemChange(
                item_id=row.pk,
                project_id=locked.pk,
                item_key=f"{locked.key}-{row.number}",
                actor_id=actor.pk,
                action=ChangeAction.CREATED,
                field="title",
                new=row.title,
            )
            for row in rows.values()
        ],
    )
    baselines = _import_baselines(actor, locked, plan, rows)
    warnings = list(plan.warnings) + calendar_warnings
    resources, assignments = _import_resources(actor, locked, plan, rows, warnings)
    try:
        if not scheduled or assignments:  # resource calendars can move the dates
            with transaction.atomic():
                _schedule_now(locked)
    except Exception:  # the import stands; the next edit (or the on-commit run) schedules it
        log.exception("Scheduling imported project %s failed", locked.key)
        schedule_request(locked)
    return ImportResult(
        project=locked,
        created_project=created,
        items=len(rows),
        links=len(links),
        resources=resources,
        assignments=assignments,
        baselines=baselines,
        warnings=tuple(warnings),
    )


_SCHEDULE_FIELDS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
    "scheduled_at",
)


def _insert(model: Any, objs: list[Any]) -> None:
    """Insert unsaved model instances with one prepared ``INSERT`` sent as a batch.

    The values are prepared by each field as ``bulk_create`` does (defaults, ``auto_now``,
    database conversions), but the statement is built once: for 10,000 items, 13,000 links and
    10,000 change records, building ``bulk_create``'s statements cost more than the values.
    Primary keys are not read back (callers that need them look them up).
    """
    connection = transaction.get_connection()  # the wrapper itself: no proxy per value
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    # Most columns repeat a few values (empty texts, None, the project, the status, the same
    # dates): each distinct value of a column is prepared once.
    prepared: list[dict[Any, Any]] = [{} for _ in fields]
    params = []
    for obj in objs:
        row = []
        for column, cache in zip(fields, prepared, strict=True):
            value = column.pre_save(obj, True)
            try:
                row.append(cache[value])
            except KeyError:
                cache[value] = column.get_db_prep_save(value, connection)
                row.append(cache[value])
            except TypeError:  # an unhashable value (a JSON dict or list)
                row.append(column.get_db_prep_save(value, connection))
        params.append(row)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _import_calendar(project: Project, plan: Plan, created: bool) -> list[str]:
    """Store the file's project calendar (its base calendars resolved) as the project's
    calendar, for a new project or one still on the standard calendar."""
    from keel.apps.work.models import ProjectCalendar
    from keel.apps.work.services.calendars import calendar_store_from_file

    by_ref = {cal.ref: cal for cal in plan.calendars}
    if plan.calendar not in by_ref:
        return []
    if not created and ProjectCalendar.objects.filter(project=project).exists():
        return []
    chain, ref = [], plan.calendar
    while ref in by_ref and by_ref[ref] not in chain:
        chain.append(by_ref[ref])
        ref = by_ref[ref].base
    week: dict[int, Any] = {d: ((540, 720), (780, 1080)) if d < 5 else () for d in range(7)}
    days: dict[date, Any] = {}
    for cal in reversed(chain):
        week.update(cal.week)
        days.update(cal.exceptions)
    return calendar_store_from_file(project, week, days)


def _schedule_new_rows(project: Project, rows: dict[str, Any], links: Any) -> bool:
    """Schedule the unsaved items of a project that had none, and set their dates.

    Builds the network as ``keel.apps.work.adapters.project_to_network`` does from saved rows
    (same durations, constraints, deadlines, calendar and start), so the stored result is what
    ``schedule_store`` would write. Returns False (nothing set) when the engine refuses.
    """
    from keel.apps.work.adapters import (
        DAY_END,
        DAY_START,
        _constraint,
        _duration,
        _minutes,
        _progress,
        project_calendar,
        status_now,
    )
    from keel.apps.work.models import ItemType
    from keel.domain.errors import KeelError
    from keel.domain.schedule import Dependency, DependencyType, Network, Task, schedule

    prefix = f"{project.key}-"
    ordered = sorted(rows.values(), key=lambda r: (r.outline_sort, r.number))
    parents = {row.parent.number for row in ordered if row.parent is not None}
    progress = {row.number: _progress(row, row.number in parents) for row in ordered}
    network = Network(
        tasks=tuple(
            Task(
                id=f"{prefix}{row.number}",
                name=row.title,
                duration=_duration(row),
                parent=f"{prefix}{row.parent.number}" if row.parent is not None else None,
                milestone=row.type == ItemType.MILESTONE,
                constraint=_constraint(row),
                deadline=datetime.combine(row.due_date, DAY_END) if row.due_date else None,
                **progress[row.number],  # type: ignore[arg-type]
            )
            for row in ordered
        ),
        dependencies=tuple(
            Dependency(
                predecessor=f"{prefix}{rows[lk.predecessor].number}",
                successor=f"{prefix}{rows[lk.successor].number}",
                type=DependencyType(lk.type),
                lag=_minutes(Decimal(lk.lag_days).quantize(Decimal("0.01"))),
            )
            for lk in links
        ),
        start=datetime.combine(project.start_date or project.created_at.date(), DAY_START),
        calendars={"standard": project_calendar(project)},
        calendar="standard",
        status_date=status_now() if any(progress.values()) else None,
        name=project.name,
    )
    try:
        result = schedule(network)
    except KeelError as err:
        log.warning("Imported project %s is not scheduled yet: %s", project.key, err)
        return False
    now = timezone.now()
    zone = timezone.get_default_timezone()
    for row in ordered:
        ts = result.tasks[f"{prefix}{row.number}"]
        row.early_start = timezone.make_aware(ts.early_start, zone)
        row.early_finish = timezone.make_aware(ts.early_finish, zone)
        row.late_start = timezone.make_aware(ts.late_start, zone)
        row.late_finish = timezone.make_aware(ts.late_finish, zone)
        row.total_float_minutes = ts.total_float
        row.free_float_minutes = ts.free_float
        row.is_critical = ts.critical
        row.scheduled_at = now
    return True


def _schedule_now(project: Project) -> None:
    """Schedule a freshly imported project inside the import's transaction.

    Like ``schedule_store``, but every row is new, so each gets its dates with one prepared
    ``UPDATE`` sent as a batch: Django's ``bulk_update`` builds a ``CASE`` per field and row,
    which took most of the time of a 10,000-task import (see benchmarks/interchange.py).
    """
    from keel.apps.work.adapters import project_to_network
    from keel.apps.work.models import WorkItem
    from keel.domain.schedule import schedule

    connection = transaction.get_connection()  # the wrapper itself: no proxy per value

    loaded = project_to_network(project)
    result = schedule(loaded.network)
    now = timezone.now()
    zone = timezone.get_default_timezone()
    fields = [WorkItem._meta.get_field(name) for name in _SCHEDULE_FIELDS]
    quote = connection.ops.quote_name
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = (
        f"UPDATE {quote(WorkItem._meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{quote(f.column)} = %s" for f in fields)
        + f" WHERE {quote(WorkItem._meta.pk.column)} = %s"
    )
    params = []
    for key, row in loaded.items.items():
        ts = result.tasks[key]
        values = (
            timezone.make_aware(ts.early_start, zone),
            timezone.make_aware(ts.early_finish, zone),
            timezone.make_aware(ts.late_start, zone),
            timezone.make_aware(ts.late_finish, zone),
            ts.total_float,
            ts.free_float,
            ts.critical,
            now,
        )
        params.append(
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
            + [row.pk]
        )
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _import_baselines(actor: User, project: Project, plan: Plan, rows: dict[str, Any]) -> int:
    from keel.apps.work.models import Baseline, BaselineItem

    if not plan.baselines:
        return 0
    number = (Baseline.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    Baseline.objects.filter(project=project, is_current=True).update(is_current=False)
    children = {i.parent for i in plan.items if i.parent}
    milestones = {i.ref for i in plan.items if i.type == "milestone"}
    made = 0
    for index, baseline in enumerate(plan.baselines):
        saved = Baseline.objects.create(
            project=project,
            number=number + index,
            name=f"{baseline.name} ({plan.format.upper()})"[:200],
            reason="Imported",
            is_current=index == len(plan.baselines) - 1,
            created_by=actor,
        )
        BaselineItem.objects.bulk_create(
            [
                BaselineItem(
                    baseline=saved,
                    item=rows[ref],
                    item_key=f"{project.key}-{rows[ref].number}",
                    title=rows[ref].title,
                    outline_code=rows[ref].outline_code,
                    is_summary=ref in children,
                    is_milestone=ref in milestones,
                    start=stored_time(b_start),
                    finish=stored_time(b_finish),
                    duration_days=b_days,
                )
                for ref, b_start, b_finish, b_days in baseline.items
                if ref in rows
            ],
            batch_size=500,
        )
        made += 1
    return made


def _import_resources(
    actor: User, project: Project, plan: Plan, rows: dict[str, Any], warnings: list[str]
) -> tuple[int, int]:
    """Resources (matched by name in the pool, else created by a pool manager) and their
    assignments (units only, so item durations stay as the file has them)."""
    if not plan.resources:
        return 0, 0
    try:
        from keel.apps.resources.models import Resource
        from keel.apps.resources.services import assignment_create, pool_manager, resource_create
    except ImportError:  # the resources app is not installed here
        warnings.append("Resources and assignments were not imported (no resources app).")
        return 0, 0
    may_create = pool_manager(actor)
    made: dict[str, Any] = {}
    for resource in plan.resources:
        name = resource.name.strip()[:100]
        if not name:
            continue
        found = Resource.objects.filter(name=name).first()
        if found is None and may_create:
            kind = "material" if resource.kind in {"material", "cost"} else "person"
            found = resource_create(actor=actor, name=name, kind=kind)
        if found is None:
            warnings.append(f"Resource {name} is not in the pool; a PMO administrator can add it.")
            continue
        made[resource.ref] = found
    count = 0
    for assignment in plan.assignments:
        if assignment.item not in rows or assignment.resource not in made:
            continue
        try:
            with transaction.atomic():
                assignment_create(
                    actor=actor,
                    item=rows[assignment.item],
                    resource=made[assignment.resource],
                    units=assignment.units if assignment.units > 0 else None,
                )
            count += 1
        except ValidationError as err:
            warnings.append(
                f"{made[assignment.resource].name} on {rows[assignment.item].title}: {err}"
            )
    return len(made), count


# --- export ----------------------------------------------------------------------------------


def plan_of_project(project: Project) -> Plan:
    """A project as a ``Plan``: items in WBS order, links, baselines, resources."""
    from keel.apps.work.models import Baseline, Dependency, WorkItem
    from keel.interchange.plan import (
        PlanAssignment,
        PlanBaseline,
        PlanLink,
        PlanResource,
    )

    rows = list(
        WorkItem.objects.filter(project=project)
        .select_related("status", "assignee")
        .order_by("outline_sort", "number")
    )
    refs = {row.pk: f"{project.key}-{row.number}" for row in rows}
    # Labels in one query over the link table (a prefetch builds a query set per item).
    labels: dict[int, list[str]] = {}
    for item_id, name in WorkItem.labels.through.objects.filter(
        workitem__project=project
    ).values_list("workitem_id", "label__name"):
        labels.setdefault(item_id, []).append(name)
    items = tuple(
        PlanItem(
            ref=refs[row.pk],
            title=row.title,
            parent=refs.get(row.parent_id) if row.parent_id else None,
            type=row.type,
            description=row.description,
            status=row.status.key,
            priority=row.priority,
            assignee=row.assignee.username if row.assignee else "",
            start=engine_time(row.early_start)
            or (datetime.combine(row.planned_start, time(8)) if row.planned_start else None),
            finish=engine_time(row.early_finish)
            or (datetime.combine(row.planned_finish, time(17)) if row.planned_finish else None),
            due=row.due_date,
            duration_days=row.duration_days,
            estimate_hours=row.estimate_hours,
            story_points=row.story_points,
            constraint_type=row.constraint_type,
            constraint_date=engine_time(row.constraint_date),
            progress=row.progress,
            actual_start=engine_time(row.actual_start),
            actual_finish=engine_time(row.actual_finish),
            labels=tuple(sorted(labels.get(row.pk, ()))),
            wbs=row.outline_code,
        )
        for row in rows
    )
    links = tuple(
        PlanLink(refs[p], refs[s], kind, lag)
        for p, s, kind, lag in Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type", "lag_days"
        )
    )
    baselines = tuple(
        PlanBaseline(
            b.number - 1,
            b.name,
            tuple(
                (refs[bi.item_id], engine_time(bi.start), engine_time(bi.finish), bi.duration_days)
                for bi in b.items.all()
                if bi.item_id in refs
            ),
        )
        for b in Baseline.objects.filter(project=project).prefetch_related("items")[:11]
    )
    resources: tuple[PlanResource, ...] = ()
    assignments: tuple[PlanAssignment, ...] = ()
    try:
        from keel.apps.resources.selectors import assignments_for_project

        found = list(assignments_for_project(project))
    except ImportError:
        found = []
    if found:
        seen: dict[int, PlanResource] = {}
        rows_out = []
        for a in found:
            res = a.resource
            seen.setdefault(
                res.pk, PlanResource(str(res.pk), res.name, getattr(res, "kind", "work") or "work")
            )
            if a.item_id in refs:
                rows_out.append(
                    PlanAssignment(
                        refs[a.item_id],
                        str(res.pk),
                        Decimal(str(getattr(a, "units", 1) or 1)),
                        getattr(a, "work_hours", None),
                    )
                )
        resources, assignments = tuple(seen.values()), tuple(rows_out)
    start = datetime.combine(project.start_date, time(8)) if project.start_date else None
    return Plan(
        name=project.name,
        format="keel",
        start=start,
        items=items,
        links=links,
        resources=resources,
        assignments=assignments,
        baselines=baselines,
        **_export_calendar(project),
    )


def _export_calendar(project: Project) -> dict[str, Any]:
    """The project's calendar (the standard one when it has none) as the plan's calendar."""
    from keel.apps.work.services.calendars import calendar_for_file
    from keel.interchange.plan import PlanCalendar

    week, days = calendar_for_file(project)
    calendar = PlanCalendar(
        "1",
        f"{project.key} calendar",
        tuple((day, periods) for day, periods in sorted(week.items()) if periods),
        tuple(sorted(days.items())),
    )
    return {"calendars": (calendar,), "calendar": "1"}


def _extra_sheets(project: Project) -> list[Any]:
    """Risks, EVM and Timesheets sheets when those apps are installed (typed cells)."""
    from keel.interchange.writers import Sheet

    sheets: list[Sheet] = []
    try:
        from keel.apps.risk.selectors import risk_list
    except ImportError:
        risk_list = None  # type: ignore[assignment]
    if risk_list is not None:
        risks = list(risk_list(project).select_related("owner"))
        sheets.append(
            Sheet(
                "Risks",
                [
                    "Key",
                    "Title",
                    "Category",
                    "Kind",
                    "Status",
                    "Probability",
                    "Impact",
                    "Score",
                    "Rating",
                    "Owner",
                    "Proximity",
                    "Next review",
                    "Strategy",
                    "Cost (min)",
                    "Cost (likely)",
                    "Cost (max)",
                    "Days (min)",
                    "Days (likely)",
                    "Days (max)",
                ],
                [
                    [
                        r.key,
                        r.title,
                        r.category,
                        r.kind,
                        r.status,
                        r.probability,
                        r.impact,
                        r.score,
                        r.rating,
                        r.owner.username if r.owner else "",
                        r.proximity,
                        r.next_review,
                        r.strategy,
                        r.cost_min,
                        r.cost_likely,
                        r.cost_max,
                        r.days_min,
                        r.days_likely,
                        r.days_max,
                    ]
                    for r in risks
                ],
            )
        )
    try:
        from keel.apps.finance.selectors import evm_table, timesheet_rows
    except ImportError:
        return sheets
    rows = list(evm_table(project, timezone.localdate()))
    if rows:
        header = list(_row_dict(rows[0]))
        sheets.append(Sheet("EVM", header, [list(_row_dict(r).values()) for r in rows]))
    else:
        sheets.append(Sheet("EVM", ["Item"], []))
    ts = list(timesheet_rows(project))
    if ts:
        header = list(_row_dict(ts[0]))
        sheets.append(Sheet("Timesheets", header, [list(_row_dict(r).values()) for r in ts]))
    else:
        sheets.append(Sheet("Timesheets", ["Date"], []))
    return sheets


def _row_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        values = row
    elif hasattr(row, "__dataclass_fields__"):
        values = {k: getattr(row, k) for k in row.__dataclass_fields__}
    elif hasattr(row, "_asdict"):
        values = row._asdict()
    else:
        values = {"value": row}
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, Decimal | int | float | date | datetime | str) or v is None:
            out[k] = v
        else:
            out[k] = str(v)
    return out


def _ics_entries(projects: list[Project], user: User) -> list[tuple[str, str, date, str, str]]:
    from keel.apps.work.models import WorkItem

    entries: list[tuple[str, str, date, str, str]] = []
    items = (
        WorkItem.objects.filter(project__in=projects)
        .filter(Q(type="milestone") | Q(due_date__isnull=False))
        .select_related("project")
        .order_by("project__key", "number")
    )
    for item in items:
        key = f"{item.project.key}-{item.number}"
        if item.type == "milestone":
            when = item.early_finish or item.early_start
            day = (
                timezone.localtime(when).date()
                if when
                else item.planned_finish or item.planned_start or item.due_date
            )
            if day is not None:
                entries.append(
                    (f"{key}-milestone@keel", f"◆ {key} {item.title}", day, item.project.name, "")
                )
        if item.due_date is not None and item.type != "milestone":
            entries.append(
                (
                    f"{key}-due@keel",
                    f"{key} {item.title} (due)",
                    item.due_date,
                    item.project.name,
                    "",
                )
            )
    return entries


def export_project(project: Project, format: str, *, actor: User | None = None) -> bytes:
    """The project as ``format`` (mspdi, tjp, xlsx, csv, ics).

    With ``actor``, checks ``data.export`` (Http404 for non-members).
    """
    from keel.interchange.writers import write_csv, write_ics, write_mspdi, write_xlsx

    if actor is not None:
        project = access_project(actor, project, Permission.DATA_EXPORT)
    if format not in EXPORT_FORMATS:
        raise ValidationError(
            f"Unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}."
        )
    if format == "tjp":
        from keel.apps.work.adapters import project_to_network
        from keel.interchange.tjp import write_tjp

        return write_tjp(project_to_network(project).network).text.encode("utf-8")
    if format == "ics":
        stamp = datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())
        return write_ics(
            _ics_entries([project], actor) if actor else _ics_entries([project], None),
            project.name,
            stamp,
        )  # type: ignore[arg-type]
    plan = plan_of_project(project)
    if format == "mspdi":
        return write_mspdi(plan)
    if format == "csv":
        return write_csv(plan)
    return write_xlsx(plan, _extra_sheets(project))


def _template_plan() -> Plan:
    from keel.interchange.plan import PlanLink

    day = datetime(2026, 1, 5, 8)  # noqa: DTZ001 - plan dates are local and naive
    items = (
        PlanItem("1", "Design 设计", type="deliverable", wbs="1"),
        PlanItem(
            "1.1", "Write the specification", parent="1", start=day,
            duration_days=Decimal(3), estimate_hours=Decimal(24), priority="high",
            labels=("docs",), description="Replace these rows with your own tasks.", wbs="1.1",
        ),
        PlanItem("1.2", "Review 评审", parent="1", duration_days=Decimal("1.5"), wbs="1.2"),
        PlanItem(
            "2", "Go live 上线", type="milestone", duration_days=Decimal(0),
            due=date(2026, 1, 30), wbs="2",
        ),
    )  # fmt: skip
    links = (PlanLink("1.1", "1.2", "FS", Decimal(1)), PlanLink("1.2", "2", "FS", Decimal(0)))
    return Plan(name="Keel task template", format="keel", items=items, links=links)


_TEMPLATE_HELP = (
    (
        "WBS",
        "Outline number: 1, 1.1, 1.2, 2 … (needed; a row's parent is its WBS less the last part)",
    ),
    ("Title", "Name of the item (needed)"),
    ("Type", "task, milestone, deliverable, epic, bug or subtask (default task)"),
    ("Status", "A status of the project's workflow (empty: the first status)"),
    ("Priority", "highest, high, medium, low or lowest"),
    ("Assignee", "Username, e-mail or full name of a project member"),
    ("Start", "Date: 2026-01-05 (see docs/interchange.md for other accepted spellings)"),
    ("Finish", "Date"),
    ("Duration (days)", "Working days, e.g. 3 or 1.5"),
    ("Due", "Date"),
    ("Estimate (hours)", "Number"),
    ("Story points", "Number"),
    ("Progress (%)", "0 to 100"),
    ("Constraint", "ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO or MFO"),
    ("Constraint date", "Date"),
    ("Predecessors", "WBS codes with type and lag in days, separated by ';': 1.1; 1.2FS+2; 3SS-1"),
    ("Labels", "Comma-separated"),
    ("Cost", "Number (not imported yet; kept in exports)"),
    ("Description", "Text (Markdown)"),
)


def import_template(format: str = "xlsx") -> bytes:
    """Keel's task template to fill in and import: ``xlsx`` (sheet "Plan" with typed example
    rows, and a "Help" sheet on each column) or ``csv`` (UTF-8 with BOM). Serve it with
    ``export_content_type(format, "keel-task-template")``.
    """
    from keel.interchange.writers import Sheet, write_csv, write_xlsx

    if format not in TEMPLATE_FORMATS:
        raise ValidationError(
            f"Unknown template format {format!r}; use one of {', '.join(TEMPLATE_FORMATS)}."
        )
    plan = _template_plan()
    if format == "csv":
        return write_csv(plan)
    return write_xlsx(plan, [Sheet("Help", ["Column", "What to write"], _TEMPLATE_HELP)])


def export_content_type(format: str, key: str) -> tuple[str, str]:
    """The content type and a download file name for an export."""
    content_type, extension = _CONTENT_TYPES[format]
    return content_type, f"{key}.{extension}"


# --- calendar feeds --------------------------------------------------------------------------


@transaction.atomic
def feed_token_create(*, actor: User, name: str = "Calendar") -> tuple[FeedToken, str]:
    """A new feed token for ``actor``; the raw token is returned once and never stored."""
    if not actor.is_authenticated:
        raise ValidationError("Sign in to make a calendar feed.")
    raw = secrets.token_urlsafe(24)
    token = FeedToken.objects.create(
        user=actor,
        name=(name or "Calendar").strip()[:100] or "Calendar",
        prefix=raw[:8],
        token_hash=secret_hash(raw),
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, actor: User, token_id: int) -> None:
    """Delete one of ``actor``'s feed tokens (others' tokens are not found)."""
    from django.http import Http404

    deleted, _ = FeedToken.objects.filter(user=actor, pk=token_id).delete()
    if not deleted:
        raise Http404("No such feed token.")


def feed_token_user(raw: str) -> User | None:
    """The user whose feed token ``raw`` is, or ``None``; notes when it was last used."""
    token = FeedToken.objects.select_related("user").filter(token_hash=secret_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def feed_ics(user: User, project_key: str | None = None) -> bytes:
    """Milestones and due dates the user may see, in all their projects or in one."""
    from django.http import Http404

    from keel.interchange.writers import write_ics

    if project_key:
        project = Project.objects.filter(key=project_key.upper()).first()
        if project is None or not has_permission(user, project, Permission.ITEM_VIEW):
            raise Http404("No such project.")
        projects = [project]
        name = project.name
    else:
        projects = [
            p
            for p in Project.objects.filter(visible_projects_q(user)).distinct()
            if has_permission(user, p, Permission.ITEM_VIEW)
        ]
        name = f"Keel — {user.get_username()}"
    stamp = datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())
    return write_ics(_ics_entries(projects, user), name, stamp)
