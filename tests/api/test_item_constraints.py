"""Explicit date constraints on items, over the API."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import ProjectFactory, item_create

pytestmark = pytest.mark.django_db


def test_a_must_start_on_constraint_moves_the_item(as_user, django_capture_on_commit_callbacks):
    """MSO on Wednesday 09:00 puts the item there; the constraint reads back."""
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(template="kanban", start_date=date(2026, 3, 2))
        item = item_create(project, "Cut-over", duration_days=1)
    client = as_user(project.manager)
    url = f"projects/{project.key}/items/{item.key}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            url,
            {
                "constraint_type": "MSO",
                "constraint_date": "2026-03-04T09:00:00",
                "version": item.version,
            },
        )
    assert response.status_code == 200, response.content
    body = client.get(url).json()
    assert body["constraint_type"] == "MSO"
    assert body["early_start"].startswith("2026-03-04T09:00")


def test_a_dated_constraint_without_a_date_is_refused(as_user, error_of):
    project = ProjectFactory(template="kanban")
    item = item_create(project, "Cut-over")
    client = as_user(project.manager)
    url = f"projects/{project.key}/items/{item.key}"
    response = client.patch(url, {"constraint_type": "FNLT", "version": item.version})
    assert response.status_code == 400
    assert "constraint_date" in str(error_of(response))
    assert client.get(url).json()["constraint_type"] == ""
