"""Writes to the resource pool, assignments, requests and stored levelling.

Who may do what:

- the pool (resources, leave, rates, skills) is managed by site staff and by PMO administrators
  of any portfolio (:func:`pool_manager`);
- assignments need ``resource.assign`` on the item's project;
- requests are raised with ``resource.assign``; the resource's owner (or site staff) approves or
  declines; the requester or anyone with ``resource.assign`` may cancel;
- applying or clearing levelling needs ``schedule.run``.

Effort-driven rule (Microsoft Project's, for each assignment; computed by
keel.domain.resources.effort_driven): work = duration × units. Given
units alone, work follows from the item's duration; given work alone, units follow; given both
(or changing one of them later), the item's duration becomes work ÷ units.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from keel.apps.accounts.models import Team, User
from keel.apps.checks import check_fields
from keel.apps.projects.access import (
    Permission,
    access_project,
    has_permission,
    is_signed_in,
)
from keel.apps.projects.models import PortfolioMembership, PortfolioRole, Project
from keel.apps.resources.calendars import resource_calendar, working_days
from keel.apps.resources.models import (
    Assignment,
    CostRate,
    LeaveKind,
    LevellingDelay,
    RequestEvent,
    RequestStatus,
    Resource,
    ResourceKind,
    ResourceLeave,
    ResourceRequest,
    ResourceSkill,
    Skill,
)
from keel.apps.work.adapters import MINUTES_PER_DAY
from keel.apps.work.models import ItemType, WorkItem
from keel.apps.work.scheduling import schedule_request, schedule_store
from keel.domain.errors import ValidationError
from keel.domain.resources import effort_driven

__all__ = [
    "assignment_create",
    "assignment_delete",
    "assignment_update",
    "cost_rate_create",
    "cost_rate_delete",
    "item_duration_minutes",
    "leave_create",
    "leave_delete",
    "levelling_clear",
    "levelling_store",
    "pool_manager",
    "request_approve",
    "request_cancel",
    "request_create",
    "request_decline",
    "resource_create",
    "resource_delete",
    "resource_replace",
    "resource_skill_remove",
    "resource_skill_set",
    "resource_update",
    "skill_create",
]

RESOURCE_FIELDS = {
    "user",
    "team",
    "owner",
    "external",
    "vendor",
    "capacity",
    "max_units",
    "calendar_country",
    "workdays",
    "is_placeholder",
    "skill",
    "active",
}
CENT = Decimal("0.01")


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, details={"fields": {field: [message]}})


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(field, f"{field} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise _invalid(field, f"{field} must be a finite number.")
    return number


def _positive(value: Any, field: str) -> Decimal:
    number = _decimal(value, field)
    if number <= 0:
        raise _invalid(field, f"{field} must be greater than zero, not {number}.")
    return number


def pool_manager(user: Any) -> bool:
    """Whether ``user`` may change the resource pool: site staff or a portfolio PMO admin."""
    if not is_signed_in(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return PortfolioMembership.objects.filter(user=user, role=PortfolioRole.PMO_ADMIN).exists()


def _require_pool(user: Any) -> None:
    if not pool_manager(user):
        raise PermissionDenied("Only site staff and PMO administrators manage the resource pool.")


# --- resources ------------------------------------------------------------------------------


def _clean_resource(resource: Resource) -> None:
    if not resource.name.strip():
        raise _invalid("name", "A resource needs a name.")
    if resource.kind not in ResourceKind.values:
        raise _invalid("kind", f"Kind must be one of {', '.join(ResourceKind.values)}.")
    resource.capacity = _positive(resource.capacity, "capacity")
    resource.max_units = _positive(resource.max_units, "max_units")
    if resource.capacity > 24 and resource.kind != ResourceKind.MATERIAL:
        raise _invalid("capacity", "Capacity is hours per day: at most 24.")
    days = resource.workdays or ""
    if not days or any(ch not in "1234567" for ch in days) or len(set(days)) != len(days):
        raise _invalid("workdays", "Working weekdays are digits 1 (Monday) to 7 (Sunday).")
    resource.workdays = "".join(sorted(days))
    resource.calendar_country = (resource.calendar_country or "").upper()
    if resource.calendar_country:
        import holidays

        if resource.calendar_country not in holidays.list_supported_countries():
            raise _invalid(
                "calendar_country", f"No holiday calendar for {resource.calendar_country!r}."
            )
    if resource.user_id and resource.kind != ResourceKind.PERSON:
        raise _invalid("user", "Only a person resource can be linked to a user.")
    if resource.is_placeholder and resource.user_id:
        raise _invalid("user", "A placeholder resource stands for nobody in particular.")
    clash = Resource.objects.filter(user_id=resource.user_id).exclude(pk=resource.pk)
    if resource.user_id and clash.exists():
        raise _invalid("user", "This user already has a resource.")


def _resolve(fields: dict[str, Any]) -> dict[str, Any]:
    """Turn usernames, team slugs and skill names into rows."""
    out = dict(fields)
    for name in ("user", "owner"):
        value = out.get(name)
        if isinstance(value, str):
            found = User.objects.filter(username=value).first()
            if found is None:
                raise _invalid(name, f"No user named {value!r}.")
            out[name] = found
    team = out.get("team")
    if isinstance(team, str):
        found_team = Team.objects.filter(slug=team).first()
        if found_team is None:
            raise _invalid("team", f"No team {team!r}.")
        out["team"] = found_team
    skill = out.get("skill")
    if isinstance(skill, str):
        found_skill = Skill.objects.filter(name__iexact=skill).first()
        if found_skill is None:
            raise _invalid("skill", f"No skill {skill!r}.")
        out["skill"] = found_skill
    return out


@transaction.atomic
def resource_create(
    *, actor: Any, name: str, kind: str = ResourceKind.PERSON, **fields: Any
) -> Resource:
    """Add a resource to the pool (site staff and PMO administrators)."""
    _require_pool(actor)
    check_fields(fields, RESOURCE_FIELDS, "resource")
    resource = Resource(name=name, kind=kind, **_resolve(fields))
    if resource.owner_id is None:
        resource.owner = actor
    _clean_resource(resource)
    resource.save()
    return resource


@transaction.atomic
def resource_update(*, actor: Any, resource: Resource, **fields: Any) -> Resource:
    """Change a resource's fields (site staff and PMO administrators)."""
    _require_pool(actor)
    check_fields(fields, {*RESOURCE_FIELDS, "name", "kind"}, "resource")
    current = Resource.objects.select_for_update().get(pk=resource.pk)
    for name, value in _resolve(fields).items():
        setattr(current, name, value)
    _clean_resource(current)
    current.save()
    return current


