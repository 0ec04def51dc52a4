"""Resource web pages: pool, resource page, skills matrix, heat map, project tab, item panel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from tests.factories import UserFactory, item_create

from keel.apps.resources import services
from keel.apps.resources.models import Assignment, RequestStatus, ResourceRequest
from keel.apps.work.scheduling import schedule_store

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def booked(staff, planned):
    """Ana (owned by staff, Python 4) booked full time on two items in the week of 2 March."""
    ana = services.resource_create(actor=staff, name="Ana", kind="person", owner=staff)
    crane = services.resource_create(actor=staff, name="Crane", kind="equipment")
    python = services.skill_create(actor=staff, name="Python")
    services.resource_skill_set(actor=staff, resource=ana, skill=python, level=4)
    items = [
        item_create(planned, t, duration_days=Decimal(5), planned_start=date(2026, 3, 2))
        for t in ("Design", "Build")
    ]
    for item in items:
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
    schedule_store(planned)
    return {"ana": ana, "crane": crane, "items": items}


def test_pool_filters_by_kind_and_skill(booked, user):
    """Anyone signed in sees the pool; filters narrow it; the top bar links to it."""
    client = _client(user)
    page = client.get("/resources/").content.decode()
    assert "Ana" in page and "Crane" in page and 'href="/resources/"' in page
    only = client.get("/resources/?kind=equipment").content.decode()
    assert "Crane" in only and ">Ana<" not in only
    skilled = client.get("/resources/?skill=Python").content.decode()
    assert ">Ana<" in skilled and "Crane" not in skilled


def test_staff_add_resources_and_others_cannot(staff, user):
    """The new-resource form is for pool managers; a plain user's post changes nothing."""
    _client(user).post("/resources/", {"name": "Sneaky", "kind": "person"})
    _client(staff).post("/resources/", {"name": "Bo", "kind": "person", "capacity": "6"})
    page = _client(staff).get("/resources/").content.decode()
    assert "Bo" in page and "Sneaky" not in page


def test_resource_page_hides_rates_from_plain_users(booked, staff, user):
    """Staff add a rate and see it; a plain user sees the calendar and skills but no rates."""
    ana = booked["ana"]
    _client(staff).post(
        f"/resources/{ana.pk}/", {"op": "rate", "effective_from": "2026-01-01", "standard": "88"}
    )
    assert "88.00" in _client(staff).get(f"/resources/{ana.pk}/").content.decode()
    page = _client(user).get(f"/resources/{ana.pk}/").content.decode()
    assert "Python" in page and "88.00" not in page


def test_skills_matrix_shows_levels(booked, user):
    """The matrix has a column per skill and the level in the cell."""
    page = _client(user).get("/resources/skills/").content.decode()
    assert 'class="lvl lvl-4">4<' in page


def test_heat_map_flags_over_allocation_and_clicks_through(booked, planned):
    """Ana's week of 2 March reads 200 % and is flagged; the cell lists both items; the CSV
    has the same figure."""
    client = _client(planned.manager)
    page = client.get("/resources/heatmap/?from=2026-03-02&weeks=2").content.decode()
    assert "200% ⚠" in page
    cell = client.get(
        f"/resources/heatmap/{booked['ana'].pk}/?start=2026-03-02&end=2026-03-08"
    ).content.decode()
    assert all(item.key in cell for item in booked["items"])
    csv_text = client.get("/resources/heatmap/?from=2026-03-02&weeks=2&format=csv")
    assert "Ana,person,,2026-03-02,2026-03-08,40.0,80.0,200,yes" in csv_text.content.decode()


def test_heat_map_hides_load_from_projects_you_cannot_see(booked):
    """A stranger sees Ana's row but none of the load from the hidden project."""
    page = _client(UserFactory()).get("/resources/heatmap/?from=2026-03-02&weeks=1")
    assert "200%" not in page.content.decode()


def test_project_tab_lists_assignments_and_requests(booked, planned, staff):
    """The Resources tab shows assignments and over-allocation; the PM requests Crane and
    staff (its owner) approve it there."""
    pm = _client(planned.manager)
    page = pm.get("/p/ERP/resources/").content.decode()
    assert booked["items"][0].key in page and "over-allocated" in page
    pm.post(
        "/p/ERP/resources/",
        {"op": "request", "resource": booked["crane"].pk, "start": "2026-03-02",
         "finish": "2026-03-13", "hours": "20"},
    )  # fmt: skip
    request = ResourceRequest.objects.get()
    _client(staff).post("/p/ERP/resources/", {"op": "approve", "request": request.pk})
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED, "staff who are not members see nothing"
    owner_member = booked["crane"].owner
    from tests.factories import MembershipFactory

    MembershipFactory(project=planned, user=owner_member, role="viewer")
    _client(owner_member).post(
        "/p/ERP/resources/", {"op": "approve", "request": request.pk, "note": "ok"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_project_tab_is_404_for_outsiders(booked):
    assert _client(UserFactory()).get("/p/ERP/resources/").status_code == 404


def test_item_panel_adds_and_removes_assignments(booked, planned, member_of):
    """The item page lists assignments; the PM adds Crane; a member sees no form and cannot
    post one."""
    item = booked["items"][0]
    pm = _client(planned.manager)
    url = f"/p/ERP/items/{item.key}/"
    assert "Ana" in pm.get(url).content.decode()
    pm.post(f"{url}assignments/", {"op": "add", "resource": booked["crane"].pk, "units": "0.5"})
    assert Assignment.objects.filter(item=item).count() == 2
    member = _client(member_of(planned))
    assert "as-res" not in member.get(url).content.decode()
    assert member.post(f"{url}assignments/", {"op": "add"}).status_code == 403
    row = Assignment.objects.get(item=item, resource=booked["crane"])
    pm.post(f"{url}assignments/", {"op": "delete", "assignment": row.pk})
    assert Assignment.objects.filter(item=item).count() == 1


def test_bad_assignment_on_the_item_page_shows_the_message(booked, planned):
    """Units of 0 are refused with a message and nothing saved."""
    item = booked["items"][0]
    response = _client(planned.manager).post(
        f"/p/ERP/items/{item.key}/assignments/",
        {"op": "add", "resource": booked["crane"].pk, "units": "0"},
        follow=True,
    )
    assert "greater than zero" in response.content.decode()
    assert not Assignment.objects.filter(resource=booked["crane"]).exists()


def test_heat_map_per_team_view(booked, planned, staff):
    """The heat map sums each team's people (Platform: Ana 80 h and Crane 0 h of 80 h is
    100 %, one person over-allocated) and links to that team's own heat map."""
    from keel.apps.accounts.services import team_create

    team = team_create(actor=staff, name="Platform", slug="platform")
    for name in ("ana", "crane"):
        services.resource_update(actor=staff, resource=booked[name], team=team)
    client = _client(planned.manager)
    page = client.get("/resources/heatmap/?from=2026-03-02&weeks=2").content.decode()
    teams = page.split('class="grid res-heat res-teams"')[1].split("</table>")[0]
    assert "Platform" in teams and "team=platform" in teams
    assert "100% ⚠ 1" in teams
    one = client.get("/resources/heatmap/?from=2026-03-02&weeks=2&team=platform").content
    assert "res-teams" not in one.decode() and "200% ⚠" in one.decode()
