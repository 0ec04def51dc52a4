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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from keel.apps.accounts.models import User
from keel.apps.projects.models import Project, Role

__all__ = ["KANBAN_WIP_LIMIT", "PHASES", "TEMPLATES", "template_apply"]

KANBAN_WIP_LIMIT = 3

# (phase, gate milestone closing it)
PHASES: tuple[tuple[str, str], ...] = (
    (_noop("Initiation"), _noop("Charter approved")),
    (_noop("Planning"), _noop("Project plan approved")),
    (_noop("Execution"), _noop("Deliverables completed")),
    (_noop("Monitoring & Control"), _noop("Performance review passed")),
    (_noop("Closure"), _noop("Project closed")),
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
    {"key": "todo", "name": _noop("To do"), "category": "todo"},
    {"key": "in_progress", "name": _noop("In progress"), "category": "in_progress"},
    {"key": "in_review", "name": _noop("In review"), "category": "in_progress"},
    {"key": "done", "name": _noop("Done"), "category": "done"},
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
    {"key": "backlog", "name": _noop("Backlog"), "category": "todo"},
    {"key": "selected", "name": _noop("Selected"), "category": "todo"},
    {"key": "in_progress", "name": _noop("In progress"), "category": "in_progress"},
    {"key": "in_review", "name": _noop("In review"), "category": "in_progress"},
    {"key": "done", "name": _noop("Done"), "category": "done"},
]
_KANBAN_STATUSES: list[dict[str, Any]] = [
    {"key": "todo", "name": _noop("To do"), "category": "todo"},
    {
        "key": "doing",
        "name": _noop("Doing"),
        "category": "in_progress",
        "wip_limit": KANBAN_WIP_LIMIT,
    },
    {"key": "done", "name": _noop("Done"), "category": "done"},
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

    # Status, phase and gate names are the project's own data from here on: they are written
    # in the language active when the project is created (the creator's, in the web).
    spec = TEMPLATES[template]
    statuses = [{**status, "name": _(status["name"])} for status in spec["statuses"]]
    workflow_build(project, statuses, spec["transitions"])
    if not spec["phases"]:
        return
    previous_gate = None
    for phase_key, gate_key in PHASES:
        phase_name = _(phase_key)
        phase = create_item(
            actor=actor, project=project, type=ItemType.DELIVERABLE, title=phase_name
        )
        gate = create_item(
            actor=actor,
            project=project,
            type=ItemType.MILESTONE,
            title=_(gate_key),
            parent=phase,
            description=_("Gate: the %(phase)s phase is approved before work moves on.")
            % {"phase": phase_name},
        )
        if previous_gate is not None:
            dependency_create(actor=actor, predecessor=previous_gate, successor=gate)
        previous_gate = gate