@transaction.atomic
def resource_delete(*, actor: Any, resource: Resource) -> None:
    """Remove a resource and its assignments from the pool."""
    _require_pool(actor)
    projects = set(
        Assignment.objects.filter(resource=resource).values_list("item__project_id", flat=True)
    )
    resource.delete()
    for project_id in projects:
        schedule_request(project_id)


@transaction.atomic
def resource_replace(*, actor: Any, placeholder: Resource, resource: Resource) -> int:
    """Move a placeholder's assignments to a named resource; return how many moved.

    Needs ``resource.assign`` on every project the placeholder is assigned in.
    """
    if not placeholder.is_placeholder:
        raise _invalid("placeholder", f"{placeholder.name} is not a placeholder resource.")
    if resource.is_placeholder or not resource.active:
        raise _invalid("resource", "Replace a placeholder with an active, named resource.")
    if resource.kind != placeholder.kind:
        raise _invalid("resource", "The replacement must be of the same kind.")
    rows = list(Assignment.objects.select_related("item__project").filter(resource=placeholder))
    for project in {row.item.project for row in rows}:
        access_project(actor, project, Permission.RESOURCE_ASSIGN)
    taken = set(
        Assignment.objects.filter(resource=resource, item__in=[r.item for r in rows]).values_list(
            "item_id", flat=True
        )
    )
    if taken:
        raise _invalid("resource", f"{resource.name} is already assigned to some of these items.")
    for row in rows:
        _check_window(row.item, resource)
    moved = Assignment.objects.filter(resource=placeholder).update(resource=resource)
    for project_id in {row.item.project_id for row in rows}:
        schedule_request(project_id)
    return moved


