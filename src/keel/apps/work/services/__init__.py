"""Writes for work items, the WBS, dependencies, comments and workflows.

Every service is atomic, keyword-only, takes the acting user and checks access itself.
"""

from keel.apps.work.services.baselines import baseline_capture, baseline_make_current
from keel.apps.work.services.calendars import calendar_update
from keel.apps.work.services.comments import comment_create, comment_delete, comment_update
from keel.apps.work.services.dependencies import (
    dependency_create,
    dependency_delete,
    dependency_update,
)
from keel.apps.work.services.items import (
    work_item_create,
    work_item_delete,
    work_item_transition,
    work_item_update,
)
from keel.apps.work.services.wbs import (
    outline_recompute,
    work_item_indent,
    work_item_move,
    work_item_outdent,
)
from keel.apps.work.services.workflow import (
    workflow_build,
    workflow_replace,
    workflow_status_create,
    workflow_status_delete,
    workflow_status_update,
    workflow_transition_create,
    workflow_transition_delete,
)

__all__ = [
    "baseline_capture",
    "baseline_make_current",
    "calendar_update",
    "comment_create",
    "comment_delete",
    "comment_update",
    "dependency_create",
    "dependency_delete",
    "dependency_update",
    "outline_recompute",
    "work_item_create",
    "work_item_delete",
    "work_item_indent",
    "work_item_move",
    "work_item_outdent",
    "work_item_transition",
    "work_item_update",
    "workflow_build",
    "workflow_replace",
    "workflow_status_create",
    "workflow_status_delete",
    "workflow_status_update",
    "workflow_transition_create",
    "workflow_transition_delete",
]
