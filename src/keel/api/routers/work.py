"""Work items (by key, under their project), item actions, comments and history.

Items live at /projects/{key}/items/{item_key}; ``item_key`` is the item's key (ERP-42) or
its number (42).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from keel.api.concurrency import expected_version, optional_version
from keel.api.lookups import unknown, user_named
from keel.api.pagination import Page, PageParams, paginate
from keel.api.schemas.work import (
    ChangeOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    ItemDeleteParams,
    LabelOut,
    MoveIn,
    TransitionIn,
    WorkItemFilter,
    WorkItemIn,
    WorkItemOut,
    WorkItemPatch,
)
from keel.apps.projects.access import Permission, access_project
from keel.apps.work import selectors, services
from keel.apps.work.models import Comment, WorkItem

__all__ = ["item_ref", "router"]

router = Router(tags=["items"])

ITEM = "/projects/{key}/items/{item_key}"


def item_ref(project: Any, item_key: str | None, field: str) -> WorkItem | None:
    """The item a body field names (None stays None); an unknown key is a 400, not a 404."""
    if item_key is None:
        return None
    try:
        return selectors.work_item_get(project, item_key)
    except Http404:
        raise unknown(field, f"{project.key} has no work item {item_key}.") from None


def _item(request: HttpRequest, key: str, item_key: str, need: Permission) -> WorkItem:
    project = access_project(request.auth, key, need)
    return selectors.work_item_get(project, item_key)


def _comment(item: WorkItem, comment_id: int) -> Comment:
    comment = selectors.comment_list(item).filter(pk=comment_id).first()
    if comment is None:
        raise Http404(f"{item.key} has no comment {comment_id}.")
    return comment


def _on(item: WorkItem) -> Any:
    """Attach the already loaded item to each comment, so rendering needs no query per row."""

    def attach(comment: Comment) -> Comment:
        comment.item = item
        return comment

    return attach


def _fresh(item: WorkItem) -> WorkItem:
    """Re-read an item with everything its output needs joined."""
    return selectors.work_item_get(item.project, item.number)


# --- items ----------------------------------------------------------------------------------


@router.get("/projects/{key}/items", response=Page[WorkItemOut])
def item_list(
    request: HttpRequest, key: str, filters: Query[WorkItemFilter], page: Query[PageParams]
) -> Any:
    """The project's items in WBS order, filtered by status, assignee, type, label and text."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    wanted = filters.model_dump(exclude_none=True)
    if wanted.get("assignee") == "me":
        wanted["assignee"] = request.auth
    elif wanted.get("assignee") not in (None, "none"):
        wanted["assignee"] = user_named(wanted["assignee"], "assignee")
    return paginate(request, selectors.work_item_list(project, **wanted), page)


@router.post("/projects/{key}/items", response={201: WorkItemOut})
def item_create(request: HttpRequest, key: str, payload: WorkItemIn) -> Any:
    """Create a work item; it is numbered <KEY>-<n> and starts in the first status."""
    project = access_project(request.auth, key, Permission.ITEM_CREATE)
    fields = payload.model_dump(exclude_unset=True)
    fields["parent"] = item_ref(project, fields.pop("parent", None), "parent")
    item = services.work_item_create(actor=request.auth, project=project, **fields)
    return Status(201, _fresh(item))


@router.get(ITEM, response=WorkItemOut)
def item_get(request: HttpRequest, key: str, item_key: str) -> Any:
    """One work item; the ETag is its version."""
    item = _item(request, key, item_key, Permission.ITEM_VIEW)
    return item


@router.patch(ITEM, response=WorkItemOut)
def item_update(request: HttpRequest, key: str, item_key: str, payload: WorkItemPatch) -> Any:
    """Change fields of an item; status, parent and position have their own actions."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    version = expected_version(request, payload.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    return _fresh(
        services.work_item_update(actor=request.auth, item=item, version=version, **fields)
    )


@router.delete(ITEM, response={204: None})
def item_delete(
    request: HttpRequest, key: str, item_key: str, params: Query[ItemDeleteParams]
) -> Any:
    """Delete an item; one with children needs ?cascade=true. If-Match, if sent, must match."""
    item = _item(request, key, item_key, Permission.ITEM_DELETE)
    services.work_item_delete(
        actor=request.auth, item=item, cascade=params.cascade, version=optional_version(request)
    )
    return Status(204, None)


@router.get("/projects/{key}/labels", response=Page[LabelOut], tags=["labels"])
def label_list(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """The project's labels by name; items create missing labels when they name them."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return paginate(request, selectors.label_list(project), page)


