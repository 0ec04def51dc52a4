"""List endpoints read a page in a fixed number of queries, however many rows it holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import item_create

from keel.apps.work.services import comment_create, dependency_create

pytestmark = pytest.mark.django_db


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    ["items", "items/{first}/comments", "dependencies", "history", "members"],
)
def test_list_queries_do_not_grow_with_rows(project, member_of, as_user, path):
    """Tripling the rows on a page leaves the number of queries unchanged (no N+1)."""
    pm = project.manager
    first = item_create(project, "First", labels=["a"], assignee=pm)
    client = as_user(pm)
    url = path.format(first=first.key)
    url = f"/api/v1{url}" if url.startswith("/") else f"projects/{project.key}/{url}"

    def grow(n):
        for i in range(n):
            item = item_create(project, f"Task {i}", labels=["a", "b"], assignee=pm)
            dependency_create(actor=pm, predecessor=first, successor=item)
            comment_create(actor=pm, item=first, body=f"Note {i}")
            member_of(project)

    grow(2)
    few = _queries(client, url)
    grow(6)
    many = _queries(client, url)
    assert many == few