# --- leave, rates, skills -------------------------------------------------------------------


@transaction.atomic
def leave_create(
    *, actor: Any, resource: Resource, start: date, finish: date, kind: str = LeaveKind.LEAVE,
    note: str = "",
) -> ResourceLeave:  # fmt: skip
    """Record days off for a resource (both ends included)."""
    _require_pool(actor)
    if finish < start:
        raise _invalid("finish", "Leave cannot finish before it starts.")
    if kind not in LeaveKind.values:
        raise _invalid("kind", f"Kind must be one of {', '.join(LeaveKind.values)}.")
    return ResourceLeave.objects.create(
        resource=resource, start=start, finish=finish, kind=kind, note=note
    )


@transaction.atomic
def leave_delete(*, actor: Any, leave: ResourceLeave) -> None:
    """Remove a leave period."""
    _require_pool(actor)
    leave.delete()


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    """Explicit ranges overlap as ranges; an open-ended rate runs until the next one starts."""
    if a_from == b_from:
        return True
    first_to, second_from = (a_to, b_from) if a_from < b_from else (b_to, a_from)
    return first_to is not None and second_from <= first_to


@transaction.atomic
def cost_rate_create(
    *, actor: Any, resource: Resource, effective_from: date, effective_to: date | None = None,
    standard: Any = 0, overtime: Any = 0, per_use: Any = 0, per_unit: Any = 0,
) -> CostRate:  # fmt: skip
    """Add a cost rate; one whose dates overlap another rate of the resource is refused."""
    _require_pool(actor)
    if effective_to is not None and effective_to < effective_from:
        raise _invalid("effective_to", "A rate cannot end before it starts.")
    values = {
        "standard": _decimal(standard, "standard"),
        "overtime": _decimal(overtime, "overtime"),
        "per_use": _decimal(per_use, "per_use"),
        "per_unit": _decimal(per_unit, "per_unit"),
    }
    for name, value in values.items():
        if value < 0:
            raise _invalid(name, f"{name} cannot be negative.")
    if resource.kind == ResourceKind.MATERIAL and (values["standard"] or values["overtime"]):
        raise _invalid("standard", "Material is priced per unit, not per hour.")
    for other in CostRate.objects.select_for_update().filter(resource=resource):
        if _overlaps(effective_from, effective_to, other.effective_from, other.effective_to):
            span = f"{other.effective_from}–{other.effective_to or '…'}"
            raise _invalid(
                "effective_from",
                f"The effective dates overlap the rate in force {span}.",
            )
    return CostRate.objects.create(
        resource=resource, effective_from=effective_from, effective_to=effective_to, **values
    )


@transaction.atomic
def cost_rate_delete(*, actor: Any, rate: CostRate) -> None:
    """Remove a cost rate."""
    _require_pool(actor)
    rate.delete()


@transaction.atomic
def skill_create(*, actor: Any, name: str, description: str = "") -> Skill:
    """Add a skill to the catalogue."""
    _require_pool(actor)
    name = name.strip()
    if not name:
        raise _invalid("name", "A skill needs a name.")
    if Skill.objects.filter(name__iexact=name).exists():
        raise _invalid("name", f"There is already a skill {name!r}.")
    return Skill.objects.create(name=name, description=description)


@transaction.atomic
def resource_skill_set(
    *, actor: Any, resource: Resource, skill: Skill, level: int
) -> ResourceSkill:
    """Give a resource a skill at ``level`` (1-5), or change the level."""
    _require_pool(actor)
    if not 1 <= int(level) <= 5:
        raise _invalid("level", "A skill level is 1 to 5.")
    row, _created = ResourceSkill.objects.update_or_create(
        resource=resource, skill=skill, defaults={"level": int(level)}
    )
    return row