# --- item actions ---------------------------------------------------------------------------


@router.post(f"{ITEM}/transition", response=WorkItemOut)
def item_transition(request: HttpRequest, key: str, item_key: str, payload: TransitionIn) -> Any:
    """Move the item to another status along an allowed transition of the workflow."""
    item = _item(request, key, item_key, Permission.ITEM_TRANSITION)
    version = optional_version(request, payload.version)
    moved = services.work_item_transition(
        actor=request.auth, item=item, to_status=payload.to_status, version=version
    )
    return _fresh(moved)


@router.post(f"{ITEM}/move", response=WorkItemOut)
def item_move(request: HttpRequest, key: str, item_key: str, payload: MoveIn) -> Any:
    """Move the item (with its children) under another parent, at a position (from 1)."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    parent = item_ref(item.project, payload.parent, "parent")
    moved = services.work_item_move(
        actor=request.auth,
        item=item,
        parent=parent,
        position=payload.position,
        version=optional_version(request, payload.version),
    )
    return _fresh(moved)


@router.post(f"{ITEM}/indent", response=WorkItemOut)
def item_indent(request: HttpRequest, key: str, item_key: str) -> Any:
    """Make the item the last child of the sibling above it."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    return _fresh(services.work_item_indent(actor=request.auth, item=item))


@router.post(f"{ITEM}/outdent", response=WorkItemOut)
def item_outdent(request: HttpRequest, key: str, item_key: str) -> Any:
    """Make the item the sibling just below its parent."""
    item = _item(request, key, item_key, Permission.ITEM_EDIT)
    return _fresh(services.work_item_outdent(actor=request.auth, item=item))


# --- comments -------------------------------------------------------------------------------


@router.get(f"{ITEM}/comments", response=Page[CommentOut], tags=["comments"])
def comment_list(request: HttpRequest, key: str, item_key: str, page: Query[PageParams]) -> Any:
    """The item's comments, oldest first."""
    item = _item(request, key, item_key, Permission.ITEM_VIEW)
    return paginate(request, selectors.comment_list(item), page, render=_on(item))


@router.post(f"{ITEM}/comments", response={201: CommentOut}, tags=["comments"])
def comment_create(request: HttpRequest, key: str, item_key: str, payload: CommentIn) -> Any:
    """Comment on the item; @username mentions a member."""
    item = _item(request, key, item_key, Permission.COMMENT_CREATE)
    return Status(201, services.comment_create(actor=request.auth, item=item, body=payload.body))


@router.patch(f"{ITEM}/comments/{{comment_id}}", response=CommentOut, tags=["comments"])
def comment_update(
    request: HttpRequest, key: str, item_key: str, comment_id: int, payload: CommentPatch
) -> Any:
    """Edit a comment (its author, or a moderator)."""
    comment = _comment(_item(request, key, item_key, Permission.ITEM_VIEW), comment_id)
    return services.comment_update(actor=request.auth, comment=comment, body=payload.body)


@router.delete(f"{ITEM}/comments/{{comment_id}}", response={204: None}, tags=["comments"])
def comment_delete(request: HttpRequest, key: str, item_key: str, comment_id: int) -> Any:
    """Delete a comment (its author, or a moderator)."""
    comment = _comment(_item(request, key, item_key, Permission.ITEM_VIEW), comment_id)
    services.comment_delete(actor=request.auth, comment=comment)
    return Status(204, None)


# --- history --------------------------------------------------------------------------------


@router.get(f"{ITEM}/history", response=Page[ChangeOut], tags=["history"])
def item_history(request: HttpRequest, key: str, item_key: str, page: Query[PageParams]) -> Any:
    """Every change to the item, oldest first: who, when, field, old → new."""
    item = _item(request, key, item_key, Permission.HISTORY_VIEW)
    return paginate(request, selectors.item_history(item), page)


@router.get("/projects/{key}/history", response=Page[ChangeOut], tags=["history"])
def project_history(request: HttpRequest, key: str, page: Query[PageParams]) -> Any:
    """Every change in the project, deleted items included, newest first."""
    project = access_project(request.auth, key, Permission.HISTORY_VIEW)
    return paginate(request, selectors.project_history(project), page)
