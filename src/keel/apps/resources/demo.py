"""This area's part of the demo portfolio, loaded after the demo projects (see projects.demo).

The pool: a person resource for each Northwind employee (team, owner = team lead, CNY rates,
skills with levels), an outside DBA contractor from a vendor, a placeholder "mobile developer"
to be named later, a test-lab rack (equipment, with a maintenance day) and fibre patch cables
(material). Every open work item with an assignee is staffed with that person at 100 %, so the
heat map shows who carries what across the three projects. Gao Yang is also booked on an ERP
task in the weeks of his DCM work: an over-allocation the heat map flags and levelling fixes.
Requests: DCM's manager asked for Gao by name (approved by his team lead, with history), ERP's
manager asks for a database administrator by skill (waiting).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keel.apps.accounts.models import TeamMembership
from keel.apps.projects.models import Project
from keel.apps.resources import services
from keel.apps.resources.models import (
    Assignment,
    Resource,
    ResourceKind,
    ResourceRequest,
    Skill,
)
from keel.apps.resources.services import item_window
from keel.apps.work.models import ItemType, StatusCategory, WorkItem
from keel.apps.work.scheduling import schedule_store
from keel.domain.errors import ValidationError

__all__ = ["demo_delete", "demo_extend"]

KEYS = ("DCM", "MBA", "ERP")
SKILLS = {
    "Networking": "Switches, routing, cabling.",
    "Storage": "SAN and backup systems.",
    "Testing": "Test strategy, automation, rollback drills.",
    "Project management": "Planning, reporting, stakeholders.",
    "ERP configuration": "Finance and supply-chain modules.",
    "Database administration": "Migrations, tuning, backup and restore.",
    "Mobile development": "iOS and Android apps.",
}
# username → (hourly CNY rate, {skill: level 1-5})
PEOPLE = {
    "liwei": (560, {"Project management": 5}),
    "alice": (420, {"Project management": 4, "ERP configuration": 2}),
    "bob": (400, {"Project management": 3, "Mobile development": 3}),
    "chen": (380, {"Project management": 3, "ERP configuration": 4}),
    "dana": (420, {"Testing": 5}),
    "erik": (380, {"Testing": 3}),
    "fatima": (520, {"Networking": 4, "Storage": 4}),
    "gao": (360, {"Networking": 4, "Storage": 2}),
    "ivan": (480, {"Networking": 5, "Database administration": 3}),
}
DOUBLE_BOOKED = "gao"
PREFIX = "Demo: "  # names of the pool's non-person resources, so reset finds them


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _open_items(project: Project) -> list[WorkItem]:
    """Leaf work items not done, with scheduled dates, in schedule order."""
    parents = set(
        WorkItem.objects.filter(project=project, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    return [
        item
        for item in WorkItem.objects.filter(project=project)
        .exclude(type=ItemType.MILESTONE)
        .exclude(status__category=StatusCategory.DONE)
        .select_related("project", "assignee", "status")
        .order_by("early_start", "number")
        if item.pk not in parents and item.early_start is not None
    ]


def _units(item: WorkItem) -> str:
    """100 %, except on long-running items (reporting, steering): a tenth of the time."""
    first, last = item_window(item)
    return "1" if (last - first).days <= 42 else "0.1"


def _fresh(item: WorkItem) -> bool:
    """Not started: levelling may move it."""
    return item.progress == 0 and item.status.category == StatusCategory.TODO


def _assign(actor: Any, item: WorkItem, resource: Resource, units: str = "1") -> bool:
    try:
        services.assignment_create(actor=actor, item=item, resource=resource, units=units)
    except ValidationError:
        return False
    return True


def _overlap(a: WorkItem, b: WorkItem) -> int:
    a0, a1 = item_window(a)
    b0, b1 = item_window(b)
    return (min(a1, b1) - max(a0, b0)).days + 1


def demo_extend(*, head: Any, users: dict[str, Any]) -> str:
    """Add this area's demo data to the loaded demo projects; return a summary sentence."""
    projects = {p.key: p for p in Project.objects.filter(key__in=KEYS)}
    if not projects:
        return ""
    # The projects are scheduled when the demo's transaction commits; staffing needs the dates
    # now (each assignment is checked against its item's window).
    for project in projects.values():
        schedule_store(project)
    skills = {
        name: services.skill_create(actor=head, name=name, description=text)
        for name, text in SKILLS.items()
        if not Skill.objects.filter(name=name).exists()
    }
    skills.update({s.name: s for s in Skill.objects.filter(name__in=SKILLS)})
    lead_of = {
        m.user_id: m.team
        for m in TeamMembership.objects.select_related("team").filter(
            user__in=[u for name, u in users.items() if name in PEOPLE]
        )
    }
    leads = {
        m.team_id: m.user for m in TeamMembership.objects.select_related("user").filter(role="lead")
    }
    year = date(timezone.localdate().year, 1, 1)
    people: dict[str, Resource] = {}
    for username, (rate, levels) in PEOPLE.items():
        user = users.get(username)
        if user is None:
            continue
        team = lead_of.get(user.pk)
        owner = leads.get(team.pk, head) if team is not None else head
        resource = services.resource_create(
            actor=head, name=user.display_name or username, kind=ResourceKind.PERSON,
            user=user, team=team, owner=owner, capacity=Decimal(8), calendar_country="CN",
        )  # fmt: skip
        services.cost_rate_create(
            actor=head, resource=resource, effective_from=year,
            standard=rate, overtime=round(rate * 1.5),
        )  # fmt: skip
        for skill, level in levels.items():
            services.resource_skill_set(
                actor=head, resource=resource, skill=skills[skill], level=level
            )
        people[username] = resource

    contractor = services.resource_create(
        actor=head, name=f"{PREFIX}Ravi Kumar (contractor)", kind=ResourceKind.PERSON,
        external=True, vendor="Bluebridge Consulting", owner=users.get("ivan", head),
        capacity=Decimal(8),
    )  # fmt: skip
    services.cost_rate_create(
        actor=head, resource=contractor, effective_from=year, standard=650, overtime=900
    )
    services.resource_skill_set(
        actor=head, resource=contractor, skill=skills["Database administration"], level=5
    )
    placeholder = services.resource_create(
        actor=head, name=f"{PREFIX}Mobile developer (to be named)", kind=ResourceKind.PERSON,
        is_placeholder=True, skill=skills["Mobile development"], owner=users.get("bob", head),
    )  # fmt: skip
    rack = services.resource_create(
        actor=head, name=f"{PREFIX}Test lab rack", kind=ResourceKind.EQUIPMENT,
        owner=users.get("dana", head), capacity=Decimal(8),
    )  # fmt: skip
    services.cost_rate_create(actor=head, resource=rack, effective_from=year, per_use=1200)
    cables = services.resource_create(
        actor=head, name=f"{PREFIX}Fibre patch cables", kind=ResourceKind.MATERIAL,
        owner=users.get("fatima", head), capacity=Decimal(50),
    )  # fmt: skip
    services.cost_rate_create(actor=head, resource=cables, effective_from=year, per_unit=85)

    today = timezone.localdate()
    services.leave_create(
        actor=head, resource=rack, start=_monday(today) + timedelta(days=9),
        finish=_monday(today) + timedelta(days=9), kind="maintenance", note="Firmware update",
    )  # fmt: skip
    if "erik" in people:
        services.leave_create(
            actor=head, resource=people["erik"], start=_monday(today) + timedelta(days=14),
            finish=_monday(today) + timedelta(days=18), kind="vacation", note="Family trip",
        )  # fmt: skip

    by_user = {r.user_id: r for r in people.values()}
    open_items = {key: _open_items(project) for key, project in projects.items()}
    staffed = 0
    for key, items in open_items.items():
        manager = projects[key].manager
        for item in items:
            resource = by_user.get(item.assignee_id)
            if resource is not None and _assign(manager, item, resource, _units(item)):
                staffed += 1
        if key == "MBA":
            mobile = [i for i in items if "app" in i.title.lower() or "mobile" in i.title.lower()]
            for item in (mobile or items)[:1]:
                staffed += _assign(manager, item, placeholder)
        if key == "DCM":
            cabling = [i for i in items if any(w in i.title.lower() for w in ("network", "rack"))]
            for item in (cabling or items)[:2]:
                staffed += _assign(manager, item, cables, units="20")
        if key == "ERP":
            tests = [i for i in items if "test" in i.title.lower()]
            for item in tests[:2]:
                staffed += _assign(manager, item, rack)

    # Gao's DCM work overlaps an ERP task: book him there too.
    doubled = ""
    gao = people.get(DOUBLE_BOOKED)
    if gao is not None:
        mine = [
            a.item for a in Assignment.objects.filter(resource=gao).select_related("item__project")
        ]
        taken = {i.pk for i in mine}
        best: tuple[int, WorkItem] | None = None
        for key in ("ERP", "MBA", "DCM"):
            for item in open_items.get(key, []):
                if item.pk in taken or not _fresh(item):
                    continue
                overlap = max((_overlap(item, m) for m in mine), default=0)
                if overlap > 0 and (best is None or overlap > best[0]):
                    best = (overlap, item)
        if best is None:  # nothing overlaps: the first open item of another project
            others = [i for k in ("ERP", "MBA") for i in open_items.get(k, [])]
            best = next(((1, i) for i in others if i.pk not in taken and _fresh(i)), None)
        if best is not None and _assign(best[1].project.manager, best[1], gao):
            staffed += 1
            doubled = f" {gao.name} is double-booked on {best[1].key}, flagged on the heat map."

    if gao is not None and "DCM" in projects:
        dcm = projects["DCM"]
        asked = services.request_create(
            actor=dcm.manager, project=dcm, resource=gao, start=today, finish=today + timedelta(28),
            hours=Decimal(80), note="Patching rack B after the second switch pair arrives.",
        )  # fmt: skip
        services.request_approve(
            actor=gao.owner, request=asked, note="Yes, after his current ERP task."
        )
    if "ERP" in projects:
        erp = projects["ERP"]
        services.request_create(
            actor=erp.manager, project=erp, skill=skills["Database administration"],
            start=today + timedelta(days=7), finish=today + timedelta(days=35), units="0.5",
            note="Data migration rehearsal needs a DBA half time.",
        )  # fmt: skip
    pool = len(people) + 4
    return (
        f"Resource pool of {pool} (people, a contractor, a placeholder, equipment and material) "
        f"with {staffed} assignments and two requests.{doubled}"
    )


def demo_delete() -> None:
    """Delete what demo_extend made that does not go with the demo projects' own rows."""
    # Reset is an administrator's action from the command line: rows go directly.
    usernames = list(PEOPLE)
    Assignment.objects.filter(item__project__key__in=KEYS).delete()
    # Requests first: deleting a skill would leave a request naming nothing.
    ResourceRequest.objects.filter(project__key__in=KEYS).delete()
    Resource.objects.filter(user__username__in=usernames).delete()
    Resource.objects.filter(name__startswith=PREFIX).delete()
    Skill.objects.filter(name__in=SKILLS, placeholders__isnull=True, holders__isnull=True).delete()