@transaction.atomic
def resource_skill_remove(*, actor: Any, resource: Resource, skill: Skill) -> None:
    """Take a skill off a resource."""
    _require_pool(actor)
    ResourceSkill.objects.filter(resource=resource, skill=skill).delete()


# --- assignments ----------------------------------------------------------------------------


def item_duration_minutes(item: WorkItem) -> int:
    """The item's planned duration in working minutes, as the scheduler reads it."""
    if item.type == ItemType.MILESTONE:
        return 0
    if item.duration_days is not None:
        return int(item.duration_days * MINUTES_PER_DAY)
    if item.estimate_hours is not None:
        return int(item.estimate_hours * 60)
    return MINUTES_PER_DAY


def item_window(item: WorkItem) -> tuple[date, date]:
    """The dates the item is planned in: its schedule, else its planned dates, else its length."""
    if item.early_start and item.early_finish:
        return (
            timezone.localtime(item.early_start).date(),
            timezone.localtime(item.early_finish).date(),
        )
    start = item.planned_start or timezone.localdate()
    days = max(1, -(-item_duration_minutes(item) // MINUTES_PER_DAY))
    finish = item.planned_finish or start + timedelta(days=days * 7 // 5 + 2)
    return start, max(start, finish)


def _check_window(item: WorkItem, resource: Resource) -> None:
    start, finish = item_window(item)
    if not working_days(resource_calendar(resource), start, finish):
        raise _invalid(
            "resource",
            f"{resource.name} has no working time between {start} and {finish}, "
            f"when {item.key} is planned.",
        )


def _effort_driven(
    duration_minutes: int, units: Decimal | None, work: Decimal | None
) -> tuple[Decimal, Decimal, int | None]:
    """(units, work hours, new duration in minutes or None) by the domain's effort_driven."""
    if units is None and work is None:
        units = Decimal(1)
    if work is not None and units is None and duration_minutes == 0:
        units = Decimal(1)  # a zero-length item: the work sets its length
    minutes = (
        int((work * 60).to_integral_value(rounding=ROUND_HALF_UP)) if work is not None else None
    )
    if units is not None and minutes is not None:
        new, _u, _w = effort_driven(units=float(units), work=minutes)
        return units, work, (new if new != duration_minutes else None)  # type: ignore[return-value]
    if units is not None:
        _d, _u, got = effort_driven(duration=duration_minutes, units=float(units))
        return units, (Decimal(got) / 60).quantize(CENT, rounding=ROUND_HALF_UP), None
    _d, found, _w = effort_driven(duration=duration_minutes, work=minutes)
    share = Decimal(str(found)).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(share, CENT), work, None  # type: ignore[return-value]


def _set_duration(actor: Any, item: WorkItem, minutes: int) -> None:
    from keel.apps.work.services import work_item_update

    days = (Decimal(minutes) / MINUTES_PER_DAY).quantize(CENT, rounding=ROUND_HALF_UP)
    if item.duration_days != days:
        work_item_update(actor=actor, item=item, version=None, duration_days=days)


def _apply(
    actor: Any, item: WorkItem, resource: Resource, units: Any, work_hours: Any, quantity: Any
) -> tuple[Decimal, Decimal]:
    if resource.kind == ResourceKind.MATERIAL:
        if work_hours is not None:
            raise _invalid("work_hours", "Material is assigned as a quantity, not in hours.")
        amount = _positive(quantity if quantity is not None else 1, "quantity")
        return _positive(units, "units") if units is not None else Decimal(1), amount
    if quantity is not None:
        raise _invalid("quantity", "Only material is assigned as a quantity; give work_hours.")
    u = _positive(units, "units") if units is not None else None
    if u is not None and u > resource.max_units * 10:
        raise _invalid("units", f"{u} is more than {resource.name} could ever give.")
    w = _decimal(work_hours, "work_hours") if work_hours is not None else None
    if w is not None and w < 0:
        raise _invalid("work_hours", "Work cannot be negative.")
    u, w, new_duration = _effort_driven(item_duration_minutes(item), u, w)
    if new_duration is not None and item.type != ItemType.MILESTONE:
        _set_duration(actor, item, new_duration)
    return u, w


@transaction.atomic
def assignment_create(
    *, actor: Any, item: WorkItem, resource: Resource, units: Any = None, work_hours: Any = None,
    quantity: Any = None,
) -> Assignment:  # fmt: skip
    """Assign a resource to a work item (``resource.assign``), effort-driven (module docstring).

    Raises
    ------
    ValidationError
        Units ≤ 0, hours on material, a resource with no working time in the item's window,
        an inactive resource or one already assigned; nothing is saved.
    """
    access_project(actor, item.project_id, Permission.RESOURCE_ASSIGN)
    if not resource.active:
        raise _invalid("resource", f"{resource.name} is no longer active.")
    if Assignment.objects.filter(item=item, resource=resource).exists():
        raise _invalid("resource", f"{resource.name} is already assigned to {item.key}.")
    _check_window(item, resource)
    units_value, work = _apply(actor, item, resource, units, work_hours, quantity)
    row = Assignment.objects.create(item=item, resource=resource, units=units_value, work=work)
    schedule_request(item.project_id)
    return row


@transaction.atomic
def assignment_update(
    *, actor: Any, assignment: Assignment, units: Any = None, work_hours: Any = None,
    quantity: Any = None,
) -> Assignment:  # fmt: skip
    """Change units or work; the other figure or the item's duration follows (effort-driven).

    Changing units keeps the work and changes the duration; changing work keeps the units and
    changes the duration; giving neither re-reads the work from the item's current duration.
    """
    item = WorkItem.objects.select_related("project").get(pk=assignment.item_id)
    access_project(actor, item.project_id, Permission.RESOURCE_ASSIGN)
    current = (
        Assignment.objects.select_for_update().select_related("resource").get(pk=assignment.pk)
    )
    resource = current.resource
    if resource.kind == ResourceKind.MATERIAL:
        units_value, work = _apply(actor, item, resource, units, work_hours, quantity)
    elif units is None and work_hours is None:
        units_value, work = _apply(actor, item, resource, current.units, None, quantity)
    else:
        units_value, work = _apply(
            actor,
            item,
            resource,
            units if units is not None else current.units,
            work_hours if work_hours is not None else current.work,
            quantity,
        )
    current.units, current.work = units_value, work
    current.save(update_fields=["units", "work"])
    schedule_request(item.project_id)
    return current


@transaction.atomic
def assignment_delete(*, actor: Any, assignment: Assignment) -> None:
    """Take a resource off a work item."""
    project_id = assignment.item.project_id
    access_project(actor, project_id, Permission.RESOURCE_ASSIGN)
    assignment.delete()
    schedule_request(project_id)


# --- requests -------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *, actor: Any, project: Project, start: date, finish: date, resource: Resource | None = None,
    skill: Skill | None = None, hours: Any = None, units: Any = 1, note: str = "",
) -> ResourceRequest:  # fmt: skip
    """Ask for a named resource or someone with a skill for a period (``resource.assign``)."""
    project = access_project(actor, project, Permission.RESOURCE_ASSIGN)
    if resource is None and skill is None:
        raise _invalid("resource", "Name a resource or a skill.")
    if finish < start:
        raise _invalid("finish", "A request cannot finish before it starts.")
    units_value = _positive(units, "units")
    hours_value = _positive(hours, "hours") if hours is not None else None
    if resource is not None and resource.kind == ResourceKind.MATERIAL and hours is not None:
        raise _invalid("hours", "Material is requested in units, not hours.")
    row = ResourceRequest.objects.create(
        project=project, requested_by=actor, resource=resource, skill=skill, start=start,
        finish=finish, hours=hours_value, units=units_value, note=note,
    )  # fmt: skip
    RequestEvent.objects.create(request=row, actor=actor, status=RequestStatus.REQUESTED, note=note)
    return row


def may_decide(user: Any, request: ResourceRequest, resource: Resource | None = None) -> bool:
    """Whether ``user`` may approve or decline: the resource's owner, or site staff."""
    if not is_signed_in(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    target = resource or request.resource
    return target is not None and target.owner_id == user.pk


def _visible(actor: Any, request: ResourceRequest) -> None:
    """Outsiders who neither see the project nor own the resource get a 404."""
    if may_decide(actor, request) or has_permission(
        actor, request.project, Permission.PROJECT_VIEW
    ):
        return
    raise Http404("No such request.")


def _move(
    actor: Any, request: ResourceRequest, status: RequestStatus, note: str
) -> ResourceRequest:
    current = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    if current.status != RequestStatus.REQUESTED:
        raise _invalid("status", f"This request is already {current.get_status_display()}.")
    current.status = status
    current.save(update_fields=["status", "resource"])
    RequestEvent.objects.create(request=current, actor=actor, status=status, note=note)
    return current


@transaction.atomic
def request_approve(
    *, actor: Any, request: ResourceRequest, note: str = "", resource: Resource | None = None
) -> ResourceRequest:
    """Approve a request: the resource's owner or site staff; a skill request names a resource."""
    _visible(actor, request)
    if resource is not None and request.resource_id and resource.pk != request.resource_id:
        raise _invalid("resource", "This request is for a named resource already.")
    if not may_decide(actor, request, resource):
        raise PermissionDenied("Only the resource's owner or site staff may approve.")
    if resource is not None:
        request.resource = resource
    current = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    current.resource = request.resource
    current.save(update_fields=["resource"])
    return _move(actor, current, RequestStatus.APPROVED, note)


@transaction.atomic
def request_decline(*, actor: Any, request: ResourceRequest, note: str = "") -> ResourceRequest:
    """Decline a request (the resource's owner or site staff); the reason is kept."""
    _visible(actor, request)
    if not may_decide(actor, request):
        raise PermissionDenied("Only the resource's owner or site staff may decline.")
    return _move(actor, request, RequestStatus.DECLINED, note)


@transaction.atomic
def request_cancel(*, actor: Any, request: ResourceRequest, note: str = "") -> ResourceRequest:
    """Withdraw a request: its requester or anyone with ``resource.assign`` on the project."""
    _visible(actor, request)
    if request.requested_by_id != getattr(actor, "pk", None):
        access_project(actor, request.project, Permission.RESOURCE_ASSIGN)
    return _move(actor, request, RequestStatus.CANCELLED, note)


# --- levelling ------------------------------------------------------------------------------


def levelling_store(*, actor: Any, projects: list[Project], delays: dict[int, int]) -> int:
    """Replace the stored levelling delays of ``projects`` with ``delays`` (item id → minutes).

    The caller checks permissions and holds the transaction. Each project is re-scheduled at
    once, in the same transaction, so the stored dates (and the Gantt) move when apply returns
    and a failure rolls the delays back too.
    """
    LevellingDelay.objects.filter(item__project__in=projects).delete()
    LevellingDelay.objects.bulk_create(
        [
            LevellingDelay(item_id=item_id, minutes=minutes, applied_by=actor)
            for item_id, minutes in delays.items()
            if minutes > 0
        ]
    )
    for project in projects:
        schedule_store(project)
    return sum(1 for m in delays.values() if m > 0)


@transaction.atomic
def levelling_clear(*, actor: Any, project: Project) -> int:
    """Remove the project's levelling delays (``schedule.run``); return how many there were."""
    project = access_project(actor, project, Permission.SCHEDULE_RUN)
    count, _ = LevellingDelay.objects.filter(item__project=project).delete()
    schedule_store(project)
    return count
