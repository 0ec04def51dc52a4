"""Dependencies through the API: creating, changing, and refusing cycles."""

from __future__ import annotations

import pytest
from tests.factories import item_create

from keel.apps.work.models import Dependency, ItemChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def abc(project):
    return [item_create(project, title) for title in ("Design", "Build", "Test")]


def _link(client, project, pred, succ, **extra):
    body = {"predecessor": pred.key, "successor": succ.key, **extra}
    return client.post(f"projects/{project.key}/dependencies", body)


def test_cycle_is_refused_naming_the_three_items(project, abc, as_user, error_of):
    """C → A after A → B → C closes a loop: 400, code "cycle", all three named, nothing stored."""
    a, b, c = abc
    client = as_user(project.manager)
    assert _link(client, project, a, b).status_code == 201
    assert _link(client, project, b, c).status_code == 201
    links_before = Dependency.objects.count()
    history_before = ItemChange.objects.count()

    response = _link(client, project, c, a)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "cycle"
    assert sorted(error["details"]["cycle"]) == sorted([a.key, b.key, c.key])
    for item in (a, b, c):
        assert item.key in error["message"]
    assert Dependency.objects.count() == links_before
    assert not Dependency.objects.filter(predecessor=c, successor=a).exists()
    assert ItemChange.objects.count() == history_before


def test_link_lists_and_filters_by_item(project, abc, as_user):
    """A new link shows up in the project's list and in the list filtered to one of its items."""
    a, b, c = abc
    client = as_user(project.manager)
    created = _link(client, project, a, b, type="SS", lag_days="1.5")
    assert created.status_code == 201
    assert created.json()["predecessor"] == a.key
    assert created.json()["type"] == "SS"
    assert created.json()["lag_days"] == "1.50"
    own = client.get(f"projects/{project.key}/dependencies?item={b.key}").json()
    assert [d["id"] for d in own["items"]] == [created.json()["id"]]
    assert client.get(f"projects/{project.key}/dependencies?item={c.key}").json()["count"] == 0


def test_update_and_delete_a_link(project, abc, as_user):
    """A link's lag can be changed with its version, and the link removed."""
    a, b, _ = abc
    client = as_user(project.manager)
    link = _link(client, project, a, b).json()
    url = f"projects/{project.key}/dependencies/{link['id']}"
    changed = client.patch(url, {"lag_days": "-2", "version": link["version"]})
    assert changed.status_code == 200
    assert changed.json()["lag_days"] == "-2.00"
    assert changed.json()["version"] == link["version"] + 1
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_link_to_unknown_item_is_a_field_error(project, abc, as_user, error_of):
    """Naming an item that does not exist is a 400 that points at the field."""
    a, _, _ = abc
    before = Dependency.objects.count()
    response = as_user(project.manager).post(
        f"projects/{project.key}/dependencies", {"predecessor": a.key, "successor": "ERP-999"}
    )
    assert response.status_code == 400
    assert "successor" in error_of(response)["details"]["fields"]
    assert Dependency.objects.count() == before
