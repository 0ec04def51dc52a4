"""Load the deterministic demo portfolio through the normal services.

Everything goes through the same services a user's own data does, so the demo obeys every rule
(workflows, WBS, cycle checks, audit history). The people and the portfolio are in
``content``; each project has its own module (``dcm``, ``mba``, ``erp``).
"""

from __future__ import annotations

import importlib
import os
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction

from keel.apps.accounts.models import Team, User
from keel.apps.accounts.services import team_create, team_member_add, user_create
from keel.apps.projects.demo import content
from keel.apps.projects.models import Portfolio, Project, ProjectMembership
from keel.apps.projects.services import (
    membership_add,
    membership_update,
    portfolio_create,
    program_create,
    project_create,
)
from keel.apps.projects.templates import PHASES
from keel.apps.work.models import Dependency, WorkflowStatus, WorkItem
from keel.apps.work.services import comment_create, dependency_create, work_item_create

__all__ = ["DEMO_PROJECT_KEYS", "demo_load", "demo_load_if_empty"]

DEMO_PROJECT_KEYS = tuple(p["key"] for p in content.PROJECTS)


# Other areas' demo data, loaded in this order after the projects (each module has
# demo_extend(head=, users=) -> summary sentence, and demo_delete() for reset).
DEMO_EXTENSIONS = (
    "keel.apps.resources.demo",
    "keel.apps.finance.demo",
    "keel.apps.risk.demo",
)


def demo_load_if_empty() -> str | None:
    """Load the demo when the database holds no project; return its summary, else None."""
    if Project.objects.exists():
        return None
    return demo_load()


@transaction.atomic
def demo_load(*, reset: bool = False) -> str:
    """Load the demo portfolio and return a short summary with the demo users' password.

    With ``reset`` the demo projects, portfolio, teams and users are deleted first. Without it,
    loading twice is refused with a clear message rather than duplicating anything.
    The demo users' password is ``KEEL_DEMO_PASSWORD`` when set, otherwise a random one.
    """
    if reset:
        _delete_demo()
    elif Project.objects.filter(key__in=DEMO_PROJECT_KEYS).exists():
        return "The demo portfolio is already loaded (use `keel demo --reset` to load it afresh)."
    taken = sorted(
        User.objects.filter(username__in=[u for u, _, _ in content.USERS]).values_list(
            "username", flat=True
        )
    )
    if taken:
        return f"Not loading the demo: these usernames exist already: {', '.join(taken)}."

    password = os.environ.get("KEEL_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    users = {
        username: user_create(username=username, email=email, password=password, display_name=name)
        for username, name, email in content.USERS
    }
    head = users[content.PORTFOLIO_ADMINS[0]]
    head.is_staff = True  # the head of the PMO may create portfolios
    head.save(update_fields=["is_staff"])

    for team in content.TEAMS:
        created = team_create(actor=head, name=team["name"], slug=team["slug"])
        for username in team["members"]:
            role = "lead" if username == team["lead"] else "member"
            team_member_add(actor=head, team=created, user=users[username], role=role)

    portfolio = portfolio_create(actor=head, **content.PORTFOLIO)
    programs = {
        p["ref"]: program_create(
            actor=head, portfolio=portfolio, name=p["name"], description=p["description"]
        )
        for p in content.PROGRAMS
    }
    items = 0
    links = 0
    for spec in content.PROJECTS:
        n_items, n_links = _load_project(spec, head, users, portfolio, programs)
        items += n_items
        links += n_links
    extras = [
        sentence
        for module in DEMO_EXTENSIONS
        if (sentence := importlib.import_module(module).demo_extend(head=head, users=users))
    ]
    return (
        f"Loaded the demo portfolio {portfolio.name!r}: {len(content.PROJECTS)} projects "
        f"({', '.join(DEMO_PROJECT_KEYS)}), {items} work items, {links} dependencies, "
        f"{len(users)} users ({', '.join(users)}). "
        + "".join(f"{sentence} " for sentence in extras)
        + f"Demo users' password: {password}"
    )


def _delete_demo() -> None:
    for module in reversed(DEMO_EXTENSIONS):
        importlib.import_module(module).demo_delete()
    # Reset is an administrator's action from the command line: rows go directly.
    WorkItem.objects.filter(project__key__in=DEMO_PROJECT_KEYS).update(parent=None)
    Project.objects.filter(key__in=DEMO_PROJECT_KEYS).delete()
    Portfolio.objects.filter(slug=content.PORTFOLIO["slug"]).delete()
    Team.objects.filter(slug__in=[t["slug"] for t in content.TEAMS]).delete()
    User.objects.filter(username__in=[u for u, _, _ in content.USERS]).delete()


