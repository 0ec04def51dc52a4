"""Comments on work items, with @username mentions of project members."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.models import Project
from keel.apps.work.models import ChangeAction, Comment, Mention, WorkItem
from keel.apps.work.services._common import record
from keel.domain.errors import ValidationError

__all__ = ["comment_create", "comment_delete", "comment_update", "mentioned_usernames"]

MAX_COMMENT_LENGTH = 20_000
# A mention starts after a space or the start of text, so e-mail addresses are not mentions.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_usernames(body: str) -> list[str]:
    """Usernames written as ``@name`` in ``body``, in order of first appearance.

    Trailing punctuation ends a mention: ``@ana.`` names ``ana``.
    """
    seen: list[str] = []
    for match in _MENTION.finditer(body):
        name = match.group(1).rstrip(".-+@")
        if name and name not in seen:
            seen.append(name)
    return seen


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError("A comment cannot be empty.")
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError(f"A comment holds at most {MAX_COMMENT_LENGTH} characters.")
    return text


def _sync_mentions(comment: Comment, project: Project) -> list[User]:
    names = mentioned_usernames(comment.body)
    users = list(
        User.objects.filter(username__in=names, project_memberships__project=project).distinct()
    )
    comment.mentions.exclude(user__in=users).delete()
    have = set(comment.mentions.values_list("user_id", flat=True))
    Mention.objects.bulk_create(Mention(comment=comment, user=u) for u in users if u.pk not in have)
    return users


def _excerpt(body: str) -> str:
    return body if len(body) <= 200 else body[:199] + "…"


@transaction.atomic
def comment_create(*, actor: User, item: WorkItem, body: str) -> Comment:
    """Add a comment; ``@username`` of a project member becomes a mention."""
    project = access_project(actor, item.project_id, Permission.COMMENT_CREATE)
    comment = Comment.objects.create(item=item, author=actor, body=_clean_body(body))
    _sync_mentions(comment, project)
    record(
        item,
        project=project,
        item_key=item.key,
        actor=actor,
        action=ChangeAction.COMMENTED,
        field="comment",
        new=_excerpt(comment.body),
    )
    return comment


def _may_change(actor: User, comment: Comment) -> Project:
    item = comment.item
    project = access_project(actor, item.project_id, Permission.PROJECT_VIEW)
    perms = project_permissions(actor, project)
    is_author = comment.author_id == actor.pk and Permission.COMMENT_CREATE in perms
    if not (is_author or Permission.COMMENT_MODERATE in perms):
        raise PermissionDenied("Only the author or a moderator may change this comment.")
    return project


@transaction.atomic
def comment_update(*, actor: User, comment: Comment, body: str) -> Comment:
    """Edit a comment (its author, or someone with ``comment.moderate``); mentions follow."""
    current = Comment.objects.select_for_update().select_related("item__project").get(pk=comment.pk)
    project = _may_change(actor, current)
    old = current.body
    current.body = _clean_body(body)
    if current.body == old:
        return current
    current.save()
    _sync_mentions(current, project)
    record(
        current.item,
        project=project,
        item_key=current.item.key,
        actor=actor,
        action=ChangeAction.UPDATED,
        field="comment",
        old=_excerpt(old),
        new=_excerpt(current.body),
    )
    return current


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Delete a comment (its author, or someone with ``comment.moderate``)."""
    current = Comment.objects.select_for_update().select_related("item__project").get(pk=comment.pk)
    project = _may_change(actor, current)
    record(
        current.item,
        project=project,
        item_key=current.item.key,
        actor=actor,
        action=ChangeAction.UPDATED,
        field="comment",
        old=_excerpt(current.body),
        new="",
    )
    current.delete()
