"""One error format for every refusal, and the 404 rule for people outside a project."""

from __future__ import annotations

import pytest
from tests.factories import item_create

from keel.apps.work.models import WorkItem

pytestmark = pytest.mark.django_db


def test_unknown_path_is_404_in_error_format(user, as_user, error_of):
    """A path under /api/v1 that matches no endpoint is a JSON 404, not an HTML page."""
    response = as_user(user).get("no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405_in_error_format(project, as_user, error_of):
    """PUT where only GET/PATCH/DELETE exist is a 405 that lists the allowed methods."""
    response = as_user(project.manager).put(f"projects/{project.key}", {"name": "X"})
    assert response.status_code == 405
    error = error_of(response)
    assert error["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"] and "PATCH" in error["message"]


def test_member_without_permission_gets_403(project, member_of, as_user, error_of):
    """A viewer who tries to create an item is told 403, and nothing is created."""
    viewer = member_of(project, "viewer")
    before = WorkItem.objects.count()
    response = as_user(viewer).post(f"projects/{project.key}/items", {"title": "Sneaky"})
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert "item.create" in error["message"]
    assert WorkItem.objects.count() == before


def test_outsider_gets_the_same_404_as_for_a_missing_project(project, user, as_user, error_of):
    """A non-member cannot tell an existing project from a missing one: both are the same 404."""
    client = as_user(user)
    existing = client.get(f"projects/{project.key}/items")
    missing = client.get("projects/NOPE/items")
    assert existing.status_code == missing.status_code == 404
    assert error_of(existing) == error_of(missing)
    write = client.post(f"projects/{project.key}/items", {"title": "X"})
    assert write.status_code == 404


def test_unknown_field_is_refused_with_400(project, as_user, error_of):
    """A misspelt field is not ignored: 400 naming the field, and nothing is created."""
    before = WorkItem.objects.count()
    response = as_user(project.manager).post(
        f"projects/{project.key}/items", {"title": "Real", "asignee": "bob"}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["details"]["fields"] == {"asignee": ["Unknown field."]}
    assert "asignee" in error["message"]
    assert WorkItem.objects.count() == before


def test_wrong_type_and_missing_field_are_field_errors(project, as_user, error_of):
    """A number where text belongs, or a missing required field, is a 400 per field."""
    client = as_user(project.manager)
    wrong = client.post(f"projects/{project.key}/items", {"title": ["not", "text"]})
    assert wrong.status_code == 400
    assert "title" in error_of(wrong)["details"]["fields"]
    missing = client.post(f"projects/{project.key}/items", {"description": "no title"})
    assert missing.status_code == 400
    assert error_of(missing)["details"]["fields"]["title"] == ["This field is required."]


def test_out_of_range_value_is_a_field_error(project, as_user, error_of):
    """Progress above 100 is refused before anything is stored."""
    item = item_create(project, "Task")
    response = as_user(project.manager).patch(
        f"projects/{project.key}/items/{item.key}", {"progress": 150, "version": item.version}
    )
    assert response.status_code == 400
    assert "progress" in error_of(response)["details"]["fields"]
    assert WorkItem.objects.get(pk=item.pk).progress == 0


def test_malformed_json_is_400(project, as_user, error_of):
    """A body that is not JSON gets a 400 in the error format."""
    response = as_user(project.manager).call(
        "POST", f"projects/{project.key}/items", raw="{not json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert "JSON" in error["message"]


def test_body_that_is_not_an_object_is_400(project, as_user, error_of):
    """A JSON list where an object belongs is a 400 on the body as a whole."""
    response = as_user(project.manager).call(
        "POST", f"projects/{project.key}/items", raw='["title"]'
    )
    assert response.status_code == 400
    assert error_of(response)["details"]["fields"] == {
        "body": ["The request body must be a JSON object."]
    }


def test_business_rule_refusal_is_400_with_message(project, as_user, error_of):
    """A rule the service enforces (an assignee must be a member) is a 400 with its reason."""
    response = as_user(project.manager).post(
        f"projects/{project.key}/items", {"title": "Task", "assignee": "stranger"}
    )
    assert response.status_code == 400
    assert "stranger" in error_of(response)["message"]


def test_bad_page_parameters_are_field_errors(project, as_user, error_of):
    """page_size above the maximum and page 0 are refused, naming the parameter."""
    client = as_user(project.manager)
    too_big = client.get(f"projects/{project.key}/items?page_size=1000")
    assert too_big.status_code == 400
    assert "query.page_size" in error_of(too_big)["details"]["fields"]
    zero = client.get(f"projects/{project.key}/items?page=0")
    assert zero.status_code == 400


def test_api_root_points_to_the_openapi_document(anon):
    """/api/v1/ answers with links to the OpenAPI document and the docs, readable by anyone."""
    response = anon.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    assert anon.get(body["openapi"].removeprefix("http://testserver")).status_code == 200


def test_path_parameter_of_wrong_type_is_a_field_error(project, as_user, error_of):
    """A non-numeric id in the path is a 400 naming the path parameter."""
    response = as_user(project.manager).get(f"projects/{project.key}/dependencies/abc")
    assert response.status_code == 400
    assert "path.dependency_id" in error_of(response)["details"]["fields"]
