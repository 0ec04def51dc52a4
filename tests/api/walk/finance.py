"""Route-walk declarations for finance (see tests/api/walk/__init__.py)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from tests.api.walk import PORTFOLIO, PROJECT, USER, P

from keel.apps.finance import services
from keel.apps.projects.access import ROLE_PERMISSIONS, Permission
from keel.apps.projects.models import Role
from keel.apps.resources.models import CostRate, Resource

# Reads that need more than a viewer holds (budget, approvals): project-scoped like PROJECT,
# declared with their own scopes so the viewer-reads-everything rule does not apply to them.
BUDGET_READ, APPROVAL_READ = "budget read", "approval read"


def _needs(perm: Permission) -> Callable[[Role | None], str]:
    def expected(role: Role | None) -> str:
        if role is None:
            return "404"
        return "2xx" if perm in ROLE_PERMISSIONS[role] else "403"

    return expected


SCOPES: dict[str, Callable[[Role | None], str]] = {
    BUDGET_READ: _needs(P.BUDGET_VIEW),
    APPROVAL_READ: _needs(P.TIMESHEET_APPROVE),
}

KEY = "/projects/{key}"
ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/me/timesheets"): (USER, None),
    ("POST", "/me/timesheets/submit"): (USER, None),
    ("POST", KEY + "/items/{item_key}/time"): (PROJECT, P.TIME_LOG),
    ("PUT", KEY + "/items/{item_key}/time"): (PROJECT, P.TIME_LOG),
    ("GET", KEY + "/timesheets"): (APPROVAL_READ, P.TIMESHEET_APPROVE),
    ("GET", KEY + "/timesheets/missing"): (APPROVAL_READ, P.TIMESHEET_APPROVE),
    ("POST", KEY + "/timesheets/{timesheet_id}/approve"): (PROJECT, P.TIMESHEET_APPROVE),
    ("POST", KEY + "/timesheets/{timesheet_id}/reject"): (PROJECT, P.TIMESHEET_APPROVE),
    ("GET", KEY + "/budget"): (BUDGET_READ, P.BUDGET_VIEW),
    ("PUT", KEY + "/budget"): (PROJECT, P.BUDGET_EDIT),
    ("GET", KEY + "/budget/changes"): (BUDGET_READ, P.BUDGET_VIEW),
    ("POST", KEY + "/budget/changes"): (PROJECT, P.BUDGET_EDIT),
    ("GET", KEY + "/exchange-rates"): (BUDGET_READ, P.BUDGET_VIEW),
    ("POST", KEY + "/exchange-rates"): (PROJECT, P.BUDGET_EDIT),
    ("GET", KEY + "/member-rates"): (BUDGET_READ, P.BUDGET_VIEW),
    ("POST", KEY + "/member-rates"): (PROJECT, P.BUDGET_EDIT),
    ("GET", KEY + "/expenses"): (BUDGET_READ, P.BUDGET_VIEW),
    ("POST", KEY + "/expenses"): (PROJECT, P.EXPENSE_CREATE),
    ("POST", KEY + "/expenses/{expense_id}/approve"): (PROJECT, P.EXPENSE_APPROVE),
    ("POST", KEY + "/expenses/{expense_id}/reject"): (PROJECT, P.EXPENSE_APPROVE),
    ("GET", KEY + "/expenses/{expense_id}/receipt"): (BUDGET_READ, P.BUDGET_VIEW),
    ("GET", KEY + "/material-use"): (BUDGET_READ, P.BUDGET_VIEW),
    ("POST", KEY + "/material-use"): (PROJECT, P.EXPENSE_CREATE),
    ("GET", KEY + "/work"): (PROJECT, P.ITEM_VIEW),
    ("GET", KEY + "/evm"): (BUDGET_READ, P.BUDGET_VIEW),
    ("GET", "/portfolios/{portfolio_id}/evm"): (PORTFOLIO, P.PORTFOLIO_VIEW),
}
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/me/timesheets/submit"): lambda w: {"week": "2025-01-06"},
    ("POST", KEY + "/items/{item_key}/time"): lambda w: {"day": "2025-02-03", "hours": "2"},
    ("PUT", KEY + "/items/{item_key}/time"): lambda w: {"day": "2025-02-04", "hours": "3"},
    ("POST", KEY + "/timesheets/{timesheet_id}/reject"): lambda w: {"reason": "Wrong week"},
    ("PUT", KEY + "/budget"): lambda w: {"currency": "CNY"},
    ("POST", KEY + "/budget/changes"): lambda w: {
        "category": "labour",
        "amount": "1000",
        "reason": "Walk",
    },
    ("POST", KEY + "/exchange-rates"): lambda w: {
        "currency": "EUR",
        "rate": "7.8",
        "effective": "2025-01-01",
    },
    ("POST", KEY + "/member-rates"): lambda w: {
        "username": "spare",
        "rate": "90",
        "valid_from": "2025-01-01",
    },
    ("POST", KEY + "/expenses"): lambda w: {
        "category": "equipment",
        "amount": "300",
        "currency": "CNY",
        "day": "2025-01-08",
    },
    ("POST", KEY + "/expenses/{expense_id}/reject"): lambda w: {"reason": "No receipt"},
    ("POST", KEY + "/material-use"): lambda w: {
        "item": w["other"].key,
        "resource": w["material"].pk,
        "day": "2025-01-08",
        "quantity": "3",
    },
}


def world_extend(world: dict[str, Any]) -> None:
    """A budget, a submitted timesheet by ``spare``, a submitted expense with a receipt and
    a material resource with a cost per unit."""
    project = world["project"]
    pm = project.manager
    spare = project.memberships.get(user__username="spare").user
    services.budget_set_up(actor=pm, project=project, currency="CNY")
    entry = services.time_log(actor=spare, item=world["other"], day=date(2025, 1, 6), hours="4")
    services.timesheet_submit(actor=spare, timesheet=entry.timesheet)
    expense = services.expense_create(
        actor=pm,
        project=project,
        category="material",
        amount="120",
        currency="CNY",
        day=date(2025, 1, 7),
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4 walk"),
    )
    material = Resource.objects.create(name="Walk cable", kind="material")
    CostRate.objects.create(
        resource=material, effective_from=date(2025, 1, 1), per_unit=Decimal("2.50")
    )
    world["material"] = material
    world["params"]["timesheet_id"] = entry.timesheet_id
    world["params"]["expense_id"] = expense.pk
