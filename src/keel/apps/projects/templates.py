"""Project templates: the workflow, phases and gate milestones a new project starts with.

Waterfall
    To do → In progress → In review → Done; only a project manager, QA manager or PMO
    administrator approves the move into Done (the gate-approval rule). Five phases, each a
    summary deliverable ending in a gate milestone; the gates follow each other (finish-to-start).
Scrum
    Backlog → Selected → In progress → In review → Done, ready for sprint planning; no phases.
Kanban
    To do → Doing → Done with a WIP limit on Doing.
Hybrid
    The waterfall phases and gates with the Scrum workflow inside them.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from keel.apps.accounts.models import User
from keel.apps.projects.models import Project, Role

__all__ = ["KANBAN_WIP_LIMIT", "PHASES", "TEMPLATES", "template_apply"]

KANBAN_WIP_LIMIT = 3

# (phase, gate milestone closing it)
PHASES: tuple[tuple[str, str], ...] = (
    ("Initiation", "Charter approved"),
    ("Planning", "Project plan approved"),
    ("Execution", "Deliverables completed"),
    ("Monitoring & Control", "Performance review passed"),
    ("Closure", "Project closed"),
)

_GATE_ROLES = [Role.PMO_ADMIN.value, Role.PROJECT_MANAGER.value, Role.QA_MANAGER.value]
_REOPEN_ROLES = [Role.PMO_ADMIN.value, Role.PROJECT_MANAGER.value]


def _linear(keys: list[str]) -> list[dict[str, Any]]:
    """Forward and one-step-back transitions along a list of status keys."""
    out: list[dict[str, Any]] = []
    for a, b in pairwise(keys):
        out.append({"from": a, "to": b})
        out.append({"from": b, "to": a})
    return out


_WATERFALL_STATUSES: list[dict[str, Any]] = [
    {"key": "todo", "name": "To do", "category": "todo"},
    {"key": "in_progress", "name": "In progress", "category": "in_progress"},
    {"key": "in_review", "name": "In review", "category": "in_progress"},
    {"key": "done", "name": "Done", "category": "done"},
]
_WATERFALL_TRANSITIONS = [
    {"from": "todo", "to": "in_progress"},
    {"from": "in_progress", "to": "todo"},
    {"from": "in_progress", "to": "in_review"},
    {"from": "in_review", "to": "in_progress"},
    {"from": "in_review", "to": "done", "allowed_roles": _GATE_ROLES},
    {"from": "done", "to": "in_progress", "allowed_roles": _REOPEN_ROLES},
]
_SCRUM_STATUSES: list[dict[str, Any]] = [
    {"key": "backlog", "name": "Backlog", "category": "todo"},
    {"key": "selected", "name": "Selected", "category": "todo"},
    {"key": "in_progress", "name": "In progress", "category": "in_progress"},
    {"key": "in_review", "name": "In review", "category": "in_progress"},
    {"key": "done", "name": "Done", "category": "done"},
]
_KANBAN_STATUSES: list[dict[str, Any]] = [
    {"key": "todo", "name": "To do", "category": "todo"},
    {"key": "doing", "name": "Doing", "category": "in_progress", "wip_limit": KANBAN_WIP_LIMIT},
    {"key": "done", "name": "Done", "category": "done"},
]

TEMPLATES: dict[str, dict[str, Any]] = {
    "waterfall": {
        "statuses": _WATERFALL_STATUSES,
        "transitions": _WATERFALL_TRANSITIONS,
        "phases": True,
    },
    "scrum": {
        "statuses": _SCRUM_STATUSES,
        "transitions": _linear([s["key"] for s in _SCRUM_STATUSES]),
        "phases": False,
    },
    "kanban": {
        "statuses": _KANBAN_STATUSES,
        "transitions": _linear([s["key"] for s in _KANBAN_STATUSES]),
        "phases": False,
    },
    "hybrid": {
        "statuses": _SCRUM_STATUSES,
        "transitions": _linear([s["key"] for s in _SCRUM_STATUSES]),
        "phases": True,
    },
}


def template_apply(*, actor: User, project: Project, template: str) -> None:
    """Give a new project its template's workflow, phases and gate milestones.

    Called by ``project_create`` inside its transaction, after the actor became project manager.
    """
    from keel.apps.work.models import ItemType
    from keel.apps.work.services import dependency_create, workflow_build
    from keel.apps.work.services.items import create_item

    spec = TEMPLATES[template]
    workflow_build(project, spec["statuses"], spec["transitions"])
    if not spec["phases"]:
        return
    previous_gate = None
    for phase_name, gate_name in PHASES:
        phase = create_item(
            actor=actor, project=project, type=ItemType.DELIVERABLE, title=phase_name
        )
        gate = create_item(
            actor=actor,
            project=project,
            type=ItemType.MILESTONE,
            title=gate_name,
            parent=phase,
            description=f"Gate: the {phase_name} phase is approved before work moves on.",
        )
        if previous_gate is not None:
            dependency_create(actor=actor, predecessor=previous_gate, successor=gate)
        previous_gate = gate
