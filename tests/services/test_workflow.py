"""Workflows: adding and removing statuses and transitions, replacing a whole workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import Workflow, WorkflowTransition
from keel.apps.work.selectors import workflow_statuses
from keel.apps.work.services import (
    work_item_transition,
    workflow_replace,
    workflow_status_create,
    workflow_status_delete,
    workflow_status_update,
    workflow_transition_create,
    workflow_transition_delete,
)
from keel.domain.errors import ConflictError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    """A Kanban project: To do → Doing → Done."""
    return ProjectFactory(key="FLOW", template="kanban")


def names(project):
    return [s.name for s in workflow_statuses(project)]


def test_new_status_and_transition_become_usable(board):
    """After adding Blocked and a Doing → Blocked move, items can be moved there."""
    pm = board.manager
    blocked = workflow_status_create(
        actor=pm, project=board, key="blocked", name="Blocked", category="in_progress"
    )
    doing = workflow_statuses(board).get(key="doing")
    workflow_transition_create(actor=pm, project=board, from_status=doing, to_status=blocked)
    item = item_create(board)
    work_item_transition(actor=pm, item=item, to_status="doing")
    assert work_item_transition(actor=pm, item=item, to_status="blocked").status == blocked
    assert names(board) == ["To do", "Doing", "Done", "Blocked"]


def test_status_in_use_cannot_be_deleted(board):
    """A status that holds items stays, with a message saying how many."""
    item_create(board)
    todo = workflow_statuses(board).get(key="todo")
    with pytest.raises(ValidationError, match="1 work item"):
        workflow_status_delete(actor=board.manager, status=todo)
    done = workflow_statuses(board).get(key="done")
    workflow_status_delete(actor=board.manager, status=done)
    assert names(board) == ["To do", "Doing"]


def test_status_update_validates_wip_limit(board):
    """A WIP limit below 1 is refused; a valid one is stored."""
    doing = workflow_statuses(board).get(key="doing")
    with pytest.raises(ValidationError, match="at least 1"):
        workflow_status_update(actor=board.manager, status=doing, wip_limit=0)
    assert workflow_status_update(actor=board.manager, status=doing, wip_limit=5).wip_limit == 5


def test_transition_roles_are_checked(board):
    """Only real roles may restrict a transition; a removed transition stops working."""
    todo, doing = (workflow_statuses(board).get(key=k) for k in ("todo", "doing"))
    with pytest.raises(ValidationError, match="Unknown role"):
        workflow_transition_create(
            actor=board.manager,
            project=board,
            from_status=todo,
            to_status=workflow_statuses(board).get(key="done"),
            allowed_roles=["wizard"],
        )
    transition = WorkflowTransition.objects.get(from_status=todo, to_status=doing)
    workflow_transition_delete(actor=board.manager, transition=transition)
    with pytest.raises(ValidationError, match="allowed next: nothing"):
        work_item_transition(actor=board.manager, item=item_create(board), to_status="doing")


def test_only_managers_edit_the_workflow(board, member_of):
    """A tech lead may not change the workflow."""
    lead = member_of(board, "tech_lead")
    with pytest.raises(PermissionDenied):
        workflow_status_create(actor=lead, project=board, key="x", name="X")


def test_replace_keeps_items_in_matching_statuses(board):
    """Replacing the workflow renames and adds statuses by key; items keep their status."""
    item = item_create(board)
    version = Workflow.objects.get(project=board).version
    workflow_replace(
        actor=board.manager,
        project=board,
        version=version,
        statuses=[
            {"key": "todo", "name": "Backlog", "category": "todo"},
            {"key": "doing", "name": "Doing", "category": "in_progress", "wip_limit": 2},
            {"key": "test", "name": "Testing", "category": "in_progress"},
            {"key": "done", "name": "Done", "category": "done"},
        ],
        transitions=[
            {"from": "todo", "to": "doing"},
            {"from": "doing", "to": "test"},
            {"from": "test", "to": "done", "allowed_roles": ["qa_manager"]},
        ],
    )
    item.refresh_from_db()
    assert item.status.name == "Backlog"
    assert names(board) == ["Backlog", "Doing", "Testing", "Done"]
    assert WorkflowTransition.objects.filter(workflow__project=board).count() == 3


def test_replace_with_stale_version_or_dropping_a_used_status_changes_nothing(board):
    """A stale version conflicts; dropping a status that holds items is refused; either way
    the old workflow stands."""
    item_create(board)
    workflow = Workflow.objects.get(project=board)
    new = [{"key": "doing", "name": "Doing", "category": "in_progress"}]
    with pytest.raises(ConflictError):
        workflow_replace(
            actor=board.manager,
            project=board,
            version=workflow.version - 1,
            statuses=new,
            transitions=[],
        )
    with pytest.raises(ValidationError, match="keep that status"):
        workflow_replace(
            actor=board.manager,
            project=board,
            version=workflow.version,
            statuses=new,
            transitions=[],
        )
    assert names(board) == ["To do", "Doing", "Done"]
    assert WorkflowTransition.objects.filter(workflow=workflow).count() == 4
