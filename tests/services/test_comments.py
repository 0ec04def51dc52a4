"""Comments: @mentions of project members, edit and delete rights, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import UserFactory, item_create

from keel.apps.work.models import Comment, Mention
from keel.apps.work.selectors import comment_list, item_history
from keel.apps.work.services import comment_create, comment_delete, comment_update
from keel.apps.work.services.comments import mentioned_usernames
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("@ana please check", ["ana"]),
        ("Thanks @ana.", ["ana"]),
        ("cc @ana, @bo-b and @ana", ["ana", "bo-b"]),
        ("mail ana@example.org", []),
        ("(@li.wei)", ["li.wei"]),
        ("no mentions", []),
    ],
)
def test_mentions_are_read_from_the_text(body, names):
    """@name marks a mention; e-mail addresses and trailing punctuation do not."""
    assert mentioned_usernames(body) == names


def test_mentions_of_members_are_stored_and_outsiders_ignored(project, member_of):
    """Only project members become mentions; the comment is noted in the item's history."""
    ana = member_of(project, "member", username="ana")
    UserFactory(username="eve")
    item = item_create(project)
    comment = comment_create(actor=project.manager, item=item, body="@ana and @eve: see @nobody")
    assert [m.user for m in comment.mentions.all()] == [ana]
    row = item_history(item).last()
    assert (row.action, row.new) == ("commented", "@ana and @eve: see @nobody")


def test_editing_a_comment_updates_its_mentions(project, member_of):
    """Removing a name from the text removes the mention; adding one adds it."""
    member_of(project, "member", username="ana")
    bob = member_of(project, "member", username="bob")
    item = item_create(project)
    comment = comment_create(actor=project.manager, item=item, body="@ana look")
    comment_update(actor=project.manager, comment=comment, body="@bob look instead")
    assert [m.user for m in Mention.objects.filter(comment=comment)] == [bob]


def test_only_author_or_moderator_may_change_a_comment(project, member_of):
    """Another member cannot edit or delete your comment; a QA manager (moderator) can."""
    dev = member_of(project, "member")
    other = member_of(project, "member")
    qa = member_of(project, "qa_manager")
    item = item_create(project)
    comment = comment_create(actor=dev, item=item, body="first")
    with pytest.raises(PermissionDenied):
        comment_update(actor=other, comment=comment, body="hijacked")
    with pytest.raises(PermissionDenied):
        comment_delete(actor=other, comment=comment)
    comment_update(actor=dev, comment=comment, body="first, edited")
    comment_delete(actor=qa, comment=comment)
    assert not Comment.objects.exists()


def test_viewers_cannot_comment_and_empty_comments_are_refused(project, member_of):
    """A viewer may not comment; nobody may post a blank comment."""
    viewer = member_of(project, "viewer")
    item = item_create(project)
    with pytest.raises(PermissionDenied):
        comment_create(actor=viewer, item=item, body="hi")
    with pytest.raises(ValidationError, match="empty"):
        comment_create(actor=project.manager, item=item, body="   ")
    assert not Comment.objects.exists()


def test_comment_list_takes_constant_queries(project, member_of, django_assert_num_queries):
    """Listing comments with authors and mentions costs two queries however many there are."""
    member_of(project, "member", username="ana")
    item = item_create(project)
    for n in range(5):
        comment_create(actor=project.manager, item=item, body=f"note {n} for @ana")
    with django_assert_num_queries(2):
        rows = [
            (c.author.username, [m.user.username for m in c.mentions.all()])
            for c in comment_list(item)
        ]
    assert rows == [(project.manager.username, ["ana"])] * 5
