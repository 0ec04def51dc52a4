"""The world the web route walk (tests/web/test_web_walk.py) runs in, and its database fingerprint.

One project (ERP, scrum, inside a program) with a small WBS, a dependency, a comment, a
spare member, and every area's objects, built by the same ``world_extend`` functions the API
walk uses (tests/api/walk/<area>.py): a baseline, a resource with leave, a rate, a skill and an
assignment, a resource request, a budget, a submitted timesheet, an expense with a receipt, a
material resource, a risk, RAID rows, a submitted change request, an estimate, a finished
simulation run and the project manager's feed token.
"""

from __future__ import annotations

import hashlib
import importlib
from typing import Any

from django.apps import apps
from django.db import models
from tests.api.walk import AREAS
from tests.factories import (
    MembershipFactory,
    PortfolioMembershipFactory,
    ProgramFactory,
    ProjectFactory,
    UserFactory,
    item_create,
)

from keel.apps.accounts.models import User
from keel.apps.projects.models import Role
from keel.apps.work import services as work

TEAM_MARKER = "Zebedee Teammate"  # a team member's name
RISK_MARKER = "Vendor late"  # the walked risk's title (tests/api/walk/risk.py)
BUDGET_MARKER = "Quillfeather invoice"  # an expense's description
HISTORY_MARKER = "Hummingbird draft phase"  # an item's former title
RATE_MARKER = "987.65"  # a resource's future cost rate

# Tables that change on every request whatever it does, and are no project data.
_NOISE_TABLES = {"django_session"}
# Columns written as a side effect of being used (a sign-in, a feed read), not by a change.
_NOISE_COLUMNS = {("auth_user", "last_login"), ("interchange_feedtoken", "last_used_at")}


def build_world() -> dict[str, Any]:
    """The walked project and its objects; ``world["params"]`` fills the URL parameters."""
    program = ProgramFactory()
    project = ProjectFactory(
        key="ERP",
        name="Walk secret project",
        methodology="scrum",
        portfolio=program.portfolio,
        program=program,
    )
    pm = project.manager
    parent = item_create(project, HISTORY_MARKER)
    # The old title lives on only in the item's history.
    parent = work.work_item_update(actor=pm, item=parent, version=parent.version, title="Phase")
    sibling = item_create(project, "First step", parent=parent)
    item = item_create(project, "Second step", parent=parent)
    other = item_create(project, "Elsewhere")
    dependency = work.dependency_create(actor=pm, predecessor=sibling, successor=item)
    comment = work.comment_create(actor=pm, item=item, body="First remark.")
    # A team member tied to nothing else: their name is the team list's marker.
    spare = UserFactory(
        username="spare", display_name=TEAM_MARKER, first_name="Zebedee", last_name="Teammate"
    )
    spare_membership = MembershipFactory(project=project, user=spare, role=Role.MEMBER)
    PortfolioMembershipFactory(portfolio=program.portfolio, user=spare, role="viewer")
    UserFactory(username="newbie")
    project.refresh_from_db()
    for row in (item, sibling, other, dependency):
        row.refresh_from_db()
    world: dict[str, Any] = {
        "program": program,
        "portfolio": program.portfolio,
        "project": project,
        "item": item,
        "sibling": sibling,
        "other": other,
        "dependency": dependency,
        "comment": comment,
        "params": {
            "key": project.key,
            "portfolio_id": program.portfolio.pk,
            "program_id": program.pk,
            "item_key": item.key,
            "item_id": item.pk,
            "dependency_id": dependency.pk,
            "membership_id": spare_membership.pk,
        },
    }
    for area in AREAS:
        importlib.import_module(f"tests.api.walk.{area}").world_extend(world)
    from datetime import date

    from keel.apps.finance.services import expense_create

    expense_create(
        actor=pm, project=project, category="equipment", amount="77", currency="CNY",
        day=date(2025, 1, 9), description=BUDGET_MARKER,
    )  # fmt: skip
    from keel.apps.resources.services import cost_rate_create

    cost_rate_create(
        actor=User.objects.get(username="walk-staff"), resource=world["resource"],
        effective_from=date(2031, 1, 1), standard=RATE_MARKER,
    )  # fmt: skip
    assert world["risk"].title == RISK_MARKER
    params = world["params"]
    # The web pages name some of those objects under other parameter names.
    params["sheet_id"] = params["timesheet_id"]
    params["token_id"] = params["feed_token_id"]
    for row in (world["item"], world["other"]):
        row.refresh_from_db()
    return world


def _tables() -> list[tuple[str, list[str]]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in _NOISE_TABLES:
            continue
        columns = [
            f.column
            for f in meta.concrete_fields
            if (meta.db_table, f.column) not in _NOISE_COLUMNS
            and not isinstance(f, models.BinaryField)
        ]
        found.append((meta.db_table, columns))
    return sorted(found)


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (less the noise above), per table."""
    from django.db import connection

    digests = {}
    with connection.cursor() as cursor:
        for table, columns in _tables():
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha1("\n".join(rows).encode()).hexdigest()
    return digests


def write_count() -> int | None:
    """How many rows this connection has written so far (SQLite); None elsewhere. Equal counts
    before and after a request prove it wrote nothing, without a fingerprint."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def build_other_project() -> dict[str, Any]:
    """A second project (OTH) with its own objects, for walking one project's URLs with the
    other's object ids. Its walked item has a number the walked project does not reach."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from keel.apps.finance import services as finance
    from keel.apps.risk.models import SimulationRun

    project = ProjectFactory(key="OTH", name="Other secret project", methodology="scrum")
    pm = project.manager
    items = [item_create(project, f"Other task {n}") for n in range(1, 10)]
    first, item = items[0], items[-1]
    dependency = work.dependency_create(actor=pm, predecessor=first, successor=item)
    worker = UserFactory()
    membership = MembershipFactory(project=project, user=worker, role=Role.MEMBER)
    finance.budget_set_up(actor=pm, project=project, currency="CNY")
    entry = finance.time_log(actor=worker, item=item, day=date(2025, 1, 6), hours="4")
    finance.timesheet_submit(actor=worker, timesheet=entry.timesheet)
    expense = finance.expense_create(
        actor=pm, project=project, category="material", amount="99", currency="CNY",
        day=date(2025, 1, 7), receipt=SimpleUploadedFile("o.pdf", b"%PDF-1.4 other"),
    )  # fmt: skip
    run = SimulationRun.objects.create(
        project=project, requested_by=pm, iterations=10, seed=1, status="done", progress=100
    )
    from keel.apps.resources import services as resources

    staff = UserFactory(is_staff=True)
    worker_resource = resources.resource_create(actor=staff, name="Other worker", kind="person")
    assignment = resources.assignment_create(actor=pm, item=item, resource=worker_resource, units=1)
    status = project.workflow.statuses.exclude(pk=item.status_id).order_by("position").first()
    return {
        "project": project,
        "item": item,
        "status": status,
        "assignment": assignment,
        "expense": expense,
        "timesheet": entry.timesheet,
        "membership": membership,
        "params": {
            "item_key": item.key,
            "item_id": item.pk,
            "dependency_id": dependency.pk,
            "membership_id": membership.pk,
            "sheet_id": entry.timesheet_id,
            "expense_id": expense.pk,
            "run_id": run.pk,
        },
    }