def _load_project(
    spec: dict[str, Any],
    head: User,
    users: dict[str, User],
    portfolio: Portfolio,
    programs: dict[str, Any],
) -> tuple[int, int]:
    members = dict(spec["members"])
    manager = next(u for u, role in spec["members"] if role == "project_manager")
    project = project_create(
        actor=head,
        key=spec["key"],
        name=spec["name"],
        portfolio=portfolio,
        program=programs[spec["program"]],
        template=spec["template"],
        methodology=spec["methodology"],
        status=spec["status"],
        health=spec["health"],
        start_date=spec["start_date"],
        finish_date=spec["finish_date"],
        goals=spec["goals"],
        scope_statement=spec["scope"],
        manager=users[manager],
    )
    existing = {m.user.username: m for m in ProjectMembership.objects.filter(project=project)}
    for username, role in spec["members"]:
        if username in existing:
            if existing[username].role != role:
                membership_update(actor=head, membership=existing[username], role=role)
        else:
            membership_add(actor=head, project=project, user=users[username], role=role)
    if head.username not in members:
        # The PMO head created the project; their portfolio role still lets them oversee it.
        ProjectMembership.objects.filter(project=project, user=head).delete()

    pm = users[manager]
    if "calendar" in spec:
        from keel.apps.work.services import calendar_update

        calendar_update(actor=pm, project=project, version=0, **spec["calendar"])
    status_by_category: dict[str, WorkflowStatus] = {}
    for status in WorkflowStatus.objects.filter(workflow__project=project).order_by("position"):
        status_by_category.setdefault(status.category, status)

    refs: dict[str, WorkItem] = {}
    gate_links: list[tuple[str, WorkItem]] = []
    pending_links: list[tuple[str, Any]] = []

    def add(item_spec: dict[str, Any], parent: WorkItem | None) -> None:
        fields: dict[str, Any] = {}
        if "days" in item_spec:
            fields["duration_days"] = Decimal(item_spec["days"])
            fields["estimate_hours"] = Decimal(item_spec["days"] * 8)
        if "pts" in item_spec:
            fields["story_points"] = Decimal(item_spec["pts"])
        if "progress" in item_spec:
            fields["progress"] = item_spec["progress"]
        if "labels" in item_spec:
            fields["labels"] = item_spec["labels"]
        if "who" in item_spec:
            fields["assignee"] = users[item_spec["who"]]
        item = work_item_create(
            actor=pm,
            project=project,
            type=item_spec["type"],
            title=item_spec["title"],
            parent=parent,
            status=status_by_category[item_spec.get("state", "todo")],
            **fields,
        )
        if "ref" in item_spec:
            refs[item_spec["ref"]] = item
        pending_links.extend((item_spec["ref"], link) for link in item_spec.get("after", []))
        for child in item_spec.get("children", []):
            add(child, item)

    if "phases" in spec:
        phases = {
            w.title: w
            for w in WorkItem.objects.filter(
                project=project, parent__isnull=True, type="deliverable"
            )
        }
        gate_of = dict(PHASES)
        for phase_name, phase_items in spec["phases"].items():
            gate = WorkItem.objects.get(parent=phases[phase_name], title=gate_of[phase_name])
            for item_spec in phase_items:
                add(item_spec, phases[phase_name])
                # A phase's gate is passed when all of the phase's work is done.
                gate_links.append((item_spec["ref"], gate))
    for item_spec in spec.get("items", []):
        add(item_spec, None)

    for successor, link in pending_links:
        pred, dep_type, lag = (link, "FS", 0) if isinstance(link, str) else link
        dependency_create(
            actor=pm,
            predecessor=refs[pred],
            successor=refs[successor],
            type=dep_type,
            lag_days=lag,
        )
    for pred, successor in spec.get("story_links", []):
        dependency_create(actor=pm, predecessor=refs[pred], successor=refs[successor])
    for pred, gate in gate_links:
        dependency_create(actor=pm, predecessor=refs[pred], successor=gate)

    for key, ref, author, body in content.COMMENTS:
        if key == project.key:
            comment_create(actor=users[author], item=refs[ref], body=body)

    n_items = WorkItem.objects.filter(project=project).count()
    return n_items, Dependency.objects.filter(project=project).count()
